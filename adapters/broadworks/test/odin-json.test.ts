import { describe, expect, it } from "vitest"
import { broadworksOcip } from "../src/broadworks-ocip.js"
import { odinJson } from "../src/odin-json.js"
import { plain, readJson, write } from "./helpers.js"

const decode = (value: unknown) => odinJson.reader(null, {}).decode({ row: 1, line: 1, value })

const base = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", userId: "jdoe@example.com", lastName: "Doe", firstName: "Jane" }

describe("odin-json: what Odin really returns", () => {
  it("reads a single alternate user id given as an object", () => {
    expect(decode({ ...base, alternateUserId: { alternateUserId: "jd", description: "Old" } }).user?.alternateUserIds).toEqual([{ id: "jd", description: "Old" }])
    expect(decode({ ...base, alternateUserId: [{ alternateUserId: "a" }, { alternateUserId: "b" }] }).user?.alternateUserIds).toEqual([{ id: "a" }, { id: "b" }])
  })

  it("reads numbers as text, and booleans given as strings or as booleans", () => {
    const d = decode({ ...base, lastName: 1, pagerPhoneNumber: 9871515000, accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group", useCustomUserNamePassword: "true" }, linePort: "l@example.com", useHotline: false } })
    expect(d.findings).toEqual([])
    expect(d.user).toMatchObject({ lastName: "1", pagerPhone: "9871515000", device: { useCustomCredentials: true, useHotline: false } })
  })

  it("reads \"\" as given-and-empty and empty endpoint stubs as no endpoint", () => {
    const d = decode({ ...base, phoneNumber: "", accessDeviceEndpoint: { contacts: [] }, trunkAddressing: { trunkGroupDeviceEndpoint: { contacts: [] } }, aliases: [] })
    expect(plain(d.user)).toEqual({ ...base, directoryNumber: null })
  })

  it("keeps Odin-only fields and writes them back with Odin's types", () => {
    const odin = { ...base, allowVideo: true, domain: "example.com", countryCode: "1", passwordExpiresDays: "-2147483648", accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group", numberOfPorts: { unlimited: "true" } }, linePort: "l@example.com", staticRegistrationCapable: "false", contacts: [] }, endpointType: "accessDeviceEndpoint" }
    const d = decode(odin)
    expect(d.user?.extras?.["odin-json"]).toEqual({
      allowVideo: "true", domain: "example.com", countryCode: "1", passwordExpiresDays: "-2147483648",
      "accessDeviceEndpoint.accessDevice.numberOfPorts.unlimited": "true", "accessDeviceEndpoint.staticRegistrationCapable": "false", endpointType: "accessDeviceEndpoint"
    })
    const e = odinJson.writer({}).encode(d.user!, 0)
    expect(e.value).toEqual({ ...odin, accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group", numberOfPorts: { unlimited: "true" } }, linePort: "l@example.com", staticRegistrationCapable: "false" } })
  })

  it("does not require useHotline or the device password Odin never returns", () => {
    const d = decode({ ...base, accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group", accessDeviceCredentials: { userName: "admin" } }, linePort: "l@example.com" } })
    expect(d.findings).toEqual([])
  })

  it("checks the schema rules, naming Odin paths", () => {
    const d = decode({ ...base, userId: undefined, aliases: ["sip:jane@example.com"], accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "group" }, contacts: [] } })
    expect(d.findings.map((f) => `${f.code}:${f.column}`)).toEqual([
      "missing-required:userId",
      "invalid-format:aliases[0]",
      "invalid-choice:accessDeviceEndpoint.accessDevice.deviceLevel",
      "missing-required:accessDeviceEndpoint.linePort"
    ])
  })

  it("rejects records that are not objects", () => {
    expect(decode("x").findings.map((f) => f.code)).toEqual(["invalid-json"])
  })
})

describe("odin-json: writing", () => {
  it("derives endpointType from the endpoint and puts device attributes in accessDevice", () => {
    const e = odinJson.writer({}).encode({ ...base, device: { name: "d", level: "Group", linePort: "l@example.com", type: "Polycom", macAddress: "0004F2AABBCC", contacts: ["c@192.0.2.1"], status: "Online" } }, 0)
    expect(e.value).toEqual({ ...base, accessDeviceEndpoint: { accessDevice: { deviceType: "Polycom", status: "Online", deviceName: "d", macAddress: "0004F2AABBCC", deviceLevel: "Group" }, linePort: "l@example.com", contacts: ["c@192.0.2.1"] }, endpointType: "accessDeviceEndpoint" })
    expect(Object.keys((e.value as Record<string, Record<string, unknown>>)["accessDeviceEndpoint"]!["accessDevice"]!)).toEqual(["deviceType", "status", "deviceName", "macAddress", "deviceLevel"])
  })

  it("writes none when there is no endpoint", () => {
    expect(odinJson.writer({}).encode(base, 0).value).toEqual({ ...base, endpointType: "none" })
  })

  it("reads back what it wrote, unchanged", () => {
    const text = `${JSON.stringify([{ ...base, alternateUserId: { alternateUserId: "jd" }, lastName: 7, phoneNumber: "" }])}\n`
    const once = write(odinJson, readJson(odinJson, text).users).files[0]!
    expect(write(odinJson, readJson(odinJson, once).users).files[0]).toBe(once)
  })

  it("goes on to OCI-P: useHotline written false with a warning, the device password still required", () => {
    const user = decode({ ...base, callingLineIdLastName: "Doe", callingLineIdFirstName: "Jane", accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group" }, linePort: "l@example.com" } }).user!
    const e = broadworksOcip.writer({}).encode(user, 0)
    expect(e.findings.map((f) => `${f.severity}:${f.code}:${f.column}`)).toEqual(["warning:normalised:accessDeviceEndpoint.useHotline"])
    expect(e.text).toContain("<useHotline>false</useHotline>")
    const withCredentials = decode({ ...base, callingLineIdLastName: "Doe", callingLineIdFirstName: "Jane", accessDeviceEndpoint: { accessDevice: { deviceName: "d", deviceLevel: "Group", accessDeviceCredentials: { userName: "admin" } }, linePort: "l@example.com", useHotline: "false" } }).user!
    expect(broadworksOcip.writer({}).encode(withCredentials, 0).findings.map((f) => f.column)).toEqual(["accessDeviceEndpoint.accessDeviceCredentials.password"])
  })
})
