/**
 * The `wazo-update` dialect: the CSV of Wazo's update by uuid (`PUT /users/import`).
 *
 * Wazo disabled that route in 19.06 (it answers 405), but its semantics are still coded and
 * documented, and they are what a client-side update reproduces: `uuid` names the user; a
 * column that is absent leaves the field untouched (absent key), an empty cell clears it (null)
 * where the field may be null and is refused where it may not (update uses the non-nullable
 * user schema); a line's protocol cannot change; a user with several incalls cannot be updated.
 * Reading yields, per uuid, exactly the fields to set and to clear; writing a set of changes
 * emits exactly the changed columns.
 */
import { Adapter, Issue } from "@pbxport/core"
import { updateColumns } from "./columns.js"
import * as Rules from "./rules.js"
import * as Tables from "./table.js"
import { IGNORED, unknownColumn } from "./wazo.js"

const list = (headers: ReadonlyArray<string>) => (headers.length === 0 ? "nothing" : headers.join(", "))

const spec: Tables.Spec = {
  id: "wazo-update",
  columns: updateColumns,
  unknownColumn: unknownColumn("Wazo update", IGNORED, updateColumns.map((c) => c.header)),
  checkHeader: (header) =>
    header.includes("uuid")
      ? []
      : [Issue.error("missing-column", "uuid", "a wazo-update file needs a 'uuid' column naming the user of each row (to create users, use --from wazo)")],
  rules: (user, view) => [
    ...(view.get("uuid") === ""
      ? [Issue.error("missing-required", "uuid", "'uuid' is empty: each row must name the user to update by uuid")]
      : []),
    ...Rules.wazoRow(user, view, updateColumns, "update")
  ],
  prepare: (user) =>
    (user.incalls?.length ?? 0) > 1
      ? {
          user,
          findings: [Issue.error("too-many", "incall_exten", `the user has ${user.incalls!.length} incalls, and Wazo cannot update a user with more than one (Wazo: Resource Error - Operation not permitted. Cannot update when user has multiple incalls)`)]
        }
      : { user, findings: [] },
  agreements: [
    {
      // the pipeline writes an empty cell for a column a row lacks, and an empty cell clears
      columns: "all",
      applies: () => true,
      differ: (_missing, _extra, first) => [
        Issue.error(
          "conflict",
          null,
          `this user's changes are not to the same columns as the first user's (${list(first)}): an update file applies each of its columns to every row and an empty cell clears the field, so users with different changes go to separate files`
        )
      ]
    }
  ]
}

const read = Tables.reader(spec)

/**
 * The wazo-update dialect.
 */
export const wazoUpdate: Adapter.Adapter = Adapter.make({
  id: "wazo-update",
  family: "wazo",
  title: "Wazo user update by uuid (PUT /users/import, disabled since Wazo 19.06)",
  description: "Changes to existing Wazo users keyed by uuid: an absent column leaves a field untouched, an empty cell clears it. Wazo answers 405 to this upload since 19.06; the file describes changes to apply through its REST API.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Tables.columns(spec),
  capabilities: { update: { key: "uuid" }, carries: Tables.carries(spec) },
  template: { header: ["uuid", "firstname", "ring_seconds"], example: ["6d1c0f2a-8d4e-4b7a-9c1e-0a2b3c4d5e6f", "Alice", "30"] },
  unique: Rules.uniqueByUuid,
  reader: read,
  writer: Tables.writer(spec, read)
})
