import fc from "fast-check"
import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { Issue, User } from "@pbxport/core"
import { broadworks } from "../src/broadworks.js"
import { broadworksJson } from "../src/broadworks-json.js"
import { escapeXml } from "../src/broadworks-ocip.js"
import { sheetColumns } from "../src/columns.js"
import { odinJson } from "../src/odin-json.js"
import { plain, readCsv, readJson, write } from "./helpers.js"

const chars = (s: string) => fc.constantFrom(...Array.from(s))
const nameChars = chars("abcxyzABCXYZ éüßŁ山田たろうカ,\"'-.\n")
/** Text as BroadWorks keeps it: no surrounding spaces, not a "none" cell, within the length. */
const token = (unit: fc.Arbitrary<string>, max: number, min = 1) =>
  fc.string({ unit, minLength: min, maxLength: max }).filter((s) => s.trim() === s && s.toLowerCase() !== "none" && s.trim().replace(/\s+/g, " ").length >= min)
const word = (max: number) => token(chars("abcdefxyz0123456789-_."), max)
const sip = (host: string) => word(20).map((u) => `${u}@${host}`)

const device = fc.record({
  name: word(40),
  level: fc.constantFrom(...User.DeviceLevels),
  linePort: sip("example.com"),
  useHotline: fc.boolean(),
  portNumber: fc.integer({ min: 1, max: 1024 }),
  port: fc.integer({ min: 1025, max: 65535 }),
  macAddress: fc.string({ unit: chars("0123456789ABCDEF"), minLength: 12, maxLength: 12 }),
  transport: fc.constantFrom(...User.TransportProtocols),
  type: token(nameChars, 40),
  contacts: fc.array(sip("192.0.2.10"), { minLength: 1, maxLength: 5 }),
  useCustomCredentials: fc.boolean()
}, { requiredKeys: ["name", "level", "linePort", "useHotline"] })

const trunk = fc.record({
  group: word(30),
  linePort: sip("pbx.example.com"),
  contacts: fc.array(sip("192.0.2.30"), { minLength: 1, maxLength: 5 }),
  enterpriseTrunk: word(30)
}, { requiredKeys: ["group", "linePort"] })

const profile = {
  phoneticFirstName: token(nameChars, 30),
  directoryNumber: fc.string({ unit: chars("0123456789-"), minLength: 4, maxLength: 22 }).map((d) => `+${d}`),
  title: token(nameChars, 50),
  email: sip("example.com"),
  language: fc.constantFrom("English", "French", "Japanese"),
  address: fc.record({ line1: token(nameChars, 80), city: token(nameChars, 50), postalCode: word(50) }, { requiredKeys: [] }).filter((a) => Object.keys(a).length > 0),
  aliases: fc.uniqueArray(sip("example.com"), { minLength: 1, maxLength: 3 }),
  alternateUserIds: fc.array(fc.record({ id: word(40), description: token(nameChars, 80) }, { requiredKeys: ["id"] }), { minLength: 1, maxLength: 4 })
}

const required = {
  serviceProviderId: word(30),
  groupId: word(30),
  userId: sip("example.com"),
  firstName: token(nameChars, 30),
  lastName: token(nameChars, 30),
  callerIdFirstName: token(nameChars, 30),
  callerIdLastName: token(nameChars, 30),
  extension: fc.string({ unit: chars("0123456789"), minLength: 2, maxLength: 20 }),
  password: token(chars("abcXYZ0189!#%&*-_ "), 60).map((p) => Redacted.make(p))
}

const endpoint = fc.oneof(fc.constant({}), device.map((d) => ({ device: d })), trunk.map((t) => ({ trunk: t })))

/** Users the bulk sheet can carry, any mix of optional fields. */
const sheetUser = fc.tuple(fc.record(required), fc.record({ ...profile, servicePacks: fc.array(word(40), { minLength: 1, maxLength: 3 }) }, { requiredKeys: [] }), endpoint)
  .map(([r, p, e]) => ({ ...r, ...p, ...e }) as User.User)

