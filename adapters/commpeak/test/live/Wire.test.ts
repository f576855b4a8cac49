import { Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import * as Client from "../../src/live/Client.js"
import * as Sandbox from "../../src/live/Sandbox.js"
import * as Wire from "../../src/live/Wire.js"

const open: Array<{ close: () => unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.close()
})

const zoe: User.User = {
  username: "zoe",
  email: "zoe@example.com",
  firstName: "Zoë",
  lastName: "N'Diaye",
  enabled: true,
  language: "pt_BR",
  timeZone: "America/Sao_Paulo",
  extension: "0102",
  contactCenter: { role: "3", desks: ["1", "2"], skillGroups: ["5"], virtualExtension: "0102", sipMode: "webrtc", twoFactor: "google" },
  extras: { commpeak: { max_session_time: "3600", member_all_desks: "false", is_clockedin: "true" } }
}

describe("Wire", () => {
  it("puts what POST takes in the POST body, ids as numbers, and the rest in the second step's PUT", () => {
    const post = Wire.postBody(zoe, "pw")
    expect(post).toEqual({
      body: { username: "zoe", email: "zoe@example.com", password: "pw", is_active: true, sip_option: "webrtc", roles: [3], desks: [1, 2], skill_groups: [5], member_all_desks: false },
      findings: []
    })
    expect(Wire.putBody(zoe, "second-step")).toEqual({
      body: { first_name: "Zoë", last_name: "N'Diaye", virtual_extension: "0102", default_language: "pt_BR", timezone_id: "America/Sao_Paulo", twofa_type: "google", max_session_time: 3600 },
      findings: []
    })
  })

  it("sends an update's fields only, null clearing, the SIP mode as use_webrtc", () => {
    expect(Wire.putBody({ uuid: "1001", lastName: null, contactCenter: { sipMode: "built-in-pbx" } }).body).toEqual({ last_name: null, use_webrtc: false })
    expect(Wire.putBody({ email: "new@example.com", line: { sipSecret: Redacted.make("s3") } }).body).toEqual({ email: "new@example.com", registration_password: "s3" })
    expect(Wire.isEmpty(Wire.putBody({ uuid: "1001" }))).toBe(true)
  })

  it("builds the SIP URI of classic-pbx and custom-uri users", () => {
    expect(Wire.postBody({ username: "a", extension: "1001", contactCenter: { sipMode: "classic-pbx", pbxDomain: "pbx.example.com" } }, undefined).body).toMatchObject({ sip_option: "classic-pbx", sip_uri: "1001@pbx.example.com" })
    expect(Wire.postBody({ username: "a", contactCenter: { sipMode: "custom-uri", customUri: "sip:7@10.0.0.7" } }, undefined).body).toMatchObject({ sip_option: "custom-uri", sip_uri: "sip:7@10.0.0.7" })
  })

  it("refuses an extra that cannot be typed for the wire, naming it", () => {
    expect(Wire.putBody({ extras: { commpeak: { max_session_time: "1h" } } }).findings).toEqual([
      { code: "invalid-integer", severity: "error", column: "max_session_time", message: "'max_session_time' must be a whole number, not \"1h\"" }
    ])
  })

  it("reads GET's users: roles{} object, groups[], redacted registration password, extras by API name", () => {
    const user = Wire.fromApi({
      id: 1001, username: "zoe", email: "zoe@example.com", registration_password: "sip-secret", is_active: true, is_clockedin: false, sip_uri: "", auto_dial: false,
      is_deleted: false, use_extended_ip_acl: false, user_route_caller_id: "", timezone_id: "", use_webrtc: true, first_name: "Zoë", last_name: "", virtual_extension: "0102",
      default_language: "en_US", max_session_time: 0, max_concurrent_sessions: 1, twofa_type: "default", member_all_desks: false, desks: [{ id: 1, name: "Sales" }, 2], roles: { "3": "Agent" }, groups: [5]
    })
    expect(Redacted.isRedacted(user.line?.sipSecret)).toBe(true)
    expect(String(user.line?.sipSecret)).not.toContain("sip-secret")
    expect({ ...user, line: undefined }).toEqual({
      uuid: "1001", username: "zoe", email: "zoe@example.com", firstName: "Zoë", lastName: "", enabled: true, language: "en_US", timeZone: "", extension: "0102",
      contactCenter: { virtualExtension: "0102", twoFactor: "default", customUri: null, sipMode: "webrtc", role: "3", desks: ["1", "2"], skillGroups: ["5"] },
      line: undefined,
      extras: { commpeak: { member_all_desks: "false", use_extended_ip_acl: "false", user_route_caller_id: "", max_session_time: "0", max_concurrent_sessions: "1", is_deleted: "false", is_clockedin: "false", auto_dial: "false" } }
    })
    expect(Wire.fromApi({ id: 7, use_webrtc: false, sip_uri: "7@pbx" }).contactCenter?.sipMode).toBe("custom-uri")
    expect(Wire.fromApi({ id: 7, use_webrtc: false, sip_uri: "" }).contactCenter?.sipMode).toBe("built-in-pbx")
  })

  it("round-trips a user through the sandbox: POST, second-step PUT, GET", async () => {
    const s = await Sandbox.start()
    open.push(s)
    const c = Client.make({ url: s.url, username: s.username, password: Redacted.make(s.password) })
    open.push(c)
    const made = await c.request("POST", "users", Wire.postBody(zoe, "Initial-Pw-1").body, { safe: false })
    const id = String((made.body as { id: number }).id)
    await c.request("PUT", `users/${id}`, Wire.putBody(zoe, "second-step").body, { safe: true })
    const [listed] = (await c.request("GET", "users/", undefined, { safe: true })).body as Array<Wire.ApiUser>
    const back = Wire.fromApi(listed!)
    expect(back).toMatchObject({ ...zoe, uuid: id, extras: { commpeak: { max_session_time: "3600", member_all_desks: "false" } } })
    expect(s.checkPassword("zoe", "Initial-Pw-1")).toBe(true)
  })
})
