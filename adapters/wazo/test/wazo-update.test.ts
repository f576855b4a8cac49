import { describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import { wazo, wazoUpdate } from "../src/index.js"
import { codes, errors, read, readRow, write } from "./helpers.js"

const UUID = "6d1c0f2a-8d4e-4b7a-9c1e-0a2b3c4d5e6f"
const ok = (row: Record<string, string>) => {
  const decoded = readRow(wazoUpdate, { uuid: UUID, ...row })
  expect(errors(decoded.findings)).toEqual([])
  return decoded
}
const fails = (row: Record<string, string>) => readRow(wazoUpdate, { uuid: UUID, ...row }).findings

describe("wazo-update", () => {
  it("declares update by uuid", () => {
    expect(wazoUpdate.capabilities.update).toEqual({ key: "uuid" })
    expect(wazoUpdate.capabilities.carries).toEqual(["uuid", ...wazo.capabilities.carries])
    expect(wazoUpdate.columns.filter((c) => c.required).map((c) => c.header)).toEqual(["uuid"])
  })
  it("yields exactly the fields to set and to clear; absent fields stay absent", () => {
    expect(ok({ lastname: "", mobile_phone_number: "+15550102", call_permissions: "" }).user).toEqual({ uuid: UUID, lastName: null, mobilePhone: "+15550102", callPermissions: [] })
    expect(ok({}).user).toEqual({ uuid: UUID })
  })
  it("needs a uuid column (file-level) and a uuid on each row", () => {
    expect(codes(read(wazoUpdate, ["firstname"], ["A"]).header)).toEqual(["uuid missing-column error"])
    expect(codes(readRow(wazoUpdate, { uuid: "", lastname: "x" }).findings)).toEqual(["uuid missing-required error"])
    expect(codes(readRow(wazoUpdate, { uuid: "42", lastname: "x" }).findings)).toEqual(["uuid invalid-format warning"])
  })
  it("refuses to clear what the non-nullable schema refuses", () => {
    for (const column of ["firstname", "enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "online_call_record_enabled", "ring_seconds", "simultaneous_calls", "subscription_type", "call_record_incoming_internal_enabled", "voicemail_name", "voicemail_number", "voicemail_context", "voicemail_delete_messages", "voicemail_ask_password"]) {
      expect(codes(fails({ [column]: "" })), column).toEqual([`${column} missing-required error`])
    }
    expect(fails({ enabled: "" })[0]!.message).toBe(
      "'enabled' cannot be cleared by an update: write 1 or 0, or leave the column out to keep the current value (Wazo: {'enabled': ['Field may not be null.']})"
    )
    for (const column of ["lastname", "email", "language", "outgoing_caller_id", "mobile_phone_number", "call_permission_password", "userfield", "voicemail_email", "voicemail_password", "voicemail_attach_audio"]) {
      expect(ok({ [column]: "" }).user, column).toBeDefined()
    }
  })
  it("does not need the voicemail trio or a first name: the user exists", () => {
    ok({ voicemail_password: "1234" })
    ok({ lastname: "Example" })
  })
  it("judges delete_messages only against the columns present", () => {
    ok({ voicemail_delete_messages: "1" })
    expect(codes(fails({ voicemail_delete_messages: "1", voicemail_email: "" }))).toEqual(["voicemail_delete_messages conflict error"])
    expect(codes(fails({ voicemail_delete_messages: "1", voicemail_attach_audio: "0" }))).toEqual(["voicemail_delete_messages conflict error"])
  })
  it("warns that a line's protocol cannot change and SIP credentials are not updated", () => {
    expect(ok({ line_protocol: "sccp" }).findings).toEqual([{
      column: "line_protocol", code: "conflict", severity: "warning",
      message: "Wazo refuses to change the protocol of an existing line (Resource Error - Line is associated with a Endpoint): 'line_protocol' only takes effect for a user who has no line yet"
    }])
    expect(codes(ok({ sip_username: "a", sip_secret: "" }).findings)).toEqual(["sip_username conflict warning", "sip_secret conflict warning"])
  })
  it("refuses a user with several incalls", () => {
    expect(fails({ incall_exten: "1;2", incall_context: "x;x" })[0]!.message).toContain("Cannot update when user has multiple incalls")
    expect(codes(write(wazoUpdate, { uuid: UUID, incalls: [{ did: "1", context: "x" }, { did: "2", context: "x" }] }).findings)).toEqual(["incall_exten too-many error"])
  })
  it("writes exactly the changed columns", () => {
    expect(write(wazoUpdate, { uuid: UUID, lastName: null, callHandling: { ringSeconds: 25 } }).cells).toEqual({ uuid: UUID, lastname: "", ring_seconds: "25" })
    expect(write(wazoUpdate, { uuid: UUID, incalls: [{ ringSeconds: 10 }] }).cells).toEqual({ uuid: UUID, incall_ring_seconds: "10" })
  })
  it("refuses to write a clear the schema refuses, or a change without uuid", () => {
    expect(codes(errors(write(wazoUpdate, { uuid: UUID, enabled: null }).findings))).toEqual(["enabled missing-required error"])
    expect(codes(errors(write(wazoUpdate, { lastName: "x" }).findings))).toEqual(["uuid missing-column error"])
  })
  it("keeps one file's rows to the same columns, since a padded empty cell would clear a field", () => {
    const writer = wazoUpdate.writer({})
    const users: Array<User.User> = [
      { uuid: UUID, lastName: "A" },
      { uuid: UUID, lastName: "B" },
      { uuid: UUID, lastName: "C", email: "c@example.com" },
      { uuid: UUID }
    ]
    expect(users.map((u, i) => codes(writer.encode(u, i).findings))).toEqual([[], [], ["null conflict error"], ["null conflict error"]])
    expect(writer.encode(users[2]!, 3).findings[0]!.message).toBe(
      "this user's changes are not to the same columns as the first user's (uuid, lastname): an update file applies each of its columns to every row and an empty cell clears the field, so users with different changes go to separate files"
    )
  })
})
