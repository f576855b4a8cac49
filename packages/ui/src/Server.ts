/**
 * The server of `pbxport ui`: a page and a small JSON API over the pbxport library, for one
 * person on this machine.
 *
 * It is a thin layer: detection is `pbxport.detect`, the preview is `pbxport.Inspect.inspect`,
 * the live examples are `pbxport.preview`, and every download is produced by `pbxport.convert`
 * itself, into an owner-only temporary folder that is removed as soon as the files are read, so
 * the page's files are the command line's files. Nothing is uploaded anywhere: the file stays in
 * this process's memory.
 *
 * Security, since any web page the person visits can send requests to 127.0.0.1: the server
 * listens on 127.0.0.1 only; every request must carry the random token printed in the URL (the
 * page sends it in a header; a page from elsewhere cannot read it); the Host header must name
 * 127.0.0.1 or localhost on this port (no DNS rebinding); responses forbid framing, inline
 * scripts and referrers. Nothing the person uploads or any secret is logged.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Field, type Issue } from "@pbxport/core"
import { Dialect, Reader, Writer } from "@pbxport/csv"
import * as pbxport from "pbxport"
import * as Job from "./Job.js"
import * as Zip from "./Zip.js"

/**
 * A running server.
 */
export interface UiServer {
  /** The address to open, token included. */
  readonly url: string
  readonly port: number
  /** Stops the server and forgets everything it held. */
  readonly close: () => Promise<void>
}

/**
 * Options of {@link start}.
 */
export interface StartOptions {
  /** The port; 0 (the default) takes a free one. */
  readonly port?: number
  /** The token; random when absent (tests give none either). */
  readonly token?: string
  /** The largest upload accepted, in bytes (default 512 MiB). */
  readonly maxUpload?: number
  /** Where each conversion's owner-only folder is made (default: the system's temporary folder). */
  readonly tempDir?: string
}

// built next to this module (dist/src -> dist/web); tests run the sources (src -> dist/web)
const WEB = [new URL("../web/", import.meta.url), new URL("../dist/web/", import.meta.url)].map((u) => fileURLToPath(u)).find((d) => fs.existsSync(path.join(d, "app.js"))) ?? fileURLToPath(new URL("../web/", import.meta.url))

const STATIC: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" }
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "cross-origin-resource-policy": "same-origin"
}

/** A failure to show on the page, with the HTTP status to answer. */
class Failure extends Error {
  constructor(readonly status: number, message: string, readonly issue?: Issue.Issue) {
    super(message)
  }
}

/** The uploaded (or edited) file. */
interface SourceFile {
  readonly name: string
  readonly bytes: Uint8Array
  /** Bumped on every edit: analyses of older versions are stale. */
  readonly version: number
  readonly edited: boolean
}

/** One row as the page shows it. */
interface ShownRow {
  readonly row: number
  readonly line: number
  readonly source: ReadonlyArray<string> | null
  readonly target: Readonly<Record<string, string>> | null
  readonly issues: ReadonlyArray<Issue.Issue>
  readonly outcome: pbxport.Inspect.Row["outcome"]
}

/** An inspection of the whole file for one job, filled in the background. */
interface Analysis {
  readonly key: string
  readonly job: Job.Job
  readonly rows: Array<ShownRow>
  readonly errorRows: Array<number>
  readonly warningRows: Array<number>
  inspection: pbxport.Inspect.Inspection | undefined
  done: boolean
  cancelled: boolean
  failure: { readonly message: string; readonly issue?: Issue.Issue } | undefined
  readonly started: number
  firstRowsMs: number | undefined
  totalMs: number | undefined
  waiters: Array<() => void>
}

interface Download {
  readonly name: string
  readonly type: string
  readonly bytes: Uint8Array
  /** Served once, then forgotten (the credentials file). */
  readonly once: boolean
}

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

