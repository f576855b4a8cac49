import { describe, expect, it } from "vitest"
import * as Dialect from "../src/Dialect.js"

describe("Dialect", () => {
  it("has a standard dialect: comma, double quote, CRLF, no BOM, UTF-8, minimal", () => {
    expect(Dialect.standard).toEqual({ delimiter: ",", quote: '"', newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" })
    expect(Dialect.make()).toEqual(Dialect.standard)
  })

  it("fills defaults and normalises the encoding name", () => {
    expect(Dialect.make({ delimiter: ";", encoding: "UTF8", bom: true })).toEqual({ ...Dialect.standard, delimiter: ";", bom: true })
    expect(Dialect.make({ encoding: "CP1252" }).encoding).toBe("windows-1252")
    expect(Dialect.make({ encoding: "Shift_JIS" }).encoding).toBe("shift_jis")
  })

  it.each([
    [{ delimiter: ",," }, "exactly one character"],
    [{ delimiter: "" }, "exactly one character"],
    [{ delimiter: "\n" }, "cannot be CR or LF"],
    [{ delimiter: '"' }, "must differ"],
    [{ quote: "\r" }, "cannot be CR or LF"],
    [{ newline: "\r" as "\n" }, "newline"],
    [{ encoding: "klingon" }, "unknown encoding"],
    [{ encoding: "windows-1252", bom: true }, "byte order mark"],
    [{ quoting: "some" as "all" }, "quoting"]
  ])("rejects %j at construction", (spec, message) => {
    expect(() => Dialect.make(spec)).toThrow(message)
  })
})
