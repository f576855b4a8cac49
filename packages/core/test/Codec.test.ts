import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Codec } from "../src/index.js"

const ok = <A>(r: { readonly value: A } | object) => ("value" in r ? r.value : undefined)

describe("Codec", () => {
  it("keeps text verbatim: spaces, leading zeros, +, accents", () => {
    for (const s of [" x ", "0102", "+33123", "Lâpointe"]) expect(ok(Codec.text.decode(s, "c"))).toBe(s)
  })

  it("decodes exact bool tokens and names the valid ones otherwise", () => {
    const b = Codec.bool({ true: "1", false: "0" })
    expect(ok(b.decode("1", "enabled"))).toBe(true)
    expect(ok(b.decode("0", "enabled"))).toBe(false)
    expect(b.decode("true", "enabled")).toMatchObject({ code: "invalid-bool", column: "enabled", message: `'enabled' must be 1 or 0, not "true"` })
    const ci = Codec.bool({ true: "true", false: "false", caseInsensitive: true })
    expect(ok(ci.decode("TRUE", "x"))).toBe(true)
    expect(ci.encode(false)).toBe("false")
  })

  it("decodes ASCII-digit integers within range only", () => {
    const i = Codec.integer({ min: 1, max: 20 })
    expect(ok(i.decode("5", "n"))).toBe(5)
    expect(i.decode("21", "n")).toMatchObject({ code: "out-of-range" })
    for (const bad of ["-1", "+5", "5.0", " 5", "²", "a"]) expect(i.decode(bad, "n")).toMatchObject({ code: "invalid-integer" })
  })

  it("splits lists without trimming, and an empty list is the empty value", () => {
    const l = Codec.list(";")
    expect(ok(l.decode("a; b;;c", "x"))).toEqual(["a", " b", "", "c"])
    expect(l.empty).toEqual([])
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[^;]+$/), { minLength: 1 }), (items) => {
      expect(ok(l.decode(l.encode(items), "x"))).toEqual(items)
    }))
  })

  it("accepts choices and their aliases, case-insensitively when asked", () => {
    const c = Codec.choice(["webrtc", "classic-pbx"], { aliases: { "Use WebRTC": "webrtc" }, caseInsensitive: true })
    expect(ok(c.decode("WEBRTC", "m"))).toBe("webrtc")
    expect(ok(c.decode("use webrtc", "m"))).toBe("webrtc")
    expect(c.decode("sip", "m")).toMatchObject({ code: "invalid-choice", message: `'m' must be one of webrtc, classic-pbx, not "sip"` })
  })
})
