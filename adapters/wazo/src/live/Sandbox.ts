/**
 * A local Wazo (wazo-auth and wazo-confd, the endpoints pbxport uses) that behaves as
 * specs/wazo.md says, errors included, for rehearsing a migration and for the project's tests.
 *
 * - `POST /api/auth/0.1/token`: Basic auth, a JSON object body, `expiration` 1 to 315360000
 *   (§2.2); 401 `Authentication Failed` otherwise.
 * - confd: `X-Auth-Token` required, `Wazo-Tenant` must be the sandbox's tenant, else 401 (§2.3).
 * - `POST /users/import`: the row loop of §5 on the checks the server alone can make (context,
 *   call permissions, email and user name uniqueness, extension reuse) plus the cell conversions
 *   of §3.3; all-or-nothing, 201 `{"created": [...]}` or 400 `{"errors": [...]}` with
 *   `details.row_number` and `details.row` (the raw row, as Wazo echoes it) (§6, §7).
 * - `PUT /users/import`: 405 (§8). `PUT /users/{uuid}`: the user's fields, 204.
 * - `GET /users/export`: CSV with CRLF and minimal quoting when `Accept` is exactly
 *   `text/csv; charset=utf-8` or `*\/*`, else the JSON form (§9).
 *
 * Fault injection (for tests): added latency, storms of 429/503, tokens that expire, the
 * connection dropped after an import was applied, error bodies that echo the request, and a hook
 * around each import.
 */
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type * as net from "node:net"
import * as path from "node:path"
import type { Platform } from "@pbxport/live"
import { Reader } from "@pbxport/csv"
import { EXPORT_ORDER } from "../columns.js"

/**
 * Faults a sandbox injects.
 *
 * **Details**
 * Requests are numbered from 1 in arrival order (auth and confd together); imports are numbered
 * from 1 among `POST /users/import` requests. `storms`: requests `from` to `from + count - 1`
 * answer `status` (with `Retry-After` when given). `expireTokens`: before request n, every token
 * issued so far stops working. `tokenLifetime` caps the `expiration` a client asks for.
 * `dropAfterApply`: those imports are applied, then their connection is destroyed unanswered.
 * `echo`: 401 and 400 bodies quote the request (headers and body), as careless servers do.
 * `onImport` (in-process only) runs when an import is received and when it has been applied,
 * before the answer; `onRequest` (in-process only) sees every request as it arrives.
 */
export interface Faults {
  readonly latency?: number
  readonly storms?: ReadonlyArray<{ readonly from: number; readonly count: number; readonly status: 429 | 503; readonly retryAfter?: number }>
  readonly expireTokens?: ReadonlyArray<number>
  readonly tokenLifetime?: number
  readonly dropAfterApply?: ReadonlyArray<number>
  readonly echo?: boolean
  readonly onImport?: (n: number, phase: "received" | "applied") => void | Promise<void>
  readonly onRequest?: (request: { readonly n: number; readonly method: string; readonly path: string; readonly body: string }) => void
}

/**
 * A running Wazo sandbox, with what tests look at: its users (export cells) and the tokens it
 * issued.
 */
export interface Running extends Platform.Sandbox {
  readonly users: () => ReadonlyArray<Readonly<Record<string, string>>>
  readonly tokens: () => ReadonlyArray<string>
  readonly password: string
}

/** A stored user: its export cells, its auth password, its confd id. */
interface Stored {
  readonly id: number
  readonly cells: Record<string, string>
  password: string | null
}

interface State {
  tenant: string
  username: string
  password: string
  nextId: number
  users: Array<Stored>
}

/** Contexts of the sandbox's tenant, by name, with their type. */
const contexts: Readonly<Record<string, "internal" | "incall">> = { default: "internal", "from-extern": "incall" }
/** Call permissions of the sandbox's tenant. */
const permissions = ["international", "local", "mobile"]

