import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Encoding from "../src/Encoding.js"
import { Validator, completeLength, countBreaks, firstInvalid } from "../src/Utf8.js"

const b = (...xs: Array<number>) => new Uint8Array(xs)

describe("Utf8", () => {
  it("holds back only an incomplete sequence at the end", () => {
    expect(completeLength(b(0x61, 0xe2, 0x82))).toBe(1)
    expect(completeLength(b(0x61, 0xe2, 0x82, 0xac))).toBe(4)
    expect(completeLength(b(0xf0, 0x9f, 0x98))).toBe(0)
    expect(completeLength(b(0x61, 0xff))).toBe(2)
    expect(completeLength(b())).toBe(0)
  })

  it("finds the first invalid byte", () => {
    expect(firstInvalid(new TextEncoder().encode("café 東京 😀"))).toBe(-1)
    expect(firstInvalid(b(0x63, 0x61, 0x66, 0xe9))).toBe(3)
    expect(firstInvalid(b(0x61, 0xed, 0xa0, 0x80))).toBe(1) // a surrogate
    expect(firstInvalid(b(0xc0, 0x80))).toBe(0) // overlong
  })

  it("counts LF, CRLF and lone CR as one break each, across chunks", () => {
    expect(countBreaks(new TextEncoder().encode("a\nb\r\nc\rd"), false)).toBe(3)
    expect(countBreaks(new TextEncoder().encode("\nx"), true)).toBe(0)
  })

  it("validates chunked input like the whole, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (bytes, size) => {
        const validator = new Validator()
        for (let i = 0; i < bytes.length; i += size) validator.feed(bytes.subarray(i, i + size))
        validator.end()
        expect(validator.valid).toBe(firstInvalid(bytes) === -1)
      }),
      { numRuns: 1000 }
    )
  })

  it("decodes invalid bytes as U+FFFD like TextDecoder, and says where, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (bytes, size) => {
        const decoder = Encoding.decoder("utf-8")
        let text = ""
        const at: Array<number> = []
        const take = (d: Encoding.Decoded) => {
          at.push(...d.invalidAt.map((i) => i + text.length))
          text += d.text
        }
        for (let i = 0; i < bytes.length; i += size) take(decoder.decode(bytes.subarray(i, i + size)))
        take(decoder.end())
        expect(text).toBe(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes))
        expect(at.every((i) => text[i] === "\uFFFD")).toBe(true)
        if (firstInvalid(bytes) === -1) expect(at).toEqual([])
        else expect(at.length).toBeGreaterThan(0)
      }),
      { numRuns: 1000 }
    )
  })
})
