import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as pbxport from "../src/index.js"
import { demo, tempDir } from "./support.js"

const csv = [
  "first,email,ext,password,ring",
  "Zoë,zoe@example.com,0102,fake-Pass-1,30",
  "",
  "Bo,not-an-email,0103,,",
  "Cy,ZOE@example.com,+33,,",
  "Di,di@example.com,0104,,61",
  "\"Ed\",ed@example.com,0105,fake-Pass-2",
  "Flo,flo@example.com,0106,,5"
].join("\r\n") + "\r\n"

describe("validate", () => {
  it("reports every issue with row, line and column, and counts rows", async () => {
    const report = await pbxport.validate({ text: csv, name: "demo.csv" }, { from: demo })
    expect(report).toMatchObject({ file: "demo.csv", dialect: "demo", encoding: "utf-8", delimiter: ",", rows: 6, valid: 2, invalid: 4 })
    expect(report.issues.map((i) => [i.row, i.line, i.column, i.code, i.severity])).toEqual([
      [2, 4, "email", "invalid-format", "error"],
      [3, 5, "email", "duplicate", "error"],
      [4, 6, "ring", "out-of-range", "error"],
      [4, 6, null, "too-many-rows", "warning"],
      [5, 7, null, "ragged-row", "error"]
    ])
    expect(report.issues[1]!.message).toBe("email 'zoe@example.com' is already used by row 1 (line 2); it must be unique in the file")
  })

  it("fails a file-level problem with one PbxportError", async () => {
    await expect(pbxport.validate({ path: "/nonexistent/x.csv" }, { from: demo })).rejects.toMatchObject({ reason: { _tag: "UnreadableFile" } })
    await expect(pbxport.validate({ text: csv }, { from: "no-such" })).rejects.toThrow(/unknown dialect 'no-such'; known dialects: jsonl/)
    await expect(pbxport.validate({ text: "" }, { from: demo })).rejects.toBeInstanceOf(pbxport.PbxportError)
  })

  it("never shows secrets in issues", async () => {
    const report = await pbxport.validate({ text: csv }, { from: demo })
    expect(JSON.stringify(report)).not.toContain("fake-Pass")
  })
})

