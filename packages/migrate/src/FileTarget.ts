/**
 * The file target: a folder that receives the files to import into a platform, one file per
 * batch, written with the platform's own dialects.
 *
 * Creates go to the platform's import dialect; updates to its update dialect when it has one
 * (Wazo's `wazo-update`, BroadWorks `user.modify` rows), or to a JSON list of API requests when
 * the platform takes updates only through its API (CommPeak). Each batch's files are written
 * whole and fsynced before `write` resolves, under names that depend only on the batch number,
 * so writing a batch again after an interruption rewrites the same bytes under the same names.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type Adapter, Field, Issue, type User } from "@pbxport/core"
import { Decode, notCarried, Output, PbxportError, type ReadOptions, type Source } from "pbxport"
import * as Durable from "./Durable.js"
import type * as Target from "./Target.js"

/**
 * Users written with a dialect.
 */
export interface DialectWrites {
  readonly dialect: string | Adapter.Adapter
  readonly options?: Adapter.Options
  /** The file name without number and extension (`wazo-create`, `user.modify`). */
  readonly stem: string
}

/**
 * How updates are written: rows of an update dialect, or a JSON list of API requests.
 *
 * **Details**
 * `byColumns` puts users whose changes are to different columns in different files, for
 * dialects whose every row must have the same columns (a Wazo update file clears a field on an
 * empty cell, so a user with no change to a column cannot share a file with one who has).
 */
export type UpdateWrites =
  | (DialectWrites & { readonly kind: "dialect"; readonly capability: Target.UpdateCapability; readonly byColumns: boolean })
  | { readonly kind: "api"; readonly stem: string; readonly capability: Target.UpdateCapability; readonly api: Api }

/**
 * A platform API that updates are listed for: the request, and the body field of each
 * canonical path it takes.
 */
export interface Api {
  readonly request: string
  readonly fields: Readonly<Record<string, string>>
}

/**
 * Where the current users are read from.
 */
export interface CurrentFile {
  readonly input: Source.Input
  readonly dialect: string | Adapter.Adapter
  readonly options?: Adapter.Options
  readonly read?: ReadOptions
}

/**
 * A file target.
 */
export interface Config {
  readonly dir: string
  readonly create?: DialectWrites
  readonly update?: UpdateWrites
  readonly current?: CurrentFile
  /** The batch size when none is asked for, if the create dialect has no limit (default 1000). */
  readonly batch?: number
  /** Short name of the platform, for the target's id. */
  readonly platform?: string
}

const extensions: Readonly<Record<Adapter.Format, string>> = { csv: ".csv", jsonl: ".jsonl", json: ".json", xml: ".xml" }

/**
 * Names the file of a batch: `stem.ext` when the run has one batch, else `stem-001.ext`; the
 * second and later parts of a batch get `-2`, `-3`.
 */
export const fileName = (stem: string, ext: string, batch: Target.Batch, part = 1): string =>
  `${stem}${batch.of === 1 ? "" : `-${String(batch.number).padStart(3, "0")}`}${part > 1 ? `-${part}` : ""}${ext}`

const reasonOf = (findings: ReadonlyArray<Issue.Finding>): string =>
  findings.filter((f) => f.severity === "error").map((f) => `${f.column ? `${f.column}: ` : ""}${f.message}`).join("; ")

const collect = async (adapter: Adapter.Adapter, writer: Adapter.RowWriter, records: ReadonlyArray<Adapter.Encoded>): Promise<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  const output = Output.create(adapter, writer, { sink: (b) => chunks.push(b) }, { maxRowsPerFile: null })
  for (const r of records) output.add(r)
  await output.finish()
  return Buffer.concat(chunks)
}

const apiBody = (user: User.User, api: Api): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  for (const [p, field] of Object.entries(api.fields)) {
    const value = Field.get(user, p)
    if (value !== undefined) body[field] = Field.reveal(value)
  }
  return body
}

/** A dialect resolved to its adapter. */
type Resolved = DialectWrites & { readonly adapter: Adapter.Adapter }

/** One batch being written: its results and files so far. */
interface Writing {
  readonly batch: Target.Batch
  readonly results: Array<Target.Result>
  readonly files: Array<Target.Written>
  readonly reject: (i: number, reason: string, issues?: ReadonlyArray<Issue.Finding>) => void
  /** Records a file of the batch, and writes it durably unless this is a preview. */
  readonly save: (name: string, rows: number, bytes: () => Promise<Uint8Array>) => Promise<void>
}

/** Writes the creates of a batch to one file of the create dialect. */
const writeCreates = async (w: Writing, indexes: ReadonlyArray<number>, create: Resolved): Promise<void> => {
  const writer = create.adapter.writer(create.options ?? {})
  const name = fileName(create.stem, extensions[create.adapter.format], w.batch)
  const records: Array<Adapter.Encoded> = []
  for (const i of indexes) {
    const change = w.batch.changes[i]!
    const encoded = writer.encode(change.user, records.length)
    if (Issue.hasError(encoded.findings)) {
      w.reject(i, reasonOf(encoded.findings), encoded.findings)
      continue
    }
    records.push(encoded)
    w.results[i] = { key: change.key, status: "done", where: name, issues: encoded.findings, lost: notCarried(change.user, create.adapter) }
  }
  if (records.length > 0) await w.save(name, records.length, () => collect(create.adapter, writer, records))
}

/**
 * Writes the updates of a batch with the update dialect: one file, or (`byColumns`) one file per
 * set of changed columns, found by encoding each user alone first.
 */
