import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { cli, file, register, seen, tempDir } from "./support.js"

beforeAll(register)

const SECRET = "Fake-Secret-93xq"
const jsonl = (lines: ReadonlyArray<unknown>) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n"
const users = [
  { firstName: "Ann", email: "ann@example.com", extension: "0101", password: SECRET },
  { firstName: "Bob", email: "bob-at-example", extension: "0102" },
  { firstName: "Cy", email: "cy@example.com", extension: "0103", password: SECRET, voicemail: { pin: "4711" } },
  "{ broken"
]

describe("pbxport convert", () => {
  it("writes only the valid rows, the skipped rows to --errors, and the report to --report", async () => {
    const dir = tempDir()
    const input = file(dir, "users.csv", "first;email;ext;note\r\nAnn;ann@example.com;0101;x\r\nBob;bob-at-example;0102;y\r\nCy;cy@example.com;0103;\r\n")
    const out = path.join(dir, "out.jsonl")
    const errors = path.join(dir, "errors.csv")
    const reportFile = path.join(dir, "report.json")
    const r = await cli(["convert", input, "--from", "clitest", "--to", "jsonl", "-o", out, "--errors", errors, "--report", reportFile])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(fs.readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l).firstName)).toEqual(["Ann", "Cy"])
    expect(fs.readFileSync(errors, "utf8")).toBe("first;email;ext;note;error\r\nBob;bob-at-example;0102;y;\"email: 'email' must look like name@domain, not \"\"bob-at-example\"\"\"\r\n")
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Record<string, unknown>
    expect(Object.keys(report)).toEqual(["file", "from", "to", "encoding", "delimiter", "rows", "outputs", "errors", "lost", "issues"])
    expect(report).toMatchObject({
      file: input,
      from: "clitest",
      to: "jsonl",
      delimiter: ";",
      rows: { read: 3, written: 2, skipped: 1 },
      outputs: [{ path: out, rows: 2 }],
      errors: path.resolve(errors),
      lost: []
    })
    expect(r.stdout.split("\n")).toEqual([
      "header, column note: warning unknown-column: column 'note' is not a clitest column; its values are kept but not interpreted",
      'row 2 (line 3), column email: error invalid-format: \'email\' must look like name@domain, not "bob-at-example"',
      "3 rows read: 2 written, 1 skipped (1 error, 1 warning)",
      `wrote 2 rows to ${out}`,
      `wrote the 1 skipped row to ${path.resolve(errors)}`,
      ""
    ])
  })

  it("exits 0 when every row was written", async () => {
    const dir = tempDir()
    const input = file(dir, "ok.jsonl", jsonl([{ firstName: "Ann" }, { firstName: "Bob" }]))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "-o", path.join(dir, "out.csv")])
    expect(r.code).toBe(0)
    expect(fs.readFileSync(path.join(dir, "out.csv"), "utf8")).toBe("\uFEFFfirst\r\nAnn\r\nBob\r\n")
  })

  it("writes to standard output without -o, with the summary on standard error", async () => {
    const dir = tempDir()
    const input = file(dir, "ok.jsonl", jsonl([{ firstName: "Ann", email: "ann@example.com" }]))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest"])
    expect(r.code).toBe(0)
    expect(r.bytes.toString("utf8")).toBe("\uFEFFfirst;email\r\nAnn;ann@example.com\r\n")
    expect(r.stderr).toBe("1 row read: 1 written, 0 skipped (0 errors, 0 warnings)\nwrote 1 row to <stdout>\n")
  })

  it("lists the fields the target cannot carry, with counts", async () => {
    const dir = tempDir()
    const input = file(dir, "users.jsonl", jsonl(users))
    const out = path.join(dir, "out.csv")
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "-o", out])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("lost: the clitest dialect cannot carry these fields, which were not written:\n  password: 2 rows\n  voicemail.pin: 1 row\n")
    expect(r.stdout).not.toContain("not-carried")
    expect(r.stdout).toContain("4 rows read: 2 written, 2 skipped (2 errors, 2 warnings)\n")
  })

  it("prints the report on standard output with --json, which needs -o", async () => {
    const dir = tempDir()
    const input = file(dir, "users.jsonl", jsonl(users))
    const noOutput = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "--json"])
    expect(noOutput).toMatchObject({ code: 2, stdout: "", stderr: "pbxport: --json prints the report on standard output, so the users need a file: add -o FILE\n" })
    const out = path.join(dir, "out.csv")
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "--json", "-o", out])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    const report = JSON.parse(r.stdout) as Record<string, unknown>
    expect(report).not.toHaveProperty("data")
    expect(report).toMatchObject({ rows: { read: 4, written: 2, skipped: 2 }, lost: [{ field: "password", count: 2 }, { field: "voicemail.pin", count: 1 }] })
    expect((report.issues as Array<{ code: string }>).map((i) => i.code)).toEqual(["invalid-format", "invalid-json", "not-carried", "not-carried"])
  })

  it("prints a failure report with --json and exits 2 on a file-level failure", async () => {
    const dir = tempDir()
    const missing = path.join(dir, "missing.csv")
    const reportFile = path.join(dir, "report.json")
    const r = await cli(["convert", missing, "--from", "clitest", "--to", "jsonl", "--json", "-o", path.join(dir, "o.jsonl"), "--report", reportFile])
    expect(r.code).toBe(2)
    const expected = {
      file: missing,
      from: "clitest",
      to: "jsonl",
      encoding: null,
      delimiter: null,
      rows: { read: 0, written: 0, skipped: 0 },
      outputs: [],
      errors: null,
      lost: [],
      issues: [{ row: null, line: null, column: null, code: "unreadable-file", severity: "error", message: `cannot read ${missing}: no such file` }]
    }
    expect(JSON.parse(r.stdout)).toEqual(expected)
    expect(JSON.parse(fs.readFileSync(reportFile, "utf8"))).toEqual(expected)
    expect(fs.existsSync(path.join(dir, "o.jsonl"))).toBe(false)
    const human = await cli(["convert", missing, "--from", "clitest", "--to", "jsonl"])
    expect(human).toMatchObject({ code: 2, stdout: "", stderr: `pbxport: cannot read ${missing}: no such file\n` })
  })

  it("exits 2 for an unknown target dialect, listing the known ones", async () => {
    const dir = tempDir()
    const input = file(dir, "ok.jsonl", jsonl([{ firstName: "Ann" }]))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "nope"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: unknown dialect 'nope'; known dialects: jsonl, .*clitest\n$/)
  })

  it("passes --target-option to the target and the dialect options to the source", async () => {
    const dir = tempDir()
    const input = file(dir, "users.csv", "first;email\r\nAnn;ann@example.com\r\n")
    const r = await cli([
      "convert", input, "--from", "clitest", "--to", "clitest", "-o", path.join(dir, "o.csv"),
      "--target-option", "operation=user.modify", "--map", "email=Mail", "--option", "site=paris"
    ])
    expect(r.code).toBe(0)
    expect(seen.target).toEqual({ operation: "user.modify" })
    expect(seen.source).toEqual({ map: ["email=Mail"], site: "paris" })
    const bad = await cli(["convert", input, "--from", "clitest", "--to", "clitest", "--target-option", "operation"])
    expect(bad).toMatchObject({ code: 2, stderr: 'pbxport: --target-option expects KEY=VALUE, got "operation"\n' })
  })

  it("writes every column of the target with --full-template", async () => {
    const dir = tempDir()
    const input = file(dir, "ok.jsonl", jsonl([{ firstName: "Ann" }]))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "--full-template"])
    expect(r.bytes.toString("utf8")).toBe("\uFEFFfirst;email;ext\r\nAnn;;\r\n")
  })

  it("never shows a secret on standard output, standard error or in the report", async () => {
    const dir = tempDir()
    const input = file(dir, "users.jsonl", jsonl(users))
    for (const to of ["clitest", "jsonl"]) {
      const out = path.join(dir, `out-${to}`)
      const reportFile = path.join(dir, `report-${to}.json`)
      const r = await cli(["convert", input, "--from", "jsonl", "--to", to, "-o", out, "--report", reportFile, "--errors", path.join(dir, `errors-${to}.jsonl`)])
      const json = await cli(["convert", input, "--from", "jsonl", "--to", to, "-o", out, "--json"])
      for (const text of [r.stdout, r.stderr, json.stdout, json.stderr, fs.readFileSync(reportFile, "utf8")]) {
        expect(text).not.toContain(SECRET)
        expect(text).not.toContain("4711")
      }
      // the data file itself holds the password only when the target carries it
      expect(fs.readFileSync(out, "utf8").includes(SECRET)).toBe(to === "jsonl")
    }
    const validate = await cli(["validate", input, "--from", "jsonl", "--json"])
    expect(validate.stdout).not.toContain(SECRET)
  })

  it("shows progress on a terminal, clears it, and names every numbered output file", async () => {
    const dir = tempDir()
    const input = file(dir, "many.jsonl", jsonl(Array.from({ length: 5_000 }, (_, i) => ({ firstName: `U${i}` }))))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "clitest", "-o", path.join(dir, "o.csv")], { tty: true })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe("\r5,000 rows…\r\x1b[K")
    // clitest takes 1,000 rows per file
    expect(r.stdout).toBe(
      ["5,000 rows read: 5,000 written, 0 skipped (0 errors, 0 warnings)", ...[1, 2, 3, 4, 5].map((n) => `wrote 1,000 rows to ${path.join(dir, `o-00${n}.csv`)}`), ""].join("\n")
    )
    const tooMany = await cli(["convert", input, "--from", "jsonl", "--to", "clitest"])
    expect(tooMany.code).toBe(2)
    expect(tooMany.stderr).toBe("pbxport: 5000 users need 5 files of at most 1000 for clitest; give an output file with -o\n")
  })
})
