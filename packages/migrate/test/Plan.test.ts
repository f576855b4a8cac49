import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Redacted } from "effect"
import type { Adapter, User } from "@pbxport/core"
import { FileTarget, Plan, Platforms, type Target } from "../src/index.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const fixture = (p: string) => path.join(repo, "fixtures", p)
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-plan-test-"))
const at = (users: ReadonlyArray<User.User>) => users.map((user, i) => ({ row: i + 1, line: i + 2, user }))

const update: Target.UpdateCapability = {
  key: "uuid",
  carries: ["firstName", "lastName", "email", "username", "extension", "voicemail.pin", "callPermissions", "incalls[].did", "incalls[].context"],
  clear: true,
  why: () => "the test target has no column for it"
}

const current = at([
  { uuid: "u-1", email: "alice@example.com", username: "alice", firstName: "Alice", lastName: "Example", extension: "1000", context: "default" },
  { uuid: "u-2", email: "bob@example.com", username: "bob", firstName: "Bob", lastName: "Sample", extension: "1001", context: "default" },
  { uuid: "u-3", email: "carol@example.com", username: "carol", firstName: "Carol", extension: "1002", context: "default" },
  { uuid: "u-4", email: "twin@example.com", firstName: "Twin A" },
  { uuid: "u-5", email: "TWIN@example.com", firstName: "Twin B" }
])

