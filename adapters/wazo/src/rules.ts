/**
 * The row rules of the Wazo and XiVO dialects: what wazo-confd checks about a row that can be
 * checked without the server (patterns, lengths, nullability, the voicemail and line
 * requirements), what it silently ignores (warnings), and the in-file duplicates it would refuse
 * or silently merge.
 *
 * Rules read the cells (strings, as Wazo sees them) through the row view; the codecs have already
 * turned away bad bools and integers. Evidence for each rule: docs/dialects/wazo.md.
 */
import { type Adapter, Issue, type Table, type User } from "@pbxport/core"
import * as Cells from "./cells.js"
import type { WazoColumn } from "./columns.js"
import { isSecret } from "./table.js"

/** Whether the row creates users (`POST /users/import`) or updates them (`PUT`). */
export type Mode = "create" | "update"

const filled = (view: Table.RowView, header: string): boolean => {
  const cell = view.get(header)
  return cell !== undefined && cell !== ""
}

const isInteger = (c: WazoColumn): boolean => c.codec.describe.startsWith("integer")

/** The columns with something to check, once per column table (rules run on every row). */
const checked = new WeakMap<ReadonlyArray<WazoColumn>, ReadonlyArray<{ readonly column: WazoColumn; readonly secret: boolean; readonly integer: boolean }>>()
const toCheck = (columns: ReadonlyArray<WazoColumn>) => {
  let list = checked.get(columns)
  if (list === undefined) {
    list = columns.filter((c) => (c.checks ?? []).length > 0 || isInteger(c)).map((column) => ({ column, secret: isSecret(column), integer: isInteger(column) }))
    checked.set(columns, list)
  }
  return list
}

/**
 * Runs the checks of each non-empty cell, and reports integers written with leading zeros.
 */
export const cellChecks = (view: Table.RowView, columns: ReadonlyArray<WazoColumn>): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = []
  for (const { column: c, secret, integer } of toCheck(columns)) {
    const cell = view.get(c.header)
    if (cell === undefined || cell === "") continue
    // a `;` list of incoming numbers is reported once, by the incall rule
    if (c.header === "incall_exten" && cell.includes(";")) continue
    for (const check of c.checks ?? []) {
      const f = check(cell, c.header, secret)
      if (f) found.push(f)
    }
    if (integer) {
      const f = Cells.leadingZeros(cell, c.header)
      if (f) found.push(f)
    }
  }
  return found
}

/**
 * Refuses line breaks in cells: Wazo splits the body on line feeds before reading CSV, so a
 * quoted cell holding one is cut (LF dropped, CR kept); pbxport never writes one.
 */
export const lineBreaks = (view: Table.RowView): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = []
  view.header.forEach((h, i) => {
    if (Cells.hasLineBreak(view.cells[i] ?? "")) {
      found.push(Issue.error("invalid-format", h, `'${h}' holds a line break, which Wazo's import cannot read (it splits the file at line feeds before reading the CSV): remove it`))
    }
  })
  return found
}

const voicemailGiven = (view: Table.RowView) => filled(view, "voicemail_number") || filled(view, "voicemail_context")

/** What to write in a cell, in words: "1 or 0", "a whole number from 0 to 10", "a value". */
const valid = (c: WazoColumn): string =>
  c.codec === Cells.bool ? "1 or 0" : isInteger(c) ? c.type.replace(/^integer/, "a whole number") : "a value"

const nullMessage = (c: WazoColumn, mode: Mode): string =>
  mode === "update"
    ? `'${c.header}' cannot be cleared by an update: write ${valid(c)}, or leave the column out to keep the current value`
    : c.notNull === "voicemail"
      ? `'${c.header}' may not be empty when a voicemail is given: write ${valid(c)}`
      : `'${c.header}' may not be empty when the column is present: write ${valid(c)}, or leave the column out for Wazo's default`

/**
 * Refuses empty cells in columns whose field may not be null: on create the non-nullable fields
 * (and the voicemail's when one is created), on update every field of the non-nullable schema.
 */
export const notNull = (view: Table.RowView, columns: ReadonlyArray<WazoColumn>, mode: Mode): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = []
  for (const c of columns) {
    if (c.notNull === undefined || view.get(c.header) !== "") continue
    const refused = c.notNull === "always" || mode === "update" || (c.notNull === "voicemail" && voicemailGiven(view))
    if (refused) found.push(Issue.error("missing-required", c.header, `${nullMessage(c, mode)} (Wazo: ${Cells.schema(c.key, "Field may not be null.")})`))
  }
  return found
}

