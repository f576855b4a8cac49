import { Redacted } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ValueTemplate } from "../src/index.js"

const render = (text: string, user: Record<string, unknown>, row = 1) => ValueTemplate.render(ValueTemplate.parse(text), user, row)

describe("value templates", () => {
  it("renders fields, the row number and chained filters", () => {
    const user = { firstName: "Zoë", lastName: "Lâpointe", directoryNumber: "+1 (555) 010-0142", aliases: ["a@x", "b@x"], incalls: [{ did: "0102" }] }
    expect(render("{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com", user)).toEqual({ value: "zoe.lapointe@example.com" })
    expect(render("User {{ index }}", user, 7)).toEqual({ value: "User 7" })
    expect(render("{{directoryNumber|digits|last:4}}", user)).toEqual({ value: "0142" })
    expect(render("{{firstName|upper|first:2}}{{lastName|slug}}", user)).toEqual({ value: "ZOlapointe" })
    expect(render("{{aliases[1]}} {{incalls[0].did}} {{aliases}}", user)).toEqual({ value: "b@x 0102 a@x;b@x" })
  })

  it("strips accents and spells out ligatures", () => {
    expect(ValueTemplate.ascii("Lâpointe Šťastný Øyvind Straße Æsir Łukasz 李")).toBe("Lapointe Stastny Oyvind Strasse AEsir Lukasz ")
    expect(render("{{lastName|slug}}", { lastName: "  Zoë  Lâ Pointe!! " })).toEqual({ value: "zoe-la-pointe" })
  })

  it("reports the first empty placeholder, before or after its filters", () => {
    expect(render("{{firstName}}.{{lastName}}", { firstName: "Ann" })).toMatchObject({ empty: { path: "lastName" }, filtered: false })
    expect(render("{{firstName}}.{{lastName}}", { firstName: "Ann", lastName: null })).toMatchObject({ empty: { path: "lastName" } })
    expect(render("{{firstName|digits}}", { firstName: "Ann" })).toMatchObject({ empty: { source: "firstName|digits" }, filtered: true })
  })

  it("refuses bad templates with a message that says what would be valid", () => {
    const bad = (text: string) => {
      try {
        ValueTemplate.parse(text)
      } catch (e) {
        expect(e).toBeInstanceOf(ValueTemplate.TemplateError)
        return (e as Error).message
      }
      throw new Error(`${text} parsed`)
    }
    expect(bad("{{frstName}}")).toBe("{{frstName}}: 'frstName' names no canonical field (see docs/canonical-model.md); did you mean firstName?")
    expect(bad("{{firstName|lowercase}}")).toBe("{{firstName|lowercase}}: unknown filter 'lowercase'; filters are lower, upper, ascii, digits, slug, first:N, last:N")
    expect(bad("{{firstName|first}}")).toBe("{{firstName|first}}: the filter first needs a count, such as first:3")
    expect(bad("{{firstName|lower:2}}")).toBe("{{firstName|lower:2}}: the filter lower takes no argument")
    expect(bad("x{{firstName")).toBe("'{{' at character 2 is never closed with '}}'")
    expect(bad("{{ }}")).toBe("'{{}}' at character 1 names nothing; write a field such as {{firstName}} or {{index}}")
    expect(bad("{{password}}")).toBe("{{password}}: 'password' is a secret and cannot be copied into other values")
    expect(bad("{{incalls[].did}}")).toBe("{{incalls[].did}}: 'incalls[].did' is a list; name one item, such as incalls[0].did")
    expect(bad("{{voicemail}}")).toContain("'voicemail' names no canonical field")
    expect(bad("{{first name}}")).toContain("is not a canonical field path")
  })

  it("never renders a secret, even inside a list of placeholders", () => {
    expect(() => ValueTemplate.parse("{{voicemail.pin}}")).toThrow(/secret/)
    const user = { firstName: "Ann", password: Redacted.make("x") }
    expect(render("{{firstName}}", user)).toEqual({ value: "Ann" })
  })

  it("keeps text outside placeholders verbatim (property)", () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes("{{")), (s) => {
        expect(render(s, {})).toEqual({ value: s })
      })
    )
  })
})