describe("Plan.make", () => {
  it("puts each desired user in exactly one bucket", () => {
    const desired = at([
      { email: "ALICE@example.com", firstName: "Alicia", lastName: "Example" }, // update (email without case)
      { email: "bob@example.com", firstName: "Bob", title: "Boss" }, // unchanged (title: unknown, not compared)
      { email: "dave@example.com", firstName: "Dave", extension: "1003", context: "default" }, // create
      { email: "erin@example.com", username: "bob", firstName: "Erin" }, // conflict: bob's username
      { email: "twin@example.com", firstName: "Twin" }, // conflict: matches two current users
      { email: "frank@example.com", extension: "1000", context: "sales" } // create: 1000 is taken in another context only
    ])
    const { plan, changes } = Plan.make(desired, current, { key: "email", update })
    expect(plan.counts).toEqual({ create: 2, update: 1, unchanged: 1, conflict: 2, presentOnly: 1 })
    expect(plan.create.map((r) => r.row)).toEqual([3, 6])
    expect(plan.update).toEqual([
      {
        desired: { row: 1, line: 2, label: "ALICE@example.com" },
        current: { row: 1, line: 2, label: "alice@example.com" },
        changes: [
          { path: "firstName", kind: "text", op: "change", secret: false, from: "Alice", to: "Alicia" },
          { path: "email", kind: "text", op: "change", secret: false, from: "alice@example.com", to: "ALICE@example.com" }
        ],
        notApplied: [],
        unknown: []
      }
    ])
    expect(plan.unchanged).toEqual([{ desired: { row: 2, line: 3, label: "bob@example.com" }, current: { row: 2, line: 3, label: "bob@example.com" }, changes: [], notApplied: [], unknown: ["title"] }])
    expect(plan.conflict).toEqual([
      {
        desired: { row: 4, line: 5, label: "erin@example.com" },
        current: [{ row: 2, line: 3, label: "bob@example.com" }],
        reason: "taken",
        message: "username 'bob' already belongs to current user row 2, bob@example.com: creating this user would give two users the same username (if it is the same person, match by username: --key username)"
      },
      {
        desired: { row: 5, line: 6, label: "twin@example.com" },
        current: [{ row: 4, line: 5, label: "twin@example.com" }, { row: 5, line: 6, label: "TWIN@example.com" }],
        reason: "ambiguous",
        message: "email 'twin@example.com' matches 2 current users (rows 4, 5): pbxport cannot tell which one to update"
      }
    ])
    expect(plan.presentOnly).toEqual([{ row: 3, line: 4, label: "carol@example.com" }])
    // the changes: the creates whole, the update as the current uuid plus the changed fields
    expect(changes.map((c) => [c.key, c.operation])).toEqual([["update:1", "update"], ["create:3", "create"], ["create:6", "create"]])
    expect(changes[0]!.user).toEqual({ uuid: "u-1", firstName: "Alicia", email: "ALICE@example.com" })
  })

  it("puts every desired user that shares a unique value with another in conflict", () => {
    const desired = at([
      { uuid: "u-1", email: "alice@example.com", firstName: "Alice" },
      { uuid: "u-9", email: "Alice@Example.com", firstName: "Alice again" },
      { uuid: "u-8", username: "zed", extension: "2000" },
      { uuid: "u-7", username: "zed", extension: "2000" }
    ])
    const { plan, changes } = Plan.make(desired, current, { key: "uuid", update })
    expect(plan.counts).toMatchObject({ create: 0, update: 0, unchanged: 0, conflict: 4 })
    expect(plan.conflict.map((c) => [c.desired.row, c.reason, c.message])).toEqual([
      [1, "duplicate", "email 'alice@example.com' is also given to desired row 2: each desired user must have its own"],
      [2, "duplicate", "email 'Alice@Example.com' is also given to desired row 1: each desired user must have its own"],
      [3, "duplicate", "username 'zed' and extension '2000' are also given to desired row 4: each desired user must have its own"],
      [4, "duplicate", "username 'zed' and extension '2000' are also given to desired row 3: each desired user must have its own"]
    ])
    // the current user a duplicate matched is not "present only": it is involved
    expect(plan.presentOnly.map((r) => r.row)).toEqual([2, 3, 4, 5])
    expect(changes).toEqual([])
  })

  it("counts the desired dialect's own unique rules as duplicates too", () => {
    const sip: Adapter.UniqueRule = { column: "sip_username", label: "sip_username", key: (u) => u.line?.sipUsername ?? undefined }
    const desired = at([{ email: "x@example.com", line: { sipUsername: "desk1" } }, { email: "y@example.com", line: { sipUsername: "desk1" } }, { email: "z@example.com" }])
    const { plan } = Plan.make(desired, current, { key: "email", update, unique: [sip] })
    expect(plan.conflict.map((c) => c.message)).toEqual([
      "sip_username 'desk1' is also given to desired row 2: each desired user must have its own",
      "sip_username 'desk1' is also given to desired row 1: each desired user must have its own"
    ])
    expect(plan.create.map((r) => r.row)).toEqual([3])
  })

  it("refuses two desired users that match the same current user", () => {
    // an extension with no context matches the one in any context: both desired users match Alice's
    const desired = at([{ extension: "1000", context: "default", firstName: "A" }, { extension: "1000", context: "sales", firstName: "B" }])
    const mixed = at([{ uuid: "u-1", extension: "1000", firstName: "Alice" }])
    const { plan } = Plan.make(desired, mixed, { key: "extension", update })
    expect(plan.conflict.map((c) => [c.desired.row, c.reason, c.message])).toEqual([
      [1, "shared", "desired row 2 matches the same current user (row 1, u-1) by extension: only one desired user may update it"],
      [2, "shared", "desired row 1 matches the same current user (row 1, u-1) by extension: only one desired user may update it"]
    ])
  })

  it("refuses an update that would take another current user's unique value", () => {
    const { plan } = Plan.make(at([{ uuid: "u-1", email: "bob@example.com" }]), current, { key: "uuid", update })
    expect(plan.conflict).toEqual([
      {
        desired: { row: 1, line: 2, label: "bob@example.com" },
        current: [{ row: 1, line: 2, label: "alice@example.com" }, { row: 2, line: 3, label: "bob@example.com" }],
        reason: "taken",
        message: "email 'bob@example.com' belongs to another current user (row 2, bob@example.com): updating row 1, alice@example.com with it would give two users the same email"
      }
    ])
  })

  it("keeps differences the target cannot apply out of the update, with the reason", () => {
    const noClear: Target.UpdateCapability = { ...update, clear: false }
    const desired = at([{ uuid: "u-2", lastName: null, title: "Boss" }, { uuid: "u-1", firstName: "Alicia", lastName: null }])
    const withTitle = current.map((c) => ({ ...c, user: { ...c.user, title: "Chief" } }))
    const { plan, changes } = Plan.make(desired, withTitle, { key: "uuid", update: noClear })
    expect(plan.unchanged).toEqual([
      {
        desired: { row: 1, line: 2, label: "u-2" },
        current: { row: 2, line: 3, label: "bob@example.com" },
        changes: [],
        notApplied: [
          { path: "lastName", reason: "an update to this platform cannot clear a value; clear it by hand" },
          { path: "title", reason: "the test target has no column for it" }
        ],
        unknown: []
      }
    ])
    expect(plan.update.map((u) => [u.changes.map((c) => c.path), u.notApplied.map((n) => n.path)])).toEqual([[["firstName"], ["lastName"]]])
    expect(changes[0]!.user).toEqual({ uuid: "u-1", firstName: "Alicia" })
  })

  it("plans updates it cannot write as blocked, with why", () => {
    const desired = at([{ email: "alice@example.com", firstName: "Alicia" }])
    const noUuid = at([{ email: "alice@example.com", firstName: "Alice" }])
    const blocked = Plan.make(desired, noUuid, { key: "email", update })
    expect(blocked.plan.update[0]!.blocked).toBe("the current user has no uuid, which names the user to update")
    expect(blocked.changes).toEqual([])
    const cannot = Plan.make(desired, noUuid, { key: "email", update: null, target: "xivo files in out" })
    expect(cannot.plan.update[0]).toMatchObject({ changes: [{ path: "firstName" }], blocked: "xivo files in out cannot update users" })
  })

  it("creates the desired users that have no key", () => {
    const { plan } = Plan.make(at([{ firstName: "Nokey", email: "new@example.com" }]), current, { key: "uuid", update })
    expect(plan.create).toEqual([{ row: 1, line: 2, label: "new@example.com" }])
    expect(plan.presentOnly).toHaveLength(5)
  })

  it("never holds a secret value", () => {
    const desired = at([{ uuid: "u-1", voicemail: { pin: Redacted.make("9876") }, firstName: "Alice" }, { uuid: "u-6", password: Redacted.make("Fake-New-Passw0rd") }])
    const withPin = current.map((c) => ({ ...c, user: { ...c.user, voicemail: { pin: Redacted.make("1234") } } }))
    const { plan } = Plan.make(desired, withPin, { key: "uuid", update })
    expect(plan.update[0]!.changes).toEqual([{ path: "voicemail.pin", kind: "secret", op: "change", secret: true }])
    const text = JSON.stringify(plan)
    for (const s of ["9876", "1234", "Fake-New-Passw0rd"]) expect(text).not.toContain(s)
  })
})

