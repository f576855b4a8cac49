/**
 * Test helpers: a small CSV splitter and a reader loop that applies the adapter's unique rules
 * the way the pipeline does, so rules can be tested through `Adapter.reader` alone.
 */
import type { Adapter, Issue, User } from "@pbxport/core"

/** Splits CSV text (comma, double quotes, CRLF or LF) into records. */
export const parseCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let record: Array<string> = []
  let cell = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch !== "\"") cell += ch
      else if (text[i + 1] === "\"") {
        cell += "\""
        i++
      } else quoted = false
    } else if (ch === "\"") quoted = true
    else if (ch === ",") {
      record.push(cell)
      cell = ""
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++
      record.push(cell)
      records.push(record)
      record = []
      cell = ""
    } else cell += ch
  }
  if (cell !== "" || record.length > 0) {
    record.push(cell)
    records.push(record)
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ""))
}

/** What reading a file gave. */
export interface Read {
  readonly header: ReadonlyArray<Issue.Finding>
  readonly users: Array<User.User>
  /** Row findings as `row: code column` strings plus the findings themselves. */
  readonly issues: Array<Issue.Finding & { readonly row: number }>
}

/** Reads CSV text with a dialect: header findings, valid users, row issues (with duplicates). */
export const read = (adapter: Adapter.Adapter, text: string, options: Adapter.Options = {}): Read => {
  const [header = [], ...rows] = parseCsv(text)
  const reader = adapter.reader(header, options)
  const seen = adapter.unique.map(() => new Map<string, number>())
  const users: Array<User.User> = []
  const issues: Array<Issue.Finding & { readonly row: number }> = []
  rows.forEach((cells, i) => {
    const row = i + 1
    const decoded = reader.decode({ row, line: row + 1, cells })
    const found: Array<Issue.Finding> = [...decoded.findings]
    if (decoded.user !== undefined) {
      adapter.unique.forEach((rule, n) => {
        const key = rule.key(decoded.user!)
        if (key === undefined || key === "") return
        const first = seen[n]!.get(key)
        if (first === undefined) seen[n]!.set(key, row)
        else found.push({ column: rule.column, code: "duplicate", severity: "error", message: `${rule.label} '${key}' is already used by row ${first}` })
      })
      if (!found.some((f) => f.severity === "error")) users.push(decoded.user)
    }
    for (const f of found) issues.push({ ...f, row })
  })
  return { header: reader.findings, users, issues }
}

/** Shortens findings to `code@column` for compact assertions. */
export const codes = (findings: ReadonlyArray<Issue.Finding & { readonly row?: number }>): Array<string> =>
  findings.map((f) => `${f.row === undefined ? "" : `${f.row}:`}${f.code}@${f.column ?? "-"}`)

/** Encodes users and returns the header the pipeline would write and the rows' cells. */
export const write = (adapter: Adapter.Adapter, users: ReadonlyArray<User.User>, options: Adapter.Options = {}) => {
  const writer = adapter.writer(options)
  const encoded = users.map((u, i) => writer.encode(u, i))
  const used = new Set<string>()
  for (const e of encoded) if (!e.findings.some((f) => f.severity === "error")) for (const h of Object.keys(e.cells ?? {})) used.add(h)
  const header = writer.header ? writer.header(used) : [...used]
  return { encoded, header, rows: encoded.map((e) => header.map((h) => e.cells?.[h] ?? "")) }
}
