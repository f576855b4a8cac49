import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { Adapter, Codec, Issue, Table, type User } from "../src/index.js"

const spec: Table.Spec = {
  id: "demo",
  empty: Table.emptyIsNull,
  match: "exact",
  columns: [
    { header: "first", description: "First name.", required: true, target: "firstName", codec: Codec.text },
    { header: "pin", description: "Voicemail PIN.", required: false, target: "voicemail.pin", codec: Codec.secret },
    { header: "on", description: "Enabled.", required: false, target: "enabled", codec: Codec.bool({ true: "1", false: "0" }) },
    { header: "perms", description: "Permissions.", required: false, target: "callPermissions", codec: Codec.list(";") },
    { header: "alias[0]", description: "Alias 1.", required: false, target: "aliases[0]", codec: Codec.text },
    { header: "alias[1]", description: "Alias 2.", required: false, target: "aliases[1]", codec: Codec.text },
    { header: "did", description: "Incall.", required: false, target: "incalls[0].did", codec: Codec.text }
  ],
  rules: (user) => (user.firstName === "bad" ? [Issue.error("conflict", "first", "not bad")] : [])
}
const read = (header: Array<string>, cells: Array<string>) => Table.reader(spec)(header, {}).decode({ row: 1, line: 2, cells })

describe("Table.reader", () => {
  it("decodes cells to their canonical paths; empty is null; absent columns stay absent", () => {
    const d = read(["first", "on", "perms", "did"], ["Ana", "", "", "0102"])
    expect(d.findings).toEqual([])
    expect(d.user).toEqual({ firstName: "Ana", enabled: null, callPermissions: [], incalls: [{ did: "0102" }] })
  })

  it("keeps unknown columns in extras with a warning", () => {
    const r = Table.reader(spec)(["first", "shoe"], {})
    expect(r.findings).toEqual([Issue.warning("unknown-column", "shoe", "column 'shoe' is not a demo column; its values are kept but not interpreted")])
    expect(r.decode({ row: 1, line: 2, cells: ["Ana", "42"] }).user).toEqual({ firstName: "Ana", extras: { demo: { shoe: "42" } } })
  })

  it("reports a missing required value, a bad cell, and rules, as findings of the row", () => {
    expect(read(["first"], [""]).findings.map((f) => f.code)).toEqual(["missing-required"])
    expect(read(["on"], ["1"]).findings[0]).toMatchObject({ code: "missing-required", column: "first", message: "'first' is required (First name); add the column" })
    expect(read(["first", "on"], ["Ana", "yes"]).findings.map((f) => f.code)).toEqual(["invalid-bool"])
    expect(read(["first"], ["bad"]).findings.map((f) => f.code)).toEqual(["conflict"])
    expect(read(["first"], ["bad"]).user).toBeUndefined()
  })

  it("compacts indexed lists: the second alias alone becomes the first", () => {
    expect(read(["first", "alias[0]", "alias[1]"], ["Ana", "", "b@x"]).user?.aliases).toEqual(["b@x"])
    const spaced = Table.reader({ ...spec, empty: (c) => (c.trim() === "" ? "absent" : "value") })(["first", "alias[0]", "alias[1]"], {})
    expect(spaced.decode({ row: 1, line: 2, cells: ["Ana", " ", "b@x"] }).user?.aliases).toEqual(["b@x"])
  })

  it("matches headers loosely when asked", () => {
    const loose = Table.reader({ ...spec, match: "loose" })(["FIRST"], {})
    expect(loose.decode({ row: 1, line: 2, cells: ["Ana"] }).user).toEqual({ firstName: "Ana" })
  })
})

describe("Table.writer", () => {
  const write = (user: User.User) => Table.writer(spec)({}).encode(user, 0)

  it("writes given fields, null as an empty cell, and leaves absent columns out", () => {
    expect(write({ firstName: "Ana", enabled: null, voicemail: { pin: Redacted.make("0000") } }).cells).toEqual({ first: "Ana", pin: "0000", on: "" })
  })

  it("writes kept columns of its own dialect back", () => {
    expect(write({ firstName: "Ana", extras: { demo: { shoe: "42" }, other: { x: "1" } } }).cells).toEqual({ first: "Ana", shoe: "42" })
  })

  it("reads back what it writes: a row its reader rejects is an encode error", () => {
    expect(write({ lastName: "Only" }).findings.map((f) => f.code)).toEqual(["missing-required"])
    expect(write({ firstName: "bad" }).findings.map((f) => f.code)).toEqual(["conflict"])
  })

  it("orders the header as declared, then extra columns", () => {
    const w = Table.writer(spec)({})
    expect(w.header!(new Set(["shoe", "on", "first"]))).toEqual(["first", "on", "shoe"])
  })

  it("derives columns and carried paths from the table", () => {
    expect(Table.carries(spec)).toEqual(["firstName", "voicemail.pin", "enabled", "callPermissions", "aliases", "incalls[].did"])
    expect(Table.columns(spec).find((c) => c.header === "pin")).toMatchObject({ sensitive: true, type: "text (secret)" })
  })
})

describe("Adapter.make", () => {
  it("fills defaults: CSV syntax, capabilities from the codecs given, template from the columns", () => {
    const a = Adapter.make({ id: "x", title: "X", description: "x", format: "csv", columns: Table.columns(spec), capabilities: { carries: [] }, reader: Table.reader(spec) })
    expect(a.syntax).toEqual({ delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" })
    expect(a.capabilities).toMatchObject({ read: true, write: false, update: null, maxRowsPerFile: null })
    expect(a.template.header[0]).toBe("first")
    expect(() => a.writer({})).toThrow("the x dialect cannot be written")
  })
})
