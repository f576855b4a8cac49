/**
 * The migration runner: reads users in one dialect and hands them to a target in batches sized
 * to its limit, recording every user's outcome in a journal, so that a run interrupted anywhere
 * can be run again with the same journal and finish the job without doing anything twice.
 *
 * A batch is formed from the source in its order, skipping the users the journal says are
 * done; it is written (the target makes it durable), then its outcomes are appended to the
 * journal and fsynced, and only then is it reported done. Batches are numbered and formed the
 * same way in every run of the same source, so a resumed run writes exactly the files an
 * uninterrupted run would have: a batch interrupted between its write and its journal record is
 * simply written again, with the same users, under the same name.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import { type Adapter, Issue } from "@pbxport/core"
import { Decode, Fill, type Lost, PbxportError, type ReadOptions, type Source, type Transform } from "pbxport"
import * as Journal from "./Journal.js"
import * as Key from "./Key.js"
import * as Target from "./Target.js"

/**
 * Points where a test can stop a run as a crash would (the hook throws): after a batch's files
 * are written but before its journal record, or after the record.
 */
export interface Hooks {
  readonly afterWrite?: (batch: number | null) => void | Promise<void>
  readonly afterCommit?: (batch: number | null) => void | Promise<void>
}

/**
 * Options of a migration.
 */
export interface MigrateOptions extends ReadOptions {
  readonly from: string | Adapter.Adapter
  readonly options?: Adapter.Options
  /** The target dialect's id, for the journal and the report. */
  readonly to: string
  readonly target: Target.Target
  /** The journal file (JSON Lines); created when missing, resumed when present. */
  readonly journal: string
  /** Shows what would be done; writes nothing, not even the journal. */
  readonly dryRun?: boolean
  /** Users per batch (default: the journal's, else the target's). */
  readonly batchSize?: number
  /**
   * What to fill in the target's words (templated values, pools, name maps; languages are
   * translated unless `translate: false`), as `convert` does. Generated secrets are refused: a
   * resumed run would generate other secrets for the batch it writes again.
   */
  readonly fill?: Fill.FillOptions
  /** A step after filling (a script's own); an error skips the user. */
  readonly transform?: Transform
  readonly hooks?: Hooks
  /** Called after each batch is done (or previewed). */
  readonly onBatch?: (batch: BatchReport) => void
}

/**
 * One batch of a run.
 */
export interface BatchReport {
  /** Null for the users skipped after the last batch. */
  readonly number: number | null
  readonly files: ReadonlyArray<Target.Written>
  readonly written: number
  readonly skipped: number
}

/**
 * The report of a migration.
 *
 * **Details**
 * `users` counts this run: users read, written, skipped, and `done`, those an earlier run of the
 * journal already took care of (they are not handed to the target again). `total` counts the
 * whole migration, every run of the journal included. `resumed` tells that the journal had a run
 * before this one; `torn` that its last line had been cut short by a crash and was dropped.
 */
