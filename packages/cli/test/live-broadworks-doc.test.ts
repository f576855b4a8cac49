/**
 * docs/live-broadworks.md cannot rot: its `sh` blocks run, in order and as written, in one shell
 * with the built `pbxport` on the PATH, in a fresh folder; the sandboxes they start in the
 * background are stopped by the page itself, and by this test whatever happens.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { bin, tempDir } from "./support.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const page = fs.readFileSync(path.join(repo, "docs/live-broadworks.md"), "utf8")
const blocks = [...page.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

describe("docs/live-broadworks.md", () => {
  it("runs every sh block as written, against both sandboxes", { timeout: 300_000 }, async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, "bin"))
    fs.writeFileSync(path.join(dir, "bin", "pbxport"), `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`, { mode: 0o755 })
    // its own process group, so a failing block cannot leave a sandbox running
    const shell = spawn("sh", ["-eu", "-c", blocks.join("\n")], { cwd: dir, detached: true, env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    shell.stdout.on("data", (b: Buffer) => out.push(b))
    shell.stderr.on("data", (b: Buffer) => out.push(b))
    let code: number | null
    const stop = () => {
      try {
        process.kill(-shell.pid!, "SIGTERM")
      } catch {
        // the group is gone already
      }
    }
    // a block that hangs must not hang the suite
    const timer = setTimeout(stop, 240_000)
    try {
      code = await new Promise<number | null>((resolve) => shell.on("close", resolve))
    } finally {
      clearTimeout(timer)
      stop()
    }
    const text = Buffer.concat(out).toString("utf8")
    expect(code, text).toBe(0)
    expect(text).toContain("3 users read, matched by userId: 3 created, 0 updated, 0 unchanged, 0 failed")
    expect(text).toContain('lastName "Lefèvre" -> "Lefèvre-Dupré"')
    expect(text).toContain("3 users read, matched by userId: 0 created, 1 updated, 2 unchanged, 0 failed")
    for (const file of ["group.json", "odin-group.json"]) {
      const users = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Array<Record<string, unknown>>
      expect(users.map((u) => [u["userId"], u["lastName"], u["extension"]]).sort()).toEqual(
        file === "group.json"
          ? [["ann@example.com", "Smith", "0103"], ["pbx@example.com", "Trunk", "0102"], ["zoe@example.com", "Lefèvre", "0101"]]
          : [["ann@example.com", "Smith", "0103"], ["pbx@example.com", "Trunk", "0102"], ["zoe@example.com", "Lefèvre-Dupré", "0101"]]
      )
    }
  })
})
