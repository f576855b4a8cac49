import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import * as Dialect from "../src/Dialect.js"
import { read, readFile } from "../src/Reader.js"
import * as Writer from "../src/Writer.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-csv-writer-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const text = (data: Uint8Array) => Buffer.from(data).toString("utf8")

describe("formatRecord", () => {
  const d = Dialect.standard

  it("quotes minimally, as Python's csv excel dialect", () => {
    // Expected strings from Python 3: csv.writer(f).writerow(cells)
    expect(Writer.formatRecord(["a", "b c", "", " x "], d)).toBe("a,b c,, x ")
    expect(Writer.formatRecord(["a,b", 'say "hi"', "x\ny", "cr\r", "+33", "007"], d)).toBe('"a,b","say ""hi""","x\ny","cr\r",+33,007')
    expect(Writer.formatRecord(["é", "東京", "😀", "'"], d)).toBe("é,東京,😀,'")
    expect(Writer.formatRecord([""], d)).toBe('""')
    expect(Writer.formatRecord(["", ""], d)).toBe(",")
    expect(Writer.formatRecord([], d)).toBe("")
  })

  it("quotes by the dialect's delimiter only", () => {
    const semi = Dialect.make({ delimiter: ";" })
    expect(Writer.formatRecord(["a,b", "c;d", "e\tf"], semi)).toBe('a,b;"c;d";e\tf')
    const tab = Dialect.make({ delimiter: "\t" })
    expect(Writer.formatRecord(["a,b", "c\td"], tab)).toBe('a,b\t"c\td"')
    const pipe = Dialect.make({ delimiter: "|" })
    expect(Writer.formatRecord(["a|b", "c"], pipe)).toBe('"a|b"|c')
  })

  it("quotes every cell with quoting all", () => {
    expect(Writer.formatRecord(["a", "", 'b"c'], Dialect.make({ quoting: "all" }))).toBe('"a","","b""c"')
  })
})

describe("createWriter", () => {
  it("writes the byte order mark once and a newline after every record", () => {
    const writer = Writer.createWriter(Dialect.make({ bom: true, newline: "\n" }))
    const out = Buffer.concat([writer.header(["a", "b"]), writer.record(["1", "2"]), writer.record(["3", "4"])])
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(out.subarray(3).toString("utf8")).toBe("a,b\n1,2\n3,4\n")
  })

  it("writes no byte order mark by default and CRLF newlines", () => {
    const writer = Writer.createWriter(Dialect.standard)
    expect(text(writer.header(["a"])) + text(writer.record(["é"]))).toBe("a\r\né\r\n")
  })

  it("encodes in the dialect's encoding", () => {
    expect([...Writer.encodeText("café", Dialect.make({ encoding: "windows-1252" }))]).toEqual([0x63, 0x61, 0x66, 0xe9])
    expect([...Writer.encodeText("東", Dialect.make({ encoding: "shift_jis" }))]).toEqual([0x93, 0x8c])
    expect([...Writer.bomBytes(Dialect.make({ encoding: "utf-16le", bom: true }))]).toEqual([0xff, 0xfe])
    expect([...Writer.bomBytes(Dialect.standard)]).toEqual([])
  })
})

describe("writeFile", () => {
  it("streams rows to the file and leaves no temporary file", async () => {
    const file = path.join(tmp, "out.csv")
    async function* rows() {
      for (let i = 0; i < 5000; i++) yield [String(i), `name, ${i}`]
    }
    const written = await Writer.writeFile(file, ["id", "name"], rows(), Dialect.standard)
    expect(written.records).toBe(5000)
    expect(written.bytes).toBe(fs.statSync(file).size)
    const csv = await readFile(file)
    let n = 0
    for await (const record of csv.records) expect(record.cells).toEqual([String(n++), `name, ${record.row - 1}`])
    expect(n).toBe(5000)
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([])
  })

  it("leaves neither a partial file nor a temporary one when the rows fail", async () => {
    const file = path.join(tmp, "failed.csv")
    function* rows() {
      yield ["1"]
      throw new Error("source broke")
    }
    await expect(Writer.writeFile(file, ["id"], rows(), Dialect.standard)).rejects.toThrow("source broke")
    expect(fs.existsSync(file)).toBe(false)
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([])
  })

  it("replaces an existing file only once complete", async () => {
    const file = path.join(tmp, "replace.csv")
    fs.writeFileSync(file, "old\n")
    function* broken() {
      yield ["1"]
      throw new Error("stop")
    }
    await expect(Writer.writeFile(file, ["id"], broken(), Dialect.standard)).rejects.toThrow()
    expect(fs.readFileSync(file, "utf8")).toBe("old\n")
    await Writer.writeFile(file, ["id"], [["1"]], Dialect.make({ bom: true, encoding: "utf-16le" }))
    expect(fs.readFileSync(file)).toEqual(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id\r\n1\r\n", "utf16le")]))
  })
})

describe("write then read", () => {
  const unit = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(",", ";", "\t", "|", '"', "\r", "\n", "\r\n", " ", "a", "0", "+", "=") },
    { weight: 3, arbitrary: fc.constantFrom("é", "Ñ", "ß", "東", "京", "😀", "👍🏽", "\u00a0") },
    { weight: 1, arbitrary: fc.string({ maxLength: 2 }) }
  )
  const cell = fc.string({ unit, maxLength: 8 })
  const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
    fc.record({
      header: fc.array(cell, { minLength: width, maxLength: width }),
      rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 })
    })
  )
  const dialect = fc
    .record({
      delimiter: fc.constantFrom(",", ";", "\t", "|"),
      newline: fc.constantFrom("\r\n" as const, "\n" as const),
      bom: fc.boolean(),
      quoting: fc.constantFrom("minimal" as const, "all" as const)
    })
    .map((spec) => Dialect.make(spec))

  const write = (d: Dialect.Dialect, header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Uint8Array => {
    const writer = Writer.createWriter(d)
    return Buffer.concat([writer.header(header), ...rows.map((r) => writer.record(r))])
  }

  async function* chunks(data: Uint8Array, sizes: ReadonlyArray<number>) {
    for (let i = 0, k = 0; i < data.length; k++) {
      const size = sizes[k % sizes.length]!
      yield data.slice(i, i + size)
      i += size
    }
  }

  it("reads back what it wrote, for every delimiter, newline, quoting and byte order mark, in any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(table, dialect, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), async ({ header, rows }, d, sizes) => {
        const data = write(d, header, rows)
        // Determinism: the same input gives the same bytes.
        expect(write(d, header, rows)).toEqual(data)
        for (const source of [data, chunks(data, sizes)]) {
          const file = await read(source, { delimiter: d.delimiter })
          expect(file.bom).toBe(d.bom)
          expect(file.header).toEqual(header)
          const back: Array<Array<string>> = []
          for await (const record of file.records) {
            expect(record.issues.filter((i) => i.severity === "error")).toEqual([])
            back.push(record.cells)
          }
          expect(back).toEqual(rows)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("sniffs the delimiter it wrote when the header names are plain", async () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_ ]{0,8}$/)
    await fc.assert(
      fc.asyncProperty(
        fc.array(name, { minLength: 2, maxLength: 5 }),
        fc.array(cell, { minLength: 2, maxLength: 2 }),
        dialect,
        async (header, pair, d) => {
          const row = header.map((_, k) => pair[k % 2]!)
          const file = await read(write(d, header, [row]))
          expect(file.delimiter).toBe(d.delimiter)
          for await (const record of file.records) expect(record.cells).toEqual(row)
        }
      ),
      { numRuns: 200 }
    )
  })
})
