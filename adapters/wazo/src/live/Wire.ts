/**
 * The bytes on Wazo's wire: users to the CSV body of `POST /users/import` with the `wazo`
 * dialect's own writer, the CSV of `GET /users/export` back to users with the `wazo-export`
 * dialect's reader, and a user's fields to the JSON body of confd's `PUT /users/{uuid}`.
 *
 * Using the dialects themselves keeps one declaration per column: what `pbxport convert` writes
 * for a Wazo import is exactly what a live migration sends (docs/dialects/wazo.md).
 */
import { type Adapter, Field, Issue, type User } from "@pbxport/core"
import { Dialect, Reader, Writer } from "@pbxport/csv"
import { Redacted } from "effect"
import { importColumns } from "../columns.js"
import { wazo } from "../wazo.js"
import { wazoExport } from "../wazo-export.js"

const syntax = Dialect.make(wazo.syntax!)

/**
 * An import body: the CSV text, and for each user given either its data row (1-based, Wazo's
 * `row_number`) or the reason pbxport refused to send it.
 */
export interface ImportBody {
  readonly text: string
  readonly rows: ReadonlyArray<{ readonly row: number } | { readonly refused: string }>
}

const reasonOf = (findings: ReadonlyArray<Issue.Finding>): string =>
  findings.filter((f) => f.severity === "error").map((f) => `${f.column ? `${f.column}: ` : ""}${f.message}`).join("; ")

/**
 * Writes users as one import body with the `wazo` dialect; users the dialect refuses are not
 * written and say why.
 */
export const importBody = (users: ReadonlyArray<User.User>): ImportBody => {
  const writer = wazo.writer({})
  const encoded: Array<Adapter.Encoded> = []
  const rows: Array<{ row: number } | { refused: string }> = []
  const used = new Set<string>()
  for (const user of users) {
    const e = writer.encode(user, encoded.length)
    if (Issue.hasError(e.findings)) {
      rows.push({ refused: reasonOf(e.findings) })
      continue
    }
    encoded.push(e)
    for (const h of Object.keys(e.cells ?? {})) used.add(h)
    rows.push({ row: encoded.length })
  }
  const header = writer.header!(used)
  const lines = [Writer.formatRecord(header, syntax), ...encoded.map((e) => Writer.formatRecord(header.map((h) => e.cells?.[h] ?? ""), syntax))]
  return { text: encoded.length === 0 ? "" : lines.join(syntax.newline) + syntax.newline, rows }
}

/**
 * A user of an export, with its uuid and its position in the export.
 */
export interface Exported {
  readonly uuid: string
  readonly row: number
  readonly line: number
  readonly user: User.User
}

/**
 * Reads the CSV of `GET /users/export` with the `wazo-export` dialect. Rows the dialect cannot
 * read as a user are returned as problems (they are Wazo's data: pbxport reports them, it
 * does not fix them).
 */
export const readExport = async (text: string): Promise<{ readonly users: ReadonlyArray<Exported>; readonly problems: ReadonlyArray<Issue.Issue> }> => {
  const file = await Reader.readText(text, { delimiter: "," })
  const reader = wazoExport.reader(file.header, {})
  const users: Array<Exported> = []
  const problems: Array<Issue.Issue> = [...file.fileIssues, ...reader.findings.map((f) => Issue.at(f, null, file.headerLine))]
  for await (const r of file.records) {
    problems.push(...r.issues)
    const d = reader.decode({ row: r.row, line: r.line, cells: r.cells })
    problems.push(...d.findings.filter((f) => f.severity === "error").map((f) => Issue.at(f, r.row, r.line)))
    const uuid = d.user?.uuid
    if (d.user !== undefined && typeof uuid === "string" && uuid !== "") users.push({ uuid, row: r.row, line: r.line, user: d.user })
  }
  return { users, problems }
}

/**
 * The canonical paths `PUT /users/{uuid}` takes, with confd's field name (the same as the import
 * column's: the import's user columns are confd's user fields, spec §4.1) and the kind of value.
 */
export const userFields: ReadonlyArray<{ readonly path: string; readonly field: string; readonly kind: "text" | "flag" | "count" | "secret" }> = importColumns.flatMap((c) => {
  // username and password belong to wazo-auth, not to the confd user (spec §4.2)
  const confd = [
    "firstname", "lastname", "email", "language", "outgoing_caller_id", "mobile_phone_number", "call_permission_password", "userfield", "enabled",
    "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled",
    "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled", "online_call_record_enabled", "ring_seconds", "simultaneous_calls",
    "subscription_type"
  ]
  if (!confd.includes(c.header) || c.target === null) return []
  const kind = Field.find(c.target)?.kind
  return [{ path: c.target, field: c.header, kind: kind === "flag" || kind === "count" || kind === "secret" ? kind : "text" }]
})

/**
 * The JSON body of `PUT /users/{uuid}` for the fields a partial user gives (confd applies the
 * fields a PUT gives and leaves the others: its item resources load with `partial=True`).
 */
export const userBody = (user: User.User): Record<string, string | number | boolean | null> => {
  const body: Record<string, string | number | boolean | null> = {}
  for (const f of userFields) {
    const value = Field.get(user, f.path)
    if (value === undefined) continue
    const plain = Field.reveal(value)
    body[f.field] = plain === null ? null : (plain as string | number | boolean)
  }
  return body
}

/**
 * The plain values of every secret a user holds, so messages can be cleaned of them.
 */
export const secretsOf = (user: User.User): Array<string> => {
  const out: Array<string> = []
  const walk = (v: unknown): void => {
    if (Redacted.isRedacted(v)) {
      const s = Redacted.value(v)
      if (typeof s === "string" && s.length >= 3) out.push(s)
    } else if (Array.isArray(v)) v.forEach(walk)
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk)
  }
  walk(user)
  return out
}

/**
 * Replaces every occurrence of the given secrets in a message with `<redacted>` (Wazo's row
 * errors quote values, and a value can be someone's password).
 */
export const scrub = (message: string, secrets: ReadonlyArray<string>): string => {
  let out = message
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("<redacted>")
  return out
}
