/**
 * Converts users from one dialect to another through the canonical model.
 *
 * Only valid rows are written; failed rows go to an errors file with their original cells plus
 * an `error` column, so they can be fixed and fed back; the report counts rows read, written and
 * skipped, lists the issues, and names what was lost: canonical fields present in the input that
 * the target cannot carry.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Adapter, Field, Issue, Table, type User } from "@pbxport/core"
import { Dialect, Formula, Writer } from "@pbxport/csv"
import * as Decode from "./Decode.js"
import * as Fill from "./Fill.js"
import * as Output from "./Output.js"
import * as Scaffold from "./Scaffold.js"
import type * as Source from "./Source.js"

/**
 * A field the target could not carry, and in how many written rows it held data.
 */
export interface Lost {
  readonly field: string
  readonly count: number
}

/**
 * The report of `pbxport convert --json` and `--report`.
 */
export interface ConversionReport {
  readonly file: string
  readonly from: string
  readonly to: string
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly rows: {
    /** Data rows read (rows that are not data, such as a template's hint row, are not counted). */
    readonly read: number
    readonly written: number
    readonly skipped: number
  }
  readonly outputs: ReadonlyArray<Output.Written>
  readonly errors: string | null
  readonly lost: ReadonlyArray<Lost>
  readonly issues: ReadonlyArray<Issue.Issue>
  /** With `fullTemplate`: the target's required columns still empty, with how many rows each. */
  readonly emptyRequired?: ReadonlyArray<Scaffold.EmptyRequired>
  /** With generated secrets: the credentials file (never the secrets themselves). */
  readonly credentials?: Fill.Credentials
}

/**
 * A conversion's report, plus the converted bytes when no output target was given.
 */
export type Conversion = ConversionReport & { readonly data?: Uint8Array }

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

/**
 * A step between decoding and encoding (templated values, pools, ...): returns the user to
 * write, or findings; an error finding skips the row.
 */
export type Transform = (user: User.User, row: Decode.RowResult) => { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> }

/**
 * Options of a conversion.
 */
export interface ConvertOptions extends Source.ReadOptions {
  readonly from: string | Adapter.Adapter
  readonly to: string | Adapter.Adapter
  /** Options of the source dialect. */
  readonly options?: Adapter.Options
  /** Options of the target dialect. */
  readonly targetOptions?: Adapter.Options
  /** Where the converted users go; standard output when absent. */
  readonly output?: Output.Target
  /** Path of the errors file for the rows that were skipped. */
  readonly errors?: string
  /** Write every column of the target, as a scaffold to complete (see Scaffold.ts). */
  readonly fullTemplate?: boolean
  /** Fill what the target needs: templated values, pools, maps, generated secrets (see Fill.ts). */
  readonly fill?: Fill.FillOptions
  readonly transform?: Transform
  readonly onProgress?: (rows: number) => void
}

const carriedBy = new WeakMap<Adapter.Adapter, ReadonlySet<string>>()

/**
 * What the target of a conversion leaves out of a user: catalogue paths it does not carry, and
 * kept columns of other dialects.
 */
export const notCarried = (user: User.User, target: Adapter.Adapter): Array<string> => {
  let carried = carriedBy.get(target)
  if (carried === undefined) {
    carried = new Set(target.capabilities.carries)
    carriedBy.set(target, carried)
  }
  const lost = Field.filledPaths(user).filter((p) => !carried.has(p))
  for (const [dialect, cells] of Object.entries(user.extras ?? {})) {
    if (Adapter.keepsExtrasOf(target, dialect)) continue
    for (const [column, value] of Object.entries(cells)) if (value !== "") lost.push(`extras.${dialect}.${column}`)
  }
  return lost
}

const errorsWriter = (file: string, header: ReadonlyArray<string> | null, delimiter: string | null) => {
  const temp = `${file}.pbxport-${process.pid}.tmp`
  const fd = fs.openSync(temp, "w", 0o600)
  const dialect = Dialect.make({ delimiter: delimiter ?? ",", newline: "\r\n" })
  const safe = (cells: ReadonlyArray<string>) => cells.map(Formula.escapeFormula)
  if (header) fs.writeSync(fd, Writer.formatRecord(safe([...header, "error"]), dialect) + "\r\n")
  let rows = 0
  return {
    add: (result: Decode.RowResult, message: string) => {
      rows++
      if (header) fs.writeSync(fd, Writer.formatRecord(safe([...header.map((_, i) => result.cells?.[i] ?? ""), message]), dialect) + "\r\n")
      else fs.writeSync(fd, JSON.stringify({ row: result.row, line: result.line, record: result.value, error: message }) + "\n")
    },
    finish: async () => {
      fs.closeSync(fd)
      if (rows === 0) {
        await fs.promises.rm(temp, { force: true })
        return false
      }
      await fs.promises.rename(temp, file)
      return true
    },
    abort: async () => {
      try { fs.closeSync(fd) } catch { /* closed */ }
      await fs.promises.rm(temp, { force: true })
    }
  }
}

