/**
 * Tells which dialect a file is written in, from its start: the best candidates, each with a
 * score and the reasons for it.
 *
 * People rarely know that the file a colleague sent is a "Wazo export" rather than a "Wazo
 * import"; the columns say it. Each readable dialect is asked the same questions its own reader
 * would answer on a real run (which header cells it does not know, which required columns are
 * missing, how many of the first rows decode without an error), so detection can never disagree
 * with `validate` about what a column means. Only the first 64 KiB are read.
 */
import * as fs from "node:fs"
import type { Adapter, Issue } from "@pbxport/core"
import { Reader } from "@pbxport/csv"
import { PbxportError } from "./PbxportError.js"
import * as Registry from "./Registry.js"
import * as Source from "./Source.js"

/** How much of the input detection reads. */
export const HEAD_BYTES = 64 * 1024

/** How many data rows each candidate decodes. */
export const SAMPLE_ROWS = 20

/**
 * One candidate dialect.
 *
 * **Details**
 * `score` is between 0 and 1: half of it is the share of header cells the dialect knows, then
 * the share of its required columns present, the share of sampled rows without an error, and
 * the share of the dialect's columns the header has (which tells a full export from an import
 * that shares its names).
 */
export interface Candidate {
  readonly dialect: string
  readonly title: string
  readonly score: number
  /** Sentences saying where the score comes from. */
  readonly why: ReadonlyArray<string>
  /** Header cells the dialect does not know (CSV dialects). */
  readonly unknownColumns: ReadonlyArray<string>
  /** Required columns the header lacks (CSV dialects). */
  readonly missingColumns: ReadonlyArray<string>
}

/**
 * What detection found.
 */
export interface Detection {
  readonly file: string
  readonly format: "csv" | "json"
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly header: ReadonlyArray<string> | null
  /** Rows sampled (at most {@link SAMPLE_ROWS}). */
  readonly sampled: number
  /** Every readable dialect of the format, best first. */
  readonly candidates: ReadonlyArray<Candidate>
}

const head = async (input: Source.Input): Promise<{ bytes: Uint8Array; complete: boolean }> => {
  if ("path" in input) {
    let handle: fs.promises.FileHandle
    try {
      handle = await fs.promises.open(input.path, "r")
      const stat = await handle.stat()
      if (stat.isDirectory()) throw Object.assign(new Error("it is a directory"), { code: "EISDIR" })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      throw new PbxportError({ _tag: "UnreadableFile", path: input.path, cause: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message })
    }
    try {
      const buffer = new Uint8Array(HEAD_BYTES + 1)
      let got = 0
      for (;;) {
        const { bytesRead } = await handle.read(buffer, got, buffer.length - got, null)
        if (bytesRead === 0) break
        got += bytesRead
        if (got === buffer.length) break
      }
      return { bytes: buffer.subarray(0, Math.min(got, HEAD_BYTES)), complete: got <= HEAD_BYTES }
    } catch (e) {
      throw new PbxportError({ _tag: "UnreadableFile", path: input.path, cause: (e as Error).message })
    } finally {
      await handle.close()
    }
  }
  if ("bytes" in input) return { bytes: input.bytes.subarray(0, HEAD_BYTES), complete: input.bytes.length <= HEAD_BYTES }
  if ("text" in input) {
    const bytes = new TextEncoder().encode(input.text)
    return { bytes: bytes.subarray(0, HEAD_BYTES), complete: bytes.length <= HEAD_BYTES }
  }
  if ("stream" in input) {
    const parts: Array<Uint8Array> = []
    let size = 0
    for await (const chunk of input.stream) {
      parts.push(chunk)
      size += chunk.length
      if (size > HEAD_BYTES) break
    }
    const all = new Uint8Array(size)
    let at = 0
    for (const p of parts) {
      all.set(p, at)
      at += p.length
    }
    return { bytes: all.subarray(0, HEAD_BYTES), complete: size <= HEAD_BYTES }
  }
  throw new PbxportError({ _tag: "Usage", detail: "detection reads a file, bytes, text or a stream, not in-memory rows" })
}