export interface MigrationReport {
  readonly file: string
  readonly from: string
  readonly to: string
  readonly target: string
  readonly journal: string
  readonly dryRun: boolean
  readonly resumed: boolean
  readonly torn: boolean
  readonly batchSize: number
  readonly users: { readonly read: number; readonly written: number; readonly skipped: number; readonly done: number }
  readonly total: { readonly written: number; readonly skipped: number }
  readonly batches: ReadonlyArray<BatchReport>
  readonly lost: ReadonlyArray<Lost>
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * Computes the SHA-256 of an input's bytes (rows: of their JSON), and returns an input that can
 * still be read (iterable rows are read once, here).
 */
const digest = async (input: Source.Input): Promise<{ readonly sha256: string; readonly input: Source.Input }> => {
  const hash = crypto.createHash("sha256")
  if ("path" in input) {
    try {
      for await (const chunk of fs.createReadStream(input.path)) hash.update(chunk as Buffer)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      throw new PbxportError({ _tag: "UnreadableFile", path: input.path, cause: code === "ENOENT" ? "no such file" : (e as Error).message })
    }
    return { sha256: hash.digest("hex"), input }
  }
  if ("text" in input) return { sha256: hash.update(input.text, "utf8").digest("hex"), input }
  if ("bytes" in input) return { sha256: hash.update(input.bytes).digest("hex"), input }
  if ("rows" in input) {
    const rows = [...input.rows]
    return { sha256: hash.update(JSON.stringify(rows)).digest("hex"), input: { rows, ...(input.name ? { name: input.name } : {}) } }
  }
  throw new PbxportError({ _tag: "Usage", detail: "a migration must be able to read its source again when it is resumed: give a file, not a stream" })
}

const digestOf = (value: unknown): string => crypto.createHash("sha256").update(JSON.stringify(value ?? null)).digest("hex").slice(0, 16)

/**
 * Refuses a journal written for another migration, naming what differs.
 */
const agree = (first: Journal.Start, now: Journal.Start, journal: string): void => {
  const differ: Array<string> = []
  if (first.source.sha256 !== now.source.sha256) differ.push(`the source (${first.source.name} then, ${now.source.name} now, with different contents)`)
  if (first.from !== now.from) differ.push(`--from (${first.from} then, ${now.from} now)`)
  if (first.to !== now.to) differ.push(`--to (${first.to} then, ${now.to} now)`)
  if (first.target !== now.target || first.settings !== now.settings) differ.push("the output (its folder, dialect or options)")
  if (first.batchSize !== now.batchSize) differ.push(`the batch size (${first.batchSize} then, ${now.batchSize} now)`)
  if (first.options !== now.options) differ.push("the options of the source dialect")
  if (differ.length > 0) {
    throw new PbxportError({
      _tag: "Usage",
      detail: `${journal} is the journal of another migration: ${differ.join("; ")} differ. Resume with the same source and options, or start a new journal`
    })
  }
}

/**
 * Takes the journal's lock file, so two runs never append to one journal; a lock left by a run
 * that no longer exists (killed) is taken over.
 */
const lock = (journal: string): (() => void) => {
  const file = `${journal}.lock`
  const take = (): boolean => {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
      return false
    }
  }
  if (!take()) {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10)
    let alive = false
    if (Number.isInteger(pid) && pid !== process.pid) {
      try {
        process.kill(pid, 0)
        alive = true
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === "EPERM"
      }
    }
    if (alive) {
      throw new PbxportError({ _tag: "Usage", detail: `another run (process ${pid}) is using the journal ${journal}; wait for it to end (or delete ${file} if no run is going on)` })
    }
    fs.rmSync(file, { force: true })
    if (!take()) throw new PbxportError({ _tag: "Usage", detail: `another run took the journal ${journal} at the same time` })
  }
  return () => fs.rmSync(file, { force: true })
}

const reasonOf = (issues: ReadonlyArray<Issue.Issue>): string =>
  issues.filter((i) => i.severity === "error").map((i) => `${i.column ? `${i.column}: ` : ""}${i.message}`).join("; ")

type Pending =
  | { readonly kind: "skip"; readonly record: Journal.UserRecord }
  | { readonly kind: "change"; readonly change: Target.Change }

const startOf = (options: MigrateOptions, input: Source.Input, sha256: string, state: Journal.State): Journal.Start => ({
  type: "start",
  version: Journal.version,
  at: new Date().toISOString(),
  source: { name: "path" in input ? input.path : (("name" in input ? input.name : undefined) ?? "<input>"), sha256 },
  from: typeof options.from === "string" ? options.from : options.from.id,
  to: options.to,
  target: options.target.id,
  settings: digestOf(options.target.settings),
  batchSize: Target.batchSize(options.target, options.batchSize ?? state.start?.batchSize),
  options: digestOf({ from: options.options ?? {}, read: [options.encoding ?? null, options.delimiter ?? null], fill: options.fill ?? {} })
})

