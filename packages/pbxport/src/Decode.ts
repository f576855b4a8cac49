/**
 * Decodes an opened input into one result per record: the user, or the issues of that row.
 *
 * Positions, structural problems from the reader, the adapter's own findings and in-file
 * duplicates all end up as issues of the row they hit, so one bad row never stops the others.
 */
import * as fs from "node:fs"
import { Adapter, Issue, type User } from "@pbxport/core"
import * as FirstRows from "./FirstRows.js"
import { PbxportError } from "./PbxportError.js"
import * as Registry from "./Registry.js"
import * as Source from "./Source.js"

/**
 * The outcome of one record.
 *
 * **Details**
 * `index` is 0-based over data records, `row` 1-based; `user` is set when the row is valid
 * (warnings allowed). `skipped` marks a record that is not data (a template's hint row).
 */
export interface RowResult {
  readonly index: number
  readonly row: number
  readonly line: number
  readonly cells: ReadonlyArray<string> | undefined
  readonly value: unknown
  readonly user: User.User | undefined
  readonly issues: ReadonlyArray<Issue.Issue>
  readonly skipped: boolean
}

/**
 * A decoded input: the file-level facts, then the rows as they are read.
 */
export interface Decoding {
  readonly adapter: Adapter.Adapter
  readonly opened: Source.Opened
  readonly fileIssues: ReadonlyArray<Issue.Issue>
  readonly rows: AsyncIterable<RowResult>
}

/**
 * Finds a dialect for a direction, or fails with a usage-level error naming the valid ones.
 * An adapter object may be given instead of an id (a script's own dialect).
 */
export const dialect = (idOrAdapter: string | Adapter.Adapter, direction: "read" | "write"): Adapter.Adapter => {
  if (typeof idOrAdapter !== "string") {
    if (!idOrAdapter.capabilities[direction]) throw new PbxportError({ _tag: "UnsupportedDirection", id: idOrAdapter.id, direction })
    return idOrAdapter
  }
  const id = idOrAdapter
  const adapter = Registry.find(id)
  if (adapter === undefined) throw new PbxportError({ _tag: "UnknownDialect", id, known: Registry.ids() })
  if (!adapter.capabilities[direction]) throw new PbxportError({ _tag: "UnsupportedDirection", id, direction })
  return adapter
}

/**
 * Reads the unique values of earlier rows again, to confirm a fingerprint match (FirstRows.ts)
 * before it is reported: a second reader follows behind the first and only moves forward, so
 * the confirmations of a whole file cost at most one more pass in the usual case (duplicates
 * met in file order), and nothing at all in a file without duplicates. Undefined for an input
 * that cannot be read twice (a stream, a FIFO): a match then stands on its 64-bit fingerprint.
 */
const rereader = (input: Source.Input, adapter: Adapter.Adapter, options: Source.ReadOptions & { readonly options?: Adapter.Options }) => {
  if ("stream" in input || ("rows" in input && !Array.isArray(input.rows))) return undefined
  if ("path" in input) {
    try {
      if (!fs.statSync(input.path).isFile()) return undefined
    } catch {
      return undefined
    }
  }
  let records: AsyncIterator<Source.PositionedRecord> | undefined
  let reader: Adapter.RowReader | undefined
  let last: { row: number; user: User.User | undefined } | undefined
  return {
    /** The rule's value in a row, or undefined when the row cannot be read again. */
    value: async (row: number, rule: Adapter.UniqueRule): Promise<string | undefined> => {
      if (last === undefined || last.row > row) {
        await records?.return?.(undefined)
        const opened = await Source.open(input, adapter, options)
        records = opened.records[Symbol.asyncIterator]()
        reader = adapter.reader(opened.header, options.options ?? {})
        last = undefined
      }
      while (last === undefined || last.row < row) {
        const next = await records!.next()
        if (next.done === true) return undefined
        // every row is decoded as the first reader decoded it, so a reader that numbers rows
        // (generated extensions) gives the same values
        const record = next.value
        const structural = record.issues.some((i) => i.severity === "error")
        const ragged = structural && record.issues.every((i) => i.severity !== "error" || i.code === "ragged-row")
        const decoded = !structural || ragged ? reader!.decode(record) : undefined
        last = { row: record.row, user: structural ? undefined : decoded?.user }
      }
      return last.row === row && last.user !== undefined ? rule.key(last.user) : undefined
    },
    close: async () => {
      await records?.return?.(undefined)
    }
  }
}

const place = (findings: ReadonlyArray<Issue.Finding>, row: number | null, line: number | null) =>
  findings.map((f) => Issue.at(f, row, line))

