/**
 * The streaming CSV reader: bytes in, a header and positioned records out.
 *
 * It decides the encoding (byte order mark, UTF-8 validation, windows-1252 fallback), tells the
 * delimiter from the header, scans with the incremental scanner and turns what is wrong with a
 * record (ragged, bad quotes, invalid bytes, formulas) into issues of that record only. Only
 * what stops the whole file (no header, ambiguous delimiter, unknown encoding, unreadable file)
 * is a {@link CsvError}. Records are pulled chunk by chunk as the caller iterates, so memory stays
 * flat however large the file.
 */
import * as fs from "node:fs"
import { Issue } from "@pbxport/core"
import { CsvError } from "./CsvError.js"
import { checkChar } from "./Dialect.js"
import * as Encoding from "./Encoding.js"
import { isFormula } from "./Formula.js"
import { createScanner, type ScannedRecord, type Scanner } from "./Scanner.js"
import { CANDIDATES, Sniffer, choose } from "./Sniffer.js"
import { Validator, concat } from "./Utf8.js"

export { escapeFormula, isFormula } from "./Formula.js"

/**
 * How to read.
 *
 * **Details**
 * `encoding` forces an encoding (any iconv-lite name); without it the reader detects one.
 * `delimiter` forces the delimiter; without it the reader counts `candidates` (default
 * `,` `;` TAB `|`) in the header, and uses `expectedDelimiter` (default `,`) when none appears.
 * When `expectedDelimiter` is given and the header uses another candidate, a `delimiter`
 * warning says so.
 */
export interface ReadOptions {
  readonly encoding?: string
  readonly delimiter?: string
  readonly expectedDelimiter?: string
  readonly candidates?: ReadonlyArray<string>
}

/**
 * One data record: `row` is its 1-based number after the header (blank lines are not counted),
 * `line` the 1-based physical line where it starts. Cells are exactly as read: never trimmed
 * or cast, and kept even when the record has issues.
 */
