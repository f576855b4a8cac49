import { describe, expect, it } from "vitest"
import { escapeFormula, isFormula } from "../src/Formula.js"
import * as Reader from "../src/Reader.js"

describe("Formula", () => {
  it.each(["=SUM(A1:A2)", "=", "@cmd", "+A1", "-x", "+", "-", "-.5", "+ 33", '=HYPERLINK("http://x")'])("flags %j", (cell) => {
    expect(isFormula(cell)).toBe(true)
    expect(escapeFormula(cell)).toBe(`'${cell}`)
  })

  it.each(["", "+33123456789", "-5", "+0", "abc", " =x", "a=b", "'=x", "007"])("does not flag %j", (cell) => {
    expect(isFormula(cell)).toBe(false)
    expect(escapeFormula(cell)).toBe(cell)
  })

  it("is exported by the reader too", () => {
    expect(Reader.isFormula).toBe(isFormula)
    expect(Reader.escapeFormula).toBe(escapeFormula)
  })
})