const wazoDesired = [
  "firstname,lastname,email,voicemail_name,voicemail_number,voicemail_context,voicemail_password,call_permissions",
  "Alicia,Example,alice@example.com,Alice Example,1000,default,9876,international;premium",
  "Bob,Sample,bob@example.com,,,,,local",
  "Dave,Newman,dave@example.com,,,,,",
  "Erin,Jones,erin@example.com,,,,,",
  "Erin,Jones-Twin,erin@example.com,,,,,",
  ""
].join("\r\n")

describe("planning against a platform's files", () => {
  it("writes a Wazo import file for the creates and a wazo-update file for the updates", async () => {
    const dir = tempDir()
    const target = FileTarget.make({ ...Platforms.files("wazo", dir, "email"), current: { input: { path: fixture("wazo/export/input.csv") }, dialect: "wazo-export" } })
    const planned = await Plan.plan({ text: wazoDesired, name: "desired.csv" }, { from: "wazo", key: "email", target })
    expect(planned.plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, conflict: 2, presentOnly: 1 })
    expect(planned.plan.conflict.map((c) => c.message)).toEqual([
      "email 'erin@example.com' is also given to desired row 5: each desired user must have its own",
      "email 'erin@example.com' is also given to desired row 4: each desired user must have its own"
    ])
    expect(planned.plan.update[0]!.changes.map((c) => [c.path, c.op, c.secret])).toEqual([
      ["firstName", "change", false],
      ["voicemail.pin", "change", true]
    ])
    expect(planned.desired).toMatchObject({ file: "desired.csv", dialect: "wazo", rows: 5, valid: 5 })
    expect(planned.current).toMatchObject({ file: fixture("wazo/export/input.csv"), rows: 3, issues: [] })
    const applied = await Plan.apply(planned.changes, target)
    expect(applied).toEqual({ files: [{ path: "wazo-create.csv", rows: 1 }, { path: "wazo-update.csv", rows: 1 }], rejected: [] })
    expect(fs.readFileSync(path.join(dir, "wazo-create.csv"), "utf8")).toBe("firstname,lastname,email,voicemail_name,voicemail_number,voicemail_context,voicemail_password,call_permissions\r\nDave,Newman,dave@example.com,,,,,\r\n")
    expect(fs.readFileSync(path.join(dir, "wazo-update.csv"), "utf8")).toBe("uuid,firstname,voicemail_password\r\n00000000-0000-4000-8000-000000000001,Alicia,9876\r\n")
    expect(JSON.stringify(planned.plan)).not.toContain("9876")
  })

  it("splits Wazo updates to different columns into separate files, and previews without writing", async () => {
    const dir = tempDir()
    const target = FileTarget.make({ ...Platforms.files("wazo", dir, "uuid"), current: { input: { path: fixture("wazo/export/input.csv") }, dialect: "wazo-export" } })
    const desired = [
      "uuid,firstname,lastname,ring_seconds",
      "00000000-0000-4000-8000-000000000001,Alicia,Example,30",
      "00000000-0000-4000-8000-000000000002,Bob,Sample,20",
      "00000000-0000-4000-8000-000000000003,Carole,,30",
      ""
    ].join("\n")
    const planned = await Plan.plan({ text: desired }, { from: "wazo-update", key: "uuid", target })
    expect(planned.plan.update.map((u) => u.changes.map((c) => `${c.path}:${c.op}`))).toEqual([["firstName:change"], ["callHandling.ringSeconds:change"], ["firstName:change", "lastName:clear"]])
    expect(await Plan.apply(planned.changes, target, { dry: true })).toEqual({
      files: [{ path: "wazo-update.csv", rows: 1 }, { path: "wazo-update-2.csv", rows: 1 }, { path: "wazo-update-3.csv", rows: 1 }],
      rejected: []
    })
    expect(fs.readdirSync(dir)).toEqual([])
    await Plan.apply(planned.changes, target)
    expect(fs.readFileSync(path.join(dir, "wazo-update-3.csv"), "utf8")).toBe("uuid,firstname,lastname\r\n00000000-0000-4000-8000-000000000003,Carole,\r\n")
  })

  it("writes BroadWorks user.create and user.modify sheets; a sheet cannot clear", async () => {
    const dir = tempDir()
    const target = FileTarget.make({ ...Platforms.files("broadworks", dir, "userId"), current: { input: { path: fixture("broadworks/minimal/input.csv") }, dialect: "broadworks" } })
    const desired = [
      "operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,password,title",
      "user.create,ExampleSP,ExampleGroup,jdoe@example.com,Jane,Doe-Smith,Jane,Doe,0102,not-a-real-password-7,",
      "user.create,ExampleSP,ExampleGroup,ben@example.com,Ben,Okafor,Ben,Okafor,0103,not-a-real-password-2,",
      "user.create,ExampleSP,ExampleGroup,kim@example.com,Kim,Lee,Kim,Lee,0104,not-a-real-password-3,Engineer",
      ""
    ].join("\r\n")
    const planned = await Plan.plan({ text: desired }, { from: "broadworks", key: "userId", target })
    expect(planned.plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, conflict: 0, presentOnly: 0 })
    expect(planned.plan.update[0]!.changes.map((c) => Object.keys(c).includes("to") ? `${c.path}=${String(c.to)}` : `${c.path} (secret)`)).toEqual(["lastName=Doe-Smith", "password (secret)"])
    const applied = await Plan.apply(planned.changes, target)
    expect(applied.files).toEqual([{ path: "user.create.csv", rows: 1 }, { path: "user.modify.csv", rows: 1 }])
    expect(fs.readFileSync(path.join(dir, "user.modify.csv"), "utf8")).toBe("operation,userId,lastName,newPassword\r\nuser.modify,jdoe@example.com,Doe-Smith,not-a-real-password-7\r\n")
    expect(fs.readFileSync(path.join(dir, "user.create.csv"), "utf8")).toMatch(/^operation,serviceProviderId,groupId,userId,.*\r\nuser\.create,ExampleSP,ExampleGroup,kim@example\.com,/)
    expect(JSON.stringify(planned.plan)).not.toContain("not-a-real-password")
  })

  it("writes a CommPeak mass-creation file and lists the updates for its API", async () => {
    const dir = tempDir()
    const currentUsers = [
      { uuid: "101", username: "jdoe", email: "jane.doe@example.com", firstName: "Jane", extension: "0101", contactCenter: { role: "3" } },
      { uuid: "102", username: "amartin", email: "alex.martin@example.com", firstName: "Alex", extension: "0102", contactCenter: { role: "3" } }
    ].map((u) => JSON.stringify(u)).join("\n")
    const target = FileTarget.make({ ...Platforms.files("commpeak", dir, "username"), current: { input: { text: currentUsers }, dialect: "jsonl" } })
    const desired = ["Username,Email,Virtual Extension,Role,First Name", "jdoe,jane.doe@example.com,0101,4,Janet", "kokafor,kemi.okafor@example.com,0103,4,Kemi", ""].join("\r\n")
    const planned = await Plan.plan({ text: desired }, { from: "commpeak", key: "username", target })
    expect(planned.plan.update[0]).toMatchObject({ changes: [{ path: "firstName", to: "Janet" }], notApplied: [{ path: "contactCenter.role", reason: "PUT /api/users/{id} does not take it; change it in the Dialer" }] })
    const applied = await Plan.apply(planned.changes, target)
    expect(applied.files).toEqual([{ path: "commpeak-create.csv", rows: 1 }, { path: "commpeak-updates.json", rows: 1 }])
    expect(JSON.parse(fs.readFileSync(path.join(dir, "commpeak-updates.json"), "utf8"))).toEqual({
      request: "PUT /api/users/{id}",
      updates: [{ id: "101", label: "jane.doe@example.com", body: { first_name: "Janet" } }]
    })
    expect(fs.readFileSync(path.join(dir, "commpeak-create.csv"), "utf8")).toBe("Username,Email,Virtual Extension,Role,First Name\r\nkokafor,kemi.okafor@example.com,0103,4,Kemi\r\n")
  })

  it("fills the desired users in the target's words before comparing, and refuses to generate secrets", async () => {
    const dir = tempDir()
    const target = FileTarget.make({ ...Platforms.files("broadworks", dir, "userId"), current: { input: { path: fixture("broadworks/nested-address/input.csv") }, dialect: "broadworks" } })
    // Wazo's en_US is BroadWorks' English: no change once translated
    const desired = JSON.stringify({ userId: "jdoe@example.com", language: "en_US", title: "Sales Director" }) + "\n"
    const planned = await Plan.plan({ text: desired }, { from: "jsonl", key: "userId", target })
    expect(planned.plan.update.map((u) => u.changes.map((c) => `${c.path}=${String(c.to)}`))).toEqual([["title=Sales Director"]])
    const kept = await Plan.plan({ text: desired }, { from: "jsonl", key: "userId", target, fill: { translate: false } })
    expect(kept.plan.update[0]!.changes.map((c) => c.path)).toEqual(["language", "title"])
    await expect(Plan.plan({ text: desired }, { from: "jsonl", key: "userId", target, fill: { generatePasswords: true } })).rejects.toThrow("a plan cannot generate passwords")
  })

  it("numbers the files when the creates need several batches", async () => {
    const dir = tempDir()
    const target = FileTarget.make({ ...Platforms.files("commpeak", dir, "username"), current: { input: { text: "" }, dialect: "jsonl" } })
    const rows = Array.from({ length: 1001 }, (_, i) => `u${i},u${i}@example.com,${2000 + i},3`)
    const planned = await Plan.plan({ text: ["Username,Email,Virtual Extension,Role", ...rows, ""].join("\n") }, { from: "commpeak", key: "username", target })
    expect(planned.plan.counts.create).toBe(1001)
    const applied = await Plan.apply(planned.changes, target)
    expect(applied.files).toEqual([
      { path: "commpeak-create-001.csv", rows: 500 },
      { path: "commpeak-create-002.csv", rows: 500 },
      { path: "commpeak-create-003.csv", rows: 1 }
    ])
  })
})
