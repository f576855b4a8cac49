/**
 * End-to-end: the built executable, spawned with Node and standard input closed.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { file, spawn, tempDir } from "./support.js"

const version = (JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version
const SECRET = "Fake-Secret-71zk"
const dir = tempDir()
file(dir, "good.jsonl", `${JSON.stringify({ firstName: "Ann", email: "ann@example.com", password: SECRET })}\n`)
file(dir, "mixed.jsonl", `${JSON.stringify({ firstName: "Ann", password: SECRET })}\n{"firstName": 1}\n`)

describe("the pbxport binary", () => {
  it("prints its version", async () => {
    for (const flag of ["--version", "-v"]) {
      const r = await spawn([flag], dir)
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" })
    }
  })

  it("validates with exit codes 0, 1 and 2", async () => {
    expect(await spawn(["validate", "good.jsonl", "--from", "jsonl"], dir)).toMatchObject({
      code: 0,
      stdout: "1 row: 1 valid, 0 invalid (0 errors, 0 warnings)\n",
      stderr: ""
    })
    const invalid = await spawn(["validate", "mixed.jsonl", "--from", "jsonl", "--json"], dir)
    expect(invalid.code).toBe(1)
    expect(JSON.parse(invalid.stdout)).toMatchObject({ file: "mixed.jsonl", rows: 2, valid: 1, invalid: 1, issues: [{ row: 2, line: 2, code: "invalid-json" }] })
    expect(await spawn(["validate", "missing.jsonl", "--from", "jsonl"], dir)).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "pbxport: cannot read missing.jsonl: no such file\n"
    })
    const usage = await spawn(["validate", "good.jsonl"], dir)
    expect(usage).toMatchObject({ code: 2, stdout: "" })
    expect(usage.stderr).toMatch(/^pbxport: Missing required flag: --from\n/)
  })

  it("converts, writes the report and never prints the password", async () => {
    const out = path.join(dir, "out.jsonl")
    const r = await spawn(["convert", "mixed.jsonl", "--from", "jsonl", "--to", "jsonl", "-o", "out.jsonl", "--report", "report.json", "--errors", "errors.jsonl"], dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout).toContain("2 rows read: 1 written, 1 skipped (1 error, 0 warnings)\nwrote 1 row to out.jsonl\n")
    const report = fs.readFileSync(path.join(dir, "report.json"), "utf8")
    expect(JSON.parse(report)).toMatchObject({ rows: { read: 2, written: 1, skipped: 1 }, outputs: [{ path: "out.jsonl", rows: 1 }] })
    for (const text of [r.stdout, r.stderr, report]) expect(text).not.toContain(SECRET)
    expect(fs.readFileSync(out, "utf8")).toContain(SECRET)
  })

  it("writes converted users to standard output and the summary to standard error", async () => {
    const r = await spawn(["convert", "good.jsonl", "--from", "jsonl", "--to", "jsonl"], dir)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ firstName: "Ann" })
    expect(r.stderr).toBe("1 row read: 1 written, 0 skipped (0 errors, 0 warnings)\nwrote 1 row to <stdout>\n")
  })

  it("shows help with examples and reports parse errors with exit code 2", async () => {
    const help = await spawn(["convert", "--help"], dir)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("EXAMPLES")
    expect(help.stdout).not.toContain("\x1b[")
    const bad = await spawn(["frobnicate"], dir)
    expect(bad).toMatchObject({ code: 2, stdout: "", stderr: "pbxport: Unknown subcommand \"frobnicate\" for \"pbxport\"\nRun 'pbxport --help' for usage.\n" })
  })

  it("lists dialects as JSON", async () => {
    const r = await spawn(["dialects", "--json"], dir)
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Array<{ id: string }>).map((d) => d.id)).toContain("jsonl")
  })
})