export interface CsvRecord {
  readonly row: number
  readonly line: number
  readonly cells: Array<string>
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * An opened CSV file.
 *
 * **Details**
 * `records` is read lazily and once: iterate it a single time (breaking out early closes the
 * input; never iterating leaves a file open until it is collected). `fileIssues` are warnings and errors about the file as a whole or its header (row
 * null; line set when they are at a place).
 */
export interface CsvFile {
  readonly encoding: string
  readonly bom: boolean
  readonly delimiter: string
  readonly header: Array<string>
  readonly headerLine: number
  readonly fileIssues: ReadonlyArray<Issue.Issue>
  readonly records: AsyncIterable<CsvRecord>
}

const CHUNK = 64 * 1024
const HEAD = 64 * 1024
const BOM_PEEK = 4096
const QUOTE = '"'
const NO_ISSUES: ReadonlyArray<Issue.Issue> = Object.freeze([])

/** The encoding chosen for an input, with the file issues the choice raised. */
interface Choice {
  readonly encoding: string
  readonly issues: ReadonlyArray<Issue.Issue>
}

const show = (c: string): string => (c === "\t" ? "TAB" : `"${c}"`)

const fileIssue = (finding: Issue.Finding, line: number | null = null): Issue.Issue => Issue.at(finding, null, line)

const UTF8: Choice = { encoding: "utf-8", issues: [] }

// ---------------------------------------------------------------------------------------------
// Options

interface Checked {
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly expected: string | null
  readonly candidates: ReadonlyArray<string>
}

const checkDelimiter = (delimiter: string): string => {
  const problem = checkChar(delimiter, "delimiter") ?? (delimiter === QUOTE ? `the delimiter cannot be the quote '"'` : null)
  if (problem !== null) throw new CsvError({ _tag: "InvalidDelimiter", delimiter: String(delimiter) }, problem)
  return delimiter
}

const checkOptions = (options: ReadOptions): Checked => {
  const encoding = options.encoding ?? null
  if (encoding !== null && !Encoding.exists(encoding)) {
    throw new CsvError(
      { _tag: "UnknownEncoding", name: encoding },
      `unknown encoding "${encoding}"; use a name iconv-lite knows, such as utf-8, windows-1252, iso-8859-1, shift_jis or utf-16le`
    )
  }
  return {
    encoding: encoding === null ? null : Encoding.normalise(encoding),
    delimiter: options.delimiter === undefined ? null : checkDelimiter(options.delimiter),
    expected: options.expectedDelimiter === undefined ? null : checkDelimiter(options.expectedDelimiter),
    candidates: (options.candidates ?? CANDIDATES).map(checkDelimiter)
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding detection

/** The encoding a byte order mark announces, or UTF-16 guessed from zero bytes; else null. */
const fromHead = (head: Uint8Array): Choice | null => {
  const bom = Encoding.fromBom(head)
  if (bom !== null) return { encoding: bom, issues: [] }
  const guessed = Encoding.guessUtf16(head)
  if (guessed === null) return null
  return {
    encoding: guessed,
    issues: [
      fileIssue(Issue.warning("encoding", null, `no byte order mark, but every other byte is zero: read as ${guessed}; pass --encoding if that is wrong`))
    ]
  }
}

/** The verdict of a UTF-8 validation: UTF-8, or windows-1252 with a warning naming the line. */
const verdict = (validator: Validator): Choice =>
  validator.valid
    ? UTF8
    : {
        encoding: "windows-1252",
        issues: [
          fileIssue(
            Issue.warning(
              "encoding",
              null,
              `the file is not valid UTF-8 (first invalid byte on line ${validator.invalidLine}); read as windows-1252. Pass --encoding if it is another encoding`
            ),
            validator.invalidLine
          )
        ]
      }

/** Validates bytes in memory as a whole. */
const validateAll = (bytes: Uint8Array): Choice => {
  const validator = new Validator()
  validator.feed(bytes)
  validator.end()
  return verdict(validator)
}

/** Reads chunks until `size` bytes are gathered or the input ends. */
const gather = async (it: AsyncIterator<Uint8Array>, size: number): Promise<{ parts: Array<Uint8Array>; done: boolean }> => {
  const parts: Array<Uint8Array> = []
  let length = 0
  while (length < size) {
    const r = await it.next()
    if (r.done === true) return { parts, done: true }
    parts.push(r.value)
    length += r.value.length
  }
  return { parts, done: false }
}

const joined = (parts: ReadonlyArray<Uint8Array>): Uint8Array =>
  parts.length === 1 ? parts[0]! : parts.reduce<Uint8Array>((a, b) => concat(a, b), new Uint8Array(0))

// ---------------------------------------------------------------------------------------------
// Decoding and scanning

/** Text chunks: decoded, with the indices of U+FFFD that replaced invalid bytes. */
type TextChunks = AsyncIterator<Encoding.Decoded, unknown, undefined>

async function* decodeChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, encoding: string): AsyncGenerator<Encoding.Decoded> {
  const decoder = Encoding.decoder(encoding)
  for await (const chunk of chunks) {
    const decoded = decoder.decode(chunk)
    if (decoded.text.length > 0) yield decoded
  }
  const last = decoder.end()
  if (last.text.length > 0) yield last
}

/** A scanned record with the number of invalid byte sequences replaced in it. */
interface Pending {
  readonly record: ScannedRecord
  readonly invalid: number
}

/**
 * Feeds decoded text to the scanner and ties each replaced invalid sequence to its record: the
 * text is pushed up to and including the U+FFFD, so the next record completed is the one that
 * holds it.
 */
class Feeder {
  private readonly scanner: Scanner
  private invalid = 0
  constructor(scanner: Scanner) {
    this.scanner = scanner
  }

  feed(decoded: Encoding.Decoded, out: Array<Pending>): void {
    const { text, invalidAt } = decoded
    if (invalidAt.length === 0) return this.take(this.scanner.push(text), out)
    let from = 0
    for (const at of invalidAt) {
      this.take(this.scanner.push(text.slice(from, at + 1)), out)
      this.invalid++
      from = at + 1
    }
    if (from < text.length) this.take(this.scanner.push(text.slice(from)), out)
  }

  end(out: Array<Pending>): void {
    this.take(this.scanner.end(), out)
  }

  private take(records: ReadonlyArray<ScannedRecord>, out: Array<Pending>): void {
    for (const record of records) {
      out.push({ record, invalid: this.invalid })
      this.invalid = 0
    }
  }
}

const plural = (n: number, one: string, many: string = `${one}s`): string => `${n} ${n === 1 ? one : many}`

const listNames = (names: ReadonlyArray<string>): string => {
  const shown = names.slice(0, 5).map((n) => JSON.stringify(n)).join(", ")
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown
}

const columnOf = (header: ReadonlyArray<string>, cell: number): string => {
  const name = header[cell - 1]
  return name === undefined ? `cell ${cell}` : `cell ${cell} (${JSON.stringify(name)})`
}

/** The findings about a record's shape, bytes and cells, in reading order. */
const findings = (pending: Pending, header: ReadonlyArray<string>, encoding: string): Array<Issue.Finding> | null => {
  const { record, invalid } = pending
  const { cells, problems } = record
  let out: Array<Issue.Finding> | null = null
  const add = (finding: Issue.Finding) => (out ??= []).push(finding)
  for (const p of problems) add({ column: header[p.cell - 1] ?? null, code: p.code, severity: p.severity, message: p.message })
  if (invalid > 0) {
    add(Issue.error("encoding", null, `${plural(invalid, "byte sequence")} not valid ${encoding} replaced by U+FFFD; check the file's encoding`))
  }
  if (header.length > 0 && cells.length !== header.length) {
    const missing = header.slice(cells.length)
    add(
      Issue.error(
        "ragged-row",
        null,
        cells.length > header.length
          ? `row has ${cells.length} cells but the header has ${header.length}; ${cells.length === header.length + 1 ? `cell ${cells.length} has` : `cells ${header.length + 1} to ${cells.length} have`} no column (a delimiter inside a cell that is not quoted?)`
          : `row has ${cells.length} cells but the header has ${header.length}; missing ${missing.length === 1 ? "column" : "columns"} ${listNames(missing)}`
      )
    )
  }
  for (let k = 0; k < cells.length; k++) {
    if (isFormula(cells[k]!)) {
      add(Issue.warning("formula", header[k] ?? null, `${columnOf(header, k + 1)} starts like a spreadsheet formula (=, @, + or -); it is read as text, escape it before opening reports in a spreadsheet`))
    }
  }
  return out
}

/** The file issues of the header: its quote and byte problems, duplicate names, formulas. */
const headerIssues = (pending: Pending, encoding: string): Array<Issue.Issue> => {
  const header = pending.record.cells
  const line = pending.record.line
  const issues = (findings(pending, [], encoding) ?? []).map((f) => fileIssue(f, line))
  const seen = new Map<string, number>()
  header.forEach((name, k) => {
    const first = seen.get(name)
    if (first === undefined) seen.set(name, k + 1)
    else {
      issues.push(
        fileIssue(
          Issue.warning("duplicate-column", name, `the header names ${name === "" ? "an empty column" : `column ${JSON.stringify(name)}`} twice, at positions ${first} and ${k + 1}`),
          line
        )
      )
    }
  })
  return issues
}

/**
 * Reads decoded text: strips a byte order mark, tells the delimiter, reads the header, and
 * returns the file with its lazy records.
 */
const parse = async (source: TextChunks, encoding: string, detected: ReadonlyArray<Issue.Issue>, options: Checked): Promise<CsvFile> => {
  const fileIssues: Array<Issue.Issue> = [...detected]
  let bom = false
  let first = true
  const next = async (): Promise<Encoding.Decoded | null> => {
    const r = await source.next()
    if (r.done === true) return null
    let decoded = r.value as Encoding.Decoded
    if (first) {
      first = false
      if (decoded.text.charCodeAt(0) === 0xfeff) {
        bom = true
        decoded = { text: decoded.text.slice(1), invalidAt: decoded.invalidAt.map((i) => i - 1) }
        if (Encoding.isUtf8Name(encoding)) fileIssues.push(fileIssue(Issue.warning("encoding", null, "UTF-8 byte order mark found and removed")))
      }
    }
    return decoded
  }

  try {
    const buffered: Array<Encoding.Decoded> = []
    let delimiter = options.delimiter
    if (delimiter === null) {
      const sniffer = new Sniffer(options.candidates, QUOTE)
      while (!sniffer.done) {
        const decoded = await next()
        if (decoded === null) break
        buffered.push(decoded)
        sniffer.feed(decoded.text)
      }
      const counts = sniffer.counts()
      const expected = options.expected ?? ","
      delimiter = choose(counts, expected, sniffer.line)
      if (options.expected !== null && delimiter !== options.expected) {
        fileIssues.push(
          fileIssue(
            Issue.warning("delimiter", null, `the header is separated by ${show(delimiter)}, not the expected ${show(options.expected)}; read with ${show(delimiter)}`),
            sniffer.line
          )
        )
      }
    }

    const queue: Array<Pending> = []
    let at = 0
    let ended = false
    const feeder = new Feeder(createScanner({ delimiter, quote: QUOTE }))
    for (const decoded of buffered) feeder.feed(decoded, queue)
    buffered.length = 0
    /** Scans the next chunk into the queue; false once the input is used up. */
    const pull = async (): Promise<boolean> => {
      if (ended) return false
      const decoded = await next()
      if (decoded === null) {
        feeder.end(queue)
        ended = true
      } else feeder.feed(decoded, queue)
      return true
    }

    let more = true
    while (queue.length === 0 && more) more = await pull()
    const head = queue[at++]
    if (head === undefined) {
      throw new CsvError(
        { _tag: "EmptyFile" },
        "the file has no header row: it is empty or holds only blank lines; expected a first line naming the columns, separated by a delimiter (, ; TAB or |)"
      )
    }
    const header = head.record.cells
    fileIssues.push(...headerIssues(head, encoding))

    let row = 0
    async function* records(): AsyncGenerator<CsvRecord> {
      try {
        for (;;) {
          while (at < queue.length) {
            const pending = queue[at++]!
            const { record } = pending
            row++
            const found = findings(pending, header, encoding)
            yield {
              row,
              line: record.line,
              cells: record.cells,
              issues: found === null ? NO_ISSUES : found.map((f) => Issue.at(f, row, record.line))
            }
          }
          queue.length = 0
          at = 0
          if (!(await pull())) return
        }
      } finally {
        await source.return?.(undefined)
      }
    }

    return {
      encoding,
      bom,
      delimiter,
      header,
      headerLine: head.record.line,
      fileIssues,
      records: records()
    }
  } catch (error) {
    await source.return?.(undefined)
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Sources

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK)
}

const unreadable = (path: string, error: unknown): CsvError =>
  new CsvError(
    { _tag: "UnreadableFile", path },
    `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}; check that the file exists and is readable`,
    { cause: error }
  )

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = fs.createReadStream(path, { highWaterMark: CHUNK })
  try {
    for await (const chunk of stream) yield chunk as Uint8Array
  } catch (error) {
    throw unreadable(path, error)
  } finally {
    stream.destroy()
  }
}

/** Chooses the encoding of a file by reading it once: byte order mark, then full UTF-8 validation. */
const detectFile = async (path: string): Promise<Choice> => {
  const it = fileChunks(path)
  try {
    const { parts, done } = await gather(it, BOM_PEEK)
    const choice = fromHead(joined(parts))
    if (choice !== null) return choice
    const validator = new Validator()
    let valid = parts.every((p) => validator.feed(p))
    if (valid && !done) {
      for (let r = await it.next(); r.done !== true && valid; r = await it.next()) valid = validator.feed(r.value)
    }
    if (valid) validator.end()
    return verdict(validator)
  } finally {
    await it.return(undefined)
  }
}

/**
 * Reads CSV from bytes in memory or a byte stream.
 *
 * **Details**
 * Without `options.encoding`: a byte order mark decides (UTF-8 BOM stripped, with a warning;
 * UTF-16 LE/BE); otherwise UTF-8 when valid, else windows-1252 with a warning naming the line
 * of the first invalid byte. Bytes in memory are validated whole; a stream is judged on its
 * first 64 KiB, and invalid bytes met later become U+FFFD with an `encoding` error on their record.
 *
 * @throws CsvError when the file has no header, the delimiter is ambiguous, the encoding or a
 * delimiter option is invalid.
 */
export const read = async (source: Uint8Array | AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<CsvFile> => {
  const checked = checkOptions(options)
  if (source instanceof Uint8Array) {
    const choice = checked.encoding !== null ? { encoding: checked.encoding, issues: [] } : (fromHead(source.subarray(0, BOM_PEEK)) ?? validateAll(source))
    return parse(decodeChunks(slices(source), choice.encoding), choice.encoding, choice.issues, checked)
  }
  if (checked.encoding !== null) return parse(decodeChunks(source, checked.encoding), checked.encoding, [], checked)
  const it = source[Symbol.asyncIterator]()
  const { parts, done } = await gather(it, HEAD)
  const head = joined(parts)
  let choice = fromHead(head)
  if (choice === null) {
    const validator = new Validator()
    validator.feed(head)
    if (done) validator.end()
    choice = verdict(validator)
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    let finished = done
    try {
      yield head
      while (!finished) {
        const r = await it.next()
        if (r.done === true) finished = true
        else yield r.value
      }
    } finally {
      if (!finished) await it.return?.(undefined)
    }
  }
  return parse(decodeChunks(replay(), choice.encoding), choice.encoding, choice.issues, checked)
}

/**
 * Reads a CSV file from disk, streaming it in 64 KiB chunks. Without `options.encoding` the file
 * is read twice: a fast UTF-8 validation pass, then the real one.
 *
 * @throws CsvError as {@link read} does, and `UnreadableFile` when the file cannot be read.
 */
export const readFile = async (path: string, options: ReadOptions = {}): Promise<CsvFile> => {
  const checked = checkOptions(options)
  const choice = checked.encoding !== null ? { encoding: checked.encoding, issues: [] } : await detectFile(path)
  return parse(decodeChunks(fileChunks(path), choice.encoding), choice.encoding, choice.issues, checked)
}

/**
 * Reads CSV from text already decoded (tests, in-memory use). The encoding is reported as
 * `utf-8` and `options.encoding` is ignored; a leading U+FEFF is stripped as a byte order mark.
 */
export const readText = async (text: string, options: ReadOptions = {}): Promise<CsvFile> => {
  const checked = checkOptions({ ...options, encoding: undefined })
  async function* chunks(): AsyncGenerator<Encoding.Decoded> {
    for (let i = 0; i < text.length; i += CHUNK) yield { text: text.slice(i, i + CHUNK), invalidAt: [] }
  }
  return parse(chunks(), "utf-8", [], checked)
}
