/**
 * The `wazo` dialect: the CSV of Wazo's `POST /users/import` (current wazo-confd).
 *
 * Cells are exact: bools `1`/`0`, integers ASCII digits, an empty cell is null (Wazo's default
 * on create), `call_permissions` is a `;` list, nothing is trimmed, headers match exactly and in
 * any order. Every rule Wazo applies that needs no server is checked here, with Wazo's own
 * message quoted; what needs the server (contexts, ranges, existing users) is left to it.
 */
import { Adapter, Issue, Table, type User } from "@pbxport/core"
import * as Cells from "./cells.js"
import { importColumn, importColumns } from "./columns.js"
import * as Rules from "./rules.js"
import * as Tables from "./table.js"

/**
 * Columns Wazo still accepts and ignores, and why; their cells are kept in `extras`.
 */
export const IGNORED: Readonly<Record<string, string>> = {
  entity_id: "since 19.05 (entities were removed)",
  cti_profile_enabled: "since 19.05 (CTI profiles were removed)",
  cti_profile_name: "since 19.05 (CTI profiles were removed)",
  call_record_enabled: "since 21.01 (replaced by the four call_record_*_enabled columns)",
  provisioning_code: "(Wazo exports it but cannot import it)"
}

/**
 * Reports a header no column claims: an ignored legacy column, a near miss of a column name
 * (Wazo matches names exactly), or an unknown column.
 */
export const unknownColumn = (dialect: string, ignored: Readonly<Record<string, string>>, known: ReadonlyArray<string>, uploaded = true) => (header: string): Issue.Finding => {
  const why = ignored[header]
  if (why !== undefined) return Issue.warning("ignored-column", header, `column '${header}' is ignored by Wazo ${why}; pbxport keeps its values but they have no effect`)
  const near = known.find((k) => Table.looseKey(k) === Table.looseKey(header))
  const wazo = uploaded ? " and Wazo ignores it" : ""
  return Issue.warning(
    "unknown-column",
    header,
    near !== undefined
      ? `column '${header}' is not a ${dialect} column${wazo}: did you mean '${near}'? (Wazo matches header names exactly, case and spaces included)`
      : `column '${header}' is not a ${dialect} column${wazo}; pbxport keeps its values`
  )
}

const notNullColumns = ["subscription_type", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled"]

const differ = (who: string) => (missing: ReadonlyArray<string>, extra: ReadonlyArray<string>): Array<Issue.Finding> => [
  ...missing.map((h) => Issue.error("missing-required", h, `'${h}' has no value for this user but has one for the first ${who} of the file, so this row's cell would be empty, which Wazo refuses (Wazo: ${Cells.schema(importColumn(h).key, "Field may not be null.")}); give it to every ${who} or to none`)),
  ...extra.map((h) => Issue.error("conflict", h, `'${h}' has a value for this user but not for the first ${who} of the file, whose cell would be empty, which Wazo refuses (Wazo: ${Cells.schema(importColumn(h).key, "Field may not be null.")}); give it to every ${who} or to none`))
]

/**
 * Keeps the first incall of a user with several (the import takes one), with a finding.
 */
export const oneIncall = (dialect: string) => (user: User.User): { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> } => {
  const incalls = user.incalls ?? []
  if (incalls.length <= 1) return { user, findings: [] }
  const dropped = incalls.slice(1).map((i) => `${i.did ?? ""}@${i.context ?? ""}`).join(", ")
  return {
    user: { ...user, incalls: incalls.slice(0, 1) },
    findings: [Issue.warning("not-carried", "incall_exten", `the ${dialect} dialect takes one incoming number per user; ${dropped} ${incalls.length === 2 ? "was" : "were"} not written (add ${incalls.length === 2 ? "it" : "them"} in Wazo afterwards)`)]
  }
}

const spec: Tables.Spec = {
  id: "wazo",
  columns: importColumns,
  unknownColumn: unknownColumn("Wazo import", { ...IGNORED, uuid: "on import (every imported user gets a new uuid; to update users by uuid, use --from wazo-update)" }, importColumns.map((c) => c.header)),
  rules: (user, view) => Rules.wazoRow(user, view, importColumns, "create"),
  prepare: oneIncall("wazo"),
  agreements: [
    { columns: notNullColumns, applies: () => true, differ: differ("user") },
    {
      columns: ["voicemail_delete_messages", "voicemail_ask_password"],
      applies: (cells) => (cells.voicemail_number ?? "") !== "" || (cells.voicemail_context ?? "") !== "",
      differ: differ("user with a voicemail")
    }
  ]
}

const read = Tables.reader(spec)

/**
 * The wazo dialect.
 */
export const wazo: Adapter.Adapter = Adapter.make({
  id: "wazo",
  family: "wazo",
  title: "Wazo user import (POST /users/import)",
  description: "The CSV of Wazo's user import: users with their line, extension, voicemail, incoming number and call permissions; exact 1/0 bools; an empty cell takes Wazo's default.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Tables.columns(spec),
  capabilities: { carries: Tables.carries(spec) },
  template: {
    header: ["firstname", "lastname", "email", "exten", "context", "line_protocol", "voicemail_name", "voicemail_number", "voicemail_context"],
    example: ["Alice", "Example", "alice@example.com", "1001", "default", "sip", "Alice Example", "1001", "default"]
  },
  unique: Rules.unique,
  reader: read,
  writer: Tables.writer(spec, read)
})
