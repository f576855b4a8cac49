import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { afterAll, describe, expect, it } from "vitest"
import { CsvError } from "../src/CsvError.js"
import * as Dialect from "../src/Dialect.js"
import { read, readFile, readText, type CsvFile, type CsvRecord } from "../src/Reader.js"
import * as Writer from "../src/Writer.js"

const all = async (file: CsvFile): Promise<Array<CsvRecord>> => {
  const out: Array<CsvRecord> = []
  for await (const record of file.records) out.push(record)
  return out
}

const bytes = (...parts: Array<string | ReadonlyArray<number>>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : [...p])))

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size)
}

const failure = async (p: Promise<unknown>): Promise<CsvError> => {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(CsvError)
    return error as CsvError
  }
  throw new Error("expected a CsvError")
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-csv-reader-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("Reader positions", () => {
  it("numbers rows after the header and lines where records start, across blank lines and multi-line cells", async () => {
    const file = await readText('\n\nname,note\r\nann,"two\nlines"\n\n\nbob,x\n"cy","a\r\n\r\nb"\ndee,\n')
    expect(file.header).toEqual(["name", "note"])
    expect(file.headerLine).toBe(3)
    const records = await all(file)
    expect(records.map((r) => [r.row, r.line, r.cells])).toEqual([
      [1, 4, ["ann", "two\nlines"]],
      [2, 8, ["bob", "x"]],
      [3, 9, ["cy", "a\r\n\r\nb"]],
      [4, 12, ["dee", ""]]
    ])
    expect(records.every((r) => r.issues.length === 0)).toBe(true)
  })

  it("keeps cells exactly: leading zeros, +, spaces, accents", async () => {
    const records = await all(await readText("ext,phone,name\n007,+33123456789,  Zoé Ñandú \n"))
    expect(records[0]!.cells).toEqual(["007", "+33123456789", "  Zoé Ñandú "])
    expect(records[0]!.issues).toEqual([])
  })
})

