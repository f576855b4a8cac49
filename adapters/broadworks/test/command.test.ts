import { describe, expect, it } from "vitest"
import { build, flatten, format, parse, resolve, snake } from "../src/command.js"
import { addRequest, createTemplate, leafPaths, modifyRequest, sheetColumns } from "../src/columns.js"

describe("snake (the SDK's header conversion, spec §3.2 step 1)", () => {
  it.each([
    ["callingLineIdPhoneNumber", "calling_line_id_phone_number"],
    ["address.addressLine1", "address.address_line1"],
    ["dialableCallerIDAccess", "dialable_caller_id_access"],
    ["userID", "user_id"],
    ["First Name", "first_name"],
    ["alternateUserId[0].alternateUserId", "alternate_user_id[0].alternate_user_id"],
    ["OldSipAuthenticationPassword", "old_sip_authentication_password"],
    ["already_snake", "already_snake"]
  ])("%s -> %s", (input, output) => expect(snake(input)).toBe(output))
})

describe("resolve", () => {
  it("matches names loosely and keeps the element's own spelling", () => {
    expect(format(resolve(addRequest, "access_device_endpoint.access_device.device_name")!.steps)).toBe("accessDeviceEndpoint.accessDevice.deviceName")
    expect(format(resolve(addRequest, "First Name")!.steps)).toBe("firstName")
  })

  it("reads a repeated element without an index as its first occurrence", () => {
    expect(format(resolve(addRequest, "alias")!.steps)).toBe("alias[0]")
  })

  it("refuses unknown names, indices on single elements, groups and paths through leaves", () => {
    expect(resolve(addRequest, "notes")).toBeUndefined()
    expect(resolve(addRequest, "firstName[0]")).toBeUndefined()
    expect(resolve(addRequest, "address")).toBeUndefined()
    expect(resolve(addRequest, "firstName.x")).toBeUndefined()
    expect(resolve(addRequest, "alias[x]")).toBeUndefined()
  })

  it("accepts any path inside an opaque element", () => {
    const r = resolve(addRequest, "sharedCallAppearanceAccessDeviceEndpoint[2].accessDevice.deviceName")!
    expect(r.opaque).toBe(true)
    expect(format(r.steps)).toBe("sharedCallAppearanceAccessDeviceEndpoint[2].accessDevice.deviceName")
  })

  it("knows every template column and every user.modify column", () => {
    for (const h of createTemplate.slice(1)) expect(resolve(addRequest, h), h).toBeDefined()
    for (const h of "userId,deleteExistingDevices,newUserId,alternateUserIdList.alternateUserId[2].description,sipAliasList.sipAlias[1],userServiceList.userServiceServiceName[0].authorizedQuantity,OldSipAuthenticationPassword,newUserExternalId".split(",")) {
      expect(resolve(modifyRequest, h), h).toBeDefined()
    }
  })
})

describe("build", () => {
  const entry = (path: string, text: string) => ({ steps: resolve(addRequest, path)!.steps, text, at: path })

  it("compacts lists: alias[1] alone is the first alias, and keeps where values came from", () => {
    const doc = build([entry("alias[1]", "a@example.com"), entry("alternateUserId[2].alternateUserId", "alt"), entry("alternateUserId[2].description", "d")], format)
    expect(flatten(doc, addRequest).map((f) => [f.path, f.text])).toEqual([
      ["alternateUserId[0].alternateUserId", "alt"],
      ["alternateUserId[0].description", "d"],
      ["alias[0]", "a@example.com"]
    ])
    const alt = doc.fields.get("alternateUserId") as Array<{ at: string }>
    expect(alt[0]!.at).toBe("alternateUserId[2]")
  })

  it("lists values in schema order, not input order", () => {
    const doc = build([entry("firstName", "Jane"), entry("lastName", "Doe"), entry("accessDeviceEndpoint.accessDevice.deviceName", "d"), entry("accessDeviceEndpoint.accessDevice.deviceLevel", "Group")], format)
    expect(flatten(doc, addRequest).map((f) => f.path)).toEqual(["lastName", "firstName", "accessDeviceEndpoint.accessDevice.deviceLevel", "accessDeviceEndpoint.accessDevice.deviceName"])
  })
})

describe("columns", () => {
  it("declares operation first, then the template in template order, portNumber once", () => {
    const headers = sheetColumns.map((c) => c.header)
    expect(headers.slice(0, createTemplate.length)).toEqual([...createTemplate])
    expect(headers.filter((h) => h === "accessDeviceEndpoint.portNumber")).toHaveLength(1)
    expect(new Set(headers).size).toBe(headers.length)
  })

  it("maps every targeted leaf to a canonical catalogue path", async () => {
    const { Field, Table } = await import("@pbxport/core")
    for (const l of [...leafPaths(addRequest), ...leafPaths(modifyRequest)]) {
      if (l.target !== null) expect(Field.find(Table.cataloguePath(l.target)), l.path).toBeDefined()
    }
  })

  it("marks the secrets sensitive and the user.create requirements required", () => {
    const byHeader = new Map(sheetColumns.map((c) => [c.header, c]))
    expect(byHeader.get("password")!.sensitive).toBe(true)
    expect(byHeader.get("accessDeviceEndpoint.accessDeviceCredentials.password")!.sensitive).toBe(true)
    expect(byHeader.get("newPassword")!.sensitive).toBe(true)
    expect(sheetColumns.filter((c) => c.required).map((c) => c.header)).toEqual([
      "operation", "serviceProviderId", "groupId", "userId", "firstName", "lastName", "callingLineIdFirstName", "callingLineIdLastName", "extension", "password", "userId"
    ].filter((h, i, a) => a.indexOf(h) === i))
  })

  it("parses paths with indices", () => {
    expect(parse("a.b[3].c")).toEqual([{ name: "a" }, { name: "b", index: 3 }, { name: "c" }])
  })
})
