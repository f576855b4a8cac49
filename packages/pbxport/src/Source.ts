/**
 * Opens an input for a dialect: a file, bytes, text, a byte stream, or in-memory rows.
 *
 * Whatever the input, the result is the same: the file-level facts (encoding, delimiter,
 * header, file issues) and the records with their row and line. CSV goes through the CSV
 * engine; JSON Lines and JSON documents are read here.
 */
import * as fs from "node:fs"
import type { Adapter, Issue } from "@pbxport/core"
import { Reader } from "@pbxport/csv"
import { PbxportError } from "./PbxportError.js"

/**
 * Where users come from.
 *
 * **Details**
 * `rows` takes plain objects: for a CSV dialect, objects keyed by header with string cells (as
 * the BroadWorks SDK's "create from data" takes them); for a JSON dialect, the JSON values.
 */
export type Input =
  | { readonly path: string }
  | { readonly text: string; readonly name?: string }
  | { readonly bytes: Uint8Array; readonly name?: string }
  | { readonly stream: AsyncIterable<Uint8Array>; readonly name?: string }
  | { readonly rows: Iterable<unknown>; readonly name?: string }

/**
 * How to read an input.
 */
export interface ReadOptions {
  readonly encoding?: string
  readonly delimiter?: string
}

/**
 * One record with the issues the reader found in it (ragged row, bad quote, formula, ...).
 */
export interface PositionedRecord extends Adapter.SourceRecord {
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * An opened input.
 */
export interface Opened {
  readonly name: string
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly header: ReadonlyArray<string> | null
  readonly fileIssues: ReadonlyArray<Issue.Issue>
  readonly records: AsyncIterable<PositionedRecord>
}

/**
 * A name for an input in reports.
 */
export const nameOf = (input: Input): string =>
  "path" in input ? input.path : (input.name ?? ("rows" in input ? "<rows>" : "<input>"))

const bad = (issue: Issue.Issue) => new PbxportError({ _tag: "BadInput", issue })

const csvError = (error: unknown): never => {
  if (error instanceof PbxportError) throw error
  const issue = (error as { issue?: Issue.Issue }).issue
  if (issue !== undefined) throw bad({ ...issue, row: null, line: null })
  throw error
}

const fileIssue = (code: Issue.IssueCode, message: string, line: number | null = null): Issue.Issue => ({
  row: null,
  line,
  column: null,
  code,
  severity: "error",
  message
})

const checkReadable = async (path: string): Promise<void> => {
  try {
    const stat = await fs.promises.stat(path)
    if (stat.isDirectory()) throw new Error("it is a directory")
    await fs.promises.access(path, fs.constants.R_OK)
  } catch (e) {
    throw new PbxportError({ _tag: "UnreadableFile", path, cause: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message })
  }
}

async function* bytesOf(input: Input): AsyncIterable<Uint8Array> {
  if ("path" in input) yield* fs.createReadStream(input.path, { highWaterMark: 64 * 1024 })
  else if ("bytes" in input) yield input.bytes
  else if ("text" in input) yield new TextEncoder().encode(input.text)
  else if ("stream" in input) yield* input.stream
}

async function* linesOf(input: Input): AsyncIterable<{ readonly line: number; readonly text: string }> {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false })
  let pending = ""
  let line = 0
  for await (const chunk of bytesOf(input)) {
    pending += decoder.decode(chunk, { stream: true })
    let nl = pending.indexOf("\n")
    while (nl >= 0) {
      line++
      yield { line, text: pending.slice(0, nl).replace(/\r$/, "") }
      pending = pending.slice(nl + 1)
      nl = pending.indexOf("\n")
    }
  }
  pending += decoder.decode()
  if (pending !== "") yield { line: line + 1, text: pending.replace(/\r$/, "") }
}

const csvRecordsFromRows = (rows: Iterable<unknown>): { header: Array<string>; records: Array<PositionedRecord> } => {
  const list = [...rows]
  const header: Array<string> = []
  const seen = new Set<string>()
  for (const r of list) {
    for (const key of Object.keys((r ?? {}) as object)) if (!seen.has(key)) { seen.add(key); header.push(key) }
  }
  const records = list.map((r, i): PositionedRecord => {
    const obj = (r ?? {}) as Record<string, unknown>
    return {
      row: i + 1,
      line: i + 2,
      cells: header.map((h) => (obj[h] === undefined || obj[h] === null ? "" : String(obj[h]))),
      issues: []
    }
  })
  return { header, records }
}

