import * as fs from "node:fs"
import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import { broadworks, isHintRow } from "../src/broadworks.js"
import { createTemplate } from "../src/columns.js"
import { canonical, formatCsv, parseCsv, plain, readCsv, schemaProblem, write } from "./helpers.js"

const BASE = "operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,password"
const row = (user = "jdoe", extra = "") => `user.create,ExampleSP,ExampleGroup,${user}@example.com,Jane,Doe,Jane,Doe,0102,not-a-real-password-1${extra}`
const sheet = (header: string, ...rows: Array<string>) => `${[header, ...rows].join("\r\n")}\r\n`
const DEVICE = "accessDeviceEndpoint.accessDevice.deviceName,accessDeviceEndpoint.accessDevice.deviceLevel,accessDeviceEndpoint.linePort,accessDeviceEndpoint.useHotline"

const jane: User.User = {
  serviceProviderId: "ExampleSP",
  groupId: "ExampleGroup",
  userId: "jdoe@example.com",
  firstName: "Jane",
  lastName: "Doe",
  callerIdFirstName: "Jane",
  callerIdLastName: "Doe",
  extension: "0102",
  password: Redacted.make("not-a-real-password-1")
}

describe("broadworks: header", () => {
  it("is a file-level error without an operation column", () => {
    const r = broadworks.reader(["userId", "firstName"], {})
    expect(r.findings).toEqual([{
      column: "operation",
      code: "missing-column",
      severity: "error",
      message: "the sheet has no 'operation' column: add it as the first column and write user.create or user.modify in every row (the BroadWorks SDK cannot read a sheet without it)"
    }])
  })

  it("reads a loosely spelled operation column but warns that the SDK needs 'operation'", () => {
    const r = broadworks.reader(["Operation", "userId"], {})
    expect(r.findings.map((f) => `${f.severity}:${f.code}:${f.column}`)).toEqual(["warning:invalid-format:Operation"])
  })

  it("accepts the SDK's snake_case spelling silently and warns about spellings the SDK would not recognise", () => {
    expect(broadworks.reader(["operation", "first_name", "First Name", "access_device_endpoint.line_port"], {}).findings.filter((f) => f.code !== "duplicate-column")).toEqual([])
    expect(broadworks.reader(["operation", "firstname", "alias"], {}).findings).toEqual([
      { column: "firstname", code: "invalid-format", severity: "warning", message: "column 'firstname' is read as 'firstName', but the BroadWorks SDK would not recognise this spelling: rename it 'firstName'" },
      { column: "alias", code: "invalid-format", severity: "warning", message: "column 'alias' is read as 'alias[0]', but the BroadWorks SDK would not recognise this spelling: rename it 'alias[0]'" }
    ])
  })

  it("warns about columns that are no element and about repeated columns", () => {
    const f = broadworks.reader(["operation", "notes", "firstName", "first_name", "title", "title"], {}).findings
    expect(f.map((x) => `${x.code}:${x.column}`)).toEqual(["unknown-column:notes", "duplicate-column:firstName"])
    expect(f[1]!.message).toBe("'firstName' and 'first_name' (columns 3 and 4) name the same element: pbxport reads the filled one and reports rows where they differ")
  })
})

