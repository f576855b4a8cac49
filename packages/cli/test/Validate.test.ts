import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import type { Io } from "../src/Io.js"
import { run } from "../src/main.js"
import * as Validate from "../src/Validate.js"
import { cli, file, register, seen, tempDir } from "./support.js"

const dir = tempDir()
beforeAll(register)

const jsonl = (lines: ReadonlyArray<unknown>) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n"
const good = file(dir, "good.jsonl", jsonl([{ firstName: "Ann", email: "ann@example.com" }, { firstName: "Bob" }]))
const mixed = file(dir, "mixed.jsonl", jsonl([{ firstName: "Ann" }, { firstName: "Bob", email: 12 }, "not json", { firstName: "Cy" }]))
const csv = file(dir, "users.csv", "first;email;ext\r\nAnn;ann@example.com;0101\r\nBob;bob-at-example;0102\r\nCy;ANN@example.com;\r\n")

describe("pbxport validate", () => {
  it("exits 0 and prints the summary when every row is valid", async () => {
    const r = await cli(["validate", good, "--from", "jsonl"])
    expect(r).toMatchObject({ code: 0, stdout: "2 rows: 2 valid, 0 invalid (0 errors, 0 warnings)\n", stderr: "" })
  })

  it("exits 1 and prints one line per issue, then the summary", async () => {
    const r = await cli(["validate", csv, "--from", "clitest"])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout.split("\n")).toEqual([
      'row 2 (line 3), column email: error invalid-format: \'email\' must look like name@domain, not "bob-at-example"',
      "row 3 (line 4), column email: error duplicate: email 'ann@example.com' is already used by row 1 (line 2); it must be unique in the file",
      "3 rows: 1 valid, 2 invalid (2 errors, 0 warnings)",
      ""
    ])
  })

  it("prints exactly the ValidationReport shape with --json", async () => {
    const r = await cli(["validate", mixed, "--from", "jsonl", "--json"])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(report)).toEqual(["file", "dialect", "encoding", "delimiter", "rows", "valid", "invalid", "issues"])
    expect(report).toMatchObject({ file: mixed, dialect: "jsonl", encoding: "utf-8", delimiter: null, rows: 4, valid: 2, invalid: 2 })
    const issues = report.issues as Array<Record<string, unknown>>
    expect(issues.length).toBe(2)
    for (const issue of issues) {
      expect(Object.keys(issue)).toEqual(["row", "line", "column", "code", "severity", "message"])
      expect(typeof issue.row).toBe("number")
      expect(typeof issue.line).toBe("number")
      expect(issue.column === null || typeof issue.column === "string").toBe(true)
      expect(typeof issue.message).toBe("string")
    }
    expect(issues.map((i) => [i.row, i.line, i.code, i.severity])).toEqual([[2, 2, "invalid-json", "error"], [3, 3, "invalid-json", "error"]])
  })

  it("reports the CSV encoding and delimiter in --json", async () => {
    const r = await cli(["validate", csv, "--from", "clitest", "--json"])
    expect(JSON.parse(r.stdout)).toMatchObject({ encoding: "utf-8", delimiter: ";", rows: 3, valid: 1, invalid: 2 })
  })

  it("exits 2 with a message on standard error for an unreadable file", async () => {
    const r = await cli(["validate", path.join(dir, "missing.jsonl"), "--from", "jsonl"])
    expect(r).toMatchObject({ code: 2, stdout: "", stderr: `pbxport: cannot read ${path.join(dir, "missing.jsonl")}: no such file\n` })
  })

  it("prints the report shape with the one issue for a file-level failure with --json, and exits 2", async () => {
    const missing = path.join(dir, "missing.jsonl")
    const r = await cli(["validate", missing, "--from", "jsonl", "--json"])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      file: missing,
      dialect: "jsonl",
      encoding: null,
      delimiter: null,
      rows: 0,
      valid: 0,
      invalid: 0,
      issues: [{ row: null, line: null, column: null, code: "unreadable-file", severity: "error", message: `cannot read ${missing}: no such file` }]
    })
  })

  it("lists the known dialects for an unknown one", async () => {
    const r = await cli(["validate", good, "--from", "nope"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: unknown dialect 'nope'; known dialects: jsonl, .*clitest\n$/)
    const json = await cli(["validate", good, "--from", "nope", "--json"])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout).issues[0]).toMatchObject({ row: null, code: "unknown-dialect", severity: "error" })
  })

  it("exits 2 when a required column is missing", async () => {
    const noFirst = file(dir, "nofirst.csv", "email;ext\r\nann@example.com;0101\r\n")
    const r = await cli(["validate", noFirst, "--from", "clitest"])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("pbxport: the header has no 'first' column, which clitest requires\n")
    const json = JSON.parse((await cli(["validate", noFirst, "--from", "clitest", "--json"])).stdout)
    expect(json).toMatchObject({ rows: 0, valid: 0, invalid: 0, issues: [{ row: null, line: null, column: "first", code: "missing-column", severity: "error" }] })
  })

  it("exits 2 on an ambiguous delimiter, and reads the file with --delimiter", async () => {
    const ambiguous = file(dir, "ambiguous.csv", "first;ext,note\r\nAnn;0101,x\r\n")
    const r = await cli(["validate", ambiguous, "--from", "clitest"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: cannot tell the delimiter from the header/)
    const json = JSON.parse((await cli(["validate", ambiguous, "--from", "clitest", "--json"])).stdout)
    expect(json.issues).toMatchObject([{ row: null, code: "delimiter", severity: "error" }])
    const forced = await cli(["validate", ambiguous, "--from", "clitest", "--delimiter", ";", "--json"])
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout)).toMatchObject({ delimiter: ";", rows: 1, valid: 1, invalid: 0 })
  })

  it("accepts tab as a delimiter and rejects other values as usage errors", async () => {
    const tabbed = file(dir, "tabbed.csv", "first\temail\r\nAnn\tann@example.com\r\n")
    for (const d of ["tab", "\\t"]) {
      const r = await cli(["validate", tabbed, "--from", "clitest", "--delimiter", d, "--json"])
      expect(JSON.parse(r.stdout)).toMatchObject({ delimiter: "\t", valid: 1 })
    }
    const bad = await cli(["validate", tabbed, "--from", "clitest", "--delimiter", ":"])
    expect(bad).toMatchObject({ code: 2, stdout: "", stderr: 'pbxport: --delimiter must be one of , ; | tab, not ":"\n' })
  })

  it("reads the encoding given with --encoding", async () => {
    const latin1 = file(dir, "latin1.csv", Buffer.from("first;email\r\nZo\xe9;zoe@example.com\r\n", "latin1"))
    const r = await cli(["validate", latin1, "--from", "clitest", "--encoding", "windows-1252", "--json"])
    expect(JSON.parse(r.stdout)).toMatchObject({ encoding: "windows-1252", valid: 1 })
  })

  it("passes the dialect options to the source dialect", async () => {
    const d = tempDir()
    const mapping = file(d, "columns.txt", "# my columns\nlastName = Surname\n")
    const desks = file(d, "desks.csv", "desk,id\nfront,3\n")
    const r = await cli([
      "validate", csv, "--from", "clitest",
      "--map", "email=E-mail", "--map-columns", mapping,
      "--default", "language=fr_FR", "--id-map", `desk=${desks}`,
      "--generate-extensions", "--option", "context=internal"
    ])
    expect(r.code).toBe(1)
    expect(seen.source).toEqual({
      map: ["email=E-mail", "lastName=Surname"],
      default: ["language=fr_FR"],
      "ids.desk": "desk,id\nfront,3\n",
      generateExtensions: "true",
      context: "internal"
    })
  })

  it("turns mistakes in the dialect options into usage errors (exit 2)", async () => {
    const cases: Array<[Array<string>, string]> = [
      [["--map", "email"], 'pbxport: --map expects FIELD=COLUMN, got "email"\n'],
      [["--default", "=x"], 'pbxport: --default expects FIELD=VALUE, got "=x"\n'],
      [["--id-map", "team=x"], 'pbxport: --id-map: unknown kind "team"; use one of role, desk, skillGroup\n'],
      [["--id-map", `role=${path.join(dir, "none.csv")}`], `pbxport: cannot read the --id-map role file ${path.join(dir, "none.csv")}: no such file\n`],
      [["--map-columns", path.join(dir, "none.txt")], `pbxport: cannot read the --map-columns file ${path.join(dir, "none.txt")}: no such file\n`],
      [["--option", "novalue"], 'pbxport: --option expects KEY=VALUE, got "novalue"\n']
    ]
    for (const [flags, message] of cases) {
      const r = await cli(["validate", good, "--from", "jsonl", "--json", ...flags])
      expect(r, flags.join(" ")).toMatchObject({ code: 2, stdout: "", stderr: message })
    }
  })

  it("exits 2 with the parser's message for a missing flag or argument", async () => {
    const noFrom = await cli(["validate", good])
    expect(noFrom.code).toBe(2)
    expect(noFrom.stdout).toBe("")
    expect(noFrom.stderr).toBe("pbxport: Missing required flag: --from\nRun 'pbxport validate --help' for usage.\n")
    const noFile = await cli(["validate", "--from", "jsonl"])
    expect(noFile.code).toBe(2)
    expect(noFile.stderr).toMatch(/^pbxport: .*file/)
  })

  it("reads standard input for -", async () => {
    const r = await cli(["validate", "-", "--from", "jsonl", "--json"], { stdin: jsonl([{ firstName: "Ann" }]) })
    expect(JSON.parse(r.stdout)).toMatchObject({ file: "<stdin>", rows: 1, valid: 1 })
  })

  it("shows progress on standard error only when it is a terminal, and clears it", async () => {
    const many = file(dir, "many.jsonl", jsonl(Array.from({ length: 10_001 }, (_, i) => ({ firstName: `U${i}` }))))
    const quiet = await cli(["validate", many, "--from", "jsonl"])
    expect(quiet.stderr).toBe("")
    const tty = await cli(["validate", many, "--from", "jsonl"], { tty: true })
    expect(tty.code).toBe(0)
    expect(tty.stderr).toBe("\r5,000 rows…\r10,000 rows…\r\x1b[K")
    expect(tty.stdout).toBe("10,001 rows: 10,001 valid, 0 invalid (0 errors, 0 warnings)\n")
  })

  it("streams a report of 100,000 issues in bounded pieces, byte for byte the JSON and text forms", async () => {
    const bad = file(dir, "bad.jsonl", "not json\n".repeat(100_000))
    const pieces: Array<string> = []
    const io: Io = { stdout: { write: (chunk) => pieces.push(String(chunk)) }, stderr: { write: () => true } }
    expect(await run(["validate", bad, "--from", "jsonl", "--json"], io)).toBe(1)
    const report = JSON.parse(pieces.join("")) as { issues: Array<unknown> }
    expect(report.issues.length).toBe(100_000)
    expect(pieces.join("")).toBe(JSON.stringify(report, null, 2) + "\n")
    // many writes, none much larger than 64 KiB: the report was never one string
    expect(pieces.length).toBeGreaterThan(100)
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70_000)
    const text: Array<string> = []
    Validate.writeText(report as never, (t) => text.push(t))
    expect(text.join("")).toBe(Validate.text(report as never))
    expect(text.length).toBeGreaterThan(100)
  })

  it("writes the JSON of any report shape as JSON.stringify does", () => {
    const base = { file: "f", dialect: "d", encoding: null, delimiter: ",", rows: 0, valid: 0, invalid: 0 }
    for (const report of [{ ...base, issues: [] }, { ...base, issues: [{ row: 1, line: 2, column: null, code: "x", severity: "error", message: "a \"quoted\"\nline" }] }]) {
      const out: Array<string> = []
      Validate.writeJson(report as never, (t) => out.push(t))
      expect(out.join("")).toBe(JSON.stringify(report, null, 2) + "\n")
    }
  })
})
