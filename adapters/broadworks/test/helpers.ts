/**
 * Test helpers: a small stand-in for the pipeline (packages/pbxport, which this package cannot
 * import) so tests drive `Adapter.reader`/`writer` as the pipeline does: file-level findings at
 * line 1, row findings at their row and line, `unique` duplicates on the later row, CSV written
 * with the dialect's header, minimal quoting and CRLF, JSON arrays with the writer's open/close,
 * XML documents split at `maxRowsPerFile`.
 */
import { Redacted } from "effect"
import { type Adapter, Field, Issue, Table, User } from "@pbxport/core"

export interface Record {
  readonly row: number
  readonly line: number
  readonly cells: Array<string>
}

/** Parses RFC 4180 CSV (quotes, doubled quotes, CRLF/LF, line breaks in quoted cells). */
export const parseCsv = (text: string): { header: Array<string>; records: Array<Record> } => {
  const rows: Array<{ line: number; cells: Array<string> }> = []
  let cells: Array<string> = []
  let cell = ""
  let quoted = false
  let line = 1
  let start = 1
  let touched = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === "\"" && text[i + 1] === "\"") { cell += "\""; i++ }
      else if (ch === "\"") quoted = false
      else { if (ch === "\n") line++; cell += ch }
      continue
    }
    if (ch === "\"") { quoted = true; touched = true }
    else if (ch === ",") { cells.push(cell); cell = ""; touched = true }
    else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++
      if (touched || cell !== "") rows.push({ line: start, cells: [...cells, cell] })
      cells = []; cell = ""; touched = false
      line++; start = line
    } else { cell += ch; touched = true }
  }
  if (touched || cell !== "") rows.push({ line: start, cells: [...cells, cell] })
  const [header, ...rest] = rows
  return { header: header?.cells ?? [], records: rest.map((r, i) => ({ row: i + 1, line: r.line, cells: r.cells })) }
}

/** Formats one CSV record with minimal quoting. */
export const formatCsv = (cells: ReadonlyArray<string>): string =>
  cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, "\"\"")}"` : c)).join(",")

/** Where each top-level element of a JSON array starts (as packages/pbxport Source.ts counts). */
const elementLines = (text: string): Array<number> => {
  const lines: Array<number> = []
  let depth = 0
  let line = 1
  let inString = false
  let expecting = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === "\n") line++
    if (inString) {
      if (ch === "\\") i++
      else if (ch === "\"") inString = false
      continue
    }
    if (depth === 1 && expecting && !/[\s,\]]/.test(ch)) { lines.push(line); expecting = false }
    if (ch === "\"") inString = true
    else if (ch === "[" || ch === "{") { depth++; if (depth === 1) expecting = true }
    else if (ch === "]" || ch === "}") depth--
    else if (ch === "," && depth === 1) expecting = true
  }
  return lines
}

export interface Read {
  readonly issues: Array<Issue.Issue>
  readonly users: Array<User.User>
  readonly rows: number
  readonly skipped: number
}

const dedupe = (adapter: Adapter.Adapter) => {
  const seen = adapter.unique.map(() => new Map<string, { row: number; line: number }>())
  return (user: User.User, row: number, line: number): Array<Issue.Issue> => {
    const out: Array<Issue.Issue> = []
    adapter.unique.forEach((rule, i) => {
      const key = rule.key(user)
      if (key === undefined || key === "") return
      const first = seen[i]!.get(key)
      if (first === undefined) seen[i]!.set(key, { row, line })
      else out.push({ row, line, column: rule.column, code: "duplicate", severity: "error", message: `${rule.label} '${key}' is already used by row ${first.row} (line ${first.line}); it must be unique in the file` })
    })
    return out
  }
}

/** The CSV engine's own header issue (packages/csv Reader.ts): a name given twice. */
const duplicateNames = (header: ReadonlyArray<string>): Array<Issue.Issue> => {
  const seen = new Map<string, number>()
  const out: Array<Issue.Issue> = []
  header.forEach((name, k) => {
    const first = seen.get(name)
    if (first === undefined) seen.set(name, k + 1)
    else out.push({ row: null, line: null, column: name, code: "duplicate-column", severity: "warning", message: `the header names column ${JSON.stringify(name)} twice, at positions ${first} and ${k + 1}` })
  })
  return out
}

const readRecords = (adapter: Adapter.Adapter, header: Array<string> | null, records: ReadonlyArray<Adapter.SourceRecord>, options: Adapter.Options): Read => {
  const reader = adapter.reader(header, options)
  const issues: Array<Issue.Issue> = [...duplicateNames(header ?? []), ...reader.findings.map((f) => Issue.at(f, null, null))]
  if (issues.some((i) => i.severity === "error")) return { issues, users: [], rows: 0, skipped: 0 }
  const unique = dedupe(adapter)
  const users: Array<User.User> = []
  let rows = 0
  let skipped = 0
  for (const record of records) {
    // the CSV engine rejects a record with more or fewer cells than the header (ragged-row)
    // (the pipeline still lets the dialect recognise a short template row and skip it)
    const ragged = header !== null && (record.cells?.length ?? 0) !== header.length
    const attempt = reader.decode(record)
    const decoded = ragged && !attempt.skip ? { findings: [] } : attempt
    const rowIssues: Array<Issue.Issue> = ragged && !attempt.skip ? [{ row: record.row, line: record.line, column: null, code: "ragged-row", severity: "error", message: "(the CSV engine's message)" }] : []
    rowIssues.push(...decoded.findings.map((f) => Issue.at(f, record.row, record.line)))
    if (decoded.skip) { skipped++; issues.push(...rowIssues); continue }
    rows++
    let user = ragged ? undefined : decoded.user
    if (user !== undefined) {
      rowIssues.push(...unique(user, record.row, record.line))
      if (rowIssues.some((i) => i.severity === "error")) user = undefined
    }
    if (user !== undefined) users.push(user)
    issues.push(...rowIssues)
  }
  return { issues, users, rows, skipped }
}

