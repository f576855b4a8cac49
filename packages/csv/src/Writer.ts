/**
 * The CSV writer: records to text, text to bytes, and files written atomically.
 *
 * Output must be deterministic (the same rows give the same bytes, so runs can be diffed and
 * cached) and readable by this package's reader and by spreadsheets. Minimal quoting follows
 * Python's `csv` excel dialect exactly. Files are written to a temporary file in the same
 * directory and renamed, so a failed run never leaves a file that looks complete.
 */
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Dialect } from "./Dialect.js"
import * as Encoding from "./Encoding.js"

type Format = (cells: ReadonlyArray<string>) => string

const formats = new WeakMap<Dialect, Format>()

const escapeRegExp = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")

const makeFormat = (dialect: Dialect): Format => {
  const { delimiter, quote } = dialect
  const doubled = quote + quote
  const all = dialect.quoting === "all"
  const special = new RegExp(`[${escapeRegExp(delimiter)}${escapeRegExp(quote)}\\r\\n]`)
  const cell = (value: string): string =>
    all || special.test(value) ? quote + (value.includes(quote) ? value.replaceAll(quote, doubled) : value) + quote : value
  return (cells) => {
    // A record of one empty cell would be an empty line, which readers skip; Python quotes it too.
    if (cells.length === 1 && cells[0] === "") return doubled
    let out = ""
    for (let k = 0; k < cells.length; k++) {
      if (k > 0) out += delimiter
      out += cell(cells[k]!)
    }
    return out
  }
}

/**
 * Formats one record, without the newline.
 *
 * **Details**
 * `minimal` quoting quotes a cell only when it holds the delimiter, the quote, CR or LF, and
 * doubles the quotes inside; `all` quotes every cell. A record of a single empty cell is
 * written `""` so it is not read back as a blank line. Cells are written as given: never
 * trimmed, escaped for spreadsheets or converted.
 */
export const formatRecord = (cells: ReadonlyArray<string>, dialect: Dialect): string => {
  let format = formats.get(dialect)
  if (format === undefined) {
    format = makeFormat(dialect)
    formats.set(dialect, format)
  }
  return format(cells)
}

/**
 * Encodes text in the dialect's encoding, without a byte order mark (see {@link bomBytes}).
 * Characters the encoding cannot represent become `?`.
 */
export const encodeText = (text: string, dialect: Dialect): Uint8Array => Encoding.encode(text, dialect.encoding)

/**
 * The byte order mark of the dialect's encoding when `dialect.bom` is set, else no bytes.
 */
export const bomBytes = (dialect: Dialect): Uint8Array => (dialect.bom ? encodeText("\uFEFF", dialect) : new Uint8Array(0))

/**
 * Turns records into bytes one at a time: the first call (normally `header`) starts with the byte
 * order mark when the dialect has one; every record ends with the dialect's newline.
 */
export interface RecordWriter {
  header(cells: ReadonlyArray<string>): Uint8Array
  record(cells: ReadonlyArray<string>): Uint8Array
}

/**
 * Makes a {@link RecordWriter} for one output.
 */
export const createWriter = (dialect: Dialect): RecordWriter => {
  let started = false
  const bytes = (cells: ReadonlyArray<string>): Uint8Array => {
    let text = formatRecord(cells, dialect) + dialect.newline
    if (!started) {
      started = true
      if (dialect.bom) text = `\uFEFF${text}`
    }
    return encodeText(text, dialect)
  }
  return { header: bytes, record: bytes }
}

/**
 * What {@link writeFile} wrote.
 */
export interface Written {
  readonly records: number
  readonly bytes: number
}

const BATCH = 64 * 1024

/**
 * Writes a CSV file: the header, then each row, streamed in batches of about 64 KiB. The bytes go
 * to a temporary file in the same directory, which is synced and renamed over `file` only once
 * everything is written; on failure it is removed and the error rethrown.
 */
export const writeFile = async (
  file: string,
  header: ReadonlyArray<string>,
  rows: Iterable<ReadonlyArray<string>> | AsyncIterable<ReadonlyArray<string>>,
  dialect: Dialect
): Promise<Written> => {
  const target = path.resolve(file)
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`)
  const handle = await fs.promises.open(temp, "wx")
  let done = false
  let bytes = 0
  let records = 0
  try {
    const write = async (text: string): Promise<void> => {
      const chunk = encodeText(text, dialect)
      for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten
      bytes += chunk.length
    }
    let text = (dialect.bom ? "\uFEFF" : "") + formatRecord(header, dialect) + dialect.newline
    for await (const row of rows) {
      text += formatRecord(row, dialect) + dialect.newline
      records++
      if (text.length >= BATCH) {
        await write(text)
        text = ""
      }
    }
    await write(text)
    await handle.sync()
    await handle.close()
    await fs.promises.rename(temp, target)
    done = true
    return { records, bytes }
  } finally {
    if (!done) {
      await handle.close().catch(() => undefined)
      await fs.promises.rm(temp, { force: true })
    }
  }
}