describe("Reader encodings", () => {
  it("strips a UTF-8 byte order mark and warns", async () => {
    const file = await read(bytes([0xef, 0xbb, 0xbf], "a,b\n1,2\n"))
    expect(file).toMatchObject({ encoding: "utf-8", bom: true, header: ["a", "b"] })
    expect(file.fileIssues).toEqual([expect.objectContaining({ code: "encoding", severity: "warning", message: "UTF-8 byte order mark found and removed" })])
    expect((await all(file))[0]!.cells).toEqual(["1", "2"])
  })

  it("reads UTF-16 LE and BE with a byte order mark", async () => {
    const text = "nom,ville\nZoé,Besançon 東京\n"
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])
    const be = Buffer.from(le.subarray(0)).swap16()
    for (const [data, encoding] of [[le, "utf-16le"], [be, "utf-16be"]] as const) {
      const file = await read(new Uint8Array(data))
      expect(file).toMatchObject({ encoding, bom: true, header: ["nom", "ville"], fileIssues: [] })
      expect((await all(file))[0]!.cells).toEqual(["Zoé", "Besançon 東京"])
    }
  })

  it("guesses UTF-16 LE without a byte order mark, with a warning", async () => {
    const file = await read(new Uint8Array(Buffer.from("a,b\n1,2\n", "utf16le")))
    expect(file.encoding).toBe("utf-16le")
    expect(file.fileIssues[0]).toMatchObject({ code: "encoding", severity: "warning" })
    expect((await all(file))[0]!.cells).toEqual(["1", "2"])
  })

  it("falls back to windows-1252 on invalid UTF-8, naming the line of the first bad byte", async () => {
    const file = await read(bytes("name,city\nann,paris\nbob,caf", [0xe9], "\n"))
    expect(file.encoding).toBe("windows-1252")
    expect(file.fileIssues).toEqual([expect.objectContaining({ code: "encoding", severity: "warning", line: 3, row: null })])
    expect(file.fileIssues[0]!.message).toContain("line 3")
    expect((await all(file)).map((r) => r.cells)).toEqual([["ann", "paris"], ["bob", "café"]])
  })

  it("accepts a multi-byte character split across stream chunks", async () => {
    const data = new TextEncoder().encode("nom\nZoé 東京 😀\n")
    const file = await read(chunked(data, 1))
    expect(file.encoding).toBe("utf-8")
    expect((await all(file))[0]!.cells).toEqual(["Zoé 東京 😀"])
  })

  it("judges a stream on its first 64 KiB, then flags later invalid bytes on their record", async () => {
    const filler = "x,y\n".repeat(20_000)
    const data = bytes("a,b\n", filler, "ok,1\nbad,caf", [0xe9], "\nnext,2\n")
    const file = await read(chunked(data, 1000))
    expect(file.encoding).toBe("utf-8")
    const records = await all(file)
    const bad = records.find((r) => r.cells[0] === "bad")!
    expect(bad.cells).toEqual(["bad", "caf\uFFFD"])
    expect(bad.issues).toEqual([expect.objectContaining({ code: "encoding", severity: "error", row: bad.row, line: bad.line })])
    expect(records.filter((r) => r.issues.length > 0)).toHaveLength(1)
    expect(records.at(-1)!.cells).toEqual(["next", "2"])
  })

  it("falls back to windows-1252 when a stream's first 64 KiB is invalid", async () => {
    const file = await read(chunked(bytes("a\n", [0xe9], "t", [0xe9], "\n"), 2))
    expect(file.encoding).toBe("windows-1252")
    expect((await all(file))[0]!.cells).toEqual(["été"])
  })

  it("keeps U+FFFD that is really in the text without an issue", async () => {
    const file = await read(new TextEncoder().encode("a\n\uFFFD\n"))
    const [record] = await all(file)
    expect(record!.cells).toEqual(["\uFFFD"])
    expect(record!.issues).toEqual([])
  })

  for (const encoding of ["shift_jis", "iso-8859-1", "windows-1252", "utf-16le"]) {
    it(`round-trips ${encoding} through the writer with an explicit encoding`, async () => {
      const rows = encoding === "shift_jis" ? [["名前", "都市"], ["山田 太郎", "東京"], ["ｶﾅ", "大阪,京都"]] : [["nom", "ville"], ["Zoé Ñandú", "Besançon"], ["ÿ", "«a»,b"]]
      const dialect = Dialect.make({ encoding })
      const writer = Writer.createWriter(dialect)
      const data = Buffer.concat(rows.map((r, k) => (k === 0 ? writer.header(r) : writer.record(r))))
      const file = await read(new Uint8Array(data), { encoding })
      expect(file.encoding).toBe(encoding)
      expect([file.header, ...(await all(file)).map((r) => r.cells)]).toEqual(rows)
    })
  }

  it("rejects an unknown encoding with a file-level error", async () => {
    const error = await failure(read(bytes("a\n"), { encoding: "klingon-8" }))
    expect(error.reason).toEqual({ _tag: "UnknownEncoding", name: "klingon-8" })
    expect(error.issue).toMatchObject({ code: "encoding", severity: "error", row: null })
    expect(error.message).toContain("utf-8")
  })
})

