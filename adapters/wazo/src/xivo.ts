/**
 * The `xivo` dialect: the user import CSV of XiVO (15.20 to 19.04), as its documentation
 * described it.
 *
 * Same cell syntax as Wazo (bools `1`/`0`, integers in digits, empty = null), with the columns
 * of that era: a required `entity_id`, the XiVO Client (CTI) profile with its login in
 * `username`/`password`, sip or sccp lines, five languages, ring times in multiples of 5, and
 * voicemail passwords of digits or `#`. A resource (phone, incoming call, voicemail) is created
 * only when all its required columns are given, so a partial one is a warning.
 */
import { Adapter, Issue, type Table } from "@pbxport/core"
import { xivoColumns } from "./columns.js"
import * as Rules from "./rules.js"
import * as Tables from "./table.js"

const filled = (view: Table.RowView, header: string): boolean => (view.get(header) ?? "") !== ""

const required = (view: Table.RowView, header: string, why: string): Array<Issue.Finding> =>
  filled(view, header) ? [] : [Issue.error("missing-required", header, `'${header}' is required${why}${view.get(header) === undefined ? `: add a '${header}' column` : ""}`)]

const RESOURCES: ReadonlyArray<{ readonly name: string; readonly columns: ReadonlyArray<string> }> = [
  { name: "phone (line and extension)", columns: ["exten", "context", "line_protocol"] },
  { name: "incoming call", columns: ["incall_exten", "incall_context"] },
  { name: "voicemail", columns: ["voicemail_name", "voicemail_number", "voicemail_context"] }
]

const rules = (view: Table.RowView): Array<Issue.Finding> => {
  const found: Array<Issue.Finding> = [
    ...Rules.lineBreaks(view),
    ...required(view, "entity_id", " (the id of the user's entity, Configuration > Management > Entities)"),
    ...required(view, "firstname", " (every user needs a first name)")
  ]
  if (view.get("cti_profile_enabled") === "1") {
    for (const h of ["username", "password", "cti_profile_name"]) found.push(...required(view, h, " when cti_profile_enabled is 1 (the XiVO Client login, password and profile)"))
  }
  const ring = view.get("ring_seconds") ?? ""
  if (/^[0-9]+$/.test(ring) && Number(ring) % 5 !== 0) {
    found.push(Issue.error("out-of-range", "ring_seconds", `'ring_seconds' must be a multiple of 5 in XiVO, not ${ring} (XiVO: "Must be a multiple of 5")`))
  }
  found.push(...Rules.cellChecks(view, xivoColumns))
  for (const r of RESOURCES) {
    const given = r.columns.filter((h) => filled(view, h))
    const empty = r.columns.filter((h) => !filled(view, h))
    if (given.length > 0 && empty.length > 0) {
      found.push(Issue.warning("missing-required", empty[0]!, `XiVO creates the ${r.name} only when ${r.columns.join(", ")} are all given; without ${empty.join(", ")} it creates none and ignores ${given.join(", ")}`))
    }
  }
  return found
}

const spec: Tables.Spec = {
  id: "xivo",
  columns: xivoColumns,
  rules: (_user, view) => rules(view)
}

const read = Tables.reader(spec)

/**
 * The xivo dialect.
 */
export const xivo: Adapter.Adapter = Adapter.make({
  id: "xivo",
  family: "xivo",
  title: "XiVO user import (15.20 to 19.04)",
  description: "The XiVO-era user import CSV: entity_id, the XiVO Client (CTI) profile, sip or sccp lines, five languages.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Tables.columns(spec),
  capabilities: { carries: Tables.carries(spec) },
  template: {
    header: ["entity_id", "firstname", "lastname", "exten", "context", "line_protocol"],
    example: ["1", "Alice", "Example", "1000", "default", "sip"]
  },
  unique: Rules.unique,
  reader: read,
  writer: Tables.writer(spec, read)
})