/** Users Odin's object carries. */
const odinUser = fc.tuple(fc.record(required), fc.record(profile, { requiredKeys: [] }), endpoint)
  .map(([r, p, e]) => ({ ...r, ...p, ...e }) as User.User)

describe("properties", () => {
  it("broadworks: read(write(user)) is the user", () => {
    fc.assert(fc.property(sheetUser, (user) => {
      expect(User.check(user)).toBeUndefined()
      const w = write(broadworks, [user])
      expect(w.issues.filter((i) => i.severity === "error")).toEqual([])
      expect(readCsv(broadworks, w.files[0]!).users.map(plain)).toEqual([plain(user)])
    }), { numRuns: 300 })
  })

  it("broadworks-json: read(write(user)) is the user", () => {
    fc.assert(fc.property(sheetUser, (user) => {
      const w = write(broadworksJson, [user])
      expect(readJson(broadworksJson, w.files[0]!).users.map(plain)).toEqual([plain(user)])
    }), { numRuns: 200 })
  })

  it("odin-json: read(write(user)) is the user, plus the endpointType Odin carries", () => {
    fc.assert(fc.property(odinUser, (user) => {
      const w = write(odinJson, [user])
      expect(w.issues).toEqual([])
      const back = readJson(odinJson, w.files[0]!).users.map((u) => { const { extras: _, ...rest } = u; return plain(rest) })
      expect(back).toEqual([plain(user)])
    }), { numRuns: 200 })
  })

  it("decoding any cells never throws, and every finding is a known code", () => {
    const headers = sheetColumns.map((c) => c.header)
    const codes = new Set(Object.keys(Issue.IssueCodes))
    fc.assert(fc.property(
      fc.uniqueArray(fc.constantFrom(...headers, "notes", "alias[7]", "Operation"), { minLength: 1, maxLength: 12 }),
      fc.array(fc.oneof(fc.string(), fc.constantFrom("user.create", "user.modify", "none", "TRUE", "5060", "00:11:22:33:44:55", "sip:a@b")), { minLength: 12, maxLength: 12 }),
      (header, cells) => {
        const reader = broadworks.reader(header, {})
        const decoded = reader.decode({ row: 1, line: 2, cells: cells.slice(0, header.length) })
        for (const f of [...reader.findings, ...decoded.findings]) expect(codes.has(f.code)).toBe(true)
        if (decoded.user !== undefined) expect(User.check(decoded.user)).toBeUndefined()
      }
    ), { numRuns: 500 })
  })

  it("messages never show a password", () => {
    fc.assert(fc.property(fc.string({ minLength: 61, maxLength: 80 }).filter((s) => s.trim().length > 60), (pw) => {
      const header = ["operation", "userId", "password", "accessDeviceEndpoint.accessDeviceCredentials.password"]
      const decoded = broadworks.reader(header, {}).decode({ row: 1, line: 2, cells: ["user.create", "a@example.com", pw, pw] })
      for (const f of decoded.findings) expect(f.message).not.toContain(pw.trim())
    }), { numRuns: 100 })
  })

  it("escapeXml gives printable ASCII that unescapes to the input", () => {
    const unescape = (s: string) => s.replace(/&#x([0-9A-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")
    // the writer refuses what XML cannot carry at all (C0 controls but TAB, LF, CR; lone surrogates) before escaping
    const carried = fc.string({ unit: "binary" }).filter((s) => [...s].every((ch) => { const cp = ch.codePointAt(0)!; return (cp >= 0x20 || cp === 9 || cp === 10 || cp === 13) && !(cp >= 0xd800 && cp <= 0xdfff) && cp !== 0xfffe && cp !== 0xffff }))
    fc.assert(fc.property(carried, (s) => {
      const e = escapeXml(s)
      expect(/^[\x20-\x7e]*$/.test(e)).toBe(true)
      expect(unescape(e)).toBe(s)
    }))
  })
})
