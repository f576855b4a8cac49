import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Path from "../src/Path.js"

describe("Path.parse and format", () => {
  it.each([
    ["alternateUserId[1].description", ["alternateUserId", 1, "description"]],
    ["a", ["a"]],
    ["a.b.c", ["a", "b", "c"]],
    ["m[0][2]", ["m", 0, 2]],
    ["alias[x]", ["alias[x]"]],
    ["alias[0]extra", ["alias[0]extra"]],
    ["alias[01]", ["alias[01]"]],
    ["alias[10000]", ["alias[10000]"]],
    ["alias[9999]", ["alias", 9999]],
    ["[0]", ["", 0]],
    ["a.[1]", ["a", "", 1]],
    ["a..b", ["a", "", "b"]],
    ["", [""]]
  ] as const)("parses %j", (path, segments) => {
    expect(Path.parse(path)).toEqual(segments)
    expect(Path.format(Path.parse(path))).toBe(path)
  })

  it("formats segments", () => {
    expect(Path.format(["incalls", 0, "did"])).toBe("incalls[0].did")
    expect(Path.format(["a", 1, 2, "b", "c"])).toBe("a[1][2].b.c")
  })
})

describe("Path.nest", () => {
  it("builds nested objects and arrays", () => {
    const { value, conflicts } = Path.nest([
      ["name", "Ann"],
      ["voicemail.pin", "1234"],
      ["aliases[0]", "a"],
      ["aliases[1]", "b"],
      ["alternateUserId[0].id", "x"],
      ["alternateUserId[0].description", "first"]
    ])
    expect(conflicts).toEqual([])
    expect(value).toEqual({ name: "Ann", voicemail: { pin: "1234" }, aliases: ["a", "b"], alternateUserId: [{ id: "x", description: "first" }] })
  })

  it("keeps holes, which compact closes up", () => {
    const { value } = Path.nest([["alias[1]", "b"], ["x[2].y", "z"], ["x[5].y", "w"]])
    expect((value["alias"] as Array<unknown>).length).toBe(2)
    expect(0 in (value["alias"] as Array<unknown>)).toBe(false)
    expect(Path.compact(value)).toEqual({ alias: ["b"], x: [{ y: "z" }, { y: "w" }] })
  })

  it("reports conflicts instead of throwing, first path wins", () => {
    const { value, conflicts } = Path.nest([
      ["alias", "plain"],
      ["alias[0]", "indexed"],
      ["a.b", 1],
      ["a[0]", 2],
      ["a.b", 3],
      ["n[0]", "x"],
      ["n", "y"]
    ])
    expect(value).toEqual({ alias: "plain", a: { b: 1 }, n: ["x"] })
    expect(conflicts.map((c) => [c.path, c.existing])).toEqual([
      ["alias[0]", "alias"],
      ["a[0]", "a.b"],
      ["a.b", "a.b"],
      ["n", "n[0]"]
    ])
    expect(conflicts[0]!.message).toContain('"alias[0]"')
  })

  it("treats given objects as leaves and never touches prototypes", () => {
    const leaf = { kept: true }
    const { value, conflicts } = Path.nest([["o", leaf], ["o.x", 1], ["__proto__.polluted", "yes"], ["constructor.prototype.bad", 1]])
    expect(value["o"]).toBe(leaf)
    expect(conflicts.map((c) => c.path)).toEqual(["o.x"])
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
    expect(Object.hasOwn(value, "__proto__")).toBe(true)
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })
})

describe("Path.compact", () => {
  it("drops holes, undefined values and containers that end up empty", () => {
    const sparse: Array<unknown> = []
    sparse[3] = { a: undefined, b: [] }
    sparse[4] = "x"
    expect(Path.compact({ list: sparse, empty: {}, deep: { deeper: [undefined, {}] }, s: "" })).toEqual({ list: ["x"], s: "" })
    expect(Path.compact({ a: { b: undefined } })).toEqual({})
    expect(Path.compact([undefined])).toEqual([])
    expect(Path.compact("x")).toBe("x")
  })
})

describe("Path.flatten", () => {
  it("lists leaves in key order, arrays by index", () => {
    expect(Path.flatten({ b: 1, a: { y: [10, { z: null }], x: true }, e: [], o: {} })).toEqual([
      ["b", 1],
      ["a.y[0]", 10],
      ["a.y[1].z", null],
      ["a.x", true],
      ["e", []],
      ["o", {}]
    ])
  })

  it("is undone by nest for JSON-like values", () => {
    const key = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_ é]{0,6}$/), fc.constantFrom("", "0", "12", "__proto__", "constructor"))
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("leaf"), tie("array"), tie("object")),
      leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
      array: fc.array(tie("tree"), { maxLength: 4 }),
      object: fc.dictionary(key, tie("tree"), { maxKeys: 4, noNullPrototype: true })
    }))
    const root = fc.dictionary(key, tree, { maxKeys: 5, noNullPrototype: true })
    fc.assert(
      fc.property(root, (value) => {
        const { value: back, conflicts } = Path.nest(Path.flatten(value))
        expect(conflicts).toEqual([])
        // toStrictEqual would compare own `constructor` keys as class identities; toEqual plus
        // the JSON text (key order, no undefined) says the same without that quirk.
        expect(back).toEqual(value)
        expect(JSON.stringify(back)).toBe(JSON.stringify(value))
      }),
      { numRuns: 500 }
    )
  })
})
