/**
 * A few end-to-end runs with the platform dialects (the built binary, standard input closed).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Registry } from "pbxport"
import { describe, expect, it } from "vitest"
import { file, spawn, tempDir } from "./support.js"

const SECRET = "Fake-Secret-58wd"
const PIN = "4711"
const dir = tempDir()
file(dir, "users.jsonl", `${JSON.stringify({ firstName: "Ann", lastName: "Lee", email: "ann@example.com", username: "ann", extension: "1001", password: SECRET, voicemail: { pin: PIN } })}\n`)

describe("with the platform dialects", () => {
  it("writes a password to a dialect that carries it, never to the terminal or the report", async () => {
    const r = await spawn(["convert", "users.jsonl", "--from", "jsonl", "--to", "wazo", "-o", "wazo.csv", "--report", "wazo.json"], dir)
    expect(r.code).toBe(0)
    const report = fs.readFileSync(path.join(dir, "wazo.json"), "utf8")
    for (const text of [r.stdout, r.stderr, report]) {
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(PIN)
    }
    expect(fs.readFileSync(path.join(dir, "wazo.csv"), "utf8")).toContain(SECRET)
    expect(JSON.parse(report).lost).toEqual([])
  })

  it("reports the password as lost for a dialect that cannot carry it, and passes target options", async () => {
    const r = await spawn(["convert", "users.jsonl", "--from", "jsonl", "--to", "commpeak", "-o", "commpeak.csv", "--report", "commpeak.json", "--target-option", "default=Role=3"], dir)
    expect(r.code).toBe(0)
    const report = fs.readFileSync(path.join(dir, "commpeak.json"), "utf8")
    for (const text of [r.stdout, r.stderr, report, fs.readFileSync(path.join(dir, "commpeak.csv"), "utf8")]) {
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(PIN)
    }
    expect(JSON.parse(report).lost).toEqual([{ field: "password", count: 1 }, { field: "voicemail.pin", count: 1 }])
    expect(r.stdout).toContain("lost: the commpeak dialect cannot carry these fields, which were not written:\n  password: 1 row\n  voicemail.pin: 1 row\n")
  })

  it("writes the CommPeak template with its own syntax, and validates it back", async () => {
    const adapter = Registry.find("commpeak")!
    const r = await spawn(["template", "commpeak", "-o", "template.csv"], dir)
    expect(r.code).toBe(0)
    const text = fs.readFileSync(path.join(dir, "template.csv"), "utf8")
    expect(text.replace(/^\uFEFF/, "").split(adapter.syntax!.newline)[0]).toBe(adapter.template.header.join(adapter.syntax!.delimiter))
    const back = await spawn(["validate", "template.csv", "--from", "commpeak", "--json"], dir)
    expect(back.code, back.stdout + back.stderr).toBeLessThan(2)
    expect(JSON.parse(back.stdout)).toMatchObject({ file: "template.csv", dialect: "commpeak" })
  })
})
