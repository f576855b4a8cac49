import { describe, expect, it } from "vitest"
import { Codec } from "@pbxport/core"
import * as Cells from "../src/cells.js"

const decode = <A>(codec: Codec.Codec<A>, cell: string) => codec.decode(cell, "col")

describe("bool", () => {
  it("takes exactly 1 and 0", () => {
    expect(decode(Cells.bool, "1")).toEqual({ value: true })
    expect(decode(Cells.bool, "0")).toEqual({ value: false })
  })
  it.each(["true", "True", "yes", " 1", "1 ", "01", "2", "-1"])("refuses %j with Wazo's message", (cell) => {
    const result = decode(Cells.bool, cell)
    expect(Codec.isFinding(result)).toBe(true)
    expect(result).toMatchObject({ code: "invalid-bool", column: "col", severity: "error" })
    expect((result as { message: string }).message).toContain("(Wazo: Input Error - 'col' must be one of (0, 1))")
  })
  it("encodes 1 and 0", () => {
    expect(Cells.bool.encode(true)).toBe("1")
    expect(Cells.bool.encode(false)).toBe("0")
  })
})

describe("integer", () => {
  const ring = Cells.integer("ring_seconds", 0, 10800, true)
  it("takes ASCII digits, leading zeros included", () => {
    expect(decode(ring, "30")).toEqual({ value: 30 })
    expect(decode(ring, "030")).toEqual({ value: 30 })
    expect(decode(ring, "0")).toEqual({ value: 0 })
  })
  it.each(["3.5", "-1", "+3", " 30", "30 ", "1e3", "²", "٣", "0x1f"])("refuses %j with Wazo's (sic) message", (cell) => {
    const result = decode(ring, cell)
    expect(result).toMatchObject({ code: "invalid-integer", severity: "error" })
    expect((result as { message: string }).message).toContain("(Wazo: Input Error - field 'col': wrong type. Should be a integer)")
  })
  it("checks the range with the schema's message", () => {
    expect(decode(ring, "10801")).toEqual({
      column: "col",
      code: "out-of-range",
      severity: "error",
      message: "'col' must be from 0 to 10800, not 10801 (Wazo: {'ring_seconds': ['Must be greater than or equal to 0 and less than or equal to 10800.']})"
    })
  })
  it("bounds an unranged integer at 32 bits without quoting a schema rule", () => {
    const any = Cells.integer("ring_seconds", 0, Cells.INT32, false)
    expect(decode(any, "2147483647")).toEqual({ value: 2147483647 })
    expect((decode(any, "99999999999999999999") as { message: string }).message).toBe(
      "'col' must be from 0 to 2147483647, not a 20-digit number (the database column is a 32-bit integer)"
    )
  })
  it("flags leading zeros as normalised", () => {
    expect(Cells.leadingZeros("030", "ring_seconds")?.code).toBe("normalised")
    expect(Cells.leadingZeros("00", "ring_seconds")?.code).toBe("normalised")
    expect(Cells.leadingZeros("0", "ring_seconds")).toBeUndefined()
    expect(Cells.leadingZeros("30", "ring_seconds")).toBeUndefined()
  })
})

describe("email (marshmallow's Email validator)", () => {
  it.each(["alice@example.com", "o'brien@example.com", "a.b+c@sub.example.co", "élodie@exämple.com", "x@localhost", "x@[192.0.2.1]", "\"a..b\"@example.com"])(
    "accepts %j",
    (value) => expect(Cells.isEmail(value)).toBe(true)
  )
  it.each(["alice", "alice@", "@example.com", "alice@example", "a b@example.com", "a..b@example.com", "alice@example..com", "alice@-example.com", "alice@example.c", "\"a b\"@example.com"])(
    "refuses %j",
    (value) => expect(Cells.isEmail(value)).toBe(false)
  )
})

describe("checks", () => {
  it("counts characters as Python does, not UTF-16 units", () => {
    const check = Cells.maxLength("lastname", 128)
    expect(check("😀".repeat(100), "lastname", false)).toBeUndefined()
    expect(check("é".repeat(129), "lastname", false)?.message).toBe(
      "'lastname' must be at most 128 characters, not 129 (Wazo: {'lastname': ['Longer than maximum length 128.']})"
    )
  })
  it("never shows a secret cell", () => {
    const check = Cells.pattern("password", /^[0-9]+$/, "digits")
    const finding = check("s3cret-value", "voicemail_password", true)
    expect(finding?.message).not.toContain("s3cret-value")
    expect(finding?.message).toBe("'voicemail_password' must be digits (Wazo: {'password': ['String does not match expected pattern.']})")
  })
  it("shortens long cells in messages", () => {
    expect(Cells.show("x".repeat(100))).toBe(`"${"x".repeat(37)}..."`)
  })
  it("knows the exten patterns", () => {
    for (const ok of ["1000", "*97", "#", "_1XX", "_[1-3]XX.", "_X!"]) expect(Cells.exten(ok, "exten", false), ok).toBeUndefined()
    for (const bad of ["", "10 01", "abc", "_", "1".repeat(41), "_1XX;"]) expect(Cells.exten(bad, "exten", false)?.code, bad).toBe("invalid-format")
  })
  it("knows SIP section names", () => {
    const check = Cells.sectionName("name")
    expect(check("alice.1000", "sip_username", false)).toBeUndefined()
    expect(check("a".repeat(79), "sip_username", false)).toBeUndefined()
    for (const bad of ["a".repeat(80), "global", "system", "a b", "a@b"]) expect(check(bad, "sip_username", false)?.code, bad).toBe("invalid-format")
  })
})
