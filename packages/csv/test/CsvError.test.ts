import { describe, expect, it } from "vitest"
import * as CsvError from "../src/CsvError.js"

describe("CsvError", () => {
  it("carries its reason and the issue to show", () => {
    const error = new CsvError.CsvError({ _tag: "EmptyFile" }, "no header", { line: 3 })
    expect(error).toBeInstanceOf(Error)
    expect(CsvError.is(error)).toBe(true)
    expect(CsvError.is(new Error("x"))).toBe(false)
    expect(error.name).toBe("CsvError")
    expect(error.message).toBe("no header")
    expect(error.issue).toEqual({ row: null, line: 3, column: null, code: "empty-file", severity: "error", message: "no header" })
  })
})
