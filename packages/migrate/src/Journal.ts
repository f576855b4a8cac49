/**
 * The journal of a migration: an append-only JSON Lines file that records what became of every
 * user, so that a run interrupted at any point can be run again and go on where it stopped.
 *
 * Records (one JSON object per line, `type` first):
 * - `start`: a run began: the source (name and SHA-256 of its bytes), dialects, target, batch
 *   size and digests of the options; every later run must agree with the first `start`;
 * - `user`: one user's outcome in a batch: `written` (with the file) or `skipped` (with why);
 * - `intent` (live targets): the users a request is about to be sent for, appended and fsynced
 *   before the request goes out, so that a run killed while the request was in flight knows to
 *   look them up on the platform before sending them again;
 * - `commit`: the batch whose `user` records precede it is done: its files are on disk, or the
 *   platform answered for each of its users;
 * - `done`: the run read the whole source.
 *
 * A batch's `user` records and its `commit` are appended with one write and fsynced before the
 * batch is reported done. `user` records with no `commit` after them belong to a batch that was
 * interrupted: they are ignored and the batch is done again. A last line cut short (a write torn
 * by a crash) is ignored and cut off before the next append; any other unreadable line is an
 * error, as the journal was then changed by something else.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { PbxportError } from "pbxport"
import * as Durable from "./Durable.js"

/**
 * The version of the journal format.
 */
export const version = 1

/**
 * A run began.
 */
export interface Start {
  readonly type: "start"
  readonly version: number
  readonly at: string
  readonly source: { readonly name: string; readonly sha256: string }
  readonly from: string
  readonly to: string
  /** The target's id (`files:wazo`). */
  readonly target: string
  /** A digest of the target's settings (folder, dialects, options), so a resumed run writes the same bytes. */
  readonly settings: string
  readonly batchSize: number
  /** A digest of the source dialect's options and read options. */
  readonly options: string
}

/**
 * What became of one user.
 */
export interface UserRecord {
  readonly type: "user"
  /** The user's idempotency key: `<source digest>:<row>`. */
  readonly key: string
  readonly row: number
  readonly line: number
  readonly label: string | null
  readonly status: "written" | "skipped"
  /** The batch that wrote the user (null for users skipped while reading). */
  readonly batch: number | null
  /** Where it was written (a file of the output folder). */
  readonly file?: string
  /** Why it was skipped (never with secret values). */
  readonly reason?: string
  /** Live targets: the platform's id of the user, and what was done to it. */
  readonly id?: string
  readonly operation?: "create" | "update"
}

/**
 * A live request is about to be sent for these users (journaled before it goes out).
 */
export interface Intent {
  readonly type: "intent"
  readonly batch: number
  readonly operation: "create" | "update"
  readonly users: ReadonlyArray<{ readonly key: string; readonly row: number; readonly line: number; readonly label: string | null }>
}

/**
 * A batch is done: the `user` records before it (since the previous commit) are final.
 */
export interface Commit {
  readonly type: "commit"
  readonly batch: number | null
  readonly files: ReadonlyArray<string>
  readonly written: number
  readonly skipped: number
}

/**
 * The run read the whole source.
 */
export interface Done {
  readonly type: "done"
  readonly at: string
  readonly written: number
  readonly skipped: number
}

/**
 * One line of a journal.
 */
export type Entry = Start | UserRecord | Intent | Commit | Done

/**
 * What a journal holds.
 *
 * **Details**
 * `users` holds the outcomes of committed batches only, by key; `batches` is the highest
 * committed batch number; `torn` tells that the last line was cut short and was ignored;
 * `pending` counts the `user` records of an interrupted batch, which will be done again.
 * `unsettled` holds the intents of live requests whose batch has no commit: they may or may not
 * have been applied.
 */
export interface State {
  readonly start: Start | undefined
  readonly users: ReadonlyMap<string, UserRecord>
  readonly batches: number
  readonly done: boolean
  readonly torn: boolean
  readonly pending: number
  readonly unsettled: ReadonlyArray<Intent>
  /** The length of the readable part of the file, in bytes. */
  readonly length: number
}

const empty: State = { start: undefined, users: new Map(), batches: 0, done: false, torn: false, pending: 0, unsettled: [], length: 0 }

/**
 * Reads the records of a journal's text, ignoring a torn last line.
 */
export const parse = (text: string, name = "the journal"): State => {
  const users = new Map<string, UserRecord>()
  let pending: Array<UserRecord> = []
  const intents = new Map<number, Intent>()
  let start: Start | undefined
  let batches = 0
  let done = false
  const end = text.lastIndexOf("\n") + 1
  const torn = end < text.length
  const lines = text.slice(0, end).split("\n")
  lines.pop()
  lines.forEach((line, i) => {
    if (line.trim() === "") return
    let entry: Entry
    try {
      entry = JSON.parse(line) as Entry
    } catch {
      throw new PbxportError({ _tag: "UnreadableFile", path: name, cause: `line ${i + 1} is not a journal record (not valid JSON); the journal was changed by something other than pbxport` })
    }
    switch (entry.type) {
      case "start":
        start ??= entry
        break
      case "user":
        pending.push(entry)
        break
      case "intent":
        intents.set(entry.batch, entry)
        if (entry.batch > batches) batches = entry.batch
        break
      case "commit":
        for (const u of pending) users.set(u.key, u)
        pending = []
        if (entry.batch !== null) intents.delete(entry.batch)
        if (entry.batch !== null && entry.batch > batches) batches = entry.batch
        break
      case "done":
        done = true
        break
      default:
        throw new PbxportError({ _tag: "UnreadableFile", path: name, cause: `line ${i + 1} is not a journal record (unknown type)` })
    }
  })
  return { start, users, batches, done, torn, pending: pending.length, unsettled: [...intents.values()], length: Buffer.byteLength(text.slice(0, end)) }
}

/**
 * Reads a journal file; a missing file is an empty journal.
 */
export const read = (file: string): State => {
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return empty
    throw new PbxportError({ _tag: "UnreadableFile", path: file, cause: (e as Error).message })
  }
  return parse(text, file)
}

/**
 * A journal open for appending.
 */
export interface Journal {
  /** Appends records with one write, then fsyncs: once it returns they survive a crash. */
  readonly append: (entries: ReadonlyArray<Entry>) => void
  readonly close: () => void
}

/**
 * Opens a journal for appending, after cutting off a torn last line (so the next record starts
 * on a line of its own).
 */
export const open = (file: string, state: State): Journal => {
  let fd: number
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    const existed = fs.existsSync(file)
    fd = fs.openSync(file, "a+", 0o600)
    if (state.torn) {
      fs.ftruncateSync(fd, state.length)
      fs.fsyncSync(fd)
    }
    if (!existed) Durable.syncDir(path.dirname(path.resolve(file)))
  } catch (e) {
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
  return {
    append: (entries) => {
      if (entries.length === 0) return
      const bytes = Buffer.from(entries.map((e) => JSON.stringify(e) + "\n").join(""), "utf8")
      let at = 0
      while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at)
      fs.fsyncSync(fd)
    },
    close: () => fs.closeSync(fd)
  }
}
