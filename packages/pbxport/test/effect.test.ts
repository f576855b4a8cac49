/**
 * The Effect entries of the library, tested the Effect way.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as pbxport from "../src/index.js"
import { demo } from "./support.js"

const csv = "first,email\r\nAna,ana@example.com\r\nBo,not-an-email\r\n"

describe("Effect entries", () => {
  it.effect("validateEffect reports rows as values", () =>
    Effect.gen(function* () {
      const report = yield* pbxport.validateEffect({ text: csv }, { from: demo })
      expect([report.rows, report.valid, report.invalid]).toEqual([2, 1, 1])
    }))

  it.effect("a file-level failure is a typed PbxportError in the error channel", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(pbxport.validateEffect({ text: csv }, { from: "no-such-dialect" }))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(pbxport.validateEffect({ text: csv }, { from: "no-such-dialect" }))
      expect(error.reason._tag).toBe("UnknownDialect")
    }))

  it.effect("decodeStream gives one result per row", () =>
    Effect.gen(function* () {
      const rows = yield* Stream.runCollect(pbxport.decodeStream({ text: csv }, { from: demo }))
      expect(Array.from(rows).map((r) => r.user?.firstName ?? r.issues[0]?.code)).toEqual(["Ana", "invalid-format"])
    }))

  it.effect("convertEffect returns the converted bytes when no output is given", () =>
    Effect.gen(function* () {
      const conversion = yield* pbxport.convertEffect({ text: csv }, { from: demo, to: "jsonl" })
      expect(new TextDecoder().decode(conversion.data)).toBe('{"firstName":"Ana","email":"ana@example.com"}\n')
    }))
})