describe("broadworks: template defects", () => {
  const template = fs.readFileSync(new URL("../../../fixtures/broadworks/vendor-user-create-template/input.csv", import.meta.url), "utf8")

  it("skips the type-hint row of the real templates with a warning, never a crash", () => {
    const r = readCsv(broadworks, template)
    expect(r.users).toEqual([])
    expect(r.skipped).toBe(1)
    expect(r.issues.map((i) => `${i.row}:${i.line}:${i.code}`)).toEqual(["null:null:duplicate-column", "1:2:template-row"])
    // user.modify.csv's hint row is 4 cells short: the pipeline lets the dialect recognise it as
    // a hint row all the same, so it is a template-row warning, not a ragged-row error
    const { header, records } = parseCsv(fs.readFileSync(new URL("../../../fixtures/broadworks/vendor-user-modify-template/input.csv", import.meta.url), "utf8"))
    expect(readCsv(broadworks, fs.readFileSync(new URL("../../../fixtures/broadworks/vendor-user-modify-template/input.csv", import.meta.url), "utf8")).issues.map((i) => i.code)).toEqual(["template-row"])
    const reader = broadworks.reader(header, {})
    expect(reader.findings).toEqual([])
    expect(reader.decode({ row: 1, line: 2, cells: records[0]!.cells }).skip).toBe(true)
  })

  it("tells hint rows from user rows", () => {
    expect(isHintRow(["user.create", "string", "none | integer", "", "none | Group | Service Provider"], 0)).toBe(true)
    expect(isHintRow(["user.create", "none", "none"], 0)).toBe(false)
    expect(isHintRow(["user.create", "string", "Jane"], 0)).toBe(false)
    expect(isHintRow(["", "string", "string"], 0)).toBe(false)
  })

  it("reads whichever copy of a repeated column is filled, and rejects two different values", () => {
    const header = `${BASE},${DEVICE},accessDeviceEndpoint.portNumber,accessDeviceEndpoint.portNumber`
    const r = readCsv(broadworks, sheet(header, row("a", ",d1,Group,a@example.com,false,,7"), row("b", ",d2,Group,b@example.com,false,7,7").replace("0102", "0103"), row("c", ",d3,Group,c@example.com,false,7,8").replace("0102", "0104")))
    expect(r.users.map((u) => u.device?.portNumber)).toEqual([7, 7])
    expect(r.issues.filter((i) => i.row === 3).map((i) => i.message)).toEqual([
      "'accessDeviceEndpoint.portNumber' appears twice in the header (columns 15 and 16) with different values \"7\" and \"8\": keep one (the BroadWorks SDK silently reads only the last)"
    ])
  })

  it("reads status but warns it is never sent, and does not write it", () => {
    const r = readCsv(broadworks, sheet(`${BASE},${DEVICE},accessDeviceEndpoint.status`, row("a", ",d1,Group,a@example.com,false,Available")))
    expect(r.users[0]!.device?.status).toBe("Available")
    expect(r.issues.map((i) => `${i.severity}:${i.code}`)).toEqual(["warning:ignored-column"])
    expect(write(broadworks, r.users).files[0]).not.toContain("status")
    expect(broadworks.capabilities.carries).not.toContain("device.status")
  })
})

