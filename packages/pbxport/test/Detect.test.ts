import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import * as pbxport from "../src/index.js"
import { PbxportError } from "../src/PbxportError.js"

const fixtures = fileURLToPath(new URL("../../../fixtures/", import.meta.url))
const fixture = (p: string) => path.join(fixtures, p)

describe("detect", () => {
  it.each([
    ["wazo/export/input.csv", "wazo-export"],
    ["wazo/minimal/input.csv", "wazo"],
    ["wazo/xivo-legacy/input.csv", "xivo"],
    ["wazo/excel-semicolon/input.csv", "wazo"],
    ["broadworks/minimal/input.csv", "broadworks"],
    ["broadworks/snake-case-headers/input.csv", "broadworks"],
    ["commpeak/odd-headers/input.csv", "commpeak"],
    ["commpeak/success-details/input.csv", "commpeak-success"],
    ["commpeak/error-details/input.csv", "commpeak-errors"],
    ["broadworks/odin-seed/input.json", "odin-json"],
    ["broadworks/sdk-json/input.json", "broadworks-json"],
    ["jsonl/users/input.jsonl", "jsonl"]
  ])("finds the dialect of %s: %s", async (file, dialect) => {
    const found = await pbxport.detect({ path: fixture(file) })
    expect(found.candidates[0]!.dialect).toBe(dialect)
    expect(found.candidates[0]!.score).toBeGreaterThan(found.candidates[1]!.score)
  })

  it("says why: unknown header cells, missing required columns, rows that decode", async () => {
    const found = await pbxport.detect({ bytes: new TextEncoder().encode("USER NAME;e-mail;virtual_extension;Department\r\njdoe;jane@example.com;2001;Sales\r\n"), name: "people.csv" })
    expect(found).toMatchObject({ file: "people.csv", format: "csv", encoding: "utf-8", delimiter: ";", header: ["USER NAME", "e-mail", "virtual_extension", "Department"], sampled: 1 })
    const commpeak = found.candidates.find((c) => c.dialect === "commpeak")!
    expect(commpeak.unknownColumns).toEqual(["Department"])
    expect(commpeak.why[0]).toBe("3 of 4 header cells are commpeak columns (not: Department)")
    const broadworks = found.candidates.find((c) => c.dialect === "broadworks")!
    expect(broadworks.missingColumns.length).toBeGreaterThan(0)
    expect(broadworks.why[1]).toMatch(/^missing required: /)
    expect(broadworks.score).toBeLessThan(commpeak.score)
    for (const c of found.candidates) {
      expect(c.score).toBeGreaterThanOrEqual(0)
      expect(c.score).toBeLessThanOrEqual(1)
    }
  })

  it("reads only the start of a big file, cutting at a whole line", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `User${i},Example,user${i}@example.com,${1000 + i}`)
    const text = ["firstname,lastname,email,exten", ...rows].join("\n") + "\n"
    const found = await pbxport.detect({ text, name: "big.csv" })
    expect(text.length).toBeGreaterThan(pbxport.Detect.HEAD_BYTES)
    expect(found.sampled).toBe(pbxport.Detect.SAMPLE_ROWS)
    expect(found.candidates[0]!.dialect).toBe("wazo")
  })

  it("fails like validate on a file it cannot read", async () => {
    await expect(pbxport.detect({ path: fixture("no-such-file.csv") })).rejects.toThrow(PbxportError)
    await expect(pbxport.detect({ path: fixture("no-such-file.csv") })).rejects.toThrow(/no such file/)
    await expect(pbxport.detect({ text: "", name: "empty.csv" })).rejects.toThrow(PbxportError)
  })

  it("does not change a file's bytes or need a dialect", async () => {
    const file = fixture("wazo/bom/input.csv")
    const before = fs.readFileSync(file)
    const found = await pbxport.detect({ path: file })
    expect(found.encoding).toBe("utf-8")
    expect(found.candidates[0]!.dialect).toBe("wazo")
    expect(fs.readFileSync(file)).toEqual(before)
  })
})