describe("convert", () => {
  it("writes valid rows, sends failed rows to the errors file, reports what was lost", async () => {
    const dir = tempDir()
    const out = path.join(dir, "out.jsonl")
    const errors = path.join(dir, "errors.csv")
    const report = await pbxport.convert({ text: csv }, { from: demo, to: "jsonl", output: { path: out }, errors })
    expect(report.rows).toEqual({ read: 6, written: 2, skipped: 4 })
    expect(report.outputs).toEqual([{ path: out, rows: 2 }])
    const users = fs.readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    expect(users[0]).toEqual({ firstName: "Zoë", email: "zoe@example.com", extension: "0102", password: "fake-Pass-1", callHandling: { ringSeconds: 30 } })
    expect(users[1]).toEqual({ firstName: "Flo", email: "flo@example.com", extension: "0106", password: null, callHandling: { ringSeconds: 5 } })
    const errorLines = fs.readFileSync(errors, "utf8").split("\r\n")
    expect(errorLines[0]).toBe("first,email,ext,password,ring,error")
    expect(errorLines[1]).toBe("Bo,not-an-email,0103,,,\"email: 'email' must look like name@domain, not \"\"not-an-email\"\"\"")
    expect(errorLines[3]).toBe(`Di,di@example.com,0104,,61,"ring: 'ring' must be from 0 to 60, not 61"`)
    expect(fs.statSync(errors).mode & 0o777).toBe(0o600)
  })

  it("reports canonical fields the target cannot carry", async () => {
    const jsonl = '{"firstName":"Ana","email":"ana@example.com","voicemail":{"number":"100"},"extras":{"wazo":{"x":"1"}}}\n'
    const report = await pbxport.convert({ text: jsonl }, { from: "jsonl", to: demo })
    expect(report.lost).toEqual([{ field: "voicemail.number", count: 1 }, { field: "extras.wazo.x", count: 1 }])
    expect(new TextDecoder().decode(report.data)).toBe("first,email\r\nAna,ana@example.com\r\n")
  })

  it("splits at the dialect's row limit into numbered files, each with the header", async () => {
    const dir = tempDir()
    const jsonl = Array.from({ length: 7 }, (_, i) => JSON.stringify({ firstName: `U${i}` })).join("\n")
    const report = await pbxport.convert({ text: jsonl }, { from: "jsonl", to: demo, output: { path: path.join(dir, "u.csv") } })
    expect(report.outputs.map((o) => [path.basename(o.path), o.rows])).toEqual([["u-001.csv", 3], ["u-002.csv", 3], ["u-003.csv", 1]])
    expect(fs.readFileSync(path.join(dir, "u-003.csv"), "utf8")).toBe("first\r\nU6\r\n")
    expect(fs.readdirSync(dir).sort()).toEqual(["u-001.csv", "u-002.csv", "u-003.csv"])
  })

  it("leaves no output behind when the run fails", async () => {
    const dir = tempDir()
    const out = path.join(dir, "out.csv")
    await expect(pbxport.convert({ path: path.join(dir, "missing.csv") }, { from: demo, to: "jsonl", output: { path: out } })).rejects.toBeInstanceOf(pbxport.PbxportError)
    await expect(pbxport.convert({ text: "a;b,c\r\n" }, { from: demo, to: "jsonl", output: { path: out } })).rejects.toBeInstanceOf(pbxport.PbxportError)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it("gives identical bytes for identical input", async () => {
    const a = await pbxport.convert({ text: csv }, { from: demo, to: "jsonl" })
    const b = await pbxport.convert({ text: csv }, { from: demo, to: "jsonl" })
    expect(a.data).toEqual(b.data)
  })
})

describe("library entries", () => {
  it("decodes in-memory rows as the SDK's create-from-data takes them", async () => {
    const results = await pbxport.decodeAll({ rows: [{ first: "Ana", ext: "0100" }, { first: "", ext: "0101" }] }, { from: demo })
    expect(results.map((r) => [r.index, r.user?.firstName, r.issues.map((i) => i.code)])).toEqual([[0, "Ana", []], [1, undefined, ["missing-required"]]])
  })

  it("encodes users to records, one result per user", () => {
    const rows = pbxport.encode([{ firstName: "Ana" }, { lastName: "X" }], { to: demo })
    expect(rows.map((r) => [r.cells, r.issues.map((i) => i.code)])).toEqual([[{ first: "Ana" }, []], [{}, ["missing-required"]]])
  })

  it("has Effect entries that fail with PbxportError", async () => {
    const { Effect, Exit, Stream } = await import("effect")
    const ok = await Effect.runPromise(pbxport.validateEffect({ text: csv }, { from: demo }))
    expect(ok.valid).toBe(2)
    const failed = await Effect.runPromiseExit(pbxport.validateEffect({ text: csv }, { from: "nope" }))
    expect(Exit.isFailure(failed)).toBe(true)
    const rows = await Effect.runPromise(Stream.runCollect(pbxport.decodeStream({ text: csv }, { from: demo })))
    expect(Array.from(rows).length).toBe(6)
  })
})

describe("in-file duplicates in fixed width", () => {
  // every value gets the same fingerprint, so every unique value after the first is a candidate
  // that only the confirmation against the first row can tell apart
  const colliding = () => [7, 7] as const
  const rows = ["first,email", "A,a@example.com", "B,b@example.com", "C,A@example.com", "D,c@example.com", "E,b@example.com", "F,c@example.com"].join("\n") + "\n"
  const duplicates = async (input: pbxport.Input) => {
    const decoding = await pbxport.Decode.decode(input, { from: demo, fingerprint: colliding })
    const found: Array<string> = []
    for await (const r of decoding.rows) for (const i of r.issues) if (i.code === "duplicate") found.push(`${r.row}: ${i.message}`)
    return found
  }

  it("confirms a fingerprint match against the first row before reporting it, and reports the first row", async () => {
    const dir = tempDir()
    try {
      const file = path.join(dir, "users.csv")
      fs.writeFileSync(file, rows)
      const expected = [
        "3: email 'a@example.com' is already used by row 1 (line 2); it must be unique in the file",
        "5: email 'b@example.com' is already used by row 2 (line 3); it must be unique in the file",
        "6: email 'c@example.com' is already used by row 4 (line 5); it must be unique in the file"
      ]
      expect(await duplicates({ path: file })).toEqual(expected)
      expect(await duplicates({ text: rows })).toEqual(expected)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("finds every duplicate with its first row in a file of 50,000 rows", async () => {
    const lines = ["first,email"]
    for (let i = 1; i <= 50_000; i++) lines.push(`U${i},user${i % 40_000}@example.com`)
    const report = await pbxport.validate({ text: lines.join("\n") + "\n" }, { from: demo })
    const dups = report.issues.filter((i) => i.code === "duplicate")
    expect(dups.length).toBe(10_000)
    expect(dups[0]!.message).toBe("email 'user1@example.com' is already used by row 1 (line 2); it must be unique in the file")
    expect(dups.at(-1)!.message).toBe("email 'user10000@example.com' is already used by row 10000 (line 10001); it must be unique in the file")
    expect(dups.at(-1)!.row).toBe(50_000)
  })
})

describe("the output spool", () => {
  it("gives back every cell exactly, backslashes, line feeds and NUL included", async () => {
    const awkward = ["a\\nb", "line\nfeed", "nul\u0000here", "back\\\\slash\\", "\\0", "plain, \"quoted\""]
    const rows = awkward.map((first, i) => ({ first, email: `u${i}@example.com` }))
    const out = await pbxport.convert({ rows }, { from: demo, to: "jsonl" })
    const back = new TextDecoder().decode(out.data).trim().split("\n").map((l) => JSON.parse(l) as { firstName: string })
    expect(back.map((u) => u.firstName)).toEqual(awkward)
    // the demo dialect takes three rows per file
    for (const part of [rows.slice(0, 3), rows.slice(3)]) {
      const csv = await pbxport.convert({ rows: part }, { from: demo, to: demo })
      const read = await pbxport.Decode.decode({ bytes: csv.data! }, { from: demo })
      const firsts: Array<string> = []
      for await (const r of read.rows) firsts.push(r.user?.firstName ?? "<invalid>")
      expect(firsts).toEqual(part.map((r) => r.first))
    }
  })
})
