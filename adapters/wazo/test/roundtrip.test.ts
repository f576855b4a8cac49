/**
 * Round trips: a valid record read and written back keeps every cell value, directly and through
 * the canonical JSON of the jsonl dialect; an export written as an import loses exactly uuid and
 * provisioning code.
 */
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { type Adapter, Field } from "@pbxport/core"
import { fromJson, toJson } from "@pbxport/adapter-jsonl"
import { EXPORT_ORDER } from "../src/columns.js"
import { wazo, wazoExport, wazoUpdate, xivo } from "../src/index.js"

type Cells = Record<string, string>

const text = (max: number, min = 0) =>
  fc.string({ unit: "grapheme", minLength: min, maxLength: max }).filter((s) => !/[\r\n]/.test(s) && [...s].length <= max && [...s].length >= min)
const maybe = (arb: fc.Arbitrary<string>) => fc.oneof({ arbitrary: fc.constant(""), weight: 2 }, { arbitrary: arb, weight: 3 })
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/)
const int = (min: number, max: number) => fc.integer({ min, max }).map(String)
const bool = fc.constantFrom("0", "1")
const email = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example.com`)
const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`))

/** Cells each import column accepts (an empty cell where the field may be null on create). */
const importCells: Record<string, fc.Arbitrary<string>> = {
  firstname: text(128, 1),
  lastname: text(128),
  email: maybe(email),
  language: maybe(fc.stringMatching(/^[a-z]{2}_[A-Z]{2}$/)),
  outgoing_caller_id: text(80),
  mobile_phone_number: maybe(fc.stringMatching(/^\+?[0-9*#]{1,20}$/)),
  call_permission_password: maybe(fc.stringMatching(/^[0-9#*]{1,16}$/)),
  userfield: text(128),
  enabled: maybe(bool),
  supervision_enabled: maybe(bool),
  call_transfer_enabled: maybe(bool),
  dtmf_hangup_enabled: maybe(bool),
  call_record_outgoing_external_enabled: bool,
  call_record_outgoing_internal_enabled: bool,
  call_record_incoming_external_enabled: bool,
  call_record_incoming_internal_enabled: bool,
  online_call_record_enabled: maybe(bool),
  ring_seconds: maybe(int(0, 10800)),
  simultaneous_calls: maybe(int(1, 20)),
  subscription_type: int(0, 10),
  username: maybe(fc.stringMatching(/^[a-zA-Z0-9\-._~!$&'()*+,;=%@]{2,30}$/)),
  password: maybe(fc.stringMatching(/^[a-zA-Z0-9\-._~!$&'()*+,;=%]{4,30}$/)),
  line_protocol: maybe(fc.constantFrom("sip", "sccp", "webrtc")),
  context: maybe(word),
  sip_username: maybe(fc.stringMatching(/^[-_.a-zA-Z0-9]{1,20}$/).filter((s) => s !== "global" && s !== "system")),
  sip_secret: text(30),
  exten: maybe(fc.oneof(fc.stringMatching(/^[*#0-9]{1,10}$/), fc.stringMatching(/^_[0-9XNZ]{1,6}$/))),
  incall_exten: maybe(digits(12)),
  incall_context: maybe(word),
  incall_ring_seconds: maybe(int(0, 600)),
  voicemail_name: maybe(text(80, 1)),
  voicemail_number: maybe(digits(10)),
  voicemail_context: maybe(word),
  voicemail_password: maybe(digits(10)),
  voicemail_email: maybe(email),
  voicemail_attach_audio: maybe(bool),
  voicemail_delete_messages: bool,
  voicemail_ask_password: bool,
  call_permissions: maybe(fc.array(word, { minLength: 1, maxLength: 3 }).map((l) => l.join(";")))
}

const rows = (columns: Record<string, fc.Arbitrary<string>>, required: ReadonlyArray<string>, extra = true): fc.Arbitrary<Cells> =>
  fc
    .tuple(
      fc.shuffledSubarray(Object.keys(columns).filter((h) => !required.includes(h))),
      extra ? fc.option(text(20), { nil: undefined }) : fc.constant(undefined)
    )
    .chain(([picked, note]) => {
      const header = fc.shuffledSubarray([...required, ...picked], { minLength: required.length + picked.length })
      return header.chain((h) => fc.record(Object.fromEntries(h.map((c) => [c, columns[c]!]))).map((cells): Cells => (note === undefined ? cells : { ...cells, "pbxport note": note })))
    })

const decode = (adapter: Adapter.Adapter, cells: Cells) => {
  const header = Object.keys(cells)
  return adapter.reader(header, {}).decode({ row: 1, line: 2, cells: header.map((h) => cells[h]!) })
}

/**
 * Checks that every valid generated row reads and writes back to the same cells, directly and
 * through canonical JSON; returns how many rows were valid.
 */
const roundTrip = (adapter: Adapter.Adapter, arb: fc.Arbitrary<Cells>, expectCells: (cells: Cells) => Cells = (c) => c): number => {
  let valid = 0
  fc.assert(
    fc.property(arb, (cells) => {
      const decoded = decode(adapter, cells)
      if (decoded.user === undefined) return
      valid++
      const direct = adapter.writer({}).encode(decoded.user, 0)
      expect(direct.findings.filter((f) => f.severity === "error")).toEqual([])
      expect(direct.cells).toEqual(expectCells(cells))
      const again = fromJson(JSON.parse(JSON.stringify(toJson(decoded.user))))
      expect(again.findings).toEqual([])
      expect(adapter.writer({}).encode(again.user!, 0).cells).toEqual(expectCells(cells))
    }),
    { numRuns: 300 }
  )
  return valid
}

describe("round trips (property)", () => {
  it("wazo: a valid row read and written back keeps every cell value", () => {
    expect(roundTrip(wazo, rows(importCells, ["firstname"]))).toBeGreaterThan(30)
  })

  it("xivo: a valid row read and written back keeps every cell value", () => {
    const { subscription_type: _s, userfield: _u, online_call_record_enabled: _o, ...common } = importCells
    for (const h of Object.keys(common)) if (h.startsWith("call_record_")) delete common[h]
    const cells = {
      ...common,
      entity_id: digits(3),
      language: maybe(fc.constantFrom("de_DE", "en_US", "es_ES", "fr_FR", "fr_CA")),
      ring_seconds: maybe(fc.integer({ min: 0, max: 100 }).map((n) => String(n * 5))),
      simultaneous_calls: maybe(int(0, 50)),
      line_protocol: maybe(fc.constantFrom("sip", "sccp")),
      voicemail_password: maybe(fc.stringMatching(/^[0-9#]{1,10}$/)),
      cti_profile_enabled: maybe(bool),
      cti_profile_name: maybe(word),
      username: maybe(word),
      password: maybe(text(20, 1))
    }
    expect(roundTrip(xivo, rows(cells, ["entity_id", "firstname"]))).toBeGreaterThan(30)
  })

  it("wazo-update: a valid row read and written back keeps every cell value, and no more", () => {
    const cells: Record<string, fc.Arbitrary<string>> = { ...importCells, uuid: fc.uuid() }
    for (const h of ["firstname", "enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "online_call_record_enabled", "ring_seconds", "simultaneous_calls"]) {
      cells[h] = h === "firstname" ? text(128, 1) : h.endsWith("_seconds") ? int(0, 10800) : h === "simultaneous_calls" ? int(1, 20) : bool
    }
    for (const h of ["voicemail_name", "voicemail_number", "voicemail_context"]) cells[h] = h === "voicemail_name" ? text(80, 1) : h === "voicemail_number" ? digits(10) : word
    expect(roundTrip(wazoUpdate, rows(cells, ["uuid"]))).toBeGreaterThan(30)
  })

  const exportRow: fc.Arbitrary<Cells> = fc
    .record({
      base: fc.record(Object.fromEntries(EXPORT_ORDER.filter((h) => importCells[h] !== undefined).map((h) => [h, importCells[h]!]))),
      uuid: fc.uuid(),
      provisioning_code: maybe(digits(6)),
      line_protocol: maybe(fc.constantFrom("sip", "sccp", "custom")),
      incalls: fc.array(fc.tuple(digits(12), word), { maxLength: 3 })
    })
    .map(({ base, uuid, provisioning_code, line_protocol, incalls: unsorted }) => {
      // a valid export is what Wazo writes: incalls sorted by (exten, context), permissions sorted
      const key = ([d, c]: readonly [string, string]) => `${d}\u0000${c}`
      const incalls = [...unsorted].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      const permissions = base.call_permissions ? base.call_permissions.split(";").sort().join(";") : base.call_permissions
      const cells: Cells = { ...base, call_permissions: permissions, uuid, provisioning_code, line_protocol, incall_exten: incalls.map(([d]) => d).join(";"), incall_context: incalls.map(([, c]) => c).join(";") }
      return Object.fromEntries(EXPORT_ORDER.map((h) => [h, cells[h] ?? ""]))
    })

  it("wazo-export: a valid row read and written back keeps every cell value", () => {
    expect(roundTrip(wazoExport, exportRow)).toBeGreaterThan(250)
  })

  it("wazo-export to wazo loses exactly uuid and provisioning code, and keeps every other cell", () => {
    let checked = 0
    fc.assert(
      fc.property(exportRow, (cells) => {
        const user = decode(wazoExport, cells).user!
        const lost = Field.filledPaths(user).filter((p) => !wazo.capabilities.carries.includes(p))
        expect(lost).toEqual(["uuid", ...(cells.provisioning_code === "" ? [] : ["line.provisioningCode"])])
        const encoded = wazo.writer({}).encode(user, 0)
        if (encoded.findings.some((f) => f.severity === "error")) return
        checked++
        const first = { incall_exten: cells.incall_exten!.split(";")[0]!, incall_context: cells.incall_context!.split(";")[0]! }
        const hasIncall = cells.incall_exten !== ""
        for (const [h, v] of Object.entries(encoded.cells!)) {
          if (h === "incall_exten" || h === "incall_context") expect(v, h).toBe(hasIncall ? first[h] : "")
          else expect(v, h).toBe(cells[h])
        }
        expect(Object.keys(encoded.cells!).sort()).toEqual(EXPORT_ORDER.filter((h) => h !== "uuid" && h !== "provisioning_code" && (hasIncall || !h.startsWith("incall_"))).sort())
        expect(encoded.findings.some((f) => f.code === "not-carried")).toBe(cells.incall_exten!.includes(";"))
      }),
      { numRuns: 300 }
    )
    expect(checked).toBeGreaterThan(30)
  })
})
