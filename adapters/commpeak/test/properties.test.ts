import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { Columns, commpeak, joinCredentials, Options } from "../src/index.js"
import { parseCsv, write } from "./helpers.js"

/** Writes records with minimal quoting, CRLF, as the CSV engine does. */
const toCsv = (records: ReadonlyArray<ReadonlyArray<string>>): string =>
  records.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll("\"", "\"\"")}"` : c)).join(",")).join("\r\n") + "\r\n"

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
const login = fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/)
const digits = fc.stringMatching(/^[0-9]{1,6}$/)
/** Text full of what CSV and people put in cells: delimiters, quotes, line breaks, accents. */
const text = fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", ";", "\"", "\n", "\r\n", "é", "ü", "漢", "'", "=", "+", "0"), minLength: 1, maxLength: 12 })
  .filter((s) => s.trim() !== "")
const item = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,"]{0,6}[A-Za-z0-9]$/)

const user: fc.Arbitrary<User.User> = fc.record({
  username: login,
  email: fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example.com`),
  ve: digits,
  role: digits,
  desks: fc.array(digits, { maxLength: 3 }),
  skillGroups: fc.array(digits, { maxLength: 3 }),
  tags: fc.array(item, { maxLength: 3 }),
  firstName: fc.option(text, { nil: undefined }),
  lastName: fc.option(text, { nil: undefined }),
  sip: fc.constantFrom("webrtc", "classic-pbx", "custom-uri", "built-in-pbx", null),
  domain: word.map((w) => `${w}.example.com`),
  device: fc.option(digits, { nil: undefined }),
  twoFactor: fc.constantFrom("default", "disabled", "email", "google", null)
}, { requiredKeys: ["username", "email", "ve", "role", "desks", "skillGroups", "tags", "sip", "domain", "twoFactor"] }).map((r): User.User => ({
  username: r.username,
  email: r.email,
  extension: r.ve,
  ...(r.firstName !== undefined ? { firstName: r.firstName } : {}),
  ...(r.lastName !== undefined ? { lastName: r.lastName } : {}),
  contactCenter: {
    virtualExtension: r.ve,
    role: r.role,
    desks: r.desks,
    skillGroups: r.skillGroups,
    tags: r.tags,
    sipMode: r.sip,
    ...(r.sip === "classic-pbx" ? { pbxDomain: r.domain, ...(r.device !== undefined ? { pbxDevice: r.device } : {}) } : {}),
    ...(r.sip === "custom-uri" ? { customUri: `sip:${r.ve}@${r.domain}` } : {}),
    twoFactor: r.twoFactor
  }
}))

describe("properties", () => {
  it("reads back every user it writes, through CSV text with quotes, separators and line breaks", () => {
    fc.assert(fc.property(fc.array(user, { minLength: 1, maxLength: 5 }), (users) => {
      const w = write(commpeak, users)
      expect(w.encoded.flatMap((e) => e.findings)).toEqual([])
      const [header, ...rows] = parseCsv(toCsv([w.header, ...w.rows]))
      const reader = commpeak.reader(header!, {})
      expect(reader.findings).toEqual([])
      rows.forEach((cells, i) => {
        const decoded = reader.decode({ row: i + 1, line: i + 2, cells })
        expect(decoded.findings.filter((f) => f.severity === "error")).toEqual([])
        const back = decoded.user!
        for (const key of ["username", "email", "extension", "firstName", "lastName"] as const) {
          if (users[i]![key] !== undefined) expect(back[key]).toEqual(users[i]![key])
        }
        for (const [key, value] of Object.entries(users[i]!.contactCenter!)) {
          expect((back.contactCenter as Record<string, unknown>)[key], key).toEqual(value)
        }
      })
    }), { numRuns: 300 })
  })

  it("writes the same bytes for the same users", () => {
    fc.assert(fc.property(fc.array(user, { maxLength: 4 }), (users) => {
      expect(write(commpeak, users)).toEqual(write(commpeak, users))
    }), { numRuns: 50 })
  })

  it("reads any spelling of a column name that differs in case, spaces, _ or -", () => {
    const spelling = fc.constantFrom(...Columns.Headers).chain((h) =>
      fc.tuple(fc.constant(h), fc.array(fc.tuple(fc.boolean(), fc.constantFrom("", "", " ", "_", "-", "__")), { minLength: h.length, maxLength: h.length }))
        .map(([name, how]) => [name, [...name].map((ch, i) => (how[i]![0] ? ch.toUpperCase() : ch.toLowerCase()) + how[i]![1]).join("")] as const))
    fc.assert(fc.property(spelling, ([name, spelled]) => {
      expect(Columns.columnOf(spelled)).toBe(name)
    }), { numRuns: 300 })
  })

  it("reads the upload screen's labels in any case", () => {
    const labels = [...Object.entries(Columns.SipLabels).map(([l, v]) => ["SIP Settings", l, v]), ...Object.entries(Columns.AuthenticationLabels).map(([l, v]) => ["Authentication", l, v])]
    fc.assert(fc.property(fc.constantFrom(...labels), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), ([column, label, value], upper) => {
      const cell = [...label!].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join("")
      const header = ["Username", "Email", "Virtual Extension", "Role", column!, "PBX Domain", "Custom URI"]
      const decoded = commpeak.reader(header, {}).decode({ row: 1, line: 2, cells: ["a", "a@example.com", "1", "3", cell, "pbx.example.com", "sip:1@pbx.example.com"] })
      expect(decoded.findings).toEqual([])
      expect(column === "SIP Settings" ? decoded.user!.contactCenter!.sipMode : decoded.user!.contactCenter!.twoFactor).toBe(value)
    }), { numRuns: 200 })
  })

  it("reads back every name-to-ID map it is given as CSV text", () => {
    const entries = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z ,"';]{0,12}[A-Za-z]$/), digits), { selector: ([n]) => Columns.nameKey(n), minLength: 1, maxLength: 8 })
    fc.assert(fc.property(entries, fc.boolean(), (list, header) => {
      const lines = list.map(([n, id]) => `${/[",;]/.test(n) ? `"${n.replaceAll("\"", "\"\"")}"` : n},${id}`)
      const parsed = Options.parseIdMap("desk", [...(header ? ["name,id"] : []), ...lines].join("\n"))
      expect(parsed.findings).toEqual([])
      expect(Object.fromEntries(parsed.map.ids)).toEqual(Object.fromEntries(list.map(([n, id]) => [Columns.nameKey(n), id])))
    }), { numRuns: 200 })
  })

  it("joins every credential to its own source user, whatever the order and the case of usernames", () => {
    const sources = fc.uniqueArray(word, { selector: (w) => w.toLowerCase(), minLength: 1, maxLength: 10 })
    fc.assert(fc.property(sources, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), (names, pick, seed) => {
      const src = names.map((n, i) => ({ row: i + 1, user: { username: n, email: `${n}@example.com` } }))
      const chosen = src.filter((_, i) => pick[i])
      const shuffled = chosen.map((s, i) => ({ s, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.s)
      const success = shuffled.map((s, i) => ({ row: i + 1, user: { username: i % 2 ? s.user.username.toUpperCase() : s.user.username, password: Redacted.make(`p-${s.user.username}`) } }))
      const j = joinCredentials(src, success)
      expect(j.unmatched).toEqual([])
      expect(j.matched.map((m) => m.source.row)).toEqual(chosen.map((s) => s.row))
      for (const m of j.matched) expect(Redacted.value(m.credentials.password!)).toBe(`p-${m.source.user.username}`)
      expect(j.missing.length).toBe(src.length - chosen.length)
    }), { numRuns: 200 })
  })
})
