import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { cli, register } from "./support.js"

beforeAll(register)

const fixture = (p: string) => fileURLToPath(new URL(`../../../fixtures/${p}`, import.meta.url))

describe("pbxport detect", () => {
  it("prints the best candidates with a score and why, and the --from to use", async () => {
    const r = await cli(["detect", fixture("wazo/export/input.csv")])
    expect(r.code).toBe(0)
    const lines = r.stdout.split("\n")
    expect(lines[0]).toMatch(/input\.csv: CSV, utf-8, delimiter ,, 39 columns, 3 rows sampled$/)
    expect(lines[1]).toBe("1.00  wazo-export - Wazo user export (GET /users/export)")
    expect(lines[2]).toBe("      39 of 39 header cells are wazo-export columns")
    expect(r.stdout.match(/^\d\.\d\d {2}/gm)).toHaveLength(3)
    expect(r.stdout).toMatch(/\nbest: --from wazo-export\n$/)
  })

  it("prints JSON with --json, every candidate with --all", async () => {
    const r = await cli(["detect", fixture("commpeak/odd-headers/input.csv"), "--json"])
    expect(r.code).toBe(0)
    const found = JSON.parse(r.stdout) as { candidates: Array<{ dialect: string; score: number; why: Array<string>; unknownColumns: Array<string> }> }
    expect(Object.keys(found)).toEqual(["file", "format", "encoding", "delimiter", "header", "sampled", "candidates"])
    expect(found.candidates[0]).toMatchObject({ dialect: "commpeak", unknownColumns: ["Department"] })
    const all = await cli(["detect", fixture("commpeak/odd-headers/input.csv"), "--all"])
    expect(all.stdout.match(/^\d\.\d\d {2}/gm)).toHaveLength(found.candidates.length)
  })

  it("reads standard input with -, and honours --delimiter", async () => {
    const r = await cli(["detect", "-", "--delimiter", ";", "--json"], { stdin: "firstname;lastname;exten\nZoë;Example;0102\n" })
    expect(r.code).toBe(0)
    const found = JSON.parse(r.stdout) as { file: string; delimiter: string; candidates: Array<{ dialect: string }> }
    expect(found).toMatchObject({ file: "<stdin>", delimiter: ";" })
    expect(found.candidates[0]!.dialect).toBe("wazo")
  })

  it("exits with 2 on a file it cannot read", async () => {
    const r = await cli(["detect", fixture("no-such.csv")])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("no such file")
  })
})
