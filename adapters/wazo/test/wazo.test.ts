import { describe, expect, it } from "vitest"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { wazo } from "../src/index.js"
import { codes, errors, read, readRow, write } from "./helpers.js"

const ok = (row: Record<string, string>) => {
  const decoded = readRow(wazo, row)
  expect(errors(decoded.findings)).toEqual([])
  return decoded
}
const fails = (row: Record<string, string>) => readRow(wazo, row).findings

describe("wazo: declaration", () => {
  it("matches headers exactly and reads them in any order", () => {
    const decoded = read(wazo, ["lastname", "firstname"], ["Example", "Alice"])
    expect(decoded.user).toEqual({ firstName: "Alice", lastName: "Example" })
    expect(codes(read(wazo, ["FirstName"], ["Alice"]).header)).toEqual(["FirstName unknown-column warning"])
    expect(read(wazo, ["FirstName"], ["Alice"]).header[0]!.message).toContain("did you mean 'firstname'?")
    expect(read(wazo, [" lastname", "firstname"], ["x", "A"]).header[0]!.message).toContain("did you mean 'lastname'?")
  })
  it("declares firstname as the one required column", () => {
    expect(wazo.columns.filter((c) => c.required).map((c) => c.header)).toEqual(["firstname"])
  })
  it("declares the secret columns sensitive", () => {
    expect(wazo.columns.filter((c) => c.sensitive).map((c) => c.header).sort()).toEqual(["call_permission_password", "password", "sip_secret", "voicemail_password"])
  })
  it("carries exactly the import's fields: no uuid, provisioning code, entity or CTI", () => {
    const carries = new Set(wazo.capabilities.carries)
    for (const p of ["uuid", "line.provisioningCode", "entityId", "cti.enabled", "cti.profile"]) expect(carries.has(p), p).toBe(false)
    for (const p of ["firstName", "voicemail.pin", "incalls[].ringSeconds", "callHandling.subscriptionType", "callPermissions", "password"]) expect(carries.has(p), p).toBe(true)
    expect(wazo.capabilities.carries.length).toBe(39)
  })
  it("writes CRLF, no BOM, minimal quoting", () => {
    expect(wazo.syntax).toEqual({ delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" })
  })
})

describe("wazo: cells", () => {
  it("reads an empty cell as null and an absent column as absent", () => {
    expect(ok({ firstname: "Alice", lastname: "", ring_seconds: "" }).user).toEqual({ firstName: "Alice", lastName: null, callHandling: { ringSeconds: null } })
  })
  it("keeps cells verbatim: spaces, quotes, accents, leading zeros of text", () => {
    expect(ok({ firstname: " Zoë ", exten: "0102" }).user).toEqual({ firstName: " Zoë ", extension: "0102" })
  })
  it("reads call_permissions as a ; list, an empty cell as the empty list", () => {
    expect(ok({ firstname: "A", call_permissions: "a;b" }).user?.callPermissions).toEqual(["a", "b"])
    expect(ok({ firstname: "A", call_permissions: "" }).user?.callPermissions).toEqual([])
  })
  it("keeps the secrets redacted", () => {
    const user = ok({ firstname: "A", password: "example-pass", sip_secret: "x", voicemail_password: "1234", call_permission_password: "12" }).user!
    expect(Redacted.isRedacted(user.password)).toBe(true)
    expect(Redacted.isRedacted(user.line?.sipSecret)).toBe(true)
    expect(Redacted.isRedacted(user.voicemail?.pin)).toBe(true)
    expect(Redacted.isRedacted(user.callPermissionPassword)).toBe(true)
  })
  it("warns that leading zeros of an integer are not kept", () => {
    const decoded = ok({ firstname: "A", ring_seconds: "030" })
    expect(decoded.user?.callHandling?.ringSeconds).toBe(30)
    expect(decoded.findings).toEqual([{ column: "ring_seconds", code: "normalised", severity: "warning", message: "'ring_seconds' 030 is read as the number 30, as Wazo reads it; pbxport writes it as 30" }])
  })
})

describe("wazo: rules", () => {
  it("requires a firstname, with Wazo's two messages", () => {
    expect(fails({ lastname: "Example" })).toEqual([{ column: "firstname", code: "missing-required", severity: "error", message: "every user needs a first name: add a 'firstname' column (Wazo: {'firstname': ['Missing data for required field.']})" }])
    expect(fails({ firstname: "" })[0]!.message).toBe("'firstname' may not be empty: every user needs a first name (Wazo: {'firstname': ['Field may not be null.']})")
  })
  it.each([
    ["firstname", "x".repeat(129), "too-long"],
    ["lastname", "x".repeat(129), "too-long"],
    ["userfield", "x".repeat(129), "too-long"],
    ["outgoing_caller_id", "x".repeat(81), "too-long"],
    ["mobile_phone_number", "1".repeat(81), "too-long"],
    ["email", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`, "too-long"],
    ["email", "not-an-email", "invalid-format"],
    ["language", "fr", "invalid-format"],
    ["mobile_phone_number", "555-0102", "invalid-format"],
    ["call_permission_password", "1".repeat(17), "invalid-format"],
    ["username", "a", "invalid-format"],
    ["password", "p@ss", "invalid-format"],
    ["sip_username", "a b", "invalid-format"],
    ["exten", "abc", "invalid-format"],
    ["incall_exten", "abc", "invalid-format"],
    ["ring_seconds", "10801", "out-of-range"],
    ["simultaneous_calls", "0", "out-of-range"],
    ["simultaneous_calls", "21", "out-of-range"],
    ["subscription_type", "11", "out-of-range"],
    ["enabled", "true", "invalid-bool"],
    ["incall_ring_seconds", "-5", "invalid-integer"],
    ["line_protocol", "SIP", "invalid-choice"],
    ["call_permissions", "a;;b", "invalid-format"]
  ])("refuses %s = %j (%s)", (column, cell, code) => {
    const found = errors(fails({ firstname: "A", [column]: cell }))
    expect(found.map((f) => `${f.column} ${f.code}`)).toEqual([`${column} ${code}`])
  })
  it("checks the voicemail columns only as a voicemail's", () => {
    const vm = { firstname: "A", voicemail_name: "Box", voicemail_number: "1000", voicemail_context: "default" }
    expect(errors(fails({ ...vm, voicemail_number: "10a" })).map((f) => f.message)).toEqual([
      "'voicemail_number' must be 1 to 40 digits, not \"10a\" (Wazo: {'number': ['String does not match expected pattern.']})"
    ])
    expect(errors(fails({ ...vm, voicemail_password: "12#4" }))[0]!.message).toBe(
      "'voicemail_password' must be 1 to 80 digits, no '#' (XiVO accepted it, Wazo does not) (Wazo: {'password': ['String does not match expected pattern.']})"
    )
    expect(errors(fails({ ...vm, voicemail_name: "x".repeat(81) }))[0]!.message).toContain("{'name': ['Longer than maximum length 80.']}")
  })
  it("refuses empty cells of non-nullable fields when the column is present", () => {
    for (const column of ["subscription_type", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled"]) {
      expect(codes(fails({ firstname: "A", [column]: "" })), column).toEqual([`${column} missing-required error`])
    }
    expect(fails({ firstname: "A", subscription_type: "" })[0]!.message).toBe(
      "'subscription_type' may not be empty when the column is present: write a whole number from 0 to 10, or leave the column out for Wazo's default (Wazo: {'subscription_type': ['Field may not be null.']})"
    )
    // nullable on create: an empty cell is Wazo's default
    ok({ firstname: "A", enabled: "", ring_seconds: "", simultaneous_calls: "", supervision_enabled: "", online_call_record_enabled: "" })
  })
  it("requires the voicemail trio when a voicemail is given", () => {
    expect(codes(fails({ firstname: "A", voicemail_number: "1000" }))).toEqual(["voicemail_name missing-required error", "voicemail_context missing-required error"])
    expect(codes(fails({ firstname: "A", voicemail_context: "default", voicemail_number: "", voicemail_name: "Box" }))).toEqual(["voicemail_number missing-required error"])
    expect(fails({ firstname: "A", voicemail_context: "default", voicemail_number: "", voicemail_name: "Box" })[0]!.message).toBe(
      "'voicemail_number' may not be empty when a voicemail is given: write a value (Wazo: {'number': ['Field may not be null.']})"
    )
  })
  it("refuses empty delete_messages and ask_password only with a voicemail", () => {
    const vm = { firstname: "A", voicemail_name: "Box", voicemail_number: "1000", voicemail_context: "default" }
    expect(codes(fails({ ...vm, voicemail_delete_messages: "", voicemail_ask_password: "" }))).toEqual([
      "voicemail_delete_messages missing-required error",
      "voicemail_ask_password missing-required error"
    ])
    ok({ firstname: "A", voicemail_number: "", voicemail_delete_messages: "", voicemail_ask_password: "" })
  })
  it("warns that voicemail details without number and context are ignored", () => {
    expect(codes(ok({ firstname: "A", voicemail_name: "Box", voicemail_number: "" }).findings)).toEqual(["voicemail_number missing-required warning"])
  })
  it("needs an email and attached audio to delete emailed messages", () => {
    const vm = { firstname: "A", voicemail_name: "Box", voicemail_number: "1000", voicemail_context: "default", voicemail_delete_messages: "1" }
    expect(errors(fails(vm)).map((f) => f.message)).toEqual([
      "'voicemail_delete_messages' 1 needs a 'voicemail_email' to send the messages to before they are deleted (Wazo: {'_schema': ['email must be provided if delete_messages is set']})",
      "'voicemail_delete_messages' 1 needs 'voicemail_attach_audio' 1, or deleted messages would be lost (Wazo: {'_schema': ['attach_audio must be set if delete_messages is set']})"
    ])
    ok({ ...vm, voicemail_email: "a@example.com", voicemail_attach_audio: "1" })
  })
  it("needs a sip, sccp or webrtc line for an exten with a context", () => {
    expect(errors(fails({ firstname: "A", exten: "1000", context: "default" }))[0]!.message).toBe(
      "an 'exten' with a 'context' needs a 'line_protocol' (sip, sccp or webrtc) for its line (Wazo: Input Error - missing parameters: line_protocol)"
    )
    expect(errors(fails({ firstname: "A", exten: "1000", context: "default", line_protocol: "custom" }))[0]!.message).toContain("Input Error - 'line_protocol' must be one of (sip, webrtc, sccp)")
    for (const p of ["sip", "sccp", "webrtc"]) ok({ firstname: "A", exten: "1000", context: "default", line_protocol: p })
  })
  it("warns about what Wazo silently ignores", () => {
    expect(codes(ok({ firstname: "A", exten: "1000" }).findings)).toEqual(["context missing-required warning"])
    expect(codes(ok({ firstname: "A", line_protocol: "sip", context: "" }).findings)).toEqual(["context missing-required warning"])
    expect(codes(ok({ firstname: "A", line_protocol: "custom", context: "default" }).findings)).toEqual(["line_protocol invalid-choice warning"])
    expect(codes(ok({ firstname: "A", line_protocol: "sccp", context: "default", sip_username: "a" }).findings)).toEqual(["sip_username conflict warning"])
    expect(codes(ok({ firstname: "A", incall_exten: "15550100" }).findings)).toEqual(["incall_context missing-required warning"])
    expect(codes(ok({ firstname: "A", incall_context: "from-extern" }).findings)).toEqual(["incall_exten missing-required warning"])
    expect(codes(ok({ firstname: "A", incall_ring_seconds: "10" }).findings)).toEqual(["incall_exten missing-required warning"])
  })
  it("takes one incoming number per row", () => {
    expect(codes(fails({ firstname: "A", incall_exten: "1;2", incall_context: "a;a" }))).toEqual(["incall_exten too-many error"])
  })
  it("refuses line breaks in any cell, unknown columns included", () => {
    expect(codes(fails({ firstname: "A", lastname: "x\ny" }))).toEqual(["lastname invalid-format error"])
    expect(codes(fails({ firstname: "A", note: "x\ry" }))).toEqual(["note invalid-format error"])
  })
  it("never puts a secret in a message", () => {
    const secrets = { password: "p@ss word", voicemail_password: "12#secret", call_permission_password: "12secret" }
    const found = fails({ firstname: "A", voicemail_name: "Box", voicemail_number: "1", voicemail_context: "d", ...secrets })
    expect(found.length).toBe(3)
    for (const f of found) for (const s of Object.values(secrets)) expect(f.message).not.toContain(s)
  })
})

describe("wazo: ignored and unknown columns", () => {
  it("warns that legacy columns are ignored since 19.05, and keeps their cells", () => {
    const decoded = read(wazo, ["firstname", "entity_id", "cti_profile_enabled", "cti_profile_name"], ["A", "1", "1", "Client"])
    expect(codes(decoded.header)).toEqual(["entity_id ignored-column warning", "cti_profile_enabled ignored-column warning", "cti_profile_name ignored-column warning"])
    expect(decoded.header[0]!.message).toBe("column 'entity_id' is ignored by Wazo since 19.05 (entities were removed); pbxport keeps its values but they have no effect")
    expect(decoded.user).toEqual({ firstName: "A", extras: { wazo: { entity_id: "1", cti_profile_enabled: "1", cti_profile_name: "Client" } } })
    expect(write(wazo, decoded.user!).cells).toEqual({ firstname: "A", entity_id: "1", cti_profile_enabled: "1", cti_profile_name: "Client" })
  })
  it("says uuid and provisioning_code are not import columns", () => {
    expect(codes(read(wazo, ["firstname", "uuid", "provisioning_code"], ["A", "u", "1"]).header)).toEqual(["uuid ignored-column warning", "provisioning_code ignored-column warning"])
  })
})

describe("wazo: writing", () => {
  it("writes only the columns a user has; null as an empty cell", () => {
    expect(write(wazo, { firstName: "A", lastName: null, enabled: false }).cells).toEqual({ firstname: "A", lastname: "", enabled: "0" })
  })
  it("does not write the incall columns a user does not have", () => {
    expect(write(wazo, { firstName: "A", incalls: [{ ringSeconds: 5 }] }).cells).toEqual({ firstname: "A", incall_ring_seconds: "5" })
  })
  it("writes the first of several incalls and says the others are not written", () => {
    const encoded = write(wazo, { firstName: "A", incalls: [{ did: "1", context: "x" }, { did: "2", context: "y" }] })
    expect(encoded.cells).toEqual({ firstname: "A", incall_exten: "1", incall_context: "x" })
    expect(encoded.findings).toEqual([{ column: "incall_exten", code: "not-carried", severity: "warning", message: "the wazo dialect takes one incoming number per user; 2@y was not written (add it in Wazo afterwards)" }])
  })
  it("refuses to write a row Wazo would refuse", () => {
    expect(codes(errors(write(wazo, { lastName: "x" }).findings))).toEqual(["firstname missing-required error"])
    expect(codes(errors(write(wazo, { firstName: "A", language: "French" }).findings))).toEqual(["language invalid-format error"])
    expect(codes(errors(write(wazo, { firstName: "A", callHandling: { subscriptionType: null } }).findings))).toEqual(["subscription_type missing-required error"])
  })
  it("never writes a line break", () => {
    expect(codes(errors(write(wazo, { firstName: "A", userField: "a\r\nb" }).findings))).toEqual(["userfield invalid-format error"])
    expect(codes(errors(write(wazo, { firstName: "A", extras: { wazo: { note: "a\nb" } } }).findings))).toEqual(["note invalid-format error"])
  })
  it("keeps non-nullable columns alike on every row of a file", () => {
    const writer = wazo.writer({})
    const users: Array<User.User> = [
      { firstName: "A", callHandling: { subscriptionType: 1 } },
      { firstName: "B" },
      { firstName: "C", callHandling: { subscriptionType: 2, recordOutgoingExternal: true } },
      { firstName: "D", callHandling: { subscriptionType: 3 } }
    ]
    expect(users.map((u, i) => codes(writer.encode(u, i).findings))).toEqual([
      [],
      ["subscription_type missing-required error"],
      ["call_record_outgoing_external_enabled conflict error"],
      []
    ])
    // a new output starts afresh
    expect(writer.encode({ firstName: "E" }, 0).findings).toEqual([])
  })
  it("asks voicemail flags alike only of users with a voicemail", () => {
    const writer = wazo.writer({})
    const vm = { name: "Box", number: "1000", context: "default" }
    expect(writer.encode({ firstName: "A", voicemail: { ...vm, deleteAfterEmail: false, askPassword: true } }, 0).findings).toEqual([])
    expect(writer.encode({ firstName: "B" }, 1).findings).toEqual([])
    expect(codes(writer.encode({ firstName: "C", voicemail: { ...vm, number: "1001" } }, 2).findings)).toEqual([
      "voicemail_delete_messages missing-required error",
      "voicemail_ask_password missing-required error"
    ])
  })
  it("puts the header in the dialect's order, then the other columns", () => {
    expect(wazo.writer({}).header!(new Set(["zzz", "exten", "firstname"]))).toEqual(["firstname", "exten", "zzz"])
  })
})
