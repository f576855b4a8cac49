/**
 * Decodes an opened input into one result per record: the user, or the issues of that row.
 *
 * Positions, structural problems from the reader, the adapter's own findings and in-file
 * duplicates all end up as issues of the row they hit, so one bad row never stops the others.
 */
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
  options: Source.ReadOptions & { readonly from: string | Adapter.Adapter; readonly options?: Adapter.Options }
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
  async function* rows(): AsyncIterable<RowResult> {
    // first row of each unique value, in fixed width (FirstRows.ts); lines by row
    const seen = adapter.unique.map(() => FirstRows.make())
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
        adapter.unique.forEach((rule, i) => {
          const key = rule.key(user!)
          if (key === undefined || key === "") return
          const first = seen[i]!.claim(key, record.row)
          if (first === undefined) {
            if (record.row >= lines.length) {
              const more = new Uint32Array(Math.max(lines.length * 2, record.row + 1))
              more.set(lines)
              lines = more
            }
            lines[record.row] = record.line
          } else issues.push({ row: record.row, line: record.line, column: rule.column, code: "duplicate", severity: "error", message: `${rule.label} '${key}' is already used by row ${first} (line ${lines[first]}); it must be unique in the file` })
        })
        if (issues.some((i) => i.severity === "error")) user = undefined
      }
      yield { index: index++, row: record.row, line: record.line, cells: record.cells, value: record.value, user, issues, skipped: false }
    }
  }
  return { adapter, opened, fileIssues, rows: rows() }
}
