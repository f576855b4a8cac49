/**
 * Live migrations: export a platform's users to a file, plan desired users against what the
 * platform has now, and migrate them into it through its connector, journaled so that a run
 * killed at any moment, run again, finishes with every user present exactly once.
 *
 * How a run never duplicates a user nor silently misses one:
 * - the platform's users are listed first; users already there (matched by key) are never
 *   created again, only updated with `update: true`, and only in the fields that differ;
 * - before each request, an `intent` naming its users is appended to the journal and fsynced;
 *   after the answer, one `user` record per user and a `commit`, in one fsynced write;
 * - an answer that was lost (connection dropped, proxy timeout) makes the connector say
 *   `unknown`: the runner looks those users up by key (`Connector.find`) and sends again only
 *   the ones the platform does not have;
 * - a run that finds intents without their commit in its journal (the previous run was killed
 *   while a request was in flight) looks their users up the same way before planning.
 *
 * Every function takes an `AbortSignal`; the command line is a thin layer over them.
 */
import { Effect } from "effect"
import { type Adapter, Field, Issue, type User } from "@pbxport/core"
import { type Connector, LiveError } from "@pbxport/live"
import { type Connections, Decode, Fill, Output, PbxportError, type ReadOptions, Registry, type Source } from "pbxport"
import * as Journal from "./Journal.js"
import * as Key from "./Key.js"
import * as Migrate from "./Migrate.js"
import * as Plan from "./Plan.js"
import type * as Target from "./Target.js"

/**
 * A connection as the runner uses it (`Connections.connect` opens one).
 */
export type Connection = Connections.Connection

const dialectOf = (id: string): Adapter.Adapter => {
  const found = Registry.find(id)
  if (found === undefined) throw new PbxportError({ _tag: "UnknownDialect", id, known: Registry.ids() })
  return found
}

/**
 * What an export wrote.
 */
