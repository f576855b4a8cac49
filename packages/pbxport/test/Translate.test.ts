import { describe, expect, it } from "vitest"
import { Registry, Translate } from "../src/index.js"

const wazo = Registry.find("wazo")!
const broadworks = Registry.find("broadworks")!

describe("language translation", () => {
  it("turns each platform's word into the target's", () => {
    expect(Translate.spellLanguage("fr_FR", "broadworks")).toBe("French")
    expect(Translate.spellLanguage("fr_CA", "broadworks")).toBe("French")
    expect(Translate.spellLanguage("French", "wazo")).toBe("fr_FR")
    expect(Translate.spellLanguage("english", "wazo")).toBe("en_US")
    expect(Translate.spellLanguage("fr-fr", "wazo")).toBe("fr_FR")
    expect(Translate.spellLanguage("sw_KE", "wazo")).toBe("sw_KE")
    expect(Translate.spellLanguage("en_GB", "commpeak")).toBe("en_US")
    expect(Translate.spellLanguage("Portuguese", "commpeak")).toBe("pt_BR")
    expect(Translate.spellLanguage("pt_BR", "xivo")).toBeUndefined()
    expect(Translate.spellLanguage("fr_BE", "xivo")).toBeUndefined() // fr_FR or fr_CA: no guess
    expect(Translate.spellLanguage("Klingon", "wazo")).toBeUndefined()
    expect(Translate.spellLanguage("Klingon", "broadworks")).toBe("Klingon") // BroadWorks names are the operator's
    expect(Translate.spellLanguage("sw_KE", "broadworks")).toBeUndefined()
  })

  it("reports a language with no translation on its row, naming the value", () => {
    const r = Translate.translateLanguage({ language: "Klingon" }, wazo, "error")
    expect(r.findings).toEqual([{
      column: "language",
      code: "invalid-choice",
      severity: "error",
      message: "language 'Klingon' has no Wazo equivalent in pbxport's table (docs/translations.md); Wazo takes a code such as fr_FR (two lower-case letters, '_', two upper-case letters): add a line `Klingon,<language>` to a language map (--map-file language=FILE)"
    }])
    const scaffold = Translate.translateLanguage({ language: "Klingon" }, wazo, "warning")
    expect(scaffold.user.language).toBeNull()
    expect(scaffold.findings[0]!.severity).toBe("warning")
    expect(Translate.translateLanguage({ language: "fr_FR" }, broadworks, "error").user.language).toBe("French")
    expect(Translate.translateLanguage({ language: "fr_FR" }, Registry.find("jsonl")!, "error").user.language).toBe("fr_FR")
  })

  it("declares a vocabulary for every registered dialect but jsonl", () => {
    for (const a of Registry.all) {
      if (a.id === "jsonl") continue
      expect(Translate.vocabularyOf[a.id], `${a.id} has no entry in Translate.vocabularyOf`).toBeDefined()
    }
  })
})

describe("choices", () => {
  it("reads the canonical value and every platform's word", () => {
    expect(Translate.readChoice("contactCenter.sipMode", "Use CommPeak classic PBX")).toBe("classic-pbx")
    expect(Translate.readChoice("contactCenter.twoFactor", "disabled - login without 2fa")).toBe("disabled")
    expect(Translate.readChoice("device.level", "service provider")).toBe("Service Provider")
    expect(Translate.readChoice("line.protocol", "SIP")).toBe("sip")
    expect(Translate.readChoice("line.protocol", "iax")).toBeUndefined()
  })

  it("lists CommPeak words its adapter really reads", async () => {
    const { decodeAll } = await import("../src/index.js")
    const table = Translate.Choices.filter((c) => c.field.startsWith("contactCenter."))
    for (const c of table) {
      for (const v of c.values) {
        for (const word of v.words.commpeak ?? []) {
          const column = c.field === "contactCenter.sipMode" ? "SIP Settings" : "Authentication"
          const extra = v.value === "classic-pbx" ? { "PBX Domain": "pbx.example.com" } : v.value === "custom-uri" ? { "Custom URI": "sip:1@pbx.example.com" } : {}
          const [r] = await decodeAll({ rows: [{ Username: "a", Email: "a@example.com", "Virtual Extension": "1", Role: "3", [column]: word, ...extra }] }, { from: "commpeak" })
          expect(r!.user?.contactCenter, `${word}: ${JSON.stringify(r!.issues)}`).toMatchObject({ [c.field.split(".")[1]!]: v.value })
        }
      }
    }
  })
})

describe("name maps", () => {
  it("reads from,to lines, CommPeak ID maps and entries", () => {
    const m = Translate.parseMap("context", "# contexts\nfrom,to\nfrom-internal,default\n\ndid;from-extern\n")
    expect([...m.entries]).toEqual([["from-internal", "default"], ["did", "from-extern"]])
    expect(Translate.lookup(m, "From-Internal ")).toBe("default")
    expect(Translate.lookup(m, "default")).toBe("default")
    expect(Translate.lookup(m, "other")).toBeUndefined()
    expect([...Translate.parseMap("role", { Sales: "3" }).entries]).toEqual([["Sales", "3"]])
    expect(() => Translate.parseMap("role", "Sales,3\nSales,4")).toThrow("line 2: 'Sales' is mapped twice, to '3' and to '4'")
    expect(() => Translate.parseMap("role", "Sales")).toThrow("line 1: expected two values, such as `Sales,3` (the role here, then on the target), got \"Sales\"")
  })

  it("maps every field of a kind, and names the line to add for a value it lacks", () => {
    const m = Translate.parseMap("context", "from-internal,default")
    const r = Translate.applyMaps({ context: "from-internal", voicemail: { context: "from-internal" }, incalls: [{ did: "1", context: "from-did" }] }, [m], wazo, "error")
    expect(r.user).toEqual({ context: "default", voicemail: { context: "default" }, incalls: [{ did: "1", context: "from-did" }] })
    expect(r.findings).toEqual([{ column: "incall_context", code: "invalid-choice", severity: "error", message: "context 'from-did' is not in the context map; add a line `from-did,<context on wazo>`" }])
    const desks = Translate.applyMaps({ contactCenter: { desks: ["Paris", "7"] } }, [Translate.parseMap("desk", "Paris,5")], Registry.find("commpeak")!, "error")
    expect(desks.user.contactCenter?.desks).toEqual(["5", "7"])
    expect(desks.findings[0]?.message).toBe("desk '7' is not in the desk map; add a line `7,<desk on commpeak>`")
  })
})