/**
 * Requires a first name on create.
 */
export const firstname = (view: Table.RowView): Array<Issue.Finding> => {
  const cell = view.get("firstname")
  if (cell === undefined) {
    return [Issue.error("missing-required", "firstname", `every user needs a first name: add a 'firstname' column (Wazo: ${Cells.schema("firstname", "Missing data for required field.")})`)]
  }
  if (cell === "") {
    return [Issue.error("missing-required", "firstname", `'firstname' may not be empty: every user needs a first name (Wazo: ${Cells.schema("firstname", "Field may not be null.")})`)]
  }
  return []
}

const VOICEMAIL_DETAILS = ["voicemail_name", "voicemail_password", "voicemail_email", "voicemail_attach_audio", "voicemail_delete_messages", "voicemail_ask_password"]

/**
 * The voicemail rules: the trio a new voicemail needs, and what deleting emailed messages needs.
 */
export const voicemail = (view: Table.RowView, mode: Mode): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = []
  const given = voicemailGiven(view)
  if (mode === "create" && given) {
    for (const [h, key] of [["voicemail_name", "name"], ["voicemail_number", "number"], ["voicemail_context", "context"]] as const) {
      if (view.get(h) === undefined) {
        found.push(Issue.error("missing-required", h, `a voicemail needs a name, a number and a context: add a '${h}' column (Wazo: ${Cells.schema(key, "Missing data for required field.")})`))
      }
    }
  }
  if (mode === "create" && !given) {
    const ignored = VOICEMAIL_DETAILS.filter((h) => filled(view, h))
    if (ignored.length > 0) {
      found.push(Issue.warning("missing-required", "voicemail_number", `'voicemail_number' and 'voicemail_context' are empty, so Wazo creates no voicemail and ignores ${ignored.map((h) => `'${h}'`).join(", ")}`))
    }
  }
  // on update, an absent column is whatever the server holds: only present cells can be judged
  if (view.get("voicemail_delete_messages") === "1" && (given || mode === "update")) {
    const email = view.get("voicemail_email")
    if (mode === "create" ? email === undefined || email === "" : email === "") {
      found.push(Issue.error("conflict", "voicemail_delete_messages", `'voicemail_delete_messages' 1 needs a 'voicemail_email' to send the messages to before they are deleted (Wazo: {'_schema': ['email must be provided if delete_messages is set']})`))
    }
    const attach = view.get("voicemail_attach_audio")
    if (mode === "create" ? attach !== "1" : attach !== undefined && attach !== "1") {
      found.push(Issue.error("conflict", "voicemail_delete_messages", `'voicemail_delete_messages' 1 needs 'voicemail_attach_audio' 1, or deleted messages would be lost (Wazo: {'_schema': ['attach_audio must be set if delete_messages is set']})`))
    }
  }
  return found
}

/**
 * The line rules: an extension needs a context and a line protocol Wazo imports; what Wazo
 * silently leaves out; what an update cannot do.
 */
export const line = (view: Table.RowView, mode: Mode): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = []
  const protocol = view.get("line_protocol")
  if (mode === "update") {
    if (protocol !== undefined && protocol !== "") {
      found.push(Issue.warning("conflict", "line_protocol", `Wazo refuses to change the protocol of an existing line (Resource Error - Line is associated with a Endpoint): 'line_protocol' only takes effect for a user who has no line yet`))
    }
    for (const h of ["sip_username", "sip_secret"]) {
      if (view.get(h) !== undefined) found.push(Issue.warning("conflict", h, `'${h}' is ignored by Wazo's update (its SIP endpoint schema drops the value); change it through the endpoint's own API`))
    }
    return found
  }
  const exten = filled(view, "exten")
  const context = filled(view, "context")
  if (exten && context) {
    if (protocol === undefined || protocol === "") {
      found.push(Issue.error("missing-required", "line_protocol", `an 'exten' with a 'context' needs a 'line_protocol' (sip, sccp or webrtc) for its line (Wazo: Input Error - missing parameters: line_protocol)`))
    } else if (protocol === "custom") {
      found.push(Issue.error("invalid-choice", "line_protocol", `'line_protocol' must be sip, sccp or webrtc for a user with an 'exten', not "custom" (Wazo: Input Error - 'line_protocol' must be one of (sip, webrtc, sccp))`))
    }
  } else if (exten) {
    found.push(Issue.warning("missing-required", "context", `'exten' is ignored without a 'context': Wazo creates no extension for this user`))
  }
  if (protocol === "custom" && !(exten && context)) {
    found.push(Issue.warning("invalid-choice", "line_protocol", `'line_protocol' custom cannot be imported: Wazo creates no line for it (only sip, sccp and webrtc lines)`))
  } else if (protocol !== undefined && protocol !== "" && protocol !== "custom" && !context) {
    found.push(Issue.warning("missing-required", "context", `'line_protocol' ${protocol} without a 'context': Wazo creates the ${protocol} endpoint but no line for this user`))
  }
  if (protocol === "sccp") {
    for (const h of ["sip_username", "sip_secret"]) if (filled(view, h)) found.push(Issue.warning("conflict", h, `'${h}' is ignored for an sccp line`))
  }
  return found
}