describe("Reader delimiters", () => {
  for (const delimiter of [",", ";", "\t", "|"]) {
    it(`sniffs ${JSON.stringify(delimiter)} from the header`, async () => {
      const file = await readText(["a", "b", "c"].join(delimiter) + "\n" + ["1", "2", "3"].join(delimiter) + "\n")
      expect(file.delimiter).toBe(delimiter)
      expect(file.header).toEqual(["a", "b", "c"])
      expect((await all(file))[0]!.cells).toEqual(["1", "2", "3"])
    })
  }

  it("ignores delimiters inside quotes when sniffing", async () => {
    const file = await readText('"a,b,c";"d,e";f\n1;2;3\n')
    expect(file.delimiter).toBe(";")
    expect(file.header).toEqual(["a,b,c", "d,e", "f"])
  })

  it("fails on an ambiguous header, listing the counts and --delimiter", async () => {
    const error = await failure(readText("a,b;c\n1,2;3\n"))
    expect(error.reason).toEqual({ _tag: "AmbiguousDelimiter", candidates: [{ delimiter: ",", count: 1 }, { delimiter: ";", count: 1 }] })
    expect(error.issue.code).toBe("delimiter")
    expect(error.message).toContain('"," 1 time, ";" 1 time')
    expect(error.message).toContain("--delimiter")
  })

  it("uses an explicit delimiter over sniffing", async () => {
    const file = await readText("a,b;c\n1,2;3\n", { delimiter: ";" })
    expect(file.header).toEqual(["a,b", "c"])
    expect((await all(file))[0]!.cells).toEqual(["1,2", "3"])
  })

  it("reads a one-column file with the expected delimiter, and warns when the header uses another", async () => {
    const one = await readText("email\na@b.c\n", { expectedDelimiter: ";" })
    expect(one.delimiter).toBe(";")
    expect(one.fileIssues).toEqual([])
    const other = await readText("a;b\n1;2\n", { expectedDelimiter: "," })
    expect(other.delimiter).toBe(";")
    expect(other.fileIssues).toEqual([expect.objectContaining({ code: "delimiter", severity: "warning", line: 1 })])
  })

  it("rejects an invalid delimiter option", async () => {
    const error = await failure(readText("a\n", { delimiter: "ab" }))
    expect(error.reason._tag).toBe("InvalidDelimiter")
    expect(error.message).toContain("exactly one character")
  })
})

describe("Reader issues", () => {
  it("fails on a file without a header", async () => {
    for (const text of ["", "\n\r\n\n"]) {
      const error = await failure(readText(text))
      expect(error.reason).toEqual({ _tag: "EmptyFile" })
      expect(error.issue).toMatchObject({ code: "empty-file", severity: "error", row: null, line: null })
    }
    expect((await failure(read(new Uint8Array([0xef, 0xbb, 0xbf])))).reason._tag).toBe("EmptyFile")
  })

  it("makes ragged rows and bad quotes issues of their record only", async () => {
    const file = await readText('a,b,c\n1,2,3,4\n5,6\n7,x"y,9\n10,11,12\n')
    const records = await all(file)
    expect(records.map((r) => r.cells)).toEqual([["1", "2", "3", "4"], ["5", "6"], ["7", 'x"y', "9"], ["10", "11", "12"]])
    expect(records[0]!.issues).toEqual([expect.objectContaining({ code: "ragged-row", severity: "error", row: 1, line: 2, message: expect.stringContaining("row has 4 cells but the header has 3") })])
    expect(records[1]!.issues).toEqual([expect.objectContaining({ code: "ragged-row", row: 2, line: 3, message: expect.stringContaining('missing column "c"') })])
    expect(records[2]!.issues).toEqual([expect.objectContaining({ code: "malformed-quote", column: "b", row: 3, line: 4 })])
    expect(records[3]!.issues).toEqual([])
  })

  it("reports an unclosed quote on its record and reads the lines after it", async () => {
    const records = await all(await readText('a,b\n1,"x\n2,y\n'))
    expect(records.map((r) => r.cells)).toEqual([["1", '"x'], ["2", "y"]])
    expect(records[0]!.issues[0]).toMatchObject({ code: "malformed-quote", column: "b", line: 2 })
    expect(records[1]!.issues).toEqual([])
  })

  it("warns on cells a spreadsheet would run as formulas, naming the column", async () => {
    const records = await all(await readText("a,b,c,d\n=SUM(A1),@cmd,+A1,-x\n+33123,-5,+,x=1\n"))
    expect(records[0]!.issues.map((i) => [i.code, i.severity, i.column])).toEqual([
      ["formula", "warning", "a"],
      ["formula", "warning", "b"],
      ["formula", "warning", "c"],
      ["formula", "warning", "d"]
    ])
    expect(records[1]!.issues.map((i) => i.column)).toEqual(["c"])
    expect(records[0]!.cells[0]).toBe("=SUM(A1)")
    expect(records[0]!.issues[0]!.message).not.toContain("SUM")
  })

  it("warns about duplicate header names with both positions", async () => {
    const file = await readText("id,name,id\n1,a,2\n")
    expect(file.header).toEqual(["id", "name", "id"])
    expect(file.fileIssues).toEqual([expect.objectContaining({ code: "duplicate-column", severity: "warning", column: "id", line: 1, message: expect.stringContaining("positions 1 and 3") })])
  })

  it("reports header quote problems as file issues", async () => {
    const file = await readText('a,b"c\n1,2\n')
    expect(file.fileIssues).toEqual([expect.objectContaining({ code: "malformed-quote", row: null, line: 1 })])
  })
})