/** Reads CSV text with a dialect, as `pbxport validate` would. */
export const readCsv = (adapter: Adapter.Adapter, text: string, options: Adapter.Options = {}): Read => {
  const { header, records } = parseCsv(text.replace(/^\uFEFF/, ""))
  return readRecords(adapter, header, records.filter((r) => !(r.cells.length === 1 && r.cells[0] === "")), options)
}

/** Reads a JSON array, one JSON object, or JSON Lines with a dialect. */
export const readJson = (adapter: Adapter.Adapter, text: string, options: Adapter.Options = {}): Read => {
  const body = text.replace(/^\uFEFF/, "")
  let records: Array<Adapter.SourceRecord>
  try {
    const parsed: unknown = JSON.parse(body)
    const values = Array.isArray(parsed) ? parsed : [parsed]
    const lines = Array.isArray(parsed) ? elementLines(body) : [1]
    records = values.map((value, i) => ({ row: i + 1, line: lines[i] ?? 1, value }))
  } catch {
    records = body.split("\n").map((t, i) => ({ t, line: i + 1 })).filter((l) => l.t.trim() !== "").map((l, i) => ({ row: i + 1, line: l.line, value: JSON.parse(l.t) }))
  }
  return readRecords(adapter, null, records, options)
}

/** Reads a file's text with the dialect's format. */
export const read = (adapter: Adapter.Adapter, text: string, options: Adapter.Options = {}): Read =>
  adapter.format === "csv" ? readCsv(adapter, text, options) : readJson(adapter, text, options)

export interface Written {
  readonly files: Array<string>
  readonly issues: Array<Issue.Finding>
  readonly written: number
}

/** Writes users with a dialect as `pbxport convert` would (valid rows only). */
export const write = (adapter: Adapter.Adapter, users: ReadonlyArray<User.User>, options: Adapter.Options = {}, fullTemplate = false): Written => {
  const writer = adapter.writer(options)
  const encoded: Array<Adapter.Encoded> = []
  const issues: Array<Issue.Finding> = []
  users.forEach((u, i) => {
    const e = writer.encode(u, encoded.length)
    issues.push(...e.findings)
    if (!Issue.hasError(e.findings)) encoded.push(e)
    void i
  })
  const limit = adapter.capabilities.maxRowsPerFile ?? Infinity
  const batches: Array<Array<Adapter.Encoded>> = []
  for (let i = 0; i < Math.max(encoded.length, 1); i += limit) batches.push(encoded.slice(i, i + limit))
  const files = batches.map((batch, b) => {
    let out = writer.open?.(b + 1) ?? ""
    if (adapter.format === "csv") {
      const used = new Set<string>()
      for (const e of encoded) for (const h of Object.keys(e.cells ?? {})) used.add(h)
      const header = fullTemplate
        ? [...adapter.columns.map((c) => c.header), ...[...used].filter((h) => !adapter.columns.some((c) => c.header === h))]
        : writer.header!(used)
      out += `${formatCsv(header)}\r\n`
      for (const e of batch) out += `${formatCsv(header.map((h) => e.cells?.[h] ?? ""))}\r\n`
    } else if (adapter.format === "json") out += batch.map((e) => JSON.stringify(e.value, null, 2)).join(",\n")
    else out += batch.map((e) => e.text ?? "").join("")
    return out + (writer.close?.(b + 1) ?? "")
  })
  return { files, issues, written: encoded.length }
}

/** A canonical user as plain JSON (secrets revealed), the form of `expected.jsonl`. */
export const plain = (value: unknown): unknown => {
  if (Redacted.isRedacted(value)) return Redacted.value(value)
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

const secrets = Field.catalogue.filter((f) => f.secret && !f.repeated).map((f) => f.path)

/** Reads a user of `expected.jsonl` back (secrets wrapped), checked against the canonical schema. */
export const canonical = (value: unknown): User.User => {
  const copy = structuredClone(value) as globalThis.Record<string, unknown>
  for (const path of secrets) {
    const v = Table.getAt(copy, path)
    if (typeof v === "string") Table.setAt(copy, path, Redacted.make(v))
  }
  const problem = User.check(copy)
  if (problem !== undefined) throw new Error(problem)
  return copy as User.User
}

/** Tells whether a decoded user is a valid canonical user (undefined when it is). */
export const schemaProblem = (user: User.User): string | undefined => User.check(user)