/**
 * The incall rules: one incoming number per row, and its exten and context go together.
 */
export const incall = (view: Table.RowView, mode: Mode): Array<Issue.Finding> => {
  const exten = view.get("incall_exten") ?? ""
  const context = view.get("incall_context") ?? ""
  if (exten.includes(";") || context.includes(";")) {
    const column = exten.includes(";") ? "incall_exten" : "incall_context"
    return [Issue.error("too-many", column, mode === "update"
      ? `'${column}' holds a ';' list, so the user has several incalls, and Wazo cannot update a user with more than one (Wazo: Resource Error - Operation not permitted. Cannot update when user has multiple incalls)`
      : `'${column}' holds a ';' list: Wazo's import takes one incoming number per user and does not split lists (an export lists several); keep one`)]
  }
  if (mode === "create" && (exten === "") !== (context === "")) {
    const empty = exten === "" ? "incall_exten" : "incall_context"
    return [Issue.warning("missing-required", empty, `'incall_exten' and 'incall_context' go together: with '${empty}' empty, Wazo creates an incall with no incoming number`)]
  }
  if (mode === "create" && exten === "" && filled(view, "incall_ring_seconds")) {
    return [Issue.warning("missing-required", "incall_exten", `'incall_ring_seconds' is ignored without 'incall_exten' and 'incall_context'`)]
  }
  return []
}

/**
 * Refuses an empty name in the call permission list (`a;;b`, a trailing `;`).
 */
export const callPermissions = (user: User.User): Array<Issue.Finding> =>
  user.callPermissions?.includes("")
    ? [Issue.error("invalid-format", "call_permissions", `'call_permissions' has an empty name (';;', or ';' at either end): write names of call permissions separated by ';' (Wazo: Resource Not Found - CallPermission was not found ('name': ''))`)]
    : []

/**
 * The rules of a Wazo import or update row.
 */
export const wazoRow = (user: User.User, view: Table.RowView, columns: ReadonlyArray<WazoColumn>, mode: Mode): Array<Issue.Finding> => [
  ...lineBreaks(view),
  ...(mode === "create" ? firstname(view) : []),
  ...notNull(view, columns, mode),
  ...cellChecks(view, columns),
  ...voicemail(view, mode),
  ...line(view, mode),
  ...incall(view, mode),
  ...callPermissions(user)
]

const both = (a: string | null | undefined, b: string | null | undefined): string | undefined =>
  a !== undefined && a !== null && a !== "" && b !== undefined && b !== null && b !== "" ? `${a}@${b}` : undefined

const text = (value: string | null | undefined): string | undefined => (value === null ? undefined : value)

/**
 * The in-file duplicates Wazo refuses (email, username, an extension already linked to a line)
 * or silently merges (a SIP user name reuses the endpoint; an incoming number reuses the incall).
 */
export const unique: ReadonlyArray<Adapter.UniqueRule> = [
  { column: "email", label: "email (compared without case)", key: (u) => text(u.email)?.toLowerCase() },
  { column: "username", label: "username", key: (u) => text(u.username) },
  { column: "exten", label: "exten@context", key: (u) => both(u.extension, u.context) },
  { column: "sip_username", label: "sip_username", key: (u) => text(u.line?.sipUsername) },
  { column: "incall_exten", label: "incall_exten@incall_context", key: (u) => (u.incalls?.length === 1 ? both(u.incalls[0]!.did, u.incalls[0]!.context) : undefined) }
]

/**
 * The duplicates of files keyed by uuid (export, update): the uuid, then the import's.
 */
export const uniqueByUuid: ReadonlyArray<Adapter.UniqueRule> = [{ column: "uuid", label: "uuid", key: (u) => text(u.uuid) }, ...unique]
