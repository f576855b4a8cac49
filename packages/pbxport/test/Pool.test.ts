import { describe, expect, it } from "vitest"
import { Pool } from "../src/index.js"

const take = (spec: string, used: ReadonlyArray<string>, n: number) => {
  const next = Pool.allocator(Pool.parse(spec), new Set(used.map(Pool.key)))
  return Array.from({ length: n }, () => next())
}

describe("pools", () => {
  it("hands out values in order, skipping used ones, keeping width and '+'", () => {
    expect(take("1000-1004", ["1001", "1003"], 4)).toEqual(["1000", "1002", "1004", undefined])
    expect(take("0098-0101", [], 4)).toEqual(["0098", "0099", "0100", "0101"])
    expect(take("+15550100100-+15550100102", ["+1 555 010 0101"], 2)).toEqual(["+15550100100", "+15550100102"])
    expect(take("200,100-101", [], 4)).toEqual(["200", "100", "101", undefined])
  })

  it("counts free values, telling 0100 from 100", () => {
    const pool = Pool.parse("0100-0109,500-509")
    expect(Pool.free(pool, new Set(["0100", "100", "505", "9999"]))).toBe(18n)
  })

  it("refuses pools it cannot read, saying why", () => {
    expect(() => Pool.parse("1000-")).toThrow("'1000-' in '1000-' is not a number")
    expect(() => Pool.parse("abc")).toThrow("'abc' in 'abc' is not a number: write digits, optionally after '+' (such as 1000-1999 or +15550100100-+15550100199)")
    expect(() => Pool.parse("1999-1000")).toThrow("'1999-1000' runs backwards: write the smaller value first")
    expect(() => Pool.parse("+1555-1556")).toThrow("both ends of a range are E.164 numbers with '+', or neither is")
    expect(() => Pool.parse("0100-999")).toThrow("same number of digits")
    expect(() => Pool.parse("100-199,150")).toThrow("'150' overlaps '100-199': give each value once")
    expect(() => Pool.parse("100,,200")).toThrow("is not a pool")
  })
})
