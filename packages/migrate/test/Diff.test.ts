import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { Diff } from "../src/index.js"

const secret = (s: string) => Redacted.make(s)

describe("Diff.diff", () => {
  it("compares every kind of field: text, flag, count, choice, list, group, list of groups", () => {
    const current: User.User = {
      firstName: "Alice",
      enabled: true,
      callHandling: { ringSeconds: 30, supervision: true },
      line: { protocol: "sip" },
      callPermissions: ["international", "local"],
      voicemail: { name: "Alice", number: "1000", attachAudio: false },
      incalls: [{ did: "15550100", context: "from-extern" }]
    }
    const desired: User.User = {
      firstName: "Alicia",
      enabled: false,
      callHandling: { ringSeconds: 25, supervision: true },
      line: { protocol: "webrtc" },
      callPermissions: ["international", "premium"],
      voicemail: { name: "Alicia", number: "1000", attachAudio: true },
      incalls: [{ did: "15550199", context: "from-extern" }]
    }
    expect(Diff.diff(desired, current)).toEqual({
      changes: [
        { path: "firstName", kind: "text", op: "change", secret: false, from: "Alice", to: "Alicia" },
        { path: "line.protocol", kind: "choice", op: "change", secret: false, from: "sip", to: "webrtc" },
        { path: "voicemail.name", kind: "text", op: "change", secret: false, from: "Alice", to: "Alicia" },
        { path: "voicemail.attachAudio", kind: "flag", op: "change", secret: false, from: false, to: true },
        {
          path: "incalls",
          kind: "groups",
          op: "change",
          secret: false,
          from: [{ did: "15550100", context: "from-extern" }],
          to: [{ did: "15550199", context: "from-extern" }],
          added: [{ did: "15550199", context: "from-extern" }],
          removed: [{ did: "15550100", context: "from-extern" }]
        },
        { path: "callPermissions", kind: "texts", op: "change", secret: false, from: ["international", "local"], to: ["international", "premium"], added: ["premium"], removed: ["local"] },
        { path: "callHandling.ringSeconds", kind: "count", op: "change", secret: false, from: 30, to: 25 },
        { path: "enabled", kind: "flag", op: "change", secret: false, from: true, to: false }
      ],
      unknown: []
    })
  })

  it("tells set, clear and change apart; absent means untouched, null and [] clear", () => {
    const current: User.User = { firstName: "Bob", lastName: "Sample", email: null, callPermissions: ["local"], title: "Boss" }
    const desired: User.User = { lastName: null, email: "bob@example.com", callPermissions: [] }
    const { changes } = Diff.diff(desired, current)
    expect(changes.map((c) => [c.path, c.op])).toEqual([["lastName", "clear"], ["email", "set"], ["callPermissions", "clear"]])
    expect(Diff.describe(changes[0]!)).toBe('lastName cleared (was "Sample")')
    expect(Diff.describe(changes[1]!)).toBe('email set to "bob@example.com"')
  })

  it("treats null and an empty string as the same nothing", () => {
    expect(Diff.diff({ title: null, aliases: [] }, { title: "", aliases: [] }).changes).toEqual([])
  })

  it("lists what the current user does not show as unknown, never as a change", () => {
    const result = Diff.diff({ password: secret("Fake-Passw0rd"), firstName: "Ann", callHandling: { ringSeconds: 10 } }, { firstName: "Ann" })
    expect(result).toEqual({ changes: [], unknown: ["password", "callHandling.ringSeconds"] })
  })

  it("compares items of a list of groups only on the fields both show", () => {
    // a Wazo export has no incall ring time: the desired ring time cannot be compared
    const current: User.User = { incalls: [{ did: "15550100", context: "from-extern" }] }
    expect(Diff.diff({ incalls: [{ did: "15550100", context: "from-extern", ringSeconds: 20 }] }, current).changes).toEqual([])
    expect(Diff.diff({ incalls: [] }, current).changes[0]).toMatchObject({ path: "incalls", op: "clear", from: current.incalls, to: [] })
    expect(Diff.diff({ alternateUserIds: [{ id: "jd" }, { id: "j2" }] }, { alternateUserIds: [{ id: "jd", description: "old" }] }).changes).toMatchObject([
      { path: "alternateUserIds", op: "change", added: [{ id: "j2" }], removed: [] }
    ])
  })

  it("never reports the uuid: it names a user, it does not describe it", () => {
    expect(Diff.diff({ uuid: "a", firstName: "Ann" }, { uuid: "b", firstName: "Ann" })).toEqual({ changes: [], unknown: [] })
  })

  it("shows a secret as changed but never its values", () => {
    const current: User.User = { voicemail: { pin: secret("1234") }, password: secret("Old-Secret-71zk"), line: { sipSecret: secret("same-secret") } }
    const desired: User.User = { voicemail: { pin: secret("9876") }, password: null, line: { sipSecret: secret("same-secret") }, callPermissionPassword: secret("4242") }
    const { changes } = Diff.diff(desired, { ...current, callPermissionPassword: null })
    // the SIP secrets are equal: no change; the others differ and carry no value
    expect(changes).toEqual([
      { path: "password", kind: "secret", op: "clear", secret: true },
      { path: "voicemail.pin", kind: "secret", op: "change", secret: true },
      { path: "callPermissionPassword", kind: "secret", op: "set", secret: true }
    ])
    const text = JSON.stringify(changes) + changes.map(Diff.describe).join("\n")
    for (const value of ["1234", "9876", "Old-Secret-71zk", "same-secret", "4242"]) expect(text).not.toContain(value)
    expect(changes.map(Diff.describe)).toEqual(["password cleared (secret)", "voicemail.pin changed (secret)", "callPermissionPassword set (secret)"])
  })

  it("describes list changes by the items added and removed", () => {
    const [c] = Diff.diff({ callPermissions: ["a", "c"] }, { callPermissions: ["a", "b"] }).changes
    expect(Diff.describe(c!)).toBe("callPermissions +c -b")
    const [d] = Diff.diff({ callPermissions: ["b", "a"] }, { callPermissions: ["a", "b"] }).changes
    expect(Diff.describe(d!)).toBe('callPermissions ["a","b"] -> ["b","a"]')
  })

  it("builds the update of a user: its key and exactly the changed fields", () => {
    const desired: User.User = { firstName: "Alicia", lastName: null, voicemail: { pin: secret("9876"), name: "Same" }, email: "a@example.com" }
    const current: User.User = { uuid: "u-1", firstName: "Alice", lastName: "Example", voicemail: { pin: secret("1234"), name: "Same" }, email: "a@example.com" }
    const patch = Diff.patch(desired, Diff.diff(desired, current).changes, { path: "uuid", value: "u-1" })
    expect(Object.keys(patch)).toEqual(["uuid", "firstName", "lastName", "voicemail"])
    expect(patch.lastName).toBeNull()
    expect(Object.keys(patch.voicemail!)).toEqual(["pin"])
    expect(Redacted.value(patch.voicemail!.pin as Redacted.Redacted<string>)).toBe("9876")
  })

  it("finds no change between a user and itself, and a change whenever one text differs", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.string()), (a, b, list) => {
        const user: User.User = { firstName: a, callPermissions: list, voicemail: { name: b } }
        expect(Diff.diff(user, user).changes).toEqual([])
        const other = Diff.diff({ ...user, firstName: `${a}x` }, user).changes
        expect(other.map((c) => c.path)).toEqual(["firstName"])
      })
    )
  })
})