const writeUpdates = async (w: Writing, indexes: ReadonlyArray<number>, update: Resolved & { readonly byColumns: boolean }): Promise<void> => {
  const parts = new Map<string, { readonly name: string; readonly writer: Adapter.RowWriter; readonly records: Array<Adapter.Encoded> }>()
  for (const i of indexes) {
    const change = w.batch.changes[i]!
    const probe = update.adapter.writer(update.options ?? {}).encode(change.user, 0)
    if (Issue.hasError(probe.findings)) {
      w.reject(i, reasonOf(probe.findings), probe.findings)
      continue
    }
    const columns = update.byColumns ? Object.keys(probe.cells ?? {}).join("\u0000") : ""
    let part = parts.get(columns)
    if (part === undefined) {
      part = { name: fileName(update.stem, extensions[update.adapter.format], w.batch, parts.size + 1), writer: update.adapter.writer(update.options ?? {}), records: [] }
      parts.set(columns, part)
    }
    const encoded = part.writer.encode(change.user, part.records.length)
    if (Issue.hasError(encoded.findings)) {
      w.reject(i, reasonOf(encoded.findings), encoded.findings)
      continue
    }
    part.records.push(encoded)
    w.results[i] = { key: change.key, status: "done", where: part.name, issues: encoded.findings, lost: notCarried(change.user, update.adapter) }
  }
  for (const part of parts.values()) {
    if (part.records.length > 0) await w.save(part.name, part.records.length, () => collect(update.adapter, part.writer, part.records))
  }
}

/** Lists the updates of a batch as the requests of a platform API, in one JSON file. */
const listUpdates = async (w: Writing, indexes: ReadonlyArray<number>, update: Extract<UpdateWrites, { kind: "api" }>): Promise<void> => {
  const { api, capability } = update
  const name = fileName(update.stem, ".json", w.batch)
  const listed: Array<unknown> = []
  for (const i of indexes) {
    const change = w.batch.changes[i]!
    const id = Field.get(change.user, capability.key)
    if (!Field.isFilled(id)) {
      w.reject(i, `the user to update has no ${capability.key}, which names it in ${api.request}`)
      continue
    }
    listed.push({ id, label: change.origin.label, body: apiBody(change.user, api) })
    w.results[i] = { key: change.key, status: "done", where: name, issues: [], lost: [] }
  }
  if (listed.length > 0) {
    await w.save(name, listed.length, async () => new TextEncoder().encode(JSON.stringify({ request: api.request, updates: listed }, null, 2) + "\n"))
  }
}

/**
 * Makes a file target.
 *
 * @example
 * const target = FileTarget.make({ dir: "out", create: { dialect: "wazo", stem: "wazo" } })
 */
export const make = (config: Config): Target.Target => {
  const create: Resolved | undefined = config.create ? { ...config.create, adapter: Decode.dialect(config.create.dialect, "write") } : undefined
  const update = config.update?.kind === "dialect" ? { ...config.update, adapter: Decode.dialect(config.update.dialect, "write") } : undefined
  const limit = create?.adapter.capabilities.maxRowsPerFile ?? null
  const platform = config.platform ?? create?.adapter.id ?? "files"

  const run = async (batch: Target.Batch, dry: boolean): Promise<Target.BatchResult> => {
    const w: Writing = {
      batch,
      results: Array.from({ length: batch.changes.length }),
      files: [],
      reject: (i, reason, issues = []) => {
        w.results[i] = { key: batch.changes[i]!.key, status: "rejected", reason, issues }
      },
      save: async (name, rows, bytes) => {
        w.files.push({ path: name, rows })
        if (dry) return
        const file = path.join(config.dir, name)
        const data = await bytes()
        try {
          fs.mkdirSync(config.dir, { recursive: true })
          Durable.writeFile(file, data)
        } catch (e) {
          throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
        }
      }
    }
    const creates = batch.changes.flatMap((c, i) => (c.operation === "create" ? [i] : []))
    const updates = batch.changes.flatMap((c, i) => (c.operation === "update" ? [i] : []))
    if (creates.length > 0) {
      if (create === undefined) for (const i of creates) w.reject(i, `${platform} files take no new users here`)
      else await writeCreates(w, creates, create)
    }
    if (updates.length > 0) {
      if (config.update === undefined) for (const i of updates) w.reject(i, `${platform} files cannot update users`)
      else if (config.update.kind === "api") await listUpdates(w, updates, config.update)
      else await writeUpdates(w, updates, update!)
    }
    return { results: w.results, files: w.files }
  }

  return {
    id: `files:${platform}`,
    title: `${platform} files in ${config.dir}`,
    settings: JSON.stringify({
      dir: path.resolve(config.dir),
      create: create ? [create.adapter.id, create.stem, create.options ?? {}] : null,
      update: config.update ? [update?.adapter.id ?? config.update.kind, config.update.stem, update?.options ?? {}] : null
    }),
    dialect: create?.adapter ?? update?.adapter ?? null,
    capabilities: {
      create: create !== undefined,
      update: config.update?.capability ?? null,
      current: config.current !== undefined
    },
    limits: { maxBatch: limit, batch: limit ?? config.batch ?? 1000 },
    current: async () => {
      if (config.current === undefined) {
        throw new PbxportError({ _tag: "Usage", detail: `${platform} files have no current users to read: give the file of the users the platform has` })
      }
      const decoding = await Decode.decode(config.current.input, {
        from: config.current.dialect,
        ...(config.current.options ? { options: config.current.options } : {}),
        ...config.current.read
      })
      const users: Array<{ row: number; line: number; user: User.User }> = []
      const issues: Array<Issue.Issue> = [...decoding.fileIssues]
      for await (const r of decoding.rows) {
        issues.push(...r.issues)
        if (!r.skipped && r.user !== undefined) users.push({ row: r.row, line: r.line, user: r.user })
      }
      return { name: decoding.opened.name, users, issues }
    },
    write: (batch) => run(batch, false),
    preview: (batch) => run(batch, true)
  }
}
