import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { cli, file, tempDir } from "./support.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const wazoExport = path.join(repo, "fixtures/wazo/export/input.csv")
const PIN = "98761"

const desired = [
  "firstname,lastname,email,voicemail_name,voicemail_number,voicemail_context,voicemail_password,call_permissions",
  `Alicia,Example,alice@example.com,Alice Example,1000,default,${PIN},international;premium`,
  "Bob,Sample,bob@example.com,,,,,local",
  "Dave,Newman,dave@example.com,,,,,",
  "Erin,Jones,erin@example.com,,,,,",
  "Erin,Jones-Twin,erin@example.com,,,,,",
  ""
].join("\r\n")

describe("pbxport plan", () => {
  it("prints the buckets, writes the files that apply them, and never shows a secret", async () => {
    const dir = tempDir()
    const wanted = file(dir, "desired.csv", desired)
    const out = path.join(dir, "plan")
    const r = await cli(["plan", wanted, "--from", "wazo", "--against", wazoExport, "--against-dialect", "wazo-export", "--out", out])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout).toBe([
      `plan: 5 desired users (${wanted}, wazo) against 3 current users (${wazoExport}, wazo-export), matched by email`,
      "  create     1",
      "  update     1",
      "  unchanged  1",
      "  conflict   2",
      "  only in the target: 1 (left as they are)",
      "",
      "create:",
      "  row 3  dave@example.com",
      "",
      "update:",
      "  row 1  alice@example.com -> current row 1",
      '    firstName "Alice" -> "Alicia"',
      "    voicemail.pin changed (secret)",
      "",
      "unchanged:",
      "  row 2  bob@example.com = current row 2",
      "",
      "conflict (not acted on):",
      "  row 4  erin@example.com: email 'erin@example.com' is also given to desired row 5: each desired user must have its own",
      "  row 5  erin@example.com: email 'erin@example.com' is also given to desired row 4: each desired user must have its own",
      "",
      "only in the target (left as they are):",
      "  row 3  00000000-0000-4000-8000-000000000003",
      "",
      `wrote 1 user to ${path.join(out, "wazo-create.csv")}`,
      `wrote 1 user to ${path.join(out, "wazo-update.csv")}`,
      ""
    ].join("\n"))
    expect(fs.readdirSync(out).sort()).toEqual(["plan.json", "wazo-create.csv", "wazo-update.csv"])
    expect(fs.readFileSync(path.join(out, "wazo-update.csv"), "utf8")).toBe(`uuid,firstname,voicemail_password\r\n00000000-0000-4000-8000-000000000001,Alicia,${PIN}\r\n`)
    expect(r.stdout).not.toContain(PIN)
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).not.toContain(PIN)
  })

  it("prints the plan as JSON, with no files written without --out", async () => {
    const dir = tempDir()
    const wanted = file(dir, "desired.csv", desired)
    const r = await cli(["plan", wanted, "--from", "wazo", "--against", wazoExport, "--against-dialect", "wazo-export", "--json"])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(report)).toEqual(["desired", "current", "platform", "key", "counts", "create", "update", "unchanged", "conflict", "presentOnly", "files", "rejected"])
    expect(report).toMatchObject({
      desired: { file: wanted, dialect: "wazo", rows: 5, valid: 5, issues: [] },
      current: { file: wazoExport, dialect: "wazo-export", rows: 3, issues: [] },
      platform: "wazo",
      key: "email",
      counts: { create: 1, update: 1, unchanged: 1, conflict: 2, presentOnly: 1 },
      update: [{ changes: [{ path: "firstName", op: "change", from: "Alice", to: "Alicia" }, { path: "voicemail.pin", kind: "secret", op: "change", secret: true }] }],
      files: [],
      rejected: []
    })
    expect(r.stdout).not.toContain(PIN)
    expect(fs.readdirSync(dir)).toEqual(["desired.csv"])
  })

  it("plans BroadWorks sheets by userId, and exits 0 when everything can be applied", async () => {
    const dir = tempDir()
    const wanted = file(dir, "wanted.csv", [
      "operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,password",
      "user.create,ExampleSP,ExampleGroup,jdoe@example.com,Jane,Doe-Smith,Jane,Doe,0102,not-a-real-password-1",
      "user.create,ExampleSP,ExampleGroup,kim@example.com,Kim,Lee,Kim,Lee,0104,not-a-real-password-3",
      ""
    ].join("\r\n"))
    const r = await cli(["plan", wanted, "--from", "broadworks", "--against", path.join(repo, "fixtures/broadworks/minimal/input.csv"), "--against-dialect", "broadworks", "--out", path.join(dir, "sheets"), "--json"])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ key: "userId", counts: { create: 1, update: 1, unchanged: 0, conflict: 0, presentOnly: 1 } })
    expect(fs.readFileSync(path.join(dir, "sheets", "user.modify.csv"), "utf8")).toBe("operation,userId,lastName\r\nuser.modify,jdoe@example.com,Doe-Smith\r\n")
    expect(fs.readFileSync(path.join(dir, "sheets", "user.create.csv"), "utf8")).toContain("\r\nuser.create,ExampleSP,ExampleGroup,kim@example.com,Kim,Lee,")
  })

  it("finds nothing to do when the desired users are the current ones", async () => {
    const dir = tempDir()
    const out = path.join(dir, "nothing")
    const r = await cli(["plan", wazoExport, "--from", "wazo-export", "--against", wazoExport, "--against-dialect", "wazo-export", "--key", "uuid", "--out", out, "--json"])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ counts: { create: 0, update: 0, unchanged: 3, conflict: 0, presentOnly: 0 }, files: [] })
    expect(fs.readdirSync(out)).toEqual(["plan.json"])
  })

  it("refuses a wrong key or a dialect of no platform, with exit code 2", async () => {
    const dir = tempDir()
    const wanted = file(dir, "desired.csv", desired)
    const badKey = await cli(["plan", wanted, "--from", "wazo", "--against", wazoExport, "--against-dialect", "wazo-export", "--key", "phone"])
    expect(badKey).toMatchObject({ code: 2, stdout: "", stderr: 'pbxport: --key must be one of uuid, email, username, extension, userId, not "phone"\n' })
    const badDialect = await cli(["plan", wanted, "--from", "wazo", "--against", wazoExport, "--against-dialect", "csv"])
    expect(badDialect.code).toBe(2)
    expect(badDialect.stderr).toMatch(/^pbxport: --against-dialect must be the dialect of a platform's users, one of jsonl, wazo, wazo-export, /)
    const missing = await cli(["plan", wanted, "--from", "wazo", "--against", path.join(dir, "nope.csv"), "--against-dialect", "wazo-export"])
    expect(missing).toMatchObject({ code: 2, stderr: `pbxport: cannot read ${path.join(dir, "nope.csv")}: no such file\n` })
  })
})
