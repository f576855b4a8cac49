/**
 * The credentials of users a live migration creates with generated passwords: each password is
 * recorded durably before the request that sets it is sent, and handed over in one owner-only
 * file once the run ends.
 *
 * A password the platform never gives back (CommPeak's API does not list passwords,
 * specs/commpeak.md §3) must not be lost between the request that sets it and the end of the
 * run: a run killed after the request would leave a user nobody can log in as. So every
 * generated password is appended to a spool (owner-only, fsynced) before it is returned, with the
 * platform's id once the user exists; a resumed run takes the passwords from the spool instead of
 * generating others. When the run ends, the credentials file is written like the ones
 * `pbxport commpeak credentials` writes (the `commpeak-success` dialect, mode 0600, renamed into
 * place when complete) with the users that exist, and the spool is removed. The spool and the
 * file are the only places a password is written.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Redacted } from "effect"
import type { Adapter, User } from "@pbxport/core"
import * as Decode from "./Decode.js"
import * as Output from "./Output.js"
import { PbxportError } from "./PbxportError.js"
import * as Secrets from "./Secrets.js"

/**
 * One line of the spool (JSON): a user's password, then the platform's answer about them.
 */
type Line =
  | { readonly k: string; readonly u: string | null; readonly e: string | null; readonly p: string }
  | { readonly k: string; readonly id: string }
  | { readonly k: string; readonly refused: true }

/** What the spool knows of one user. */
interface Entry {
  username: string | null
  email: string | null
  password: string
  id: string | null
  refused: boolean
}

/**
 * An open spool.
 */
export interface Spool {
  /** The credentials file it ends in. */
  readonly file: string
  /**
   * The password to create a user with: the one recorded by an earlier run, else a new one from
   * the policy, recorded and fsynced before it is returned.
   */
  readonly passwordFor: (user: User.User) => string
  /** Records the platform's id of a user created with a spooled password. */
  readonly created: (user: User.User, id: string) => void
  /** Records that the platform refused the user: its password goes nowhere. */
  readonly refused: (user: User.User) => void
  /**
   * Writes the credentials file with the users created (those with an id, and those whose
   * answer was lost and whom `exists` finds on the platform), removes the spool, and returns how
   * many users the file holds.
   */
  readonly finish: (exists: (user: { readonly username: string | null; readonly email: string | null }) => boolean) => Promise<number>
  /** Closes the spool and keeps it, for the next run (the run was interrupted). */
  readonly close: () => void
}

/** The key of a user in the spool: the username, else the email without case. */
const keyOf = (user: { readonly username?: string | null | undefined; readonly email?: string | null | undefined }): string | undefined =>
  user.username ? `u:${user.username}` : user.email ? `e:${user.email.toLowerCase()}` : undefined

/**
 * The spool file of a credentials file: hidden, beside it.
 */
export const spoolPath = (file: string): string => path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.pbxport-spool`)

/**
 * Opens the spool of a credentials file, before any request is sent: checks that the file can
 * be written, takes over the spool of an interrupted run, and the users of an earlier complete
 * run (read from the file, in the credentials dialect).
 *
 * @throws PbxportError `UnwritableFile` when the folder cannot take the file, `Usage` when the
 * spool is readable by others.
 */
export const open = async (file: string, dialect: Adapter.Adapter, policy: Secrets.Policy): Promise<Spool> => {
  const spool = spoolPath(file)
  const entries = new Map<string, Entry>()
  const order: Array<string> = []
  const put = (k: string, e: Entry): void => {
    if (!entries.has(k)) order.push(k)
    entries.set(k, e)
  }
  if (fs.existsSync(file)) {
    const stat = fs.statSync(file)
    if (!stat.isFile()) throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: "it is not a regular file" })
    // users created by an earlier complete run stay in the file
    const read = await Decode.decode({ path: file }, { from: dialect })
    for await (const row of read.rows) {
      const u = row.user
      const k = u === undefined ? undefined : keyOf(u)
      const password = u?.password
      if (u === undefined || k === undefined || password === undefined || password === null) continue
      put(k, { username: u.username ?? null, email: u.email ?? null, password: Redacted.value(password), id: "earlier", refused: false })
    }
  }
  let fd: number
  try {
    if (fs.existsSync(spool) && (fs.statSync(spool).mode & 0o077) !== 0) {
      throw new PbxportError({ _tag: "Usage", detail: `${spool} holds passwords and is readable by others (mode ${(fs.statSync(spool).mode & 0o777).toString(8)}); run chmod 600 on it` })
    }
    fd = fs.openSync(spool, "a+", 0o600)
  } catch (e) {
    if (e instanceof PbxportError) throw e
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
  const text = fs.readFileSync(spool, "utf8")
  const end = text.lastIndexOf("\n") + 1
  // a line cut short by a crash is dropped: its password was never sent (it is fsynced first)
  if (end < text.length) fs.ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)))
  for (const raw of text.slice(0, end).split("\n")) {
    if (raw.trim() === "") continue
    let line: Line
    try {
      line = JSON.parse(raw) as Line
    } catch {
      throw new PbxportError({ _tag: "UnreadableFile", path: spool, cause: "a line is not a spool record; the spool was changed by something other than pbxport" })
    }
    const known = entries.get(line.k)
    if ("p" in line) put(line.k, { username: line.u, email: line.e, password: line.p, id: null, refused: false })
    else if (known !== undefined && "id" in line) known.id = line.id
    else if (known !== undefined && "refused" in line) known.refused = true
  }
  const append = (line: Line): void => {
    fs.writeSync(fd, JSON.stringify(line) + "\n")
    fs.fsyncSync(fd)
  }
  const keyed = (user: User.User): string => {
    const k = keyOf(user)
    if (k === undefined) throw new PbxportError({ _tag: "Usage", detail: "a user without a username or an email cannot be given a generated password (it could not be told whose it is)" })
    return k
  }
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    fs.closeSync(fd)
  }
  return {
    file,
    passwordFor: (user) => {
      const k = keyed(user)
      const known = entries.get(k)
      if (known !== undefined && !known.refused) return known.password
      const password = Secrets.generate(policy, "password")
      append({ k, u: user.username ?? null, e: user.email ?? null, p: password })
      put(k, { username: user.username ?? null, email: user.email ?? null, password, id: null, refused: false })
      return password
    },
    created: (user, id) => {
      const k = keyOf(user)
      const known = k === undefined ? undefined : entries.get(k)
      if (known === undefined || k === undefined) return
      known.id = id
      known.refused = false
      append({ k, id })
    },
    refused: (user) => {
      const k = keyOf(user)
      const known = k === undefined ? undefined : entries.get(k)
      if (known === undefined || k === undefined || known.id !== null) return
      known.refused = true
      append({ k, refused: true })
    },
    finish: async (exists) => {
      close()
      const writer = dialect.writer({})
      const out = Output.create(dialect, writer, { path: file }, { mode: 0o600 })
      let rows = 0
      try {
        for (const k of order) {
          const e = entries.get(k)!
          if (e.refused || (e.id === null && !exists(e))) continue
          const user: User.User = { ...(e.username ? { username: e.username } : {}), ...(e.email ? { email: e.email } : {}), password: Redacted.make(e.password) }
          out.add(writer.encode(user, rows++))
        }
        await out.finish()
      } catch (err) {
        await out.abort()
        throw err
      }
      fs.rmSync(spool, { force: true })
      return rows
    },
    close
  }
}