/** Cuts a partial head after its last line feed, so no record is read half. */
const wholeLines = (bytes: Uint8Array, utf16: boolean): Uint8Array => {
  const nl = bytes.lastIndexOf(0x0a)
  if (nl < 0) return bytes
  return bytes.subarray(0, utf16 ? nl + 2 : nl + 1)
}

const firstChar = (bytes: Uint8Array): string => {
  const text = new TextDecoder("utf-8").decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, "")
  return text.trimStart().charAt(0)
}

const round = (n: number): number => Math.round(n * 100) / 100

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** Compares header names the way people vary them: case, spaces, `_` and `-` aside. */
const loose = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, "")

const PROBE = "pbxport-detect-probe-column"
const flagsUnknown = new WeakMap<Adapter.Adapter, boolean>()

/** Tells whether a dialect's reader names the header cells it does not know. */
const flagsUnknownColumns = (adapter: Adapter.Adapter): boolean => {
  let flags = flagsUnknown.get(adapter)
  if (flags === undefined) {
    const header = [...adapter.columns.filter((c) => c.required).map((c) => c.header), PROBE]
    flags = adapter.reader(header, {}).findings.some((f) => f.column === PROBE)
    flagsUnknown.set(adapter, flags)
  }
  return flags
}

const csvCandidate = (adapter: Adapter.Adapter, header: ReadonlyArray<string>, records: ReadonlyArray<Source.PositionedRecord>): Candidate => {
  const reader = adapter.reader(header, {})
  const unknown = new Set(reader.findings.filter((f) => f.code === "unknown-column" && f.column !== null).map((f) => f.column!))
  if (!flagsUnknownColumns(adapter)) {
    // a dialect that keeps any column without a word (CommPeak's result files) would claim every
    // header: count as known only the cells naming one of its columns
    const names = new Set(adapter.columns.flatMap((c) => [c.header, ...(c.aliases ?? [])]).map(loose))
    for (const h of header) if (!names.has(loose(h))) unknown.add(h)
  }
  const missing = reader.findings.filter((f) => f.code === "missing-column").map((f) => f.column ?? f.message)
  const headerErrors = reader.findings.filter((f) => f.severity === "error")
  const cells = header.filter((h) => h.trim() !== "")
  const known = cells.filter((h) => !unknown.has(h))
  const required = adapter.columns.filter((c) => c.required).length
  const known01 = cells.length === 0 ? 0 : known.length / cells.length
  const required01 = required === 0 ? (headerErrors.length === 0 ? 1 : 0) : Math.max(0, required - missing.length) / required
  let decoded = 0
  if (headerErrors.length === 0) {
    for (const record of records) {
      const d = reader.decode(record)
      if (d.skip === true) continue
      if (!d.findings.some((f) => f.severity === "error")) decoded++
    }
  }
  const data = records.length
  const rows01 = data === 0 ? (headerErrors.length === 0 ? 1 : 0) : decoded / data
  const coverage01 = adapter.columns.length === 0 ? 0 : Math.min(1, known.length / adapter.columns.length)
  const score = round(0.5 * known01 + 0.2 * required01 + 0.15 * rows01 + 0.15 * coverage01)
  const why = [
    `${known.length} of ${plural(cells.length, "header cell")} ${known.length === 1 ? "is a" : "are"} ${adapter.id} column${known.length === 1 ? "" : "s"}${unknown.size > 0 ? ` (not: ${[...unknown].slice(0, 5).join(", ")}${unknown.size > 5 ? ", ..." : ""})` : ""}`,
    missing.length === 0 ? "every required column is present" : `missing required: ${missing.join(", ")}`,
    headerErrors.length > 0 && missing.length === 0 ? `the header is not valid for it: ${headerErrors[0]!.message}` : data === 0 ? "no data row to try" : `${decoded} of the first ${plural(data, "row")} decode without an error`,
    `the header has ${known.length} of its ${adapter.columns.length} columns`
  ]
  return { dialect: adapter.id, title: adapter.title, score, why, unknownColumns: [...unknown], missingColumns: missing }
}

