import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { Field, User } from "../src/index.js"

describe("Field.catalogue", () => {
  it("derives every leaf path from the schema declaration, with groups and lists of groups", () => {
    const paths = Field.catalogue.map((f) => f.path)
    expect(paths).toContain("firstName")
    expect(paths).toContain("address.city")
    expect(paths).toContain("voicemail.pin")
    expect(paths).toContain("incalls[].did")
    expect(paths).toContain("alternateUserIds[].description")
    expect(paths).not.toContain("extras")
    expect(new Set(paths).size).toBe(paths.length)
  })

  it("marks secrets, and only secrets", () => {
    const secrets = Field.catalogue.filter((f) => f.secret).map((f) => f.path).sort()
    expect(secrets).toEqual(["callPermissionPassword", "device.credentialsPassword", "line.sipSecret", "passcode", "password", "voicemail.pin"])
  })

  it("gives every field a kind and a sentence of documentation", () => {
    for (const f of Field.catalogue) {
      expect(f.doc.length, f.path).toBeGreaterThan(3)
      if (f.kind === "choice") expect(f.choices?.length, f.path).toBeGreaterThan(0)
    }
  })
})

describe("Field.get/set/filledPaths", () => {
  it("sets nested values without touching the original", () => {
    const u: User.User = { firstName: "Ana" }
    const v = Field.set(u, "voicemail.number", "0102")
    expect(u).toEqual({ firstName: "Ana" })
    expect(Field.get(v, "voicemail.number")).toBe("0102")
  })

  it("counts data, not absent, null, empty strings or empty lists", () => {
    const u: User.User = { firstName: "Ana", lastName: null, email: "", aliases: [], callPermissions: ["a"], incalls: [{ did: "100" }, {}] }
    expect(Field.filledPaths(u)).toEqual(["firstName", "incalls[].did", "callPermissions"])
  })
})

describe("User schema", () => {
  it("accepts absent, null and given values, keeping them apart", () => {
    expect(User.check({ firstName: "Ana", lastName: null })).toBeUndefined()
  })

  it("holds secrets redacted: they print as <redacted>", () => {
    const u: User.User = { password: Redacted.make("fake-secret") }
    expect(User.check(u)).toBeUndefined()
    expect(JSON.stringify(u)).not.toContain("fake-secret")
    expect(String(u.password)).toBe("<redacted>")
  })

  it("rejects unknown fields, wrong types and plain-string secrets", () => {
    expect(User.check({ shoeSize: 42 })).toMatch(/shoeSize/)
    expect(User.check({ enabled: "yes" })).toBeDefined()
    expect(User.check({ password: "plain" })).toBeDefined()
    expect(User.check({ callHandling: { ringSeconds: 1.5 } })).toBeDefined()
  })
})