/** What the runner uses of a fill step. */
type FillStep = Pick<Fill.Step, "input" | "transform"> & { readonly finish: () => Promise<unknown>; readonly abort: () => Promise<void> }

/**
 * Starts the fill step in the words of the target's dialect (a step that passes users through
 * when the target has no dialect).
 */
const startFill = async (input: Source.Input, options: MigrateOptions, dry: boolean): Promise<FillStep> => {
  const fill = options.fill ?? {}
  if (fill.generatePasswords !== undefined && fill.generatePasswords !== false) {
    throw new PbxportError({
      _tag: "Usage",
      detail: "a migration cannot generate passwords: a resumed run would generate other secrets for the batch it writes again; generate them with pbxport convert first, or give them in the source"
    })
  }
  const dialect = options.target.dialect
  if (dialect === null) {
    return { input, transform: (user) => ({ user, findings: [] }), finish: async () => undefined, abort: async () => {} }
  }
  return Fill.start(input, options, dialect, fill, { scaffold: false, preview: dry })
}

/**
 * Reads the source and hands its users to the target batch by batch (the journal is open).
 */
const run = async (
  decoding: Decode.Decoding,
  fill: FillStep,
  options: MigrateOptions,
  state: Journal.State,
  start: Journal.Start,
  journal: Journal.Journal | undefined
): Promise<MigrationReport> => {
  const target = options.target
  const dry = journal === undefined
  const size = start.batchSize
  const prefix = start.source.sha256.slice(0, 16)
  const issues: Array<Issue.Issue> = [...decoding.fileIssues]
  const lost = new Map<string, number>()
  const batches: Array<BatchReport> = []
  const users = { read: 0, written: 0, skipped: 0, done: 0 }
  const before = { written: 0, skipped: 0 }
  let number = state.batches
  let pending: Array<Pending> = []
  let changes = 0

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    const list = pending
    pending = []
    changes = 0
    const batchChanges = list.flatMap((p) => (p.kind === "change" ? [p.change] : []))
    const n = batchChanges.length > 0 ? ++number : null
    const result: Target.BatchResult = n === null
      ? { results: [], files: [] }
      : dry
        ? await target.preview({ number: n, changes: batchChanges })
        : await target.write({ number: n, changes: batchChanges })
    await options.hooks?.afterWrite?.(n)
    const records: Array<Journal.UserRecord> = []
    let written = 0
    let skipped = 0
    let at = 0
    for (const p of list) {
      if (p.kind === "skip") {
        records.push(p.record)
        skipped++
        continue
      }
      const r = result.results[at++]!
      const { change } = p
      issues.push(...r.issues.map((f) => Issue.at(f, change.origin.row, change.origin.line)))
      const base = { type: "user" as const, key: change.key, row: change.origin.row, line: change.origin.line, label: change.origin.label, batch: n }
      if (r.status === "done") {
        written++
        for (const field of r.lost) lost.set(field, (lost.get(field) ?? 0) + 1)
        records.push({ ...base, status: "written", file: r.where })
      } else {
        skipped++
        records.push({ ...base, status: "skipped", reason: r.reason })
      }
    }
    journal?.append([...records, { type: "commit", batch: n, files: result.files.map((f) => f.path), written, skipped }])
    await options.hooks?.afterCommit?.(n)
    users.written += written
    users.skipped += skipped
    const report: BatchReport = { number: n, files: result.files, written, skipped }
    batches.push(report)
    options.onBatch?.(report)
  }

  for await (const row of decoding.rows) {
    if (row.skipped) {
      issues.push(...row.issues)
      continue
    }
    users.read++
    const key = `${prefix}:${row.row}`
    // every row goes through the fill step, done or not, so pools hand out the same values as in the first run
    const filled = row.user === undefined ? undefined : fill.transform(row.user, row)
    const earlier = state.users.get(key)
    if (earlier !== undefined) {
      users.done++
      before[earlier.status]++
      continue
    }
    const rowIssues = [...row.issues, ...(filled?.findings ?? []).map((f) => Issue.at(f, row.row, row.line))]
    const user = Fill.apply(filled === undefined || Issue.hasError(filled.findings) ? undefined : filled.user, row, options.transform, rowIssues)
    issues.push(...rowIssues)
    if (user === undefined) {
      pending.push({ kind: "skip", record: { type: "user", key, row: row.row, line: row.line, label: row.user ? Key.label(row.user) : null, status: "skipped", batch: null, reason: reasonOf(rowIssues) } })
      continue
    }
    pending.push({ kind: "change", change: { key, operation: "create", user, origin: { row: row.row, line: row.line, label: Key.label(user) } } })
    if (++changes === size) await flush()
  }
  await flush()
  if (!state.done || users.written + users.skipped > 0) {
    journal?.append([{ type: "done", at: new Date().toISOString(), written: users.written, skipped: users.skipped }])
  }
  const lostList = [...lost].map(([field, count]) => ({ field, count }))
  for (const { field, count } of lostList) {
    issues.push({ row: null, line: null, column: null, code: "not-carried", severity: "warning", message: `${field}: ${count} user${count === 1 ? "" : "s"} had a value that the ${options.to} dialect cannot carry; it was not written` })
  }
  return {
    file: decoding.opened.name,
    from: decoding.adapter.id,
    to: options.to,
    target: target.title,
    journal: options.journal,
    dryRun: dry,
    resumed: state.start !== undefined,
    torn: state.torn,
    batchSize: size,
    users,
    total: { written: before.written + users.written, skipped: before.skipped + users.skipped },
    batches,
    lost: lostList,
    // row problems in row order, whether found reading or writing
    issues: issues.sort(Issue.compare)
  }
}

