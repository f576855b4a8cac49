import { describe, expect, it } from "vitest"
import { wazo, xivo } from "../src/index.js"
import { codes, errors, readRow, write } from "./helpers.js"

const ok = (row: Record<string, string>) => {
  const decoded = readRow(xivo, row)
  expect(errors(decoded.findings)).toEqual([])
  return decoded
}
const fails = (row: Record<string, string>) => readRow(xivo, row).findings

describe("xivo", () => {
  it("reads the seed's examples", () => {
    expect(ok({ entity_id: "1", firstname: "John", lastname: "Doe", exten: "1000", context: "default", line_protocol: "sip" }).user).toEqual({
      entityId: "1", firstName: "John", lastName: "Doe", extension: "1000", context: "default", line: { protocol: "sip" }
    })
  })
  it("requires entity_id and firstname", () => {
    expect(codes(fails({ firstname: "A" }))).toEqual(["entity_id missing-required error"])
    expect(codes(fails({ entity_id: "", firstname: "" }))).toEqual(["entity_id missing-required error", "firstname missing-required error"])
    expect(codes(fails({ entity_id: "x", firstname: "A" }))).toEqual(["entity_id invalid-integer error"])
  })
  it("keeps entity_id as written (a text id in the canonical model)", () => {
    expect(ok({ entity_id: "01", firstname: "A" }).user?.entityId).toBe("01")
    expect(ok({ entity_id: "01", firstname: "A" }).findings).toEqual([])
  })
  it("requires the CTI login, password and profile when the profile is enabled", () => {
    expect(codes(fails({ entity_id: "1", firstname: "A", cti_profile_enabled: "1" }))).toEqual([
      "username missing-required error", "password missing-required error", "cti_profile_name missing-required error"
    ])
    expect(ok({ entity_id: "1", firstname: "A", cti_profile_enabled: "1", username: "a", password: "b", cti_profile_name: "Client" }).user?.cti).toEqual({ enabled: true, profile: "Client" })
    ok({ entity_id: "1", firstname: "A", cti_profile_enabled: "0" })
  })
  it("takes the five XiVO languages only", () => {
    for (const l of ["de_DE", "en_US", "es_ES", "fr_FR", "fr_CA"]) ok({ entity_id: "1", firstname: "A", language: l })
    expect(fails({ entity_id: "1", firstname: "A", language: "it_IT" })[0]!.message).toBe(
      "'language' must be one of de_DE, en_US, es_ES, fr_FR, fr_CA (the languages XiVO offers), not \"it_IT\""
    )
  })
  it("takes sip and sccp lines only", () => {
    expect(codes(fails({ entity_id: "1", firstname: "A", line_protocol: "webrtc" }))).toEqual(["line_protocol invalid-choice error"])
    expect(codes(fails({ entity_id: "1", firstname: "A", line_protocol: "custom" }))).toEqual(["line_protocol invalid-choice error"])
  })
  it("takes ring times in multiples of 5", () => {
    expect(codes(fails({ entity_id: "1", firstname: "A", ring_seconds: "12" }))).toEqual(["ring_seconds out-of-range error"])
    ok({ entity_id: "1", firstname: "A", ring_seconds: "15" })
  })
  it("takes voicemail passwords of digits or #, never shown", () => {
    ok({ entity_id: "1", firstname: "A", voicemail_password: "12#4" })
    const found = fails({ entity_id: "1", firstname: "A", voicemail_password: "12ab" })
    expect(codes(found)).toEqual(["voicemail_password invalid-format error"])
    expect(found[0]!.message).not.toContain("12ab")
  })
  it("warns that a partial resource is not created", () => {
    expect(codes(ok({ entity_id: "1", firstname: "A", exten: "1000", context: "default" }).findings)).toEqual(["line_protocol missing-required warning"])
    expect(codes(ok({ entity_id: "1", firstname: "A", incall_exten: "2050" }).findings)).toEqual(["incall_context missing-required warning"])
    expect(codes(ok({ entity_id: "1", firstname: "A", voicemail_number: "1000" }).findings)).toEqual(["voicemail_name missing-required warning"])
  })
  it("warns about Wazo-era columns and keeps them", () => {
    const decoded = readRow(xivo, { entity_id: "1", firstname: "A", userfield: "x" })
    expect(codes(decoded.header)).toEqual(["userfield unknown-column warning"])
    expect(decoded.user?.extras).toEqual({ xivo: { userfield: "x" } })
  })
  it("carries entity and CTI, which wazo reports lost", () => {
    const lost = xivo.capabilities.carries.filter((p) => !wazo.capabilities.carries.includes(p))
    expect(lost).toEqual(["entityId", "cti.enabled", "cti.profile"])
  })
  it("writes only rows XiVO would take", () => {
    expect(codes(errors(write(xivo, { firstName: "A" }).findings))).toEqual(["entity_id missing-required error"])
    expect(write(xivo, { entityId: "1", firstName: "A", cti: { enabled: true, profile: "Client" }, username: "a", password: null }).findings.length).toBe(1)
    expect(write(xivo, { entityId: "1", firstName: "A", line: { protocol: "sip" } }).cells).toEqual({ entity_id: "1", firstname: "A", line_protocol: "sip" })
  })
})
