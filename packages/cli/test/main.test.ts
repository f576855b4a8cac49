import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { issueLine } from "../src/Validate.js"
import { cli } from "./support.js"

const version = (JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version

describe("the command tree", () => {
  it("prints the version of the package", async () => {
    expect(await cli(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" })
    expect(await cli(["validate", "--version"])).toMatchObject({ code: 0, stdout: `${version}\n` })
  })

  it("has help with examples for every command, never with a credential on the command line", async () => {
    for (const command of [[], ["validate"], ["convert"], ["plan"], ["migrate"], ["dialects"], ["template"], ["commpeak"], ["commpeak", "credentials"], ["commpeak", "retry"]]) {
      const r = await cli([...command, "--help"])
      expect(r.code, command.join(" ")).toBe(0)
      expect(r.stderr).toBe("")
      expect(r.stdout).toContain("USAGE")
      expect(r.stdout).toContain("\n\nEXAMPLES\n")
      const examples = r.stdout.slice(r.stdout.indexOf("EXAMPLES"))
      expect(examples).toMatch(/pbxport /)
      expect(examples).not.toMatch(/pass(word)?|secret|token|--user|api[-_]?key/i)
    }
  })

  it("documents the flags of convert and validate", async () => {
    const convert = (await cli(["convert", "--help"])).stdout
    for (const flag of ["--from", "--to", "--output, -o", "--report", "--errors", "--json", "--full-template", "--target-option", "--map", "--map-columns", "--default", "--id-map", "--generate-extensions", "--option", "--encoding", "--delimiter"]) {
      expect(convert).toContain(flag)
    }
    const validate = (await cli(["validate", "--help"])).stdout
    expect(validate).toContain("Exit code: 0 when every row is valid")
  })

  it("exits 2 on parse errors, with pbxport: on standard error", async () => {
    const unknown = await cli(["nope"])
    expect(unknown).toMatchObject({ code: 2, stdout: "", stderr: "pbxport: Unknown subcommand \"nope\" for \"pbxport\"\nRun 'pbxport --help' for usage.\n" })
    const flag = await cli(["dialects", "--bogus"])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/^pbxport: .*--bogus/)
    const noArgs = await cli([])
    expect(noArgs.code).toBe(2)
    expect(noArgs.stdout).toContain("SUBCOMMANDS")
  })

  it("places file-level issues by line or as the file", () => {
    expect(issueLine({ row: null, line: 1, column: "note", code: "unknown-column", severity: "warning", message: "m" })).toBe("line 1, column note: warning unknown-column: m")
    expect(issueLine({ row: null, line: null, column: null, code: "encoding", severity: "warning", message: "m" })).toBe("file: warning encoding: m")
    expect(issueLine({ row: 3, line: 4, column: "email", code: "invalid-format", severity: "error", message: "m" })).toBe("row 3 (line 4), column email: error invalid-format: m")
  })
})
