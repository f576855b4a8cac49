import { describe, expect, it } from "vitest"
import { Field } from "@pbxport/core"
import { EXPORT_ORDER } from "../src/columns.js"
import { wazo, wazoExport } from "../src/index.js"
import { codes, errors, read, write } from "./helpers.js"

const row = (cells: Partial<Record<(typeof EXPORT_ORDER)[number], string>>) => EXPORT_ORDER.map((h) => cells[h] ?? "")
const readExport = (cells: Partial<Record<(typeof EXPORT_ORDER)[number], string>>) => read(wazoExport, EXPORT_ORDER, row(cells))

describe("wazo-export", () => {
  it("has Wazo's 39 columns in Wazo's order", () => {
    expect(wazoExport.columns.map((c) => c.header)).toEqual([...EXPORT_ORDER])
    expect(EXPORT_ORDER.length).toBe(39)
    expect(wazoExport.template.example.length).toBe(39)
  })
  it("refuses a file that lacks export columns, pointing to --from wazo", () => {
    const header = read(wazoExport, ["uuid", "firstname"], ["u", "A"]).header
    expect(codes(header)).toEqual(["subscription_type missing-column error"])
    expect(header[0]!.message).toContain("use --from wazo")
  })
  it("reads parallel incall lists as several incalls, and sorted permissions as a list", () => {
    const decoded = readExport({ uuid: "u1", firstname: "A", incall_exten: "15550100;15550101", incall_context: "from-extern;other", call_permissions: "a;b" })
    expect(errors(decoded.findings)).toEqual([])
    expect(decoded.user?.incalls).toEqual([{ did: "15550100", context: "from-extern" }, { did: "15550101", context: "other" }])
    expect(decoded.user?.callPermissions).toEqual(["a", "b"])
  })
  it("reads empty incall columns as no incall", () => {
    expect(readExport({ uuid: "u1", firstname: "A" }).user?.incalls).toEqual([])
  })
  it("refuses incall lists that do not pair up", () => {
    expect(readExport({ uuid: "u1", firstname: "A", incall_exten: "1;2", incall_context: "x" }).findings).toEqual([
      { column: "incall_exten", code: "conflict", severity: "error", message: "'incall_exten' lists 2 numbers but 'incall_context' lists 1 context: the two ';' lists go in pairs" }
    ])
  })
  it("reads uuid, provisioning code, username, and custom lines", () => {
    const user = readExport({ uuid: "u1", firstname: "A", provisioning_code: "123456", line_protocol: "custom", username: "a@example.com" }).user!
    expect(user.uuid).toBe("u1")
    expect(user.line?.provisioningCode).toBe("123456")
    expect(user.line?.protocol).toBe("custom")
    expect(user.username).toBe("a@example.com")
  })
  it("reads what Wazo stored without the import's checks", () => {
    // an old voicemail password with '#', an old language: Wazo exports them as stored
    expect(errors(readExport({ uuid: "u1", firstname: "A", voicemail_password: "12#4", language: "french" }).findings)).toEqual([])
  })
  it("still refuses cells that are not Wazo's syntax", () => {
    expect(codes(readExport({ uuid: "u1", firstname: "A", enabled: "yes" }).findings)).toEqual(["enabled invalid-bool error"])
    expect(codes(readExport({ uuid: "", firstname: "A" }).findings)).toEqual(["uuid missing-required error"])
  })
  it("writes every column on every row, empty when absent", () => {
    const encoded = write(wazoExport, { uuid: "u1", firstName: "A", incalls: [{ did: "2", context: "y" }, { did: "1", context: "x" }], callPermissions: ["b", "a"] })
    expect(errors(encoded.findings)).toEqual([])
    expect(Object.keys(encoded.cells!)).toEqual([...EXPORT_ORDER])
    // Wazo's export order: permission names sorted
    expect(encoded.cells).toMatchObject({ uuid: "u1", firstname: "A", lastname: "", incall_exten: "1;2", incall_context: "x;y", call_permissions: "a;b" })
    expect(wazoExport.writer({}).header!(new Set(["firstname"]))).toEqual([...EXPORT_ORDER])
  })
  it("refuses to write an incall holding ';'", () => {
    expect(codes(write(wazoExport, { uuid: "u1", incalls: [{ did: "1;2", context: "x" }] }).findings)).toEqual(["incall_exten invalid-format error"])
  })
  it("reads into wazo losing exactly uuid and provisioning code", () => {
    const notImport = new Set(wazoExport.capabilities.carries.filter((p) => !wazo.capabilities.carries.includes(p)))
    expect([...notImport]).toEqual(["uuid", "line.provisioningCode"])
    const user = readExport({ uuid: "u1", firstname: "A", provisioning_code: "123456", line_protocol: "sip", context: "default", exten: "1000", incall_exten: "1", incall_context: "x" }).user!
    expect(Field.filledPaths(user).filter((p) => !wazo.capabilities.carries.includes(p))).toEqual(["uuid", "line.provisioningCode"])
    expect(write(wazo, user).cells).toEqual({ firstname: "A", line_protocol: "sip", context: "default", exten: "1000", incall_exten: "1", incall_context: "x",
      ...Object.fromEntries(EXPORT_ORDER.filter((h) => !["uuid", "provisioning_code", "firstname", "line_protocol", "context", "exten", "incall_exten", "incall_context", "call_permissions"].includes(h)).map((h) => [h, ""])),
      call_permissions: "" })
  })
})