/**
 * Converts an input from one dialect to another.
 *
 * **Gotchas**
 * A file-level problem throws a `PbxportError` and leaves no output behind. Rows that fail
 * are skipped, reported, and written to the errors file when one is given.
 */
export const convert = async (input: Source.Input, options: ConvertOptions): Promise<Conversion> => {
  const target = Decode.dialect(options.to, "write")
  const scaffold = options.fullTemplate === true
  const fill = await Fill.start(input, options, target, options.fill ?? {}, { scaffold, preview: false, output: options.output })
  let decoding: Decode.Decoding
  try {
    decoding = await Decode.decode(fill.input, options)
  } catch (e) {
    await fill.abort()
    throw e
  }
  const empty = Scaffold.tracker(target)
  const writer = target.writer(options.targetOptions ?? {})
  const chunks: Array<Uint8Array> = []
  const output = Output.create(target, writer, options.output ?? { sink: (b) => chunks.push(b) }, { fullTemplate: options.fullTemplate ?? false, ...(fill.generatesSecrets === true ? { mode: 0o600 } : {}) })
  const errors = options.errors ? errorsWriter(options.errors, decoding.opened.header, decoding.opened.delimiter) : undefined
  const issues: Array<Issue.Issue> = [...decoding.fileIssues]
  const lost = new Map<string, number>()
  let read = 0
  let written = 0
  let skipped = 0
  try {
    for await (const result of decoding.rows) {
      const rowIssues = [...result.issues]
      if (result.skipped) {
        issues.push(...rowIssues)
        continue
      }
      read++
      let user = Fill.apply(Fill.apply(result.user, result, fill.transform, rowIssues), result, options.transform, rowIssues)
      if (user !== undefined) {
        let encoded = writer.encode(user, written)
        const settled = scaffold ? Scaffold.settle(encoded) : undefined
        if (settled) encoded = settled.encoded
        rowIssues.push(...encoded.findings.map((f) => Issue.at(f, result.row, result.line)))
        if (!Issue.hasError(encoded.findings)) {
          output.add(encoded)
          if (scaffold) empty.add(encoded, settled?.missing ?? [])
          fill.written(user, result)
          written++
          for (const field of notCarried(user, target)) lost.set(field, (lost.get(field) ?? 0) + 1)
        } else user = undefined
      }
      if (user === undefined) {
        skipped++
        errors?.add(result, rowIssues.filter((i) => i.severity === "error").map((i) => `${i.column ? `${i.column}: ` : ""}${i.message}`).join("; "))
      }
      issues.push(...rowIssues)
      if (options.onProgress && read % 5000 === 0) options.onProgress(read)
    }
    const outputs = await output.finish()
    const credentials = await fill.finish()
    const errorsWritten = errors ? await errors.finish() : false
    const lostList = [...lost].map(([field, count]) => ({ field, count }))
    for (const { field, count } of lostList) {
      issues.push({ row: null, line: null, column: null, code: "not-carried", severity: "warning", message: `${field}: ${count} row${count === 1 ? "" : "s"} had a value that the ${target.id} dialect cannot carry; it was not written` })
    }
    const emptyRequired = empty.report()
    const sum = Scaffold.summary(target, emptyRequired)
    if (sum) issues.push(sum)
    return {
      file: decoding.opened.name,
      from: decoding.adapter.id,
      to: target.id,
      encoding: decoding.opened.encoding,
      delimiter: decoding.opened.delimiter,
      rows: { read, written, skipped },
      outputs,
      errors: errorsWritten && options.errors ? path.resolve(options.errors) : null,
      lost: lostList,
      issues,
      ...(scaffold ? { emptyRequired } : {}),
      ...(credentials ? { credentials } : {}),
      ...(options.output ? {} : { data: concat(chunks) })
    }
  } catch (e) {
    await output.abort()
    await errors?.abort()
    await fill.abort()
    throw e
  }
}

/**
 * The catalogue path a column of a dialect carries (re-exported for reports and docs).
 */
export const cataloguePath = Table.cataloguePath