describe("broadworks: cells", () => {
  it("reads empty, spaces-only and none cells as not given, and trims values", () => {
    const r = readCsv(broadworks, sheet(`${BASE},title,language,address.city`, row("a", ",none, NONE ,   ").replace("Jane,Doe,Jane", " Jane ,Doe,Jane")))
    expect(plain(r.users[0])).toEqual(plain({ ...jane, userId: "a@example.com" }))
  })

  it("keeps a first name True, extension leading zeros and + numbers as text", () => {
    const r = readCsv(broadworks, sheet(`${BASE},phoneNumber`, "user.create,SP,G,t@example.com,True,False,True,False,0012,pw,+15550102"))
    expect(r.users[0]).toMatchObject({ firstName: "True", lastName: "False", extension: "0012", directoryNumber: "+15550102" })
  })

  it("names the none cell when a required value is none", () => {
    const r = readCsv(broadworks, sheet(BASE, "user.create,SP,G,t@example.com,Jane,none,Jane,Doe,0102,pw"))
    expect(r.issues[0]!.message).toBe("'lastName' is required for user.create and is empty (a cell holding \"none\" counts as empty, as in the BroadWorks SDK)")
  })

  it("says when a required column is missing altogether", () => {
    const r = readCsv(broadworks, sheet("operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,password", "user.create,SP,G,t@example.com,Jane,Doe,Jane,Doe,pw"))
    expect(r.issues.map((i) => i.message)).toEqual(["'extension' is required for user.create and is missing"])
  })

  it("keeps elements without a canonical home under extras and writes them back", () => {
    const r = readCsv(broadworks, sheet(`${BASE},groupExternalId,userPersonId,servicePack[0].servicePackName,servicePack[0].authorizedQuantity,sharedCallAppearanceAccessDeviceEndpoint[0].accessDevice.deviceName`, row("a", ",,P-1,Basic,3,sca-1").replace("ExampleSP,ExampleGroup", "ExampleSP,ExampleGroup")))
    expect(r.users[0]!.extras).toEqual({ broadworks: { userPersonId: "P-1", "servicePack[0].authorizedQuantity": "3", "sharedCallAppearanceAccessDeviceEndpoint[0].accessDevice.deviceName": "sca-1" } })
    const out = write(broadworks, r.users).files[0]!
    expect(readCsv(broadworks, out).users.map(plain)).toEqual(r.users.map(plain))
  })

  it("reports issues of one row only and goes on", () => {
    const r = readCsv(broadworks, sheet(BASE, "user.delete,SP,G,a@example.com,A,B,A,B,0102,pw", row("b"), ",SP,G,c@example.com,A,B,A,B,0102,pw"))
    expect(r.users.map((u) => u.userId)).toEqual(["b@example.com"])
    expect(r.issues.map((i) => `${i.row}:${i.line}:${i.column}:${i.code}`)).toEqual(["1:2:operation:unknown-operation", "3:4:operation:missing-required"])
  })

  it("skips rows whose cells are all empty without counting them", () => {
    const r = readCsv(broadworks, sheet(BASE, row(), ",,,,,,,,,"))
    expect(r.rows).toBe(1)
    expect(r.issues).toEqual([])
  })

  it("decodes users the canonical schema accepts", () => {
    for (const name of fs.readdirSync(new URL("../../../fixtures/broadworks/", import.meta.url))) {
      const file = new URL(`../../../fixtures/broadworks/${name}/input.csv`, import.meta.url)
      if (!fs.existsSync(file)) continue
      for (const u of readCsv(broadworks, fs.readFileSync(file, "utf8")).users) expect(schemaProblem(u), name).toBeUndefined()
    }
  })
})

describe("broadworks: user.modify", () => {
  const header = "operation,userId,newPassword,newPasscode,sipAliasList.sipAlias[0],newUserId,lastName"

  it("maps modify columns into the canonical user and remembers the operation", () => {
    const r = readCsv(broadworks, sheet(header, "user.modify,jdoe@example.com,new-pw,1234,jane@example.com,jane@example.com,Doe"))
    expect(plain(r.users[0])).toEqual({ userId: "jdoe@example.com", lastName: "Doe", password: "new-pw", aliases: ["jane@example.com"], passcode: "1234", extras: { broadworks: { newUserId: "jane@example.com", operation: "user.modify" } } })
  })

  it("writes a remembered user.modify row back as user.modify", () => {
    const r = readCsv(broadworks, sheet(header, "user.modify,jdoe@example.com,new-pw,,,,"))
    expect(write(broadworks, r.users).files[0]).toBe("operation,userId,newPassword\r\nuser.modify,jdoe@example.com,new-pw\r\n")
  })

  it("writes user.modify when asked, warning about what a modify row cannot carry", () => {
    const w = write(broadworks, [{ ...jane, device: { name: "d", level: "Group", linePort: "l@example.com", useHotline: false } }], { operation: "user.modify" })
    expect(w.files[0]).toBe("operation,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,newPassword\r\nuser.modify,jdoe@example.com,Jane,Doe,Jane,Doe,0102,not-a-real-password-1\r\n")
    expect(w.issues.map((i) => i.message)).toEqual(["a user.modify row cannot carry serviceProviderId, groupId, device.name, device.level, device.linePort, device.useHotline: not written"])
  })

  it("rejects an unknown operation option", () => {
    const w = write(broadworks, [jane], { operation: "user.delete" })
    expect(w.written).toBe(0)
    expect(w.issues.map((i) => i.message)).toEqual(["the operation option must be user.create or user.modify, not \"user.delete\""])
  })
})

