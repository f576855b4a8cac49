import { describe, expect, it } from "vitest"
import { Secrets } from "../src/index.js"

describe("password policies", () => {
  it("reads what to generate, lengths and classes", () => {
    expect(Secrets.parsePolicy(undefined)).toEqual(Secrets.defaultPolicy)
    expect(Secrets.parsePolicy("")).toEqual(Secrets.defaultPolicy)
    expect(Secrets.parsePolicy("password,sip-secret,voicemail-pin,length=20,pin-length=8")).toEqual({
      fields: ["password", "sip-secret", "voicemail-pin"],
      length: 20,
      pinLength: 8,
      classes: ["upper", "lower", "digit"]
    })
    expect(Secrets.parsePolicy("digits,length=8").classes).toEqual(["digit"])
    expect(Secrets.parsePolicy("all").fields).toEqual(["password", "sip-secret", "voicemail-pin", "passcode"])
    expect(Secrets.parsePolicy("classes=lower+symbol").classes).toEqual(["lower", "symbol"])
  })

  it("refuses policies it cannot follow", () => {
    expect(() => Secrets.parsePolicy("lenght=9")).toThrow("unknown policy item 'lenght=9'; use password, sip-secret, voicemail-pin, passcode or all (what to generate), length=N, pin-length=N, classes=upper+lower+digit+symbol, or digits")
    expect(() => Secrets.parsePolicy("length=0")).toThrow("'length=0': the length must be a whole number from 1 to 1024")
    expect(() => Secrets.parsePolicy("classes=upper+emoji")).toThrow("classes are upper, lower, digit, symbol")
    expect(() => Secrets.parsePolicy("classes=symbol")).toThrow("cannot start with a symbol")
    expect(() => Secrets.parsePolicy("length=2,classes=upper+lower+digit")).toThrow("length=2 is too short for 3 classes")
  })
})

describe("generated secrets", () => {
  it("have the policy's length, every class, and never start like a formula", () => {
    const policy = Secrets.parsePolicy("length=12,classes=upper+lower+digit+symbol")
    const seen = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const s = Secrets.generate(policy, "password")
      seen.add(s)
      expect(s).toHaveLength(12)
      expect(s).toMatch(/[A-Z]/)
      expect(s).toMatch(/[a-z]/)
      expect(s).toMatch(/[0-9]/)
      expect(s).toMatch(/[-._~!$%*+=]/)
      expect(s).toMatch(/^[A-Za-z0-9]/)
      // Wazo's password pattern (docs/dialects/wazo.md)
      expect(s).toMatch(/^[a-zA-Z0-9\-._~!$&'()*+,;=%]{4,64}$/)
    }
    expect(seen.size).toBe(500)
  })

  it("gives PINs and digits-only passwords of digits", () => {
    const policy = Secrets.parsePolicy("digits,length=10,pin-length=4")
    expect(Secrets.generate(policy, "password")).toMatch(/^[0-9]{10}$/)
    expect(Secrets.generate(policy, "voicemail-pin")).toMatch(/^[0-9]{4}$/)
    expect(Secrets.generate(policy, "passcode")).toMatch(/^[0-9]{4}$/)
  })

  it("knows each platform's bounds", () => {
    expect(Secrets.ruleOf("wazo", "password")).toMatchObject({ min: 4, max: 64 })
    expect(Secrets.ruleOf("broadworks", "password")).toMatchObject({ min: 1, max: 60 })
    expect(Secrets.ruleOf("broadworks", "passcode")).toMatchObject({ min: 1, max: 30 })
    expect(Secrets.ruleOf("wazo", "voicemail-pin").when?.({ voicemail: { number: "100" } })).toBe(true)
    expect(Secrets.ruleOf("wazo", "voicemail-pin").when?.({ firstName: "Ann" })).toBe(false)
    expect(Secrets.ruleOf(undefined, "password")).toMatchObject({ min: 1, max: 1024 })
  })
})
