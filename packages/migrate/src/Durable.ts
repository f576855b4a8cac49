/**
 * Writes that survive a crash: a file appears whole under its name or not at all, and is on
 * disk (fsynced, with its directory entry) before the caller goes on to record that it exists.
 */
import * as fs from "node:fs"
import * as path from "node:path"

/**
 * Flushes a directory's entries (new and renamed files) to disk; a no-op where directories
 * cannot be opened (Windows).
 */
export const syncDir = (dir: string): void => {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, "r")
    fs.fsyncSync(fd)
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic there
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/**
 * Writes bytes to a file atomically and durably: a temporary file in the same folder, fsynced,
 * renamed over the final name, then the folder fsynced. Writing the same bytes again is harmless.
 */
export const writeFile = (file: string, bytes: Uint8Array, mode = 0o666): void => {
  const dir = path.dirname(file)
  const temp = path.join(dir, `.${path.basename(file)}.pbxport-${process.pid}.tmp`)
  const fd = fs.openSync(temp, "w", mode)
  try {
    let at = 0
    while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at)
    fs.fsyncSync(fd)
  } catch (e) {
    fs.closeSync(fd)
    fs.rmSync(temp, { force: true })
    throw e
  }
  fs.closeSync(fd)
  fs.renameSync(temp, file)
  syncDir(dir)
}
