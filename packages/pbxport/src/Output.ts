/**
 * Writes encoded records of a dialect to one file, numbered batch files, or standard output.
 *
 * Records are spooled to a temporary file first, so the CSV header can depend on the columns
 * the rows used, and files are split at the platform's row limit, while memory stays flat.
 * Nothing appears under the final name until the whole output is written: a failed run never
 * leaves a file that looks complete.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Adapter } from "@pbxport/core"
import { Dialect, Writer } from "@pbxport/csv"
import { PbxportError } from "./PbxportError.js"

/**
 * One file an output produced.
 */
export interface Written {
  readonly path: string
  readonly rows: number
}

/**
 * Where the output goes: a path, or a sink that receives the bytes (standard output, memory).
 */
export type Target = { readonly path: string } | { readonly sink: (bytes: Uint8Array) => void }

/**
 * Options of an output.
 */
export interface OutputOptions {
  /** Rows per file; defaults to the dialect's limit. */
  readonly maxRowsPerFile?: number | null
  /** Write every declared column, not only those the rows used. */
  readonly fullTemplate?: boolean
  /** Restrict files to this mode (credentials files: 0o600). */
  readonly mode?: number
}

/**
 * Numbers a batch file: `users.csv` -> `users-001.csv`.
 */
export const batchPath = (file: string, batch: number): string => {
  const ext = path.extname(file)
  return `${file.slice(0, file.length - ext.length)}-${String(batch).padStart(3, "0")}${ext}`
}

const tempName = (dir: string) => path.join(dir, `.pbxport-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`)

/**
 * Reads the spool back line by line; pulling chunk by chunk keeps at most one chunk in memory
 * (readline's async iterator queues lines ahead of a slow consumer).
 */
async function* spooled(file: string): AsyncIterable<string> {
  let rest = ""
  for await (const chunk of fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 16 })) {
    const text = rest + (chunk as string)
    let start = 0
    let nl = text.indexOf("\n", start)
    while (nl >= 0) {
      yield text.slice(start, nl)
      start = nl + 1
      nl = text.indexOf("\n", start)
    }
    rest = text.slice(start)
  }
  if (rest !== "") yield rest
}

/**
 * How a CSV row waits in the spool: each cell as its column's number, U+0001, the value, and
 * U+0000 between cells; `\\`, line feed and U+0000 in a value escaped with `\\`. Cheaper than a
 * JSON round trip per row, and the line splits back into cells with no object per row.
 */
// oxlint-disable-next-line no-control-regex
const ESCAPED = /[\\\n\u0000]/g
const escapeCell = (value: string): string =>
  value.includes("\\") || value.includes("\n") || value.includes("\u0000") ? value.replace(ESCAPED, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : "\\0")) : value
const unescapeCell = (value: string): string =>
  value.includes("\\") ? value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "0" ? "\u0000" : c)) : value

/**
 * An output being written.
 */
export interface Output {
  readonly add: (encoded: Adapter.Encoded) => void
  /** Writes the files and returns them; call once. */
  readonly finish: () => Promise<ReadonlyArray<Written>>
  /** Removes everything written so far (after a failure). */
  readonly abort: () => Promise<void>
}

/**
 * Starts an output for a dialect.
 */
