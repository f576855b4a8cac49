/**
 * The `wazo-export` dialect: the CSV of Wazo's `GET /users/export`.
 *
 * 39 columns in Wazo's fixed order, always all of them; bools `1`/`0`, empty for null. A user's
 * incoming numbers are two parallel `;` lists (`incall_exten`, `incall_context`), read as
 * several `incalls`; `call_permissions` is a `;` list. An export carries `uuid` and
 * `provisioning_code`, which the import cannot take, and no `password` nor incall ring time.
 * Cells are read as Wazo stored them: only their syntax is checked, the import's rules apply
 * when the users are written to `wazo`.
 */
import { Adapter, Issue, type User } from "@pbxport/core"
import { EXPORT_ORDER, exportColumns } from "./columns.js"
import * as Rules from "./rules.js"
import * as Tables from "./table.js"
import { unknownColumn } from "./wazo.js"

const split = (cell: string | undefined): Array<string> => (cell === undefined || cell === "" ? [] : cell.split(";"))

/**
 * Reads the parallel incall lists into `incalls`; a column pair absent from the header gives none.
 */
const incalls = (user: User.User, get: (h: string) => string | undefined): User.User => {
  const exten = get("incall_exten")
  const context = get("incall_context")
  if (exten === undefined && context === undefined) return user
  const dids = split(exten)
  const contexts = split(context)
  const n = Math.max(dids.length, contexts.length)
  return { ...user, incalls: Array.from({ length: n }, (_, i) => ({ did: dids[i] ?? null, context: contexts[i] ?? null })) }
}

const spec: Tables.Spec = {
  id: "wazo-export",
  columns: exportColumns,
  fixed: true,
  unknownColumn: unknownColumn("Wazo export", {}, [...EXPORT_ORDER], false),
  checkHeader: (header) => {
    const missing = EXPORT_ORDER.filter((h) => !header.includes(h))
    return missing.length === 0
      ? []
      : [Issue.error("missing-column", missing[0]!, `the header lacks ${missing.length} of the 39 columns of a Wazo export (${missing.join(", ")}); to read another set of columns, use --from wazo`)]
  },
  after: (user, view) => incalls(user, view.get),
  rules: (user, view) => {
    const found: Array<Issue.Finding> = []
    if (view.get("uuid") === "") found.push(Issue.error("missing-required", "uuid", "'uuid' is empty: every user of a Wazo export has one"))
    const dids = split(view.get("incall_exten"))
    const contexts = split(view.get("incall_context"))
    if (dids.length !== contexts.length) {
      found.push(Issue.error("conflict", "incall_exten", `'incall_exten' lists ${dids.length} number${dids.length === 1 ? "" : "s"} but 'incall_context' lists ${contexts.length} context${contexts.length === 1 ? "" : "s"}: the two ';' lists go in pairs`))
    }
    return [...found, ...Rules.cellChecks(view, exportColumns), ...Rules.callPermissions(user)]
  },
  // a number and a context joined with `;` would split into several incalls when read back
  encodeCells: (user) => {
    const list = user.incalls ?? []
    return {
      incall_exten: list.map((i) => i.did ?? "").join(";"),
      incall_context: list.map((i) => i.context ?? "").join(";")
    }
  },
  prepare: (user) => {
    const bad = (user.incalls ?? []).some((i) => (i.did ?? "").includes(";") || (i.context ?? "").includes(";"))
    return bad
      ? { user, findings: [Issue.error("invalid-format", "incall_exten", "an incoming number or its context holds ';', which separates the incalls of an export: remove it")] }
      : { user: exportOrder(user), findings: [] }
  }
}

/**
 * Puts the lists in the order Wazo exports them: incalls sorted by (exten, context), call
 * permission names sorted (spec §9.2), so a written export is what Wazo itself would give.
 */
const exportOrder = (user: User.User): User.User => {
  const text = (a: string | null | undefined, b: string | null | undefined) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0)
  const incalls = user.incalls ? [...user.incalls].sort((a, b) => text(a.did, b.did) || text(a.context, b.context)) : undefined
  const callPermissions = user.callPermissions ? [...user.callPermissions].sort(text) : undefined
  return { ...user, ...(incalls ? { incalls } : {}), ...(callPermissions ? { callPermissions } : {}) }
}

const read = Tables.reader(spec)

/**
 * The wazo-export dialect.
 */
export const wazoExport: Adapter.Adapter = Adapter.make({
  id: "wazo-export",
  family: "wazo",
  title: "Wazo user export (GET /users/export)",
  description: "The CSV of Wazo's user export: 39 columns in a fixed order, with uuid, provisioning code and several incoming numbers per user as parallel ';' lists.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Tables.columns(spec),
  capabilities: { carries: Tables.carries(spec) },
  template: {
    header: [...EXPORT_ORDER],
    example: [
      "6d1c0f2a-8d4e-4b7a-9c1e-0a2b3c4d5e6f", "0", "Alice", "Example", "alice@example.com", "", "", "en_US", "", "1", "30", "5", "1", "0", "0",
      "0", "0", "0", "0", "0", "", "", "", "", "", "", "", "", "", "sip", "123456", "default", "alice0102", "", "1001", "", "", "", "alice@example.com"
    ]
  },
  unique: Rules.uniqueByUuid.filter((r) => r.column !== "incall_exten"),
  reader: read,
  writer: Tables.writer(spec, read)
})
