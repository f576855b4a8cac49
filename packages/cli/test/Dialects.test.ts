import { beforeAll, describe, expect, it } from "vitest"
import { cli, register } from "./support.js"

beforeAll(register)

describe("pbxport dialects", () => {
  it("prints an array with --json: id, title, format, read/write, update key, rows-per-file limit, description", async () => {
    const r = await cli(["dialects", "--json"])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>
    expect(Array.isArray(list)).toBe(true)
    for (const d of list) expect(Object.keys(d)).toEqual(["id", "title", "format", "read", "write", "update", "maxRowsPerFile", "description"])
    expect(list[0]).toEqual({
      id: "jsonl",
      title: "Canonical users as JSON Lines",
      format: "jsonl",
      read: true,
      write: true,
      update: null,
      maxRowsPerFile: null,
      description: "One canonical user per line, every field pbxport knows; lossless, for inspection and scripting."
    })
    expect(list.find((d) => d.id === "clitest")).toMatchObject({ format: "csv", update: "email", maxRowsPerFile: 1000 })
  })

  it("describes each dialect for people", async () => {
    const r = await cli(["dialects"])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      "jsonl - Canonical users as JSON Lines\n  format jsonl; read, write; update key: none; rows per file: no limit\n  One canonical user per line, every field pbxport knows; lossless, for inspection and scripting.\n"
    )
    expect(r.stdout).toContain("clitest - CLI test dialect\n  format csv; read, write; update key: email; rows per file: 1,000\n")
  })
})