const failureOf = (e: unknown): Failure => {
  if (e instanceof Failure) return e
  if (e instanceof Job.JobError) return new Failure(400, e.message)
  if (e instanceof pbxport.PbxportError) return new Failure(422, e.message, e.issue)
  if (e instanceof Error && typeof (e as { issue?: unknown }).issue === "object") return new Failure(422, e.message, (e as unknown as { issue: Issue.Issue }).issue)
  return new Failure(500, `unexpected error: ${e instanceof Error ? e.message : String(e)}`)
}

const readBody = async (req: http.IncomingMessage, max: number): Promise<Uint8Array> => {
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) throw new Failure(413, `the file is larger than ${Math.round(max / (1 << 20))} MiB, the most this page accepts; use pbxport convert`)
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

const readJson = async (req: http.IncomingMessage): Promise<Record<string, unknown>> => {
  const text = new TextDecoder().decode(await readBody(req, 16 << 20))
  try {
    const v: unknown = JSON.parse(text)
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object")
    return v as Record<string, unknown>
  } catch {
    throw new Failure(400, "the request body must be a JSON object")
  }
}

const sameToken = (given: string | null | undefined, token: string): boolean => {
  if (typeof given !== "string") return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** The sensitive columns of each dialect never reach the page with a value. */
const dialectInfo = (a: pbxport.Adapter.Adapter) => ({
  id: a.id,
  title: a.title,
  format: a.format,
  read: a.capabilities.read,
  write: a.capabilities.write,
  maxRowsPerFile: a.capabilities.maxRowsPerFile,
  mappable: mappable(a),
  columns: a.columns.map((c) => ({ header: c.header, description: c.description, required: c.required, sensitive: c.sensitive, target: c.target }))
})

/**
 * Tells whether a dialect reads a `map` option (`--map-columns`): its reader then refuses an
 * entry naming a field it does not have.
 */
const mappable = (a: pbxport.Adapter.Adapter): boolean =>
  a.capabilities.read && a.format === "csv" && a.reader([], { map: ["pbxport-probe-field=pbxport-probe-column"] }).findings.some((f) => f.message.includes("pbxport-probe-field"))

/**
 * Starts the server on 127.0.0.1.
 *
 * @example
 * const server = await start({ port: 0 })
 * console.log(server.url)
 * await server.close()
 */
export const start = async (options: StartOptions = {}): Promise<UiServer> => {
  const token = options.token ?? crypto.randomBytes(24).toString("base64url")
  const maxUpload = options.maxUpload ?? 512 << 20
  const page = fs.readFileSync(path.join(WEB, "index.html"), "utf8").replaceAll("%TOKEN%", token)
  let source: SourceFile | undefined
  let analysis: Analysis | undefined
  const downloads = new Map<string, Download>()
  const temps = new Set<string>()
  let port = 0

  const requireSource = (): SourceFile => {
    if (source === undefined) throw new Failure(409, "no file yet: drop or pick a file, or start from a template")
    return source
  }

  const input = (s: SourceFile) => ({ bytes: s.bytes, name: s.name })

  const readOptions = (job: { readonly encoding?: string; readonly delimiter?: string }) => ({
    ...(job.encoding ? { encoding: job.encoding } : {}),
    ...(job.delimiter ? { delimiter: job.delimiter } : {})
  })

  const setSource = (name: string, bytes: Uint8Array, edited: boolean) => {
    if (analysis !== undefined) analysis.cancelled = true
    analysis = undefined
    source = { name, bytes, version: (source?.version ?? 0) + 1, edited }
  }

  const notify = (a: Analysis) => {
    const waiting = a.waiters
    a.waiters = []
    for (const w of waiting) w()
  }

  const run = async (a: Analysis, s: SourceFile): Promise<void> => {
    try {
      const inspection = await pbxport.Inspect.inspect(input(s), {
        ...(a.job.to === null ? {} : Job.convertOptions(a.job, a.job.to)),
        from: a.job.from,
        ...(a.job.to === null ? { ...readOptions(a.job), options: a.job.map ? { map: a.job.map } : {} } : {})
      })
      a.inspection = inspection
      let n = 0
      for await (const r of inspection.rows) {
        if (a.cancelled) break
        const i = a.rows.length
        a.rows.push({ row: r.row, line: r.line, source: r.source ?? null, target: r.target ?? null, issues: r.issues, outcome: r.outcome })
        if (r.issues.some((x) => x.severity === "error")) a.errorRows.push(i)
        else if (r.issues.length > 0) a.warningRows.push(i)
        if (++n % 200 === 0) {
          if (a.firstRowsMs === undefined) a.firstRowsMs = Date.now() - a.started
          notify(a)
          // let the page's requests in while a big file is checked
          await tick()
        }
      }
    } catch (e) {
      const f = failureOf(e)
      a.failure = { message: f.message, ...(f.issue ? { issue: f.issue } : {}) }
    } finally {
      if (a.firstRowsMs === undefined) a.firstRowsMs = Date.now() - a.started
      a.totalMs = Date.now() - a.started
      a.done = true
      notify(a)
    }
  }

  const analyse = (job: Job.Job): Analysis => {
    const s = requireSource()
    const key = `${s.version}\u0000${JSON.stringify(job)}`
    if (analysis !== undefined && analysis.key === key) return analysis
    if (analysis !== undefined) analysis.cancelled = true
    const a: Analysis = { key, job, rows: [], errorRows: [], warningRows: [], inspection: undefined, done: false, cancelled: false, failure: undefined, started: Date.now(), firstRowsMs: undefined, totalMs: undefined, waiters: [] }
    analysis = a
    void run(a, s)
    return a
  }

  /** Waits until the analysis has `count` rows or is done (at most `ms`). */
  const until = (a: Analysis, count: number, ms = 15_000): Promise<void> =>
    new Promise((resolve) => {
      const deadline = Date.now() + ms
      const check = () => {
        if (a.done || a.rows.length >= count || Date.now() > deadline) resolve()
        else a.waiters.push(check)
      }
      check()
      setTimeout(resolve, ms).unref()
    })

  const status = (a: Analysis) => ({
    done: a.done,
    rows: a.rows.length,
    errors: a.errorRows.length,
    warnings: a.warningRows.length,
    written: a.done ? a.rows.filter((r) => r.outcome === "written").length : null,
    skipped: a.done ? a.rows.filter((r) => r.outcome === "skipped").length : null,
    failure: a.failure ?? null,
    header: a.inspection?.header ?? null,
    sensitive: a.inspection?.sensitive ?? [],
    encoding: a.inspection?.encoding ?? null,
    delimiter: a.inspection?.delimiter ?? null,
    targetHeader: a.inspection?.targetHeader() ?? [],
    fileIssues: a.inspection?.fileIssues ?? [],
    lost: a.done ? (a.inspection?.lost() ?? []) : [],
    firstRowsMs: a.firstRowsMs ?? null,
    totalMs: a.totalMs ?? null
  })

  const columns = (body: Record<string, unknown>) => {
    const s = requireSource()
    const job = Job.parse(body)
    const adapter = pbxport.Registry.find(job.from)
    if (adapter === undefined) throw new Failure(422, `unknown dialect '${job.from}'; known dialects: ${pbxport.Registry.ids().join(", ")}`)
    // the header is all that is needed: read the first 64 KiB, cut after a whole line
    const head = s.bytes.subarray(0, 1 << 16)
    const nl = head.lastIndexOf(0x0a)
    const sample = s.bytes.length <= head.length || nl < 0 ? head : head.subarray(0, head[0] === 0xff && head[1] === 0xfe ? nl + 2 : nl + 1)
    return Reader.read(sample, readOptions(job)).then(async (csv) => {
      // the header only: stop the reader at once
      await csv.records[Symbol.asyncIterator]().return?.(undefined)
      const reader = adapter.reader(csv.header, job.map ? { map: job.map } : {})
      return {
        header: csv.header,
        unknown: reader.findings.filter((f) => f.code === "unknown-column").map((f) => f.column),
        missing: reader.findings.filter((f) => f.code === "missing-column").map((f) => f.column ?? f.message),
        problems: reader.findings.filter((f) => f.severity === "error").map((f) => f.message)
      }
    }, (e: unknown) => {
      throw failureOf(e)
    })
  }

  const edit = async (body: Record<string, unknown>) => {
    const s = requireSource()
    const job = Job.parse(body.job)
    const row = body.row
    const cells = body.cells
    if (typeof row !== "number" || !Number.isInteger(row) || row < 1) throw new Failure(400, "row must be a row number from 1")
    if (cells === null || typeof cells !== "object" || Array.isArray(cells)) throw new Failure(400, "cells must map column numbers to values")
    const csv = await Reader.read(s.bytes, readOptions(job)).catch((e: unknown) => {
      throw failureOf(e)
    })
    const sensitive = analysis?.inspection?.sensitive ?? []
    const dialect = Dialect.make({ delimiter: csv.delimiter, newline: "\r\n" })
    const lines = [Writer.formatRecord(csv.header, dialect)]
    let found = false
    for await (const record of csv.records) {
      let out = record.cells
      if (record.row === row) {
        found = true
        out = [...record.cells]
        for (const [k, v] of Object.entries(cells as Record<string, unknown>)) {
          const i = Number(k)
          if (!Number.isInteger(i) || i < 0 || i >= csv.header.length || typeof v !== "string") throw new Failure(400, `cell ${k}: expected a column number below ${csv.header.length} and a text value`)
          if (sensitive[i] === true) throw new Failure(400, `${csv.header[i]} holds a secret; it is not edited on the page`)
          while (out.length <= i) out.push("")
          out[i] = v
        }
      }
      lines.push(Writer.formatRecord(out, dialect))
    }
    if (!found) throw new Failure(404, `the file has no row ${row}`)
    // the edited file is UTF-8 with the delimiter it had; the page offers it for the command line
    setSource(s.name, new TextEncoder().encode(lines.join("\r\n") + "\r\n"), true)
    // the file is UTF-8 now: an encoding chosen for the upload no longer applies
    const cleanJob = Job.parse({ ...job, encoding: "" })
    const a = analyse(cleanJob)
    // rows keep their numbers; the template rows a dialect skips come first, so `row + 1` rows
    // read always include it
    await until(a, row + 1, 60_000)
    const shown = a.rows.find((r) => r.row === row)
    return { job: cleanJob, row: shown ?? null, status: status(a) }
  }

  const convert = async (body: Record<string, unknown>) => {
    const s = requireSource()
    const job = Job.parse(body)
    if (job.to === null) {
      const report = await pbxport.validate(input(s), { from: job.from, ...readOptions(job), options: job.map ? { map: job.map } : {} })
      const n = Job.names(s.name, "csv", "report", "json")
      const bytes = new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n")
      const id = crypto.randomBytes(12).toString("base64url")
      downloads.set(id, { name: n.report, type: "application/json", bytes, once: false })
      return { command: Job.commandLine(job, s.name, n), downloads: [{ id, kind: "report", name: n.report, size: bytes.length }], report }
    }
    const from = pbxport.Registry.find(job.from)
    const to = pbxport.Registry.find(job.to)
    if (from === undefined || to === undefined) throw new Failure(422, `unknown dialect '${from === undefined ? job.from : job.to}'; known dialects: ${pbxport.Registry.ids().join(", ")}`)
    const n = Job.names(s.name, from.format === "csv" ? "csv" : "json", to.id, to.format)
    const dir = await fs.promises.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), "pbxport-ui-"))
    temps.add(dir)
    try {
      await fs.promises.chmod(dir, 0o700)
      const at = (name: string) => path.join(dir, name)
      const conversion = await pbxport.convert(input(s), {
        ...Job.convertOptions(job, to.id, job.generatePasswords !== undefined ? at(n.credentials) : undefined),
        output: { path: at(n.output) },
        errors: at(n.errors)
      })
      const out: Array<{ id: string; kind: string; name: string; size: number }> = []
      const offer = (kind: string, name: string, bytes: Uint8Array, type: string, once = false) => {
        const id = crypto.randomBytes(12).toString("base64url")
        downloads.set(id, { name, type, bytes, once })
        out.push({ id, kind, name, size: bytes.length })
      }
      const local = (p: string) => path.basename(p)
      const files = await Promise.all(conversion.outputs.map(async (o) => ({ name: local(o.path), bytes: new Uint8Array(await fs.promises.readFile(o.path)) })))
      const type = to.format === "csv" ? "text/csv" : to.format === "xml" ? "application/xml" : "application/json"
      if (files.length === 1) offer("output", files[0]!.name, files[0]!.bytes, type)
      else if (files.length > 1) offer("output", n.archive, Zip.zip(files), "application/zip")
      if (conversion.errors !== null) offer("errors", n.errors, new Uint8Array(await fs.promises.readFile(conversion.errors)), from.format === "csv" ? "text/csv" : "application/json")
      if (conversion.credentials !== undefined) offer("credentials", n.credentials, new Uint8Array(await fs.promises.readFile(conversion.credentials.path)), "text/csv", true)
      // the report names the files as the equivalent command line writes them
      const report = {
        ...Object.fromEntries(Object.entries(conversion).filter(([k]) => k !== "data")),
        file: s.name,
        outputs: conversion.outputs.map((o) => ({ ...o, path: local(o.path) })),
        errors: conversion.errors === null ? null : n.errors,
        ...(conversion.credentials ? { credentials: { ...conversion.credentials, path: n.credentials } } : {})
      }
      offer("report", n.report, new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"), "application/json")
      if (job.map && job.map.length > 0) offer("map-columns", n.mapColumns, new TextEncoder().encode(job.map.join("\n") + "\n"), "text/plain")
      for (const [kind, text] of Object.entries(job.maps ?? {})) offer("map-file", n.mapFile(kind), new TextEncoder().encode(text), "text/csv")
      if (s.edited) offer("source", s.name, s.bytes, "text/csv")
      return {
        command: Job.commandLine(job, s.name, n),
        downloads: out,
        report: { rows: conversion.rows, lost: conversion.lost, issues: conversion.issues.length, outputs: report.outputs, credentials: report.credentials ?? null }
      }
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true })
      temps.delete(dir)
    }
  }

  const meta = () => ({
    version: 1,
    dialects: pbxport.Registry.all.map(dialectInfo),
    fields: Field.catalogue.filter((f) => !f.secret).map((f) => f.path),
    mapKinds: Object.keys(pbxport.Translate.MapKinds),
    secrets: Object.keys(pbxport.Secrets.SecretFields)
  })

  const template = (body: Record<string, unknown>) => {
    const id = body.dialect
    const adapter = typeof id === "string" ? pbxport.Registry.find(id) : undefined
    if (adapter === undefined || adapter.format !== "csv" || adapter.syntax === undefined) {
      throw new Failure(422, `a template needs a CSV dialect: ${pbxport.Registry.all.filter((a) => a.format === "csv" && a.capabilities.read).map((a) => a.id).join(", ")}`)
    }
    const syntax = Dialect.make(adapter.syntax)
    const writer = Writer.createWriter(syntax)
    const { header, example } = adapter.template
    const parts = [writer.header(header), ...(example.some((c) => c !== "") ? [writer.record(example)] : [])]
    const chunks = parts.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : p))
    const bytes = new Uint8Array(chunks.reduce((k, c) => k + c.length, 0))
    let at = 0
    for (const c of chunks) {
      bytes.set(c, at)
      at += c.length
    }
    setSource(`${adapter.id}-template.csv`, bytes, false)
    return upload(`${adapter.id}-template.csv`, bytes, false)
  }

  const upload = async (name: string, bytes: Uint8Array, set = true) => {
    if (set) setSource(name, bytes, false)
    try {
      const found = await pbxport.detect({ bytes, name })
      return { name, size: bytes.length, detection: found, failure: null }
    } catch (e) {
      const f = failureOf(e)
      return { name, size: bytes.length, detection: null, failure: { message: f.message, ...(f.issue ? { issue: f.issue } : {}) } }
    }
  }

  const example = async (body: Record<string, unknown>) => {
    const s = requireSource()
    const job = Job.parse(body)
    if (job.to === null) return { header: [], rows: [], issues: [] }
    const shown = await pbxport.preview(input(s), { ...Job.convertOptions(job, job.to), rows: 3 })
    return { header: shown.header, rows: shown.rows, issues: shown.issues.slice(0, 20) }
  }

  const rows = async (body: Record<string, unknown>) => {
    const job = Job.parse(body.job)
    const a = analyse(job)
    const offset = Math.max(0, Math.floor(Number(body.offset ?? 0)) || 0)
    const limit = Math.min(500, Math.max(1, Math.floor(Number(body.limit ?? 100)) || 100))
    const filter = typeof body.filter === "string" ? body.filter : "all"
    if (filter === "all") await until(a, offset + limit)
    else await until(a, Number.POSITIVE_INFINITY, 1500)
    const indices = filter === "errors" ? a.errorRows : filter === "warnings" ? a.warningRows : filter === "issues" ? [...a.errorRows, ...a.warningRows].sort((x, y) => x - y) : undefined
    const picked = indices === undefined ? a.rows.slice(offset, offset + limit) : indices.slice(offset, offset + limit).map((i) => a.rows[i]!)
    return { status: status(a), total: indices === undefined ? a.rows.length : indices.length, offset, rows: picked }
  }

  const api = async (req: http.IncomingMessage, url: URL, res: http.ServerResponse): Promise<void> => {
    const route = `${req.method} ${url.pathname}`
    switch (route) {
      case "GET /api/meta":
        return json(res, 200, meta())
      case "POST /api/source": {
        const raw = req.headers["x-file-name"]
        const name = typeof raw === "string" && raw !== "" ? decodeURIComponent(raw).replace(/[\\/]/g, "_") : "upload.csv"
        return json(res, 200, await upload(name, await readBody(req, maxUpload)))
      }
      case "POST /api/template":
        return json(res, 200, await template(await readJson(req)))
      case "POST /api/columns":
        return json(res, 200, await columns(await readJson(req)))
      case "POST /api/rows":
        return json(res, 200, await rows(await readJson(req)))
      case "POST /api/example":
        return json(res, 200, await example(await readJson(req)))
      case "POST /api/edit":
        return json(res, 200, await edit(await readJson(req)))
      case "POST /api/convert":
        return json(res, 200, await convert(await readJson(req)))
      default: {
        const m = /^GET \/api\/download\/([A-Za-z0-9_-]+)$/.exec(route)
        const d = m ? downloads.get(m[1]!) : undefined
        if (d === undefined) throw new Failure(404, m ? "this download is gone (a credentials file is given once)" : `no such request: ${route}`)
        if (d.once) downloads.delete(m![1]!)
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          "content-type": d.type,
          "content-length": d.bytes.length,
          "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(d.name)}`
        })
        res.end(d.bytes)
      }
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const host = req.headers.host ?? ""
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421, SECURITY_HEADERS)
      res.end("wrong host")
      return
    }
    const given = req.headers["x-pbxport-token"] ?? url.searchParams.get("token")
    if (!sameToken(Array.isArray(given) ? given[0] : given, token)) {
      res.writeHead(403, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" })
      res.end("This page needs the address pbxport ui printed, token included.\n")
      return
    }
    if (url.pathname.startsWith("/api/")) {
      api(req, url, res).catch((e: unknown) => {
        const f = failureOf(e)
        if (!res.headersSent) json(res, f.status, { error: f.message, issue: f.issue ?? null })
        else res.destroy()
      })
      return
    }
    const asset = req.method === "GET" ? STATIC[url.pathname] : undefined
    if (asset === undefined) {
      res.writeHead(404, SECURITY_HEADERS)
      res.end()
      return
    }
    const body = asset.file === "index.html" ? page : fs.readFileSync(path.join(WEB, asset.file))
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type })
    res.end(body)
  })
  // a conversion's folder holds generated passwords: gone even when the process is interrupted
  const cleanup = () => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true })
  }
  process.on("exit", cleanup)
  server.requestTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      if (analysis !== undefined) analysis.cancelled = true
      analysis = undefined
      source = undefined
      downloads.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      cleanup()
      process.off("exit", cleanup)
    }
  }
}
