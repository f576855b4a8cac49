import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { read } from "../src/Reader.js"

// csv-spectrum 2.0.0 keeps each case as csvs/<name>.csv with the expected objects in json/<name>.json.
const root = path.dirname(createRequire(import.meta.url).resolve("csv-spectrum/package.json"))
const names = fs
  .readdirSync(path.join(root, "csvs"))
  .filter((f) => f.endsWith(".csv"))
  .map((f) => f.slice(0, -4))
  .sort()

/**
 * Known errata of the corpus: location_coordinates.json expects phone number 1234567890 where
 * the CSV holds 2095257564 (https://github.com/max-mapper/csv-spectrum/issues/20), and holds one
 * object instead of an array.
 */
const errata: Record<string, (expected: Array<Record<string, string>>) => Array<Record<string, string>>> = {
  location_coordinates: (expected) => expected.map((o) => ({ ...o, "Contact Phone Number": "2095257564" }))
}

describe("csv-spectrum", () => {
  it("has its cases where expected", () => {
    expect(names.length).toBeGreaterThanOrEqual(12)
  })

  for (const name of names) {
    it(`parses ${name}`, async () => {
      const json: unknown = JSON.parse(fs.readFileSync(path.join(root, "json", `${name}.json`), "utf8"))
      const listed = (Array.isArray(json) ? json : [json]) as Array<Record<string, string>>
      const expected = errata[name]?.(listed) ?? listed
      const file = await read(new Uint8Array(fs.readFileSync(path.join(root, "csvs", `${name}.csv`))))
      const objects: Array<Record<string, string>> = []
      for await (const record of file.records) {
        // location_coordinates has bare quotes inside unquoted cells (37°36'37.8"N): the text is
        // kept as the corpus expects, and reported as malformed-quote, which RFC 4180 makes it.
        expect(record.issues.map((i) => i.code)).toEqual(name === "location_coordinates" ? ["malformed-quote"] : [])
        objects.push(Object.fromEntries(file.header.map((h, k) => [h, record.cells[k]!])))
      }
      expect(file.encoding).toBe("utf-8")
      expect(objects).toEqual(expected)
    })
  }
})
