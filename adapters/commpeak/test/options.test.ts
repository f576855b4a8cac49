import { describe, expect, it } from "vitest"
import { Options } from "../src/index.js"

const ids = (text: string, kind: "role" | "desk" | "skillGroup" = "role") => {
  const parsed = Options.parseIdMap(kind, text)
  return { ids: Object.fromEntries(parsed.map.ids), findings: parsed.findings.map((f) => f.message) }
}

describe("parseIdMap", () => {
  it("reads name,id lines with or without a header", () => {
    expect(ids("Sales Agent,12\nSupervisor,13")).toEqual({ ids: { "sales agent": "12", supervisor: "13" }, findings: [] })
    expect(ids("name,id\r\nSales Agent,12\r\n")).toEqual({ ids: { "sales agent": "12" }, findings: [] })
  })

  it("follows a header that puts the ID first, as a Dialer page lists it", () => {
    expect(ids("ID,Name,Description\n12,Sales Agent,Calls out\n13,Supervisor,")).toEqual({ ids: { "sales agent": "12", supervisor: "13" }, findings: [] })
    expect(ids("Role ID;Role Name\n12;Sales")).toEqual({ ids: { sales: "12" }, findings: [] })
  })

  it("tells id,name from name,id without a header when only the first field is digits", () => {
    expect(ids("12,Sales\n13,Support")).toEqual({ ids: { sales: "12", support: "13" }, findings: [] })
  })

  it("reads quoted names, semicolons, TABs, a BOM, comments and blank lines", () => {
    expect(ids("\uFEFF# roles\n\"Sales, EU\",12\n\n\"Say \"\"hi\"\"\";13\nNight\t14")).toEqual({ ids: { "sales, eu": "12", "say \"hi\"": "13", night: "14" }, findings: [] })
  })

  it("compares names trimmed, ignoring case and repeated spaces; the same line twice is fine", () => {
    expect(ids("  Sales   Agent ,12\nsales agent,12")).toEqual({ ids: { "sales agent": "12" }, findings: [] })
  })

  it("names the line and the option of every bad line", () => {
    expect(ids("Inbound,3\nOutbound\nInbound,4", "skillGroup").findings).toEqual([
      "ids.skillGroup line 2: expected `name,id` with a numeric skill group id, not \"Outbound\"",
      "ids.skillGroup line 3: skill group 'Inbound' is mapped to 4, but line 1 maps it to 3; keep one"
    ])
  })
})

describe("parse", () => {
  it("accepts strings, arrays and file contents, and ignores unknown keys", () => {
    const s = Options.parse({ map: "Username=Login\n# c\n\nEmail=Mail", default: ["Role=3"], generateExtensions: "TRUE", whatever: "x" }, "read")
    expect(s.findings).toEqual([])
    expect(s.map.map((e) => [e.field, e.value])).toEqual([["Username", "Login"], ["Email", "Mail"]])
    expect(s.defaults.map((e) => [e.field, e.value])).toEqual([["Role", "3"]])
    expect(s.generateExtensions).toBe(true)
    expect(s.separator).toBe(";")
  })

  it("names fields by column name, alias or canonical path", () => {
    const s = Options.parse({ map: ["contactCenter.virtualExtension=Poste", "firstName=Prénom", "e-mail=Courriel"], default: ["contactCenter.role=3"] }, "read")
    expect(s.findings).toEqual([])
    expect(s.map.map((e) => e.field)).toEqual(["Email", "Virtual Extension", "First Name"])
    expect(s.defaults.map((e) => e.field)).toEqual(["Role"])
  })

  it("does not read the map when writing", () => {
    expect(Options.parse({ map: "nonsense" }, "write")).toMatchObject({ map: [], findings: [] })
  })

  it("sorts defaults in column order, so SIP Settings is known before PBX Domain", () => {
    expect(Options.parse({ default: ["PBX Domain=x", "SIP Settings=classic-pbx", "Role=1"] }, "read").defaults.map((d) => d.field)).toEqual(["Role", "SIP Settings", "PBX Domain"])
  })
})
