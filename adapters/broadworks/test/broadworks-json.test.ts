import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import { broadworks } from "../src/broadworks.js"
import { broadworksJson } from "../src/broadworks-json.js"
import { plain, readCsv, readJson, write } from "./helpers.js"

const decode = (value: unknown) => broadworksJson.reader(null, {}).decode({ row: 1, line: 1, value })

const sdkUser = {
  operation: "user.create",
  service_provider_id: "ExampleSP",
  group_id: "ExampleGroup",
  user_id: "jdoe@example.com",
  first_name: "Jane",
  last_name: "Doe",
  calling_line_id_first_name: "Jane",
  calling_line_id_last_name: "Doe",
  extension: "0102",
  password: "not-a-real-password-1",
  access_device_endpoint: { access_device: { device_name: "d1", device_level: "Group" }, line_port: "jdoe@example.com", port_number: 2, use_hotline: true, contact: ["0102@192.0.2.10"] },
  alias: ["jane@example.com"]
}

describe("broadworks-json: reading", () => {
  it("reads the SDK's nested snake_case objects, JSON integers and booleans", () => {
    const d = decode(sdkUser)
    expect(d.findings).toEqual([])
    expect(plain(d.user)).toMatchObject({ userId: "jdoe@example.com", aliases: ["jane@example.com"], device: { name: "d1", level: "Group", linePort: "jdoe@example.com", portNumber: 2, useHotline: true, contacts: ["0102@192.0.2.10"] } })
  })

  it("takes booleans and integers written as strings, and one alias as a string", () => {
    const d = decode({ ...sdkUser, access_device_endpoint: { ...sdkUser.access_device_endpoint, port_number: "2", use_hotline: "TRUE" }, alias: "jane@example.com" })
    expect(d.user?.device?.portNumber).toBe(2)
    expect(d.user?.aliases).toEqual(["jane@example.com"])
  })

  it("reads null as not given", () => {
    expect(decode({ ...sdkUser, title: null }).user?.title).toBeUndefined()
  })

  it("warns once per file about keys the SDK would not take", () => {
    const reader = broadworksJson.reader(null, {})
    const { group_id: _, ...rest } = sdkUser
    const first = reader.decode({ row: 1, line: 1, value: { ...rest, groupId: "ExampleGroup" } })
    expect(first.findings).toEqual([{ column: "groupId", code: "invalid-format", severity: "warning", message: "key 'groupId' is read as 'group_id', but the BroadWorks SDK only takes its snake_case spelling: rename it 'group_id'" }])
    expect(first.user?.groupId).toBe("ExampleGroup")
    expect(reader.decode({ row: 2, line: 2, value: { ...rest, user_id: "b@example.com", extension: "0103", groupId: "ExampleGroup" } }).findings).toEqual([])
  })

  it("names JSON paths in findings", () => {
    const d = decode({ ...sdkUser, access_device_endpoint: { access_device: { device_name: "d1" }, port_number: 5060 } })
    expect(d.findings.map((f) => `${f.code}:${f.column}`)).toEqual([
      "out-of-range:access_device_endpoint.port_number",
      "missing-required:access_device_endpoint.access_device.device_level",
      "missing-required:access_device_endpoint.line_port",
      "missing-required:access_device_endpoint.use_hotline"
    ])
    expect(d.findings[0]!.message).toBe("'access_device_endpoint.port_number' must be from 1 to 1024, not 5060 (portNumber is the port of the line on the device; a SIP port such as 5060 goes in access_device_endpoint.port)")
  })

  it("rejects records that are not objects and users without an operation", () => {
    expect(decode([1]).findings.map((f) => f.code)).toEqual(["invalid-json"])
    const { operation: _, ...noOperation } = sdkUser
    expect(decode(noOperation).findings.map((f) => f.message)).toEqual(["'operation' is required and is missing: add the key; write user.create or user.modify"])
  })

  it("rejects keys that are no element of the request", () => {
    expect(decode({ ...sdkUser, status: "x" }).findings.map((f) => f.message)).toEqual([
      "'status' is not an element of UserConsolidatedAddRequest22 (user.create): the BroadWorks SDK rejects a row that fills it; empty it or remove the key"
    ])
  })

  it("reads a JSON array with positions", () => {
    const r = readJson(broadworksJson, `[\n  ${JSON.stringify(sdkUser)},\n  {"operation": "user.delete"}\n]\n`)
    expect(r.users).toHaveLength(1)
    expect(r.issues.map((i) => `${i.row}:${i.line}:${i.code}`)).toEqual(["2:3:unknown-operation"])
  })
})

describe("broadworks-json: writing", () => {
  const user: User.User = {
    serviceProviderId: "ExampleSP", groupId: "ExampleGroup", userId: "jdoe@example.com", firstName: "Jane", lastName: "Doe",
    callerIdFirstName: "Jane", callerIdLastName: "Doe", extension: "0102", password: Redacted.make("not-a-real-password-1"),
    device: { level: "Group", name: "d1", linePort: "jdoe@example.com", useHotline: false, portNumber: 1 }, title: null
  }

  it("writes the SDK's form: operation first, template order, JSON booleans and integers, nothing for null", () => {
    const w = broadworksJson.writer({})
    const e = w.encode(user, 0)
    expect(e.findings).toEqual([])
    expect(JSON.stringify(e.value)).toBe(JSON.stringify({
      operation: "user.create", service_provider_id: "ExampleSP", group_id: "ExampleGroup", user_id: "jdoe@example.com", first_name: "Jane", last_name: "Doe",
      calling_line_id_first_name: "Jane", calling_line_id_last_name: "Doe", extension: "0102", password: "not-a-real-password-1",
      access_device_endpoint: { access_device: { device_name: "d1", device_level: "Group" }, port_number: 1, line_port: "jdoe@example.com", use_hotline: false }
    }))
    expect(w.open?.(1)).toBe("[\n")
    expect(w.close?.(1)).toBe("\n]\n")
  })

  it("round-trips through the bulk sheet and back, extras included", () => {
    const csv = "operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,password,servicePack[0].servicePackName,userPersonId,servicePack[0].authorizedQuantity\r\nuser.create,SP,G,a@example.com,A,B,A,B,0102,pw,Basic,P-1,unlimited\r\n"
    const fromCsv = readCsv(broadworks, csv).users
    const json = write(broadworksJson, fromCsv)
    expect(json.files[0]).toContain("\"user_person_id\": \"P-1\"")
    const back = readJson(broadworksJson, json.files[0]!).users
    expect(write(broadworks, back).files[0]).toBe(csv)
  })
})
