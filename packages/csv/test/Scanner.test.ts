import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createScanner, type ScannedRecord } from "../src/Scanner.js"

const scan = (text: string, options: { delimiter?: string; recoveryLimit?: number } = {}): Array<ScannedRecord> => {
  const scanner = createScanner({ delimiter: options.delimiter ?? ",", quote: '"', ...(options.recoveryLimit === undefined ? {} : { recoveryLimit: options.recoveryLimit }) })
  return [...scanner.push(text), ...scanner.end()]
}

const scanChunked = (text: string, sizes: ReadonlyArray<number>): Array<ScannedRecord> => {
  const scanner = createScanner({ delimiter: ",", quote: '"' })
  const out: Array<ScannedRecord> = []
  let i = 0
  let k = 0
  while (i < text.length) {
    const size = sizes.length === 0 ? 1 : sizes[k++ % sizes.length]!
    out.push(...scanner.push(text.slice(i, i + size)))
    i += size
  }
  out.push(...scanner.end())
  return out
}

const cells = (records: ReadonlyArray<ScannedRecord>) => records.map((r) => r.cells)
const lines = (records: ReadonlyArray<ScannedRecord>) => records.map((r) => [r.line, r.endLine])

describe("Scanner", () => {
  it("reads RFC 4180 fields: quoted delimiters, doubled quotes, line breaks in quotes", () => {
    const records = scan('a,"b,c","say ""hi""","x\r\ny"\n')
    expect(cells(records)).toEqual([["a", "b,c", 'say "hi"', "x\r\ny"]])
    expect(records[0]!.problems).toEqual([])
  })

  it("ends records at LF, CRLF and a lone CR", () => {
    expect(cells(scan("a\nb\r\nc\rd"))).toEqual([["a"], ["b"], ["c"], ["d"]])
    expect(lines(scan("a\nb\r\nc\rd"))).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
  })

  it("counts physical lines inside quoted cells", () => {
    const records = scan('h\n"one\ntwo\r\nthree\rfour"\nnext\n')
    expect(cells(records)).toEqual([["h"], ["one\ntwo\r\nthree\rfour"], ["next"]])
    expect(lines(records)).toEqual([[1, 1], [2, 5], [6, 6]])
  })

  it("skips empty lines but keeps lines of empty cells", () => {
    const records = scan("a,b\n\n\r\n,,\n\rc,d")
    expect(cells(records)).toEqual([["a", "b"], ["", "", ""], ["c", "d"]])
    expect(records.map((r) => r.line)).toEqual([1, 4, 6])
  })

  it("reads a last line without a line break, and no extra record after a final one", () => {
    expect(cells(scan("a,b\nc,d"))).toEqual([["a", "b"], ["c", "d"]])
    expect(cells(scan("a,b\nc,d\n"))).toEqual([["a", "b"], ["c", "d"]])
    expect(cells(scan("a,b\r\nc,d\r\n"))).toEqual([["a", "b"], ["c", "d"]])
    expect(cells(scan("a,\n"))).toEqual([["a", ""]])
    expect(cells(scan("a,"))).toEqual([["a", ""]])
    expect(cells(scan('""'))).toEqual([[""]])
    expect(scan("")).toEqual([])
    expect(scan("\n\r\n\r")).toEqual([])
  })

  it("counts a CRLF split across pushes as one line break", () => {
    const scanner = createScanner({ delimiter: ",", quote: '"' })
    const records = [...scanner.push("a\r"), ...scanner.push("\nb\r"), ...scanner.push("\n"), ...scanner.push("c"), ...scanner.end()]
    expect(cells(records)).toEqual([["a"], ["b"], ["c"]])
    expect(records.map((r) => r.line)).toEqual([1, 2, 3])
  })

  it("keeps a stray quote in an unquoted cell and reports its cell", () => {
    const [record] = scan('x,ab"c,d\n')
    expect(record!.cells).toEqual(["x", 'ab"c', "d"])
    expect(record!.problems).toHaveLength(1)
    expect(record!.problems[0]).toMatchObject({ code: "malformed-quote", severity: "error", cell: 2 })
    expect(record!.problems[0]!.message).toContain("cell 2")
    expect(record!.problems[0]!.message).toContain("quote the whole cell and double the inner quote")
  })

  it("reports a cell once however many stray quotes it has", () => {
    const [record] = scan('a"b"c,"d\n')
    expect(record!.cells).toEqual(['a"b"c', '"d'])
    expect(record!.problems.map((p) => p.cell)).toEqual([1, 2])
  })

  it("keeps the closing quote when text follows it", () => {
    const records = scan('"ab"c,d\n"12" screen",e\n')
    expect(cells(records)).toEqual([['ab"c', "d"], ['12" screen"', "e"]])
    expect(records[0]!.problems[0]).toMatchObject({ code: "malformed-quote", cell: 1 })
    expect(records[0]!.problems[0]!.message).toContain("text after the closing quote")
  })

  it("recovers from an unclosed quote: the quote is literal and the following lines are records again", () => {
    // The `""` on line 4 is an escaped quote while the cell is open, two literal quotes after recovery.
    const records = scan('a,b\n1,"x\n2,y\r\n3,z""\n')
    expect(cells(records)).toEqual([["a", "b"], ["1", '"x'], ["2", "y"], ["3", 'z""']])
    expect(lines(records)).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    expect(records[1]!.problems).toHaveLength(1)
    expect(records[1]!.problems[0]).toMatchObject({ code: "malformed-quote", cell: 2 })
    expect(records[1]!.problems[0]!.message).toContain("opened on line 2 is never closed")
    // The recovered record that holds an unquoted quote of its own is flagged too.
    expect(records[3]!.problems[0]).toMatchObject({ code: "malformed-quote", cell: 2 })
    expect(records[2]!.problems).toEqual([])
  })

  it("recovers from nested unclosed quotes", () => {
    const records = scan('"a\n"b\n"c')
    // "a\n" is closed by the quote on line 2, then text follows it.
    expect(cells(records)).toEqual([['a\n"b'], ['"c']])
    expect(records.every((r) => r.problems.length === 1)).toBe(true)
  })

  it("bounds the recovery buffer: past the limit the unclosed cell is cut and read as one record", () => {
    const tail = "x\n".repeat(50)
    const records = scan(`h\n"${tail}`, { recoveryLimit: 20 })
    expect(records).toHaveLength(2)
    expect(records[1]!.cells).toEqual([tail.slice(0, 20)])
    expect(records[1]!.line).toBe(2)
    expect(records[1]!.endLine).toBe(52)
    expect(records[1]!.problems[0]!.message).toContain("never closed")
  })

  it("cuts a quoted cell longer than the limit even when it closes", () => {
    const records = scan(`"${"y".repeat(30)}",b\nc,d\n`, { recoveryLimit: 20 })
    expect(cells(records)).toEqual([["y".repeat(20), "b"], ["c", "d"]])
    expect(records[0]!.problems[0]!.message).toContain("was cut")
  })

  it("uses any one-character delimiter and rejects bad ones", () => {
    expect(cells(scan('a;"b;c";x|y\tz', { delimiter: ";" }))).toEqual([["a", "b;c", "x|y\tz"]])
    expect(cells(scan("a\tb\t\n", { delimiter: "\t" }))).toEqual([["a", "b", ""]])
    expect(() => createScanner({ delimiter: ",,", quote: '"' })).toThrow()
    expect(() => createScanner({ delimiter: '"', quote: '"' })).toThrow()
  })

  it("refuses pushes after end", () => {
    const scanner = createScanner({ delimiter: ",", quote: '"' })
    scanner.end()
    expect(() => scanner.push("a")).toThrow()
  })

  const cell = fc.oneof(
    fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\r", "\n", " ", "é", "😀"), maxLength: 6 }),
    fc.string({ maxLength: 4 })
  )
  const quoteCell = (c: string) => (/[,"\r\n]/.test(c) || c === "" ? `"${c.replaceAll('"', '""')}"` : c)
  const csvText = fc
    .tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.boolean()
    )
    .map(([rows, newline, final]) => ({ rows, text: rows.map((r) => r.map(quoteCell).join(",")).join(newline) + (final ? newline : "") }))

  it("gives the same records fed whole, in random chunks and one character at a time (well-formed CSV)", () => {
    fc.assert(
      fc.property(csvText, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), ({ rows, text }, sizes) => {
        const whole = scan(text)
        expect(cells(whole)).toEqual(rows)
        expect(scanChunked(text, sizes)).toEqual(whole)
        expect(scanChunked(text, [])).toEqual(whole)
      }),
      { numRuns: 300 }
    )
  })

  it("gives the same records whatever the chunking, for malformed text too", () => {
    const messy = fc.string({ unit: fc.constantFrom("a", ",", '"', "\r", "\n", "é"), maxLength: 40 })
    fc.assert(
      fc.property(messy, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (text, sizes) => {
        const whole = scan(text)
        expect(scanChunked(text, sizes)).toEqual(whole)
        expect(scanChunked(text, [])).toEqual(whole)
        // Lines never go backwards and every record ends where the next one cannot have started yet.
        for (let k = 1; k < whole.length; k++) expect(whole[k]!.line).toBeGreaterThan(whole[k - 1]!.endLine)
      }),
      { numRuns: 500 }
    )
  })
})