/**
 * Opens and decodes an input with a dialect.
 *
 * **Gotchas**
 * A file-level problem (unreadable file, ambiguous delimiter, a header missing a column the
 * dialect needs) throws a {@link PbxportError}; row problems never do.
 */
export const decode = async (
  input: Source.Input,
  options: Source.ReadOptions & {
    readonly from: string | Adapter.Adapter
    readonly options?: Adapter.Options
    /** Tests only: a weaker fingerprint for the duplicate checks, to exercise the confirmation. */
    readonly fingerprint?: FirstRows.Fingerprint
  }
): Promise<Decoding> => {
  const adapter = dialect(options.from, "read")
  const opened = await Source.open(input, adapter, options)
  const reader = adapter.reader(opened.header, options.options ?? {})
  // file-level issues have no row and no line (the validate --json contract); the header is
  // named in their message or column instead
  const headerIssues = place(reader.findings, null, null)
  const fatal = headerIssues.find((i) => i.severity === "error")
  if (fatal) throw new PbxportError({ _tag: "BadInput", issue: fatal })
  const limit = adapter.capabilities.maxRowsPerFile
  const fileIssues = [...opened.fileIssues.map((i) => ({ ...i, row: null, line: null })), ...headerIssues]
  const confirm = adapter.unique.length > 0 ? rereader(input, adapter, options) : undefined
  async function* rows(): AsyncIterable<RowResult> {
    // first row of each unique value, in fixed width (FirstRows.ts); lines by row
    const seen = adapter.unique.map(() => FirstRows.make(options.fingerprint))
    // values whose fingerprint matched another value's: their first rows, exactly
    const exact = adapter.unique.map(() => new Map<string, number>())
    let lines = new Uint32Array(1024)
    let index = 0
    let dataRows = 0
    for await (const record of opened.records) {
      const structural = record.issues.some((i) => i.severity === "error")
      // a record of the wrong shape is not decoded, except to let the dialect recognise a
      // template artefact (a type-hint row shorter than the header is still not data)
      const ragged = structural && record.issues.every((i) => i.severity !== "error" || i.code === "ragged-row")
      const attempt: Adapter.Decoded | undefined = !structural || ragged ? reader.decode(record) : undefined
      const decoded: Adapter.Decoded = structural && !attempt?.skip ? { findings: [] } : (attempt ?? { findings: [] })
      const issues = [...(decoded.skip ? record.issues.filter((i) => i.code !== "ragged-row") : record.issues), ...place(decoded.findings, record.row, record.line)]
      if (decoded.skip) {
        yield { index: index++, row: record.row, line: record.line, cells: record.cells, value: record.value, user: undefined, issues, skipped: true }
        continue
      }
      dataRows++
      if (limit !== null && dataRows === limit + 1) {
        issues.push({ row: record.row, line: record.line, column: null, code: "too-many-rows", severity: "warning", message: `${adapter.title} takes at most ${limit} users per file; this row is number ${dataRows}: split the file (pbxport convert writes numbered files of ${limit})` })
      }
      let user = structural ? undefined : decoded.user
      if (user !== undefined) {
        for (let i = 0; i < adapter.unique.length; i++) {
          const rule = adapter.unique[i]!
          const key = rule.key(user)
          if (key === undefined || key === "") continue
          let first = exact[i]!.get(key) ?? seen[i]!.claim(key, record.row)
          if (first !== undefined && !exact[i]!.has(key) && confirm !== undefined) {
            const earlier = await confirm.value(first, rule)
            if (earlier !== undefined && earlier !== key) {
              // another value with the same fingerprint: this one is new
              exact[i]!.set(key, record.row)
              first = undefined
            }
          }
          if (first === undefined) {
            if (record.row >= lines.length) {
              const more = new Uint32Array(Math.max(lines.length * 2, record.row + 1))
              more.set(lines)
              FirstRows.release(lines)
              lines = more
            }
            lines[record.row] = record.line
          } else issues.push({ row: record.row, line: record.line, column: rule.column, code: "duplicate", severity: "error", message: `${rule.label} '${key}' is already used by row ${first} (line ${lines[first]}); it must be unique in the file` })
        }
        if (issues.some((i) => i.severity === "error")) user = undefined
      }
      yield { index: index++, row: record.row, line: record.line, cells: record.cells, value: record.value, user, issues, skipped: false }
    }
  }
  // the second reader is closed however the rows end (read to the end, or left early)
  async function* closing(): AsyncIterable<RowResult> {
    try {
      yield* rows()
    } finally {
      await confirm?.close()
    }
  }
  return { adapter, opened, fileIssues, rows: closing() }
}