export const create = (adapter: Adapter.Adapter, writer: Adapter.RowWriter, target: Target, options: OutputOptions = {}): Output => {
  const spoolPath = tempName(os.tmpdir())
  const spool = fs.openSync(spoolPath, "w", 0o600)
  const used = new Set<string>()
  // column numbers of the spool, in the order the columns were first used
  const numbers = new Map<string, number>()
  let count = 0
  const pending: Array<string> = []
  const flush = () => {
    if (pending.length > 0) fs.writeSync(spool, pending.join(""))
    pending.length = 0
  }
  const temps: Array<string> = []
  const cleanup = async () => {
    try { fs.closeSync(spool) } catch { /* already closed */ }
    await fs.promises.rm(spoolPath, { force: true })
    await Promise.all(temps.map((t) => fs.promises.rm(t, { force: true })))
  }
  return {
    add: (encoded) => {
      if (adapter.format === "csv") {
        let line = ""
        for (const [h, v] of Object.entries(encoded.cells ?? {})) {
          let n = numbers.get(h)
          if (n === undefined) {
            n = numbers.size
            numbers.set(h, n)
            used.add(h)
          }
          line += `${line === "" ? "" : "\u0000"}${n}\u0001${escapeCell(v)}`
        }
        pending.push(line + "\n")
      } else pending.push(JSON.stringify(encoded.cells ?? encoded.value ?? encoded.text ?? null) + "\n")
      count++
      if (pending.length >= 512) flush()
    },
    abort: cleanup,
    finish: async () => {
      try {
        flush()
        fs.closeSync(spool)
        const limit = options.maxRowsPerFile === undefined ? adapter.capabilities.maxRowsPerFile : options.maxRowsPerFile
        const batches = limit === null || count <= limit ? 1 : Math.ceil(count / limit)
        if (batches > 1 && !("path" in target)) {
          throw new PbxportError({ _tag: "Usage", detail: `${count} users need ${batches} files of at most ${limit} for ${adapter.id}; give an output file with -o` })
        }
        const syntax = adapter.syntax ? Dialect.make(adapter.syntax) : undefined
        const header = adapter.format === "csv"
          ? options.fullTemplate
            ? [...adapter.columns.map((c) => c.header), ...[...used].filter((h) => !adapter.columns.some((c) => c.header === h))]
            : (writer.header ?? ((u: ReadonlySet<string>) => [...u]))(used)
          : []
        // where each column of the header is in the spool (-1: no row used it)
        const placed = header.map((h) => numbers.get(h) ?? -1)
        const encode = (text: string): Uint8Array => (syntax ? Writer.encodeText(text, syntax) : new TextEncoder().encode(text))
        const written: Array<Written> = []
        let out: { fd: number; temp: string; final: string; rows: number } | { sink: (b: Uint8Array) => void; rows: number; final: string } | undefined
        let batch = 0
        let buffer: Array<string> = []
        const emit = (text: string) => {
          buffer.push(text)
          if (buffer.length >= 512) drain()
        }
        const drain = () => {
          if (out === undefined || buffer.length === 0) return
          const bytes = encode(buffer.join(""))
          buffer = []
          if ("fd" in out) fs.writeSync(out.fd, bytes)
          else out.sink(bytes)
        }
        const openBatch = () => {
          batch++
          const final = "path" in target ? (batches > 1 ? batchPath(target.path, batch) : target.path) : "<stdout>"
          if ("path" in target) {
            const temp = tempName(path.dirname(path.resolve(final)))
            let fd: number
            try {
              fd = fs.openSync(temp, "w", options.mode ?? 0o666)
            } catch (e) {
              throw new PbxportError({ _tag: "UnwritableFile", path: final, cause: (e as Error).message })
            }
            temps.push(temp)
            out = { fd, temp, final, rows: 0 }
          } else {
            out = { sink: target.sink, rows: 0, final }
          }
          if (syntax?.bom) {
            if ("fd" in out) fs.writeSync(out.fd, new Uint8Array([0xef, 0xbb, 0xbf]))
            else out.sink(new Uint8Array([0xef, 0xbb, 0xbf]))
          }
          if (adapter.format === "csv") emit(Writer.formatRecord(header, syntax!) + syntax!.newline)
          if (writer.open) emit(writer.open(batch))
        }
        const closeBatch = () => {
          if (out === undefined) return
          if (writer.close) emit(writer.close(batch))
          drain()
          if ("fd" in out) fs.closeSync(out.fd)
          written.push({ path: out.final, rows: out.rows })
        }
        openBatch()
        const lines = spooled(spoolPath)
        let first = true
        for await (const line of lines) {
          if (out!.rows === limit) {
            closeBatch()
            openBatch()
            first = true
          }
          if (adapter.format === "csv") {
            const row = Array.from({ length: numbers.size }, () => "")
            if (line !== "") {
              for (const cell of line.split("\u0000")) {
                const at = cell.indexOf("\u0001")
                row[Number(cell.slice(0, at))] = unescapeCell(cell.slice(at + 1))
              }
            }
            emit(Writer.formatRecord(placed.map((n) => (n < 0 ? "" : row[n]!)), syntax!) + syntax!.newline)
          } else if (adapter.format === "jsonl") emit(line + "\n") // spooled as the JSON line it is
          else if (adapter.format === "json") emit((first ? "" : ",\n") + JSON.stringify(JSON.parse(line), null, 2))
          else emit(String(JSON.parse(line)))
          first = false
          out!.rows++
        }
        closeBatch()
        // rename only once every batch is complete
        for (const t of temps) {
          const w = written[temps.indexOf(t)]!
          await fs.promises.rename(t, w.path)
          if (options.mode !== undefined) await fs.promises.chmod(w.path, options.mode)
        }
        temps.length = 0
        await fs.promises.rm(spoolPath, { force: true })
        return written
      } catch (e) {
        await cleanup()
        throw e
      }
    }
  }
}