describe("broadworks: writing", () => {
  it("writes operation first, template columns in template order, true/false, CRLF, no BOM", () => {
    const w = write(broadworks, [{ ...jane, device: { level: "Group", name: "d1", linePort: "jdoe@example.com", useHotline: true, portNumber: 1 } }])
    expect(w.files[0]).toBe(`${BASE},accessDeviceEndpoint.accessDevice.deviceName,accessDeviceEndpoint.accessDevice.deviceLevel,accessDeviceEndpoint.portNumber,accessDeviceEndpoint.linePort,accessDeviceEndpoint.useHotline\r\n${row()},d1,Group,1,jdoe@example.com,true\r\n`)
    expect(broadworks.syntax).toEqual({ delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" })
  })

  it("writes the full template with portNumber once, reading back to the same user", () => {
    const w = write(broadworks, [jane], {}, true)
    const header = parseCsv(w.files[0]!).header
    expect(header.slice(0, createTemplate.length)).toEqual([...createTemplate])
    expect(header.filter((h) => h === "accessDeviceEndpoint.portNumber")).toHaveLength(1)
    expect(readCsv(broadworks, w.files[0]!).users.map(plain)).toEqual([plain(jane)])
  })

  it("refuses users BroadWorks would reject, with the reader's own messages", () => {
    const w = write(broadworks, [{ ...jane, password: undefined as never, aliases: ["sip:jane@example.com"] }].map((u) => { const { password: _, ...rest } = u; return rest as User.User }))
    expect(w.written).toBe(0)
    expect(w.issues.map((i) => `${i.code}:${i.column}`)).toEqual(["invalid-format:alias[0]", "missing-required:password"])
  })

  it("warns when a value is one the SDK reads as empty", () => {
    const w = write(broadworks, [{ ...jane, title: "None" }])
    expect(w.issues.map((i) => i.message)).toEqual(["'title' is \"None\" that the BroadWorks SDK reads as an empty cell: it will not be sent"])
  })

  it("quotes cells with commas, quotes and line breaks, and reads them back", () => {
    const u = { ...jane, lastName: "O'Brien, \"Jr\"", title: "Line 1\nLine 2" }
    const w = write(broadworks, [u])
    expect(w.files[0]).toContain(formatCsv(["O'Brien, \"Jr\""]))
    expect(readCsv(broadworks, w.files[0]!).users.map(plain)).toEqual([plain(u)])
  })

  it("reads back what it wrote from any fixture, unchanged", () => {
    const users = fs.readFileSync(new URL("../../../fixtures/broadworks/ocip-documents/expected.jsonl", import.meta.url), "utf8").trim().split("\n").map((l) => canonical(JSON.parse(l)))
    const once = write(broadworks, users).files[0]!
    expect(write(broadworks, readCsv(broadworks, once).users).files[0]).toBe(once)
  })
})

describe("broadworks: unique values", () => {
  it("rejects a later row reusing a user id, a phone number, or an extension in the same group", () => {
    const r = readCsv(broadworks, sheet(`${BASE},phoneNumber`, row("a", ",+15550101"), row("a", ",+15550102").replace("0102,", "0103,"), row("b", ",+15550101").replace("0102,", "0104,"), row("c", ",").replace("0102,", "0104,")))
    expect(r.issues.map((i) => `${i.row}:${i.column}:${i.code}`)).toEqual(["2:userId:duplicate", "3:phoneNumber:duplicate", "4:extension:duplicate"])
  })
})