describe("Reader sources", () => {
  it("reads a file from disk in chunks, validating UTF-8 across chunk boundaries", async () => {
    const file = path.join(tmp, "big.csv")
    // 'é' lands across the 64 KiB chunk boundary at least once.
    const text = "id,name\n" + Array.from({ length: 20_000 }, (_, i) => `${i},Zoé ${"ab".repeat(i % 3)}`).join("\n") + "\n"
    fs.writeFileSync(file, text)
    const csv = await readFile(file)
    expect(csv.encoding).toBe("utf-8")
    expect(csv.fileIssues).toEqual([])
    const records = await all(csv)
    expect(records).toHaveLength(20_000)
    expect(records[19_999]).toMatchObject({ row: 20_000, line: 20_001, cells: ["19999", "Zoé ab"] })
  })

  it("falls back to windows-1252 for a file whose invalid byte is far in, with its line", async () => {
    const file = path.join(tmp, "latin.csv")
    fs.writeFileSync(file, Buffer.concat([Buffer.from("a\n" + "x\n".repeat(50_000)), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]))
    const csv = await readFile(file)
    expect(csv.encoding).toBe("windows-1252")
    expect(csv.fileIssues[0]).toMatchObject({ code: "encoding", line: 50_002 })
    expect((await all(csv)).at(-1)!.cells).toEqual(["café"])
  })

  it("fails with UnreadableFile for a missing file", async () => {
    const error = await failure(readFile(path.join(tmp, "missing.csv")))
    expect(error.reason._tag).toBe("UnreadableFile")
    expect(error.issue.code).toBe("unreadable-file")
  })

  it("closes the source when the caller stops early", async () => {
    let closed = false
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 100_000; i++) yield new TextEncoder().encode(i === 0 ? "a\n" : `${i}\n`)
      } finally {
        closed = true
      }
    }
    const file = await read(source())
    for await (const record of file.records) if (record.row === 3) break
    expect(closed).toBe(true)
  })

  it("keeps memory flat while streaming 200k rows", async () => {
    const line = (i: number) => `${i},user${i},"Dupont, Jean ${i}",+3312345${String(i).padStart(6, "0")},jean.dupont${i}@example.com,fr_FR,"a ""quoted"" note that makes the row longer than usual ${i}"\n`
    async function* source(): AsyncGenerator<Uint8Array> {
      const encoder = new TextEncoder()
      yield encoder.encode("id,name,full,phone,email,lang,note\n")
      let batch = ""
      for (let i = 0; i < 200_000; i++) {
        batch += line(i)
        if (batch.length > 60_000) {
          yield encoder.encode(batch)
          batch = ""
        }
      }
      yield encoder.encode(batch)
    }
    // Measure what is retained, not garbage not yet collected: collect before each sample.
    v8.setFlagsFromString("--expose-gc")
    const gc = vm.runInNewContext("gc") as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    let peak = before
    let rows = 0
    const file = await read(source())
    for await (const record of file.records) {
      rows++
      if (record.issues.length > 0) throw new Error(`unexpected issue on row ${record.row}`)
      if (rows % 20_000 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }
    }
    expect(rows).toBe(200_000)
    // The input is about 30 MB of text; keeping the records would take well over 100 MB of heap.
    expect(peak - before).toBeLessThan(50 * 1024 * 1024)
  })
})