/**
 * Migrates users from an input to a target, journaled and resumable.
 *
 * **Details**
 * Rows that fail to decode (or that the transform or the target refuses) are skipped, with
 * their reason in the journal and their issues in the report. Running again with a journal of a
 * finished run does nothing and reports every user as done.
 *
 * **Gotchas**
 * The journal belongs to one migration: another source (by content), other dialects, options,
 * output or batch size is a usage error, so a resumed run can never write differently from the
 * first.
 *
 * @example
 * const target = FileTarget.make({ dir: "out", create: { dialect: "wazo", stem: "wazo" } })
 * const report = await Migrate.migrate({ path: "users.csv" }, { from: "broadworks", to: "wazo", target, journal: "run.jsonl" })
 */
export const migrate = async (source: Source.Input, options: MigrateOptions): Promise<MigrationReport> => {
  const dry = options.dryRun ?? false
  const { sha256, input } = await digest(source)
  const release = dry ? () => {} : lock(options.journal)
  try {
    const state = Journal.read(options.journal)
    const start = startOf(options, input, sha256, state)
    if (state.start !== undefined) agree(state.start, start, options.journal)
    if (!options.target.capabilities.create) throw new PbxportError({ _tag: "Usage", detail: `${options.target.title} cannot create users` })
    const fill = await startFill(input, options, dry)
    let journal: Journal.Journal | undefined
    try {
      const decoding = await Decode.decode(fill.input, options)
      journal = dry ? undefined : Journal.open(options.journal, state)
      journal?.append([start])
      const report = await run(decoding, fill, options, state, start, journal)
      await fill.finish()
      return report
    } catch (e) {
      await fill.abort()
      throw e
    } finally {
      journal?.close()
    }
  } finally {
    release()
  }
}

/**
 * Effect entry of {@link migrate}: fails with `PbxportError` when nothing could be done.
 */
export const migrateEffect = (source: Source.Input, options: MigrateOptions): Effect.Effect<MigrationReport, PbxportError> =>
  Effect.tryPromise({
    try: () => migrate(source, options),
    catch: (e) => (e instanceof PbxportError ? e : new PbxportError({ _tag: "Usage", detail: e instanceof Error ? e.message : String(e) }))
  })