const jsonCandidate = (adapter: Adapter.Adapter, values: ReadonlyArray<unknown>): Candidate => {
  const reader = adapter.reader(null, {})
  let decoded = 0
  let clean = 0
  const problems: Array<string> = []
  values.forEach((value, i) => {
    const d = reader.decode({ row: i + 1, line: i + 1, value })
    const errors = d.findings.filter((f) => f.severity === "error")
    const keys = value !== null && typeof value === "object" ? Object.keys(value).length : 0
    // a user of the right dialect has a few bad values at most; another dialect's user has most
    // of its keys refused
    clean += keys === 0 ? 0 : Math.max(0, 1 - errors.length / keys)
    if (errors.length === 0) decoded++
    else if (problems.length < 2) problems.push(`row ${i + 1}: ${errors[0]!.column ? `${errors[0]!.column}: ` : ""}${errors[0]!.message}`)
  })
  const score = values.length === 0 ? 0 : round(0.5 * (decoded / values.length) + 0.5 * (clean / values.length))
  const why = [values.length === 0 ? "no user to try" : `${decoded} of the first ${plural(values.length, "user")} decode without an error`, ...problems]
  return { dialect: adapter.id, title: adapter.title, score, why, unknownColumns: [], missingColumns: [] }
}

const jsonValues = (text: string): Array<unknown> => {
  const trimmed = text.replace(/^\uFEFF/, "").trim()
  try {
    const parsed: unknown = JSON.parse(trimmed)
    return (Array.isArray(parsed) ? parsed : [parsed]).slice(0, SAMPLE_ROWS)
  } catch {
    // JSON Lines, or a document cut by the head limit: the lines that parse
    const out: Array<unknown> = []
    for (const line of trimmed.split(/\r?\n/)) {
      if (out.length >= SAMPLE_ROWS) break
      try {
        out.push(JSON.parse(line))
      } catch {
        // a partial line or an array's bracket
      }
    }
    return out
  }
}

const byScore = (a: Candidate, b: Candidate): number => b.score - a.score

/**
 * Detects the dialect of an input from its start.
 *
 * **Details**
 * A file starting with `[` or `{` is scored against the JSON dialects (JSON Lines included);
 * anything else is read as CSV (encoding and delimiter detected as `validate` does, or as given)
 * and scored against every readable CSV dialect. Candidates are sorted best first; equal scores
 * keep the order of `pbxport dialects`.
 *
 * @throws PbxportError when the input cannot be read, or its CSV header cannot (an empty file, an
 * ambiguous delimiter), with the same message `validate` gives.
 *
 * @example
 * const found = await pbxport.detect({ path: "users.csv" })
 * console.log(found.candidates[0]?.dialect)
 */
export const detect = async (input: Source.Input, options: Source.ReadOptions = {}): Promise<Detection> => {
  const file = Source.nameOf(input)
  const { bytes, complete } = await head(input)
  const readable = Registry.all.filter((a) => a.capabilities.read)
  const start = firstChar(bytes)
  if (start === "[" || start === "{") {
    const values = jsonValues(new TextDecoder("utf-8").decode(complete ? bytes : wholeLines(bytes, false)))
    const candidates = readable.filter((a) => a.format === "json" || a.format === "jsonl").map((a) => jsonCandidate(a, values)).sort(byScore)
    return { file, format: "json", encoding: "utf-8", delimiter: null, header: null, sampled: values.length, candidates }
  }
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe
  const sample = complete ? bytes : wholeLines(bytes, utf16)
  let csv: Reader.CsvFile
  try {
    csv = await Reader.read(sample, { ...(options.encoding ? { encoding: options.encoding } : {}), ...(options.delimiter ? { delimiter: options.delimiter } : {}) })
  } catch (e) {
    const issue = (e as { issue?: Issue.Issue }).issue
    if (issue !== undefined) throw new PbxportError({ _tag: "BadInput", issue: { ...issue, row: null, line: null } })
    throw e
  }
  const records: Array<Source.PositionedRecord> = []
  for await (const record of csv.records) {
    if (records.length >= SAMPLE_ROWS) break
    if (record.issues.some((i) => i.severity === "error")) continue
    records.push(record)
  }
  const candidates = readable.filter((a) => a.format === "csv").map((a) => csvCandidate(a, csv.header, records)).sort(byScore)
  return { file, format: "csv", encoding: csv.encoding, delimiter: csv.delimiter, header: csv.header, sampled: records.length, candidates }
}
