import * as fs from "node:fs"
import * as path from "node:path"
import * as Option from "effect/Option"
import { describe, expect, it } from "vitest"
import { UsageError } from "../src/Exit.js"
import * as Options from "../src/Options.js"
import { file, tempDir } from "./support.js"

const none: Options.DialectFlags = { map: [], mapColumns: Option.none(), default: [], idMap: [], generateExtensions: false, option: [] }

describe("pair", () => {
  it("splits at the first =, trimming the key", () => {
    expect(Options.pair(" email =E-mail=x", "--map", "FIELD=COLUMN")).toEqual(["email", "E-mail=x"])
  })
  it("rejects a value without =, an empty key or an empty value, naming the flag and form", () => {
    expect(() => Options.pair("email", "--map", "FIELD=COLUMN")).toThrow(new UsageError('--map expects FIELD=COLUMN, got "email"'))
    expect(() => Options.pair("=E-mail", "--map", "FIELD=COLUMN")).toThrow(UsageError)
    expect(() => Options.pair("email=", "--map", "FIELD=COLUMN")).toThrow(UsageError)
    expect(Options.pair("language=", "--default", "FIELD=VALUE", { emptyValue: true })).toEqual(["language", ""])
    expect(() => Options.pair("__proto__=x", "--option", "KEY=VALUE")).toThrow(UsageError)
  })
})

describe("mapLines", () => {
  it("reads FIELD=COLUMN lines, skipping comments and blank lines", () => {
    expect(Options.mapLines("# mapping\r\nemail = E-mail \n\n  # indented comment\nfirstName=Given name\n", "m.txt")).toEqual(["email=E-mail", "firstName=Given name"])
  })
  it("names the file and line of a malformed entry", () => {
    expect(() => Options.mapLines("email=E-mail\nfirstName\n", "m.txt")).toThrow(new UsageError('m.txt line 2: expected FIELD=COLUMN, got "firstName"'))
  })
})

describe("dialectOptions", () => {
  it("gives no options when no flag is set", async () => {
    expect(await Options.dialectOptions(none)).toEqual({})
  })

  it("builds map, default, ids, generateExtensions and generic options", async () => {
    const dir = tempDir()
    const mapping = file(dir, "map.txt", "\uFEFF# columns\nlastName=Surname\n")
    const roles = file(dir, "roles.csv", "name,id\nadmin,7\n")
    const options = await Options.dialectOptions({
      map: ["email=E-mail", "firstName=Given"],
      mapColumns: Option.some(mapping),
      default: ["language=en_US", "mobile="],
      idMap: [`role=${roles}`],
      generateExtensions: true,
      option: ["context=default", "range=1000-1999"]
    })
    expect(options).toEqual({
      map: ["email=E-mail", "firstName=Given", "lastName=Surname"],
      default: ["language=en_US", "mobile="],
      "ids.role": "name,id\nadmin,7\n",
      generateExtensions: "true",
      context: "default",
      range: "1000-1999"
    })
  })

  it("rejects an unknown id kind, listing the valid ones", async () => {
    await expect(Options.dialectOptions({ ...none, idMap: ["team=x.csv"] })).rejects.toThrow(
      new UsageError('--id-map: unknown kind "team"; use one of role, desk, skillGroup')
    )
  })

  it("rejects unreadable files with the flag that named them", async () => {
    const dir = tempDir()
    await expect(Options.dialectOptions({ ...none, mapColumns: Option.some(path.join(dir, "nope.txt")) })).rejects.toThrow(
      new UsageError(`cannot read the --map-columns file ${path.join(dir, "nope.txt")}: no such file`)
    )
    await expect(Options.dialectOptions({ ...none, idMap: [`desk=${dir}`] })).rejects.toThrow(
      new UsageError(`cannot read the --id-map desk file ${dir}: it is a directory`)
    )
  })

  it("rejects a key set twice", async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, "d.csv"), "x")
    await expect(Options.dialectOptions({ ...none, option: ["a=1", "a=2"] })).rejects.toThrow(new UsageError("--option a is set twice"))
    await expect(Options.dialectOptions({ ...none, map: ["email=E"], option: ["map=x"] })).rejects.toThrow(new UsageError("--option map is set twice"))
    await expect(Options.dialectOptions({ ...none, idMap: [`desk=${dir}/d.csv`, `desk=${dir}/d.csv`] })).rejects.toThrow(new UsageError("--id-map desk is given twice"))
  })

  it("rejects malformed values of every flag", async () => {
    await expect(Options.dialectOptions({ ...none, map: ["email"] })).rejects.toThrow(/--map expects FIELD=COLUMN/)
    await expect(Options.dialectOptions({ ...none, default: ["language"] })).rejects.toThrow(/--default expects FIELD=VALUE/)
    await expect(Options.dialectOptions({ ...none, idMap: ["role"] })).rejects.toThrow(/--id-map expects KIND=FILE/)
    await expect(Options.dialectOptions({ ...none, option: ["=1"] })).rejects.toThrow(/--option expects KEY=VALUE/)
  })
})

describe("keyValues", () => {
  it("parses target options", () => {
    expect(Options.keyValues(["operation=user.modify", "x="], "--target-option")).toEqual({ operation: "user.modify", x: "" })
    expect(() => Options.keyValues(["operation"], "--target-option")).toThrow(new UsageError('--target-option expects KEY=VALUE, got "operation"'))
  })
})

describe("delimiter and readOptions", () => {
  it("accepts , ; | and tab in its spellings", () => {
    expect([",", ";", "|", "tab", "TAB", "\\t", "\t"].map(Options.delimiter)).toEqual([",", ";", "|", "\t", "\t", "\t", "\t"])
  })
  it("rejects anything else, listing the accepted values", () => {
    expect(() => Options.delimiter(":")).toThrow(new UsageError('--delimiter must be one of , ; | tab, not ":"'))
    expect(() => Options.delimiter("constructor")).toThrow(UsageError)
  })
  it("builds the read options", () => {
    expect(Options.readOptions({ encoding: Option.none(), delimiter: Option.none() })).toEqual({})
    expect(Options.readOptions({ encoding: Option.some(" windows-1252 "), delimiter: Option.some("tab") })).toEqual({ encoding: "windows-1252", delimiter: "\t" })
    expect(() => Options.readOptions({ encoding: Option.some(""), delimiter: Option.none() })).toThrow(UsageError)
  })
})

describe("source", () => {
  it("reads a path, or standard input for -", async () => {
    expect(Options.source("users.csv", undefined)).toEqual({ path: "users.csv" })
    const stdin = (async function* () { yield new Uint8Array([1]) })()
    expect(Options.source("-", stdin)).toEqual({ stream: stdin, name: "<stdin>" })
    expect(() => Options.source("-", undefined)).toThrow(UsageError)
  })
})