const bools = [
  "enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled",
  "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled", "online_call_record_enabled", "voicemail_attach_audio", "voicemail_delete_messages",
  "voicemail_ask_password"
]
const ints = ["ring_seconds", "simultaneous_calls", "subscription_type", "incall_ring_seconds"]
const defaults: Readonly<Record<string, string>> = {
  enabled: "1", ring_seconds: "30", simultaneous_calls: "5", supervision_enabled: "1", call_transfer_enabled: "0", dtmf_hangup_enabled: "0",
  call_record_outgoing_external_enabled: "0", call_record_outgoing_internal_enabled: "0", call_record_incoming_external_enabled: "0",
  call_record_incoming_internal_enabled: "0", online_call_record_enabled: "0", subscription_type: "0"
}
/** confd user fields `PUT /users/{uuid}` takes, with their type. */
const userFields: Readonly<Record<string, "text" | "bool" | "int">> = {
  firstname: "text", lastname: "text", email: "text", language: "text", outgoing_caller_id: "text", mobile_phone_number: "text", call_permission_password: "text",
  userfield: "text", enabled: "bool", supervision_enabled: "bool", call_transfer_enabled: "bool", dtmf_hangup_enabled: "bool",
  call_record_outgoing_external_enabled: "bool", call_record_outgoing_internal_enabled: "bool", call_record_incoming_external_enabled: "bool",
  call_record_incoming_internal_enabled: "bool", online_call_record_enabled: "bool", ring_seconds: "int", simultaneous_calls: "int", subscription_type: "int"
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/
const LANGUAGE = /^[a-z]{2}_[A-Z]{2}$/
const MOBILE = /^\+?[0-9*#]+$/
const USERNAME = /^[a-zA-Z0-9\-._~!$&'()*+,;=%@]{2,254}$/
const PASSWORD = /^[a-zA-Z0-9\-._~!$&'()*+,;=%]{4,64}$/
const EXTEN = /^(_[*#0-9_XxZzNn[\].!-]{1,39}|[*#0-9]{1,40})$/

const letters = (n: number): string => Array.from(crypto.randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join("")

/** Python's csv.DictWriter, excel dialect: quote only when needed, CRLF (§9.2). */
const csvCell = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)
const csvLine = (cells: ReadonlyArray<string>): string => cells.map(csvCell).join(",") + "\r\n"

/** A Python-dict-like rendering of metadata, as xivo-dao writes it (§6). */
const meta = (pairs: Readonly<Record<string, string>>): string => `(${Object.entries(pairs).map(([k, v]) => `'${k}': '${v}'`).join(", ")})`

/**
 * Checks and converts one import row the way confd's row loop does, against the users stored and
 * those of earlier rows of the same request. Returns the first error (Wazo reports one per row).
 */
const checkRow = (row: Readonly<Record<string, string>>, taken: { emails: Set<string>; usernames: Set<string>; extens: Set<string>; sip: Set<string> }): string | undefined => {
  for (const b of bools) if (row[b] !== undefined && row[b] !== "" && row[b] !== "0" && row[b] !== "1") return `Input Error - '${b}' must be one of (0, 1)`
  for (const i of ints) if (row[i] !== undefined && row[i] !== "" && !/^[0-9]+$/.test(row[i]!)) return `Input Error - field '${i}': wrong type. Should be a integer`
  const ctx = row.context ?? ""
  if (ctx !== "" && contexts[ctx] === undefined) return `Resource Not Found - Context was not found ${meta({ name: ctx })}`
  const fields: Array<string> = []
  if ((row.firstname ?? "") === "") fields.push("'firstname': ['Missing data for required field.']")
  if ((row.email ?? "") !== "" && !EMAIL.test(row.email!)) fields.push("'email': ['Not a valid email address.']")
  if ((row.language ?? "") !== "" && !LANGUAGE.test(row.language!)) fields.push("'language': ['String does not match expected pattern.']")
  if ((row.mobile_phone_number ?? "") !== "" && !MOBILE.test(row.mobile_phone_number!)) fields.push("'mobile_phone_number': ['String does not match expected pattern.']")
  if ((row.ring_seconds ?? "") !== "" && Number(row.ring_seconds) > 10800) fields.push("'ring_seconds': ['Must be greater than or equal to 0 and less than or equal to 10800.']")
  if (fields.length > 0) return `{${fields.join(", ")}}`
  const email = (row.email ?? "").toLowerCase()
  if (email !== "" && taken.emails.has(email)) return `Resource Error - User already exists ${meta({ email: row.email! })}`
  if ((row.username ?? "") !== "" && !USERNAME.test(row.username!)) return "{'username': ['String does not match expected pattern.']}"
  if ((row.password ?? "") !== "" && !PASSWORD.test(row.password!)) return "{'password': ['String does not match expected pattern.']}"
  const username = (row.username ?? "") !== "" ? row.username! : row.email ?? ""
  if (username !== "" && taken.usernames.has(username)) return "409 Client Error: Conflict detected for url: http://127.0.0.1:9497/0.1/users"
  if ((row.voicemail_number ?? "") !== "" && !/^[0-9]{1,40}$/.test(row.voicemail_number!)) return "{'number': ['String does not match expected pattern.']}"
  if ((row.voicemail_context ?? "") !== "" && contexts[row.voicemail_context!] === undefined) return `Input Error - field 'context': Context was not found ${meta({ context: row.voicemail_context! })}`
  for (const name of (row.call_permissions ?? "") === "" ? [] : row.call_permissions!.split(";")) {
    if (!permissions.includes(name)) return `Resource Not Found - CallPermission was not found ${meta({ name })}`
  }
  const protocol = row.line_protocol ?? ""
  const exten = row.exten ?? ""
  if (exten !== "" && ctx !== "") {
    if (!EXTEN.test(exten)) return "Input Error - exten: ['String does not match expected pattern.']"
    if (taken.extens.has(`${exten}@${ctx}`)) return `Resource Error - User is associated with a Line ${meta({ exten, context: ctx })}`
    if (protocol === "") return "Input Error - missing parameters: line_protocol"
  }
  if (protocol !== "" && !["sip", "sccp", "webrtc"].includes(protocol) && exten !== "") return "Input Error - 'line_protocol' must be one of (sip, webrtc, sccp)"
  const sipName = row.sip_username ?? ""
  if (sipName !== "" && taken.sip.has(sipName)) return `Resource Error - SIPEndpoint already exists ${meta({ name: sipName })}`
  const incallContext = row.incall_context ?? ""
  if (incallContext !== "" && contexts[incallContext] === undefined) return `Input Error - field 'context': Context was not found ${meta({ context: incallContext })}`
  if (incallContext !== "" && contexts[incallContext] !== "incall") return `Resource Error - ContextType '${contexts[incallContext]}' cannot be associated ${meta({ context: incallContext })}`
  return undefined
}

/** The export cells of a user imported from a row (§9.2 formatting, §4 defaults). */
const storedCells = (row: Readonly<Record<string, string>>, uuid: string): Record<string, string> => {
  const cells: Record<string, string> = {}
  for (const h of EXPORT_ORDER) cells[h] = row[h] ?? ""
  for (const [h, d] of Object.entries(defaults)) if (cells[h] === "") cells[h] = d
  cells.uuid = uuid
  const protocol = row.line_protocol ?? ""
  const lined = ["sip", "sccp", "webrtc"].includes(protocol) && (row.context ?? "") !== ""
  cells.line_protocol = lined ? (protocol === "webrtc" ? "sip" : protocol) : ""
  cells.provisioning_code = lined ? String(100000 + crypto.randomInt(900000)) : ""
  cells.sip_username = lined && protocol !== "sccp" ? (row.sip_username || letters(8)) : ""
  cells.sip_secret = lined && protocol !== "sccp" ? (row.sip_secret || letters(8)) : ""
  cells.exten = lined ? (row.exten ?? "") : ""
  cells.context = row.context ?? ""
  const voicemail = (row.voicemail_number ?? "") !== "" || (row.voicemail_context ?? "") !== ""
  if (voicemail) {
    if (cells.voicemail_delete_messages === "") cells.voicemail_delete_messages = "0"
    if (cells.voicemail_ask_password === "") cells.voicemail_ask_password = "1"
  } else {
    for (const h of EXPORT_ORDER) if (h.startsWith("voicemail_")) cells[h] = ""
  }
  cells.call_permissions = (row.call_permissions ?? "").split(";").filter((p) => p !== "").sort().join(";")
  cells.username = (row.username ?? "") !== "" ? row.username! : (row.email ?? "") !== "" ? row.email! : uuid
  return cells
}

/**
 * Makes the sandbox's TLS material with `openssl`: a CA, and a server certificate for
 * 127.0.0.1 and localhost signed by it. node:crypto cannot make certificates.
 */
const makeTls = (dir: string): { readonly ca: string; readonly key: Buffer; readonly cert: Buffer } => {
  const at = (f: string) => path.join(dir, f)
  const run = (args: ReadonlyArray<string>) => execFileSync("openssl", args, { stdio: "pipe" })
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
  run(["req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.pem"), "-days", "7", "-subj", "/CN=pbxport sandbox CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
  run(["req", ...ec, "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=127.0.0.1"])
  fs.writeFileSync(at("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
  run(["x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at("server.pem"), "-days", "7", "-extfile", at("server.ext")])
  fs.rmSync(at("ca.key"))
  return { ca: at("ca.pem"), key: fs.readFileSync(at("server.key")), cert: fs.readFileSync(at("server.pem")) }
}

const load = (file: string | undefined): State => {
  if (file !== undefined && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as State
  return { tenant: crypto.randomUUID(), username: "pbxport-sandbox", password: crypto.randomBytes(18).toString("base64url"), nextId: 1, users: [] }
}

const save = (file: string | undefined, state: State): void => {
  if (file === undefined) return
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, JSON.stringify(state), { mode: 0o600 })
  fs.renameSync(temp, file)
}

const body = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Starts a Wazo sandbox on 127.0.0.1.
 *
 * @example
 * const sandbox = await start({ dir: os.tmpdir(), faults: { latency: 20 } })
 * fs.writeFileSync("wazo.json", JSON.stringify(sandbox.profile))
 */
export const start = async (options: Platform.SandboxOptions): Promise<Running> => {
  const faults = (options.faults ?? {}) as Faults
  const state = load(options.state)
  save(options.state, state)
  const passwordFile = path.join(options.dir, "wazo-sandbox.password")
  fs.writeFileSync(passwordFile, `${state.password}\n`, { mode: 0o600 })
  const tokens = new Map<string, number>()
  const issued: Array<string> = []
  let requests = 0
  let imports = 0

  const send = (res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    const text = typeof value === "string" ? value : JSON.stringify(value)
    res.writeHead(status, { "content-type": typeof value === "string" ? "text/csv; charset=utf-8" : "application/json", ...headers })
    res.end(text)
  }
  const echo = (req: http.IncomingMessage, raw: Buffer) => (faults.echo ? { request: { headers: req.headers, body: raw.toString("utf8") } } : {})

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const n = ++requests
    const raw = await body(req)
    if (faults.latency) await sleep(faults.latency)
    const url = new URL(req.url ?? "/", "http://sandbox")
    faults.onRequest?.({ n, method: req.method ?? "", path: url.pathname, body: raw.toString("utf8") })
    if (faults.expireTokens?.includes(n)) tokens.clear()
    const storm = faults.storms?.find((s) => n >= s.from && n < s.from + s.count)
    if (storm !== undefined) return send(res, storm.status, [storm.status === 429 ? "Too Many Requests" : "Service Unavailable"], storm.retryAfter === undefined ? {} : { "retry-after": String(storm.retryAfter) })

    if (url.pathname === "/api/auth/0.1/token" && req.method === "POST") {
      const header = req.headers.authorization ?? ""
      const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : ""
      const at = decoded.indexOf(":")
      if (at < 0 || decoded.slice(0, at) !== state.username || decoded.slice(at + 1) !== state.password) {
        return send(res, 401, { reason: ["Authentication Failed"], timestamp: [Date.now() / 1000], status_code: 401, ...(faults.echo ? { details: { credentials: decoded }, ...echo(req, raw) } : {}) })
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(raw.toString("utf8") || "null")
      } catch {
        parsed = undefined
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return send(res, 400, { reason: ["Invalid JSON body"], status_code: 400 })
      const asked = (parsed as { expiration?: unknown }).expiration ?? 7200
      if (typeof asked !== "number" || !Number.isInteger(asked) || asked < 1 || asked > 315360000) return send(res, 400, { reason: ["{'expiration': ['Must be greater than or equal to 1 and less than or equal to 315360000.']}"], status_code: 400 })
      const seconds = Math.min(asked, faults.tokenLifetime ?? asked)
      const token = crypto.randomUUID()
      const now = Date.now()
      tokens.set(token, now + seconds * 1000)
      issued.push(token)
      return send(res, 200, {
        data: {
          token, auth_id: crypto.randomUUID(), xivo_uuid: crypto.randomUUID(), session_uuid: crypto.randomUUID(), acl: ["confd.users.#"],
          issued_at: new Date(now).toISOString(), expires_at: new Date(now + seconds * 1000).toISOString(),
          utc_issued_at: new Date(now).toISOString(), utc_expires_at: new Date(now + seconds * 1000).toISOString(),
          metadata: { tenant_uuid: state.tenant }
        }
      })
    }

    if (!url.pathname.startsWith("/api/confd/1.1/")) return send(res, 404, ["Resource Not Found - no such route"])
    const token = req.headers["x-auth-token"]
    const expires = typeof token === "string" ? tokens.get(token) : undefined
    const tenant = req.headers["wazo-tenant"]
    if (expires === undefined || expires < Date.now() || (tenant !== undefined && tenant !== state.tenant)) {
      return send(res, 401, { message: "Unauthorized", ...echo(req, raw) })
    }
    const route = url.pathname.slice("/api/confd/1.1".length)

    if (route === "/users/import") {
      if (req.method === "PUT") return send(res, 405, { message: "The method is not allowed for the requested URL." })
      if (req.method !== "POST") return send(res, 405, { message: "The method is not allowed for the requested URL." })
      const number = ++imports
      await faults.onImport?.(number, "received")
      const charset = /charset=([^;]+)/i.exec(String(req.headers["content-type"] ?? ""))?.[1]?.trim().toLowerCase() ?? "utf-8"
      if (charset !== "utf-8" && charset !== "utf8") return send(res, 500, [`Unexpected error: unknown encoding: ${charset}`])
      const file = await Reader.readText(raw.toString("utf8"), { delimiter: "," })
      const rows: Array<Record<string, string>> = []
      for await (const r of file.records) {
        const row: Record<string, string> = {}
        file.header.forEach((h, i) => { row[h] = r.cells[i] ?? "" })
        rows.push(row)
      }
      const taken = {
        emails: new Set(state.users.map((u) => u.cells.email!.toLowerCase()).filter((e) => e !== "")),
        usernames: new Set(state.users.map((u) => u.cells.username!)),
        extens: new Set(state.users.filter((u) => u.cells.exten !== "").map((u) => `${u.cells.exten}@${u.cells.context}`)),
        sip: new Set(state.users.map((u) => u.cells.sip_username!).filter((s) => s !== ""))
      }
      const errors: Array<unknown> = []
      const created: Array<Stored> = []
      rows.forEach((row, i) => {
        const problem = checkRow(row, taken)
        if (problem !== undefined) {
          errors.push({ message: problem, timestamp: Math.floor(Date.now() / 1000), details: { row_number: i + 1, row } })
          return
        }
        const cells = storedCells(row, crypto.randomUUID())
        created.push({ id: state.nextId + created.length, cells, password: (row.password ?? "") === "" ? null : row.password! })
        if (cells.email !== "") taken.emails.add(cells.email!.toLowerCase())
        taken.usernames.add(cells.username!)
        if (cells.exten !== "") taken.extens.add(`${cells.exten}@${cells.context}`)
        if (cells.sip_username !== "") taken.sip.add(cells.sip_username!)
      })
      if (errors.length > 0) return send(res, 400, { errors })
      state.users.push(...created)
      state.nextId += created.length
      save(options.state, state)
      await faults.onImport?.(number, "applied")
      if (faults.dropAfterApply?.includes(number)) {
        req.socket.destroy()
        return
      }
      return send(res, 201, {
        created: created.map((u, i) => ({
          row_number: i + 1, user_id: u.id, user_uuid: u.cells.uuid, voicemail_id: null, line_id: u.cells.line_protocol === "" ? null : u.id,
          sip_uuid: u.cells.sip_username === "" ? null : crypto.randomUUID(), sccp_id: null, extension_id: u.cells.exten === "" ? null : u.id,
          incall_extension_id: null, call_permission_ids: []
        }))
      })
    }

    if (route === "/users/export" && req.method === "GET") {
      const accept = req.headers.accept
      const rows = state.users.map((u) => EXPORT_ORDER.map((h) => u.cells[h] ?? ""))
      if (accept === "text/csv; charset=utf-8" || accept === "*/*") return send(res, 200, csvLine(EXPORT_ORDER) + rows.map(csvLine).join(""))
      return send(res, 200, { headers: EXPORT_ORDER, content: state.users.map((u) => ({ ...u.cells })) })
    }

    const item = /^\/users\/([^/]+)$/.exec(route)
    if (item !== null) {
      const uuid = decodeURIComponent(item[1]!)
      const user = state.users.find((u) => u.cells.uuid === uuid)
      if (user === undefined) return send(res, 404, [`Resource Not Found - User was not found ${meta({ uuid })}`])
      if (req.method === "GET") return send(res, 200, { uuid, id: user.id, ...user.cells })
      if (req.method !== "PUT") return send(res, 405, { message: "The method is not allowed for the requested URL." })
      let parsed: Record<string, unknown>
      try {
        parsed = JSON.parse(raw.toString("utf8")) as Record<string, unknown>
      } catch {
        return send(res, 400, ["Input Error - the body is not JSON"])
      }
      const next: Record<string, string> = {}
      for (const [k, v] of Object.entries(parsed ?? {})) {
        const type = userFields[k]
        if (type === undefined) continue
        if (v === null) {
          if (k === "firstname" || type !== "text") return send(res, 400, [`Input Error - field '${k}': Field may not be null.`])
          next[k] = ""
        } else if (type === "bool") {
          if (typeof v !== "boolean") return send(res, 400, [`Input Error - field '${k}': Not a valid boolean.`])
          next[k] = v ? "1" : "0"
        } else if (type === "int") {
          if (typeof v !== "number" || !Number.isInteger(v) || v < 0) return send(res, 400, [`Input Error - field '${k}': Not a valid integer.`])
          next[k] = String(v)
        } else {
          if (typeof v !== "string") return send(res, 400, [`Input Error - field '${k}': Not a valid string.`])
          next[k] = v
        }
      }
      const problem = checkRow({ firstname: next.firstname ?? user.cells.firstname!, ...next }, {
        emails: new Set(state.users.filter((u) => u !== user).map((u) => u.cells.email!.toLowerCase()).filter((e) => e !== "")),
        usernames: new Set(),
        extens: new Set(),
        sip: new Set()
      })
      if (problem !== undefined) return send(res, 400, [problem])
      Object.assign(user.cells, next)
      save(options.state, state)
      res.writeHead(204)
      res.end()
      return
    }
    return send(res, 404, ["Resource Not Found - no such route"])
  }

  const tls = options.tls ? makeTls(options.dir) : undefined
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, [`Unexpected error: ${(e as Error).message}`])
    })
  }
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener)
  const sockets = new Set<net.Socket>()
  server.on("connection", (s: net.Socket) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  const url = `${tls ? "https" : "http"}://127.0.0.1:${port}`
  return {
    url,
    profile: {
      platform: "wazo",
      url,
      tenant: state.tenant,
      username: state.username,
      passwordFile,
      ...(tls ? { ca: tls.ca } : {})
    },
    users: () => state.users.map((u) => ({ ...u.cells })),
    tokens: () => [...issued],
    password: state.password,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
    }
  }
}