/**
 * Tells where each top-level element of a JSON array starts (1-based lines), for positions.
 */
const elementLines = (text: string): Array<number> => {
  const lines: Array<number> = []
  let depth = 0
  let line = 1
  let inString = false
  let expecting = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === "\n") line++
    if (inString) {
      if (ch === "\\") i++
      else if (ch === "\"") inString = false
      continue
    }
    if (depth === 1 && expecting && !/[\s,\]]/.test(ch)) {
      lines.push(line)
      expecting = false
    }
    if (ch === "\"") inString = true
    else if (ch === "[" || ch === "{") {
      depth++
      if (depth === 1) expecting = true
    } else if (ch === "]" || ch === "}") depth--
    else if (ch === "," && depth === 1) expecting = true
  }
  return lines
}

async function* jsonlRecords(input: Input): AsyncIterable<PositionedRecord> {
  let row = 0
  for await (const { line, text } of linesOf(input)) {
    if (text.trim() === "") continue
    row++
    try {
      yield { row, line, value: JSON.parse(text), issues: [] }
    } catch (e) {
      yield { row, line, value: undefined, issues: [{ row, line, column: null, code: "invalid-json", severity: "error", message: `line ${line} is not valid JSON: ${(e as Error).message}` }] }
    }
  }
}

const readAll = async (input: Input): Promise<string> => {
  const decoder = new TextDecoder("utf-8")
  let text = ""
  for await (const chunk of bytesOf(input)) text += decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}

/**
 * Opens an input for a dialect.
 */
export const open = async (input: Input, adapter: Adapter.Adapter, options: ReadOptions = {}): Promise<Opened> => {
  const name = nameOf(input)
  if ("path" in input) await checkReadable(input.path)
  if (adapter.format === "csv") {
    if ("rows" in input) {
      const { header, records } = csvRecordsFromRows(input.rows)
      return { name, encoding: null, delimiter: null, header, fileIssues: [], records: (async function* () { yield* records })() }
    }
    const readOptions = {
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      expectedDelimiter: adapter.syntax?.delimiter ?? ","
    }
    const file = await ("path" in input
      ? Reader.readFile(input.path, readOptions)
      : "text" in input
        ? Reader.readText(input.text, readOptions)
        : Reader.read("bytes" in input ? input.bytes : bytesOf(input), readOptions)
    ).catch(csvError)
    return {
      name,
      encoding: file.encoding,
      delimiter: file.delimiter,
      header: file.header,
      fileIssues: file.fileIssues,
      records: file.records
    }
  }
  if ("rows" in input) {
    const records = [...input.rows].map((value, i): PositionedRecord => ({ row: i + 1, line: i + 1, value, issues: [] }))
    return { name, encoding: null, delimiter: null, header: null, fileIssues: [], records: (async function* () { yield* records })() }
  }
  if (adapter.format === "jsonl") {
    return { name, encoding: "utf-8", delimiter: null, header: null, fileIssues: [], records: jsonlRecords(input) }
  }
  if (adapter.format === "json") {
    const text = (await readAll(input)).replace(/^\uFEFF/, "")
    if (text.trim() === "") throw bad(fileIssue("empty-file", `${name} is empty; expected a JSON array of users, one JSON object, or JSON Lines`))
    let values: Array<unknown>
    let lines: Array<number>
    try {
      const parsed: unknown = JSON.parse(text)
      values = Array.isArray(parsed) ? parsed : [parsed]
      lines = Array.isArray(parsed) ? elementLines(text) : [1]
    } catch {
      // not one document: JSON Lines
      return { name, encoding: "utf-8", delimiter: null, header: null, fileIssues: [], records: jsonlRecords({ text }) }
    }
    const records = values.map((value, i): PositionedRecord => ({ row: i + 1, line: lines[i] ?? 1, value, issues: [] }))
    return { name, encoding: "utf-8", delimiter: null, header: null, fileIssues: [], records: (async function* () { yield* records })() }
  }
  throw new PbxportError({ _tag: "UnsupportedDirection", id: adapter.id, direction: "read" })
}