export interface ExportReport {
  readonly target: string
  readonly file: string
  readonly dialect: string
  readonly users: number
  readonly written: number
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * Writes every user of the platform to a file, in the platform's export dialect (a Wazo export
 * exactly as Wazo gives it) or any writable dialect.
 *
 * **Details**
 * The file appears under its name only once complete. Users the dialect cannot write are left
 * out and reported as issues (row = their position in the platform's list).
 */
export const exportUsers = async (
  connection: Connection,
  options: { readonly output: string; readonly to?: string; readonly options?: Adapter.Options; readonly signal?: AbortSignal }
): Promise<ExportReport> => {
  const adapter = Decode.dialect(options.to ?? connection.platform.exportDialect, "write")
  const users = await connection.connector.list(options.signal)
  const writer = adapter.writer(options.options ?? {})
  const output = Output.create(adapter, writer, { path: options.output }, { maxRowsPerFile: null })
  const issues: Array<Issue.Issue> = []
  let written = 0
  try {
    users.forEach((u, i) => {
      const e = writer.encode(u.user, written)
      issues.push(...e.findings.map((f) => Issue.at(f, i + 1, null)))
      if (Issue.hasError(e.findings)) return
      output.add(e)
      written++
    })
    await output.finish()
  } catch (e) {
    await output.abort()
    throw e
  }
  return { target: connection.connector.title, file: options.output, dialect: adapter.id, users: users.length, written, issues }
}

/**
 * Options of {@link plan} and {@link migrate}: the desired users and how they are matched.
 */
export interface DesiredOptions extends ReadOptions {
  readonly from: string | Adapter.Adapter
  readonly options?: Adapter.Options
  /** The match key (default: the platform's first natural key every desired user has). */
  readonly key?: Key.Key
  readonly fill?: Fill.FillOptions
  readonly signal?: AbortSignal
}

/** The desired users, read and filled in the platform's words. */
interface Desired {
  readonly file: string
  readonly dialect: string
  readonly rows: number
  readonly users: ReadonlyArray<Plan.Located>
  readonly issues: ReadonlyArray<Issue.Issue>
  readonly unique: ReadonlyArray<Adapter.UniqueRule>
}

const readDesired = async (input: Source.Input, options: DesiredOptions, connection: Connection): Promise<Desired> => {
  const fill = options.fill ?? {}
  if (fill.generatePasswords !== undefined && fill.generatePasswords !== false) {
    throw new PbxportError({ _tag: "Usage", detail: "a live migration cannot generate passwords (a resumed run would generate others); generate them with pbxport convert first" })
  }
  const dialect = Decode.dialect(options.from, "read")
  // duplicates are the plan's to judge: every user involved goes to conflict, not only the later rows
  const read = { ...options, from: { ...dialect, unique: [] } }
  const step = await Fill.start(input, read, dialectOf(connection.platform.createDialect), fill, { scaffold: false, preview: true })
  const users: Array<Plan.Located> = []
  const issues: Array<Issue.Issue> = []
  let rows = 0
  let decoding: Decode.Decoding
  try {
    decoding = await Decode.decode(step.input, read)
    issues.push(...decoding.fileIssues)
    for await (const r of decoding.rows) {
      issues.push(...r.issues)
      if (r.skipped) continue
      rows++
      if (r.user === undefined) continue
      const filled = step.transform(r.user, r)
      issues.push(...filled.findings.map((f) => Issue.at(f, r.row, r.line)))
      if (!Issue.hasError(filled.findings)) users.push({ row: r.row, line: r.line, user: filled.user })
    }
  } finally {
    await step.finish()
  }
  return { file: decoding.opened.name, dialect: decoding.adapter.id, rows, users, issues, unique: dialect.unique }
}

const keyOf = (connection: Connection, desired: ReadonlyArray<Plan.Located>, asked: Key.Key | undefined): Key.Key => {
  if (asked !== undefined) return asked
  const keys = connection.platform.naturalKeys.filter(Key.isKey)
  return keys.find((k) => desired.every((d) => Key.valueOf(d.user, k) !== undefined)) ?? keys[0] ?? "email"
}

/** Removes the paths a platform never reveals, so a plan can never call them changed. */
const withoutHidden = (user: User.User, hidden: ReadonlyArray<string>): User.User => {
  let out = user
  for (const p of hidden) {
    if (Field.get(out, p) === undefined) continue
    const keys = p.split(".")
    if (keys.length === 1) {
      const { [p]: _dropped, ...rest } = out as Record<string, unknown>
      out = rest as User.User
    } else out = Field.set(out, p, undefined)
  }
  return out
}

/**
 * The platform's users as a plan's current users: the platform's id stands in the `uuid` field
 * (which names users, and is never compared), hidden secrets are taken out.
 */
const currentOf = (remote: ReadonlyArray<Connector.RemoteUser>, hidden: ReadonlyArray<string>): Array<Plan.Located> =>
  remote.map((r, i) => ({ row: i + 1, line: i + 2, user: { ...withoutHidden(r.user, hidden), uuid: r.id } }))

const capabilityOf = (connection: Connection): Target.UpdateCapability | null => {
  const u = connection.platform.update
  return u === null ? null : { key: "uuid", carries: u.carries, clear: u.clear, why: u.why }
}

/**
 * Paths a plan could not compare (the platform does not show them), with how many users.
 */
export interface NotCompared {
  readonly path: string
  readonly users: number
  /** Whether the platform never reveals it (a password), rather than just not having it. */
  readonly hidden: boolean
}

const notCompared = (entries: ReadonlyArray<Plan.Matched>, hidden: ReadonlyArray<string>): Array<NotCompared> => {
  const counts = new Map<string, number>()
  for (const e of entries) for (const p of e.unknown) counts.set(p, (counts.get(p) ?? 0) + 1)
  return [...counts].map(([p, users]) => ({ path: p, users, hidden: hidden.includes(p) }))
}

/**
 * A plan against a live platform, as `plan --connection --json` prints it.
 */
export interface LivePlan extends Plan.Plan {
  readonly target: string
  readonly platform: string
  readonly desired: { readonly file: string; readonly dialect: string; readonly rows: number; readonly valid: number; readonly issues: ReadonlyArray<Issue.Issue> }
  readonly current: { readonly rows: number }
  readonly notCompared: ReadonlyArray<NotCompared>
}

const makePlan = (desired: Desired, remote: ReadonlyArray<Connector.RemoteUser>, connection: Connection, key: Key.Key) => {
  const planned = Plan.make(desired.users, currentOf(remote, connection.platform.hidden), {
    key,
    update: capabilityOf(connection),
    unique: desired.unique,
    target: connection.connector.title
  })
  const report: LivePlan = {
    ...planned.plan,
    target: connection.connector.title,
    platform: connection.platform.id,
    desired: { file: desired.file, dialect: desired.dialect, rows: desired.rows, valid: desired.users.length, issues: desired.issues },
    current: { rows: remote.length },
    notCompared: notCompared([...planned.plan.update, ...planned.plan.unchanged], connection.platform.hidden)
  }
  return { planned, report }
}

/**
 * Plans the desired users against the platform's users now: create, update (the fields that
 * differ), unchanged, conflict, and only on the platform. Secrets the platform never reveals are
 * not compared, and the plan says so (`notCompared`).
 */
export const plan = async (input: Source.Input, options: DesiredOptions & { readonly connection: Connection }): Promise<LivePlan> => {
  const desired = await readDesired(input, options, options.connection)
  const remote = await options.connection.connector.list(options.signal)
  return makePlan(desired, remote, options.connection, keyOf(options.connection, desired.users, options.key)).report
}

/**
 * Points where a test can stop a run as a crash would (the hook throws or the process is
 * killed): after an intent is journaled, before its request goes out.
 */
export interface LiveHooks {
  readonly afterIntent?: (batch: number) => void | Promise<void>
}

/**
 * Progress of a live migration.
 */
export interface Progress {
  readonly done: number
  readonly total: number
}

/**
 * Options of {@link migrate}.
 */
export interface LiveMigrateOptions extends DesiredOptions {
  readonly connection: Connection
  readonly journal: string
  /** Change the fields that differ on users the platform has (default: leave them). */
  readonly update?: boolean
  /** Plan and report, send nothing, write no journal. */
  readonly dryRun?: boolean
  /** Users per request (default: the platform's). */
  readonly batchSize?: number
  readonly onProgress?: (progress: Progress) => void
  readonly hooks?: LiveHooks
}

/**
 * A user the run could not migrate, with its source position and the reason (the platform's
 * own message when it refused).
 */
export interface Failed {
  readonly row: number
  readonly line: number
  readonly label: string | null
  readonly operation: "create" | "update" | null
  readonly message: string
}

/**
 * The report of a live migration.
 *
 * **Details**
 * `users` counts this run: `created`, `updated`, `unchanged` (already as desired), `notUpdated`
 * (differ, left as they are without `update`), `failed` (refused by the platform, in conflict,
 * or invalid in the source) and `done` (taken care of by an earlier run of the journal, or found
 * on the platform after a lost answer). `reconciled` counts users looked up after an answer was
 * lost or a run was killed.
 */
export interface LiveReport {
  readonly file: string
  readonly from: string
  readonly target: string
  readonly platform: string
  readonly journal: string
  readonly dryRun: boolean
  readonly resumed: boolean
  readonly key: string
  readonly batchSize: number
  readonly users: {
    readonly read: number
    readonly created: number
    readonly updated: number
    readonly unchanged: number
    readonly notUpdated: number
    readonly failed: number
    readonly done: number
    readonly reconciled: number
  }
  readonly failed: ReadonlyArray<Failed>
  readonly notCompared: ReadonlyArray<NotCompared>
  readonly issues: ReadonlyArray<Issue.Issue>
}

interface Item {
  readonly key: string
  readonly row: number
  readonly line: number
  readonly label: string | null
  readonly user: User.User
  /** The platform's id (updates). */
  readonly id?: string
}

const abortIf = (signal: AbortSignal | undefined, target: string): void => {
  if (signal?.aborted) throw new LiveError.LiveError({ _tag: "Aborted", target })
}

/**
 * Migrates users into a live platform, journaled and resumable.
 *
 * **Details**
 * Exit-code semantics for callers: nothing could be done (login refused, unreachable, bad
 * profile, a journal of another migration) throws before the journal is written; otherwise the
 * report says which users failed and why.
 *
 * @example
 * const connection = await Connections.connect("wazo.json")
 * const report = await Live.migrate({ path: "users.csv" }, { from: "broadworks", connection, journal: "run.jsonl" })
 */
export const migrate = async (source: Source.Input, options: LiveMigrateOptions): Promise<LiveReport> => {
  const { connection, signal } = options
  const { connector, platform } = connection
  const dry = options.dryRun ?? false
  const { sha256, input } = await Migrate.digest(source)
  const release = dry ? () => {} : Migrate.lock(options.journal)
  try {
    const state = Journal.read(options.journal)
    const batchSize = options.batchSize ?? state.start?.batchSize ?? platform.batch.default
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > platform.batch.max) {
      throw new PbxportError({ _tag: "Usage", detail: `the batch size must be a whole number from 1 to ${platform.batch.max} for ${platform.title}, not ${batchSize}` })
    }
    const desired = await readDesired(input, options, connection)
    const key = keyOf(connection, desired.users, options.key)
    const start: Journal.Start = {
      type: "start",
      version: Journal.version,
      at: new Date().toISOString(),
      source: { name: "path" in input ? input.path : ("name" in input ? (input.name ?? "<input>") : "<input>"), sha256 },
      from: typeof options.from === "string" ? options.from : options.from.id,
      to: platform.id,
      target: `live:${platform.id}`,
      settings: Migrate.digestOf({ target: connector.title, key, update: options.update === true }),
      batchSize,
      options: Migrate.digestOf({ from: options.options ?? {}, read: [options.encoding ?? null, options.delimiter ?? null], fill: options.fill ?? {} })
    }
    if (state.start !== undefined) {
      const first = state.start
      const differ: Array<string> = []
      if (first.source.sha256 !== start.source.sha256) differ.push("the source")
      if (first.from !== start.from) differ.push("--from")
      if (first.target !== start.target || first.settings !== start.settings) differ.push("the connection, the key or --update")
      if (first.batchSize !== start.batchSize) differ.push(`the batch size (${first.batchSize} then, ${start.batchSize} now)`)
      if (first.options !== start.options) differ.push("the options of the source dialect")
      if (differ.length > 0) {
        throw new PbxportError({ _tag: "Usage", detail: `${options.journal} is the journal of another migration: ${differ.join("; ")} differ. Resume with the same source and options, or start a new journal` })
      }
    }
    const prefix = sha256.slice(0, 16)
    const keyed = desired.users.map((d) => ({ ...d, key: `${prefix}:${d.row}`, label: Key.label(d.user) }))
    const byKey = new Map(keyed.map((d) => [d.key, d]))
    // list before the journal is touched: a refused login or an unreachable platform leaves no journal
    let remote = await connector.list(signal)

    const failed: Array<Failed> = []
    const counts = { created: 0, updated: 0, unchanged: 0, notUpdated: 0, done: 0, reconciled: 0 }
    let journal: Journal.Journal | undefined
    let number = state.batches
    let total = 0
    let progressed = 0
    const progress = () => options.onProgress?.({ done: progressed, total })

    /** The keys a user can be found by: the match key first, then the platform's natural keys. */
    const lookups = (user: User.User): Array<{ key: Key.Key; value: string }> =>
      [key, ...platform.naturalKeys.filter(Key.isKey)].flatMap((k) => {
        const v = Key.valueOf(user, k)
        return v === undefined ? [] : [{ key: k, value: v }]
      })

    /** Looks users up on the platform; answers the platform's id of each one found. */
    const reconcile = async (items: ReadonlyArray<Item>): Promise<Map<string, string>> => {
      const found = new Map<string, string>()
      const groups = new Map<Key.Key, Array<Item>>()
      for (const item of items) {
        const first = lookups(item.user)[0]
        if (first === undefined) continue
        groups.set(first.key, [...(groups.get(first.key) ?? []), item])
      }
      for (const [k, list] of groups) {
        const values = list.map((i) => Key.valueOf(i.user, k)!)
        const there = await connector.find(k, values, signal)
        for (const item of list) {
          const v = Key.valueOf(item.user, k)
          const hit = there.find((r) => Key.valueOf(r.user, k) === v)
          if (hit !== undefined) found.set(item.key, hit.id)
        }
      }
      counts.reconciled += items.length
      return found
    }

    const settled = new Set<string>()
    if (!dry) {
      journal = Journal.open(options.journal, state)
      journal.append([start])
      // a killed run's requests in flight: look their users up before anything is sent again
      for (const intent of state.unsettled) {
        const items = intent.users.flatMap((u) => {
          const d = byKey.get(u.key)
          return d === undefined ? [] : [{ key: u.key, row: u.row, line: u.line, label: u.label, user: d.user }]
        })
        const found = intent.operation === "create" ? await reconcile(items) : new Map<string, string>()
        const records: Array<Journal.UserRecord> = items.flatMap((i) => {
          const id = found.get(i.key)
          if (id === undefined) return []
          settled.add(i.key)
          counts.done++
          return [{ type: "user", key: i.key, row: i.row, line: i.line, label: i.label, status: "written", batch: intent.batch, id, operation: "create" } as const]
        })
        journal.append([...records, { type: "commit", batch: intent.batch, files: [], written: records.length, skipped: 0 }])
      }
      if (state.unsettled.length > 0) remote = await connector.list(signal)
    }

    // users an earlier run of this journal created or updated are done; refused ones are tried again
    const left = keyed.filter((d) => {
      const earlier = state.users.get(d.key)
      if (earlier?.status === "written") {
        counts.done++
        return false
      }
      return !settled.has(d.key)
    })
    const { planned, report } = makePlan({ ...desired, users: left }, remote, connection, key)
    for (const c of planned.plan.conflict) {
      failed.push({ row: c.desired.row, line: keyed.find((d) => d.row === c.desired.row)!.line, label: c.desired.label, operation: null, message: c.message })
    }
    counts.unchanged = planned.plan.unchanged.length
    const rowItem = new Map(left.map((d) => [d.row, d]))
    const creates: Array<Item> = []
    const updates: Array<Item> = []
    for (const change of planned.changes) {
      const d = rowItem.get(change.origin.row)!
      if (change.operation === "create") {
        if (lookups(d.user).length === 0) {
          failed.push({ row: d.row, line: d.line, label: d.label, operation: "create", message: `it has no ${platform.naturalKeys.join(" nor ")}: if an answer were lost, pbxport could not look it up to tell whether ${platform.title} created it, so it is not sent; give it one` })
          continue
        }
        creates.push(d)
      } else if (options.update === true) {
        const { uuid: id, ...fields } = change.user
        updates.push({ ...d, user: fields, id: id as string })
      } else counts.notUpdated++
    }
    for (const u of planned.plan.update) {
      if (u.blocked !== undefined) failed.push({ row: u.desired.row, line: rowItem.get(u.desired.row)!.line, label: u.desired.label, operation: "update", message: u.blocked })
    }
    total = creates.length + updates.length
    progress()

    const send = async (operation: "create" | "update", batch: ReadonlyArray<Item>): Promise<void> => {
      abortIf(signal, connector.title)
      const n = ++number
      journal!.append([{ type: "intent", batch: n, operation, users: batch.map((i) => ({ key: i.key, row: i.row, line: i.line, label: i.label })) }])
      await options.hooks?.afterIntent?.(n)
      let outcomes: Array<Connector.Outcome> = [
        ...(operation === "create" ? await connector.create(batch.map((i) => i.user), signal) : await connector.update(batch.map((i) => ({ id: i.id!, user: i.user })), signal))
      ]
      // an answer lost: look the users up, send again only those the platform does not have
      for (let round = 0; outcomes.some((o) => o.status === "unknown"); round++) {
        const unknown = batch.flatMap((item, i) => (outcomes[i]!.status === "unknown" ? [{ item, i }] : []))
        const found = await reconcile(unknown.map((u) => u.item))
        const again: Array<{ item: Item; i: number }> = []
        for (const u of unknown) {
          const id = found.get(u.item.key)
          if (id !== undefined) outcomes[u.i] = { status: "done", id }
          else again.push(u)
        }
        if (again.length === 0) break
        if (round >= 3) {
          throw new LiveError.LiveError({ _tag: "Lost", target: connector.title, request: `${operation} of ${again.length} users`, detail: (outcomes[again[0]!.i] as { message: string }).message })
        }
        const resent = await connector.create(again.map((a) => a.item.user), signal)
        again.forEach((a, k) => { outcomes[a.i] = resent[k]! })
      }
      const records: Array<Journal.UserRecord> = []
      let written = 0
      batch.forEach((item, i) => {
        const o = outcomes[i]!
        const base = { type: "user" as const, key: item.key, row: item.row, line: item.line, label: item.label, batch: n, operation }
        if (o.status === "done") {
          written++
          if (operation === "create") counts.created++
          else counts.updated++
          records.push({ ...base, status: "written", id: o.id })
        } else {
          const message = o.status === "rejected" ? o.message : "the answer was lost"
          failed.push({ row: item.row, line: item.line, label: item.label, operation, message })
          records.push({ ...base, status: "skipped", reason: message })
        }
      })
      journal!.append([...records, { type: "commit", batch: n, files: [], written, skipped: batch.length - written }])
      progressed += batch.length
      progress()
    }

    // batches go out `connector.parallel` at a time (OCI-P sessions): each has its own intent and
    // commit, so a run killed with several in flight reconciles each of them when resumed
    const sendAll = async (operation: "create" | "update", items: ReadonlyArray<Item>): Promise<void> => {
      const batches: Array<ReadonlyArray<Item>> = []
      for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize))
      let next = 0
      const lane = async () => {
        while (next < batches.length) await send(operation, batches[next++]!)
      }
      await Promise.all(Array.from({ length: Math.min(Math.max(1, connector.parallel ?? 1), batches.length) }, lane))
    }

    try {
      if (!dry) {
        await sendAll("create", creates)
        await sendAll("update", updates)
        journal!.append([{ type: "done", at: new Date().toISOString(), written: counts.created + counts.updated, skipped: failed.length }])
      }
    } finally {
      journal?.close()
    }
    const invalid = desired.issues.filter((i) => i.severity === "error" && i.row !== null)
    const invalidRows = new Set(invalid.map((i) => i.row))
    return {
      file: desired.file,
      from: desired.dialect,
      target: connector.title,
      platform: platform.id,
      journal: options.journal,
      dryRun: dry,
      resumed: state.start !== undefined,
      key,
      batchSize,
      users: {
        read: desired.rows,
        created: dry ? creates.length : counts.created,
        updated: dry ? updates.length : counts.updated,
        unchanged: counts.unchanged,
        notUpdated: counts.notUpdated,
        failed: failed.length + invalidRows.size,
        done: counts.done,
        reconciled: counts.reconciled
      },
      failed: failed.sort((a, b) => a.row - b.row),
      notCompared: report.notCompared,
      issues: [...desired.issues].sort(Issue.compare)
    }
  } finally {
    release()
  }
}

/**
 * Effect entry of {@link migrate}.
 */
export const migrateEffect = (source: Source.Input, options: LiveMigrateOptions): Effect.Effect<LiveReport, PbxportError | LiveError.LiveError> =>
  Effect.tryPromise({
    try: () => migrate(source, options),
    catch: (e) => (e instanceof PbxportError || LiveError.is(e) ? e : new PbxportError({ _tag: "Usage", detail: e instanceof Error ? e.message : String(e) }))
  })
