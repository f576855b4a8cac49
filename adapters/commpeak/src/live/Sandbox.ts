/**
 * A local stand-in for CommPeak's users API, for tests, demonstrations and rehearsals:
 * `GET /api/users/`, `POST /api/users`, `PUT /api/users/{id}` with HTTP Basic or Digest auth,
 * the refusals the real API gives (duplicate username or email, unknown role, desk or skill
 * group id, bad virtual extension), and faults on demand (added latency, 429 with Retry-After,
 * a connection dropped after a request was applied).
 *
 * Field names follow CommPeak's Core API reference (specs/commpeak.md §3). What the reference
 * does not publish (the error body, the shape of `roles{}`, all-or-nothing for a list POSTed at
 * once) is the project's choice, listed in docs/live-commpeak.md. The sandbox is stricter than
 * needed on purpose: an unknown field or a wrongly typed value is refused, so a connector bug
 * shows. It listens on loopback only. Users' login passwords are kept as SHA-256 digests only,
 * in memory and in the state file (mode 0600, which also keeps the sandbox's own API password).
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import * as Digest from "./Digest.js"

/**
 * How the sandbox asks API users to log in: `basic`, `digest` (SHA-256 and MD5 challenges), or
 * `digest-md5` (an MD5 challenge only, as older servers send).
 */
export type Auth = "basic" | "digest" | "digest-md5"

/**
 * Faults a test can turn on (and change while the sandbox runs).
 */
export interface Faults {
  /** Milliseconds added before each answer. */
  readonly latency?: number | undefined
  /** Answer every Nth request with 429 and a Retry-After of `retryAfter` seconds. */
  readonly tooMany?: { readonly every: number; readonly retryAfter: number } | undefined
  /** Apply the next N POST or PUT requests, then drop their connection without an answer. */
  readonly dropAfterApply?: number | undefined
  /** Digest nonces go stale after this many uses (default: never). */
  readonly nonceUses?: number | undefined
}

/**
 * What a sandbox starts with.
 */
export interface Options {
  /** 0 (default) picks a free port. */
  readonly port?: number | undefined
  readonly auth?: Auth | undefined
  /** The API user; the password is drawn at random unless given. */
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** A JSON file the users are kept in between runs (created when missing). */
  readonly state?: string | undefined
  /** Key and certificate (PEM) to serve HTTPS. */
  readonly tls?: { readonly key: string; readonly cert: string } | undefined
  /** Role ids and names (default 1 Administrator, 2 Supervisor, 3 Agent, 4 Quality, 5 Trainee). */
  readonly roles?: Readonly<Record<string, string>> | undefined
  /** Desk ids (default 1-10) and skill group ids (default 1-10). */
  readonly desks?: ReadonlyArray<number> | undefined
  readonly skillGroups?: ReadonlyArray<number> | undefined
  readonly faults?: Faults | undefined
}

/**
 * A user as the sandbox keeps it.
 */
interface Stored {
  id: number
  username: string
  email: string
  passwordSha256: string
  registration_password: string
  is_active: boolean
  is_clockedin: boolean
  sip_uri: string
  sip_option: string
  auto_dial: boolean
  is_deleted: boolean
  use_extended_ip_acl: boolean
  user_route_caller_id: string
  timezone_id: string
  use_webrtc: boolean
  first_name: string
  last_name: string
  virtual_extension: string
  default_language: string
  max_session_time: number
  max_concurrent_sessions: number
  twofa_type: string
  member_all_desks: boolean
  kerb_username: string
  desks: Array<number>
  roles: Array<number>
  groups: Array<number>
}

/**
 * Counts of what the sandbox was asked, for tests.
 */
export interface Counts {
  readonly requests: number
  readonly posts: number
  readonly puts: number
  readonly gets: number
  readonly tooMany: number
  readonly dropped: number
  readonly refused: number
}

/**
 * A running sandbox.
 */
export interface Sandbox {
  /** The API base, `http://127.0.0.1:<port>/api/`. */
  readonly url: string
  readonly username: string
  readonly password: string
  /** A connection profile for it (`platform`, `url`, `username`, `password`). */
  readonly profile: { readonly platform: "commpeak"; readonly url: string; readonly username: string; readonly password: string }
  /** The users, as GET lists them. */
  readonly users: () => Array<Record<string, unknown>>
  /** Tells whether a user's login password is the one given (passwords are kept hashed). */
  readonly checkPassword: (username: string, password: string) => boolean
  readonly counts: () => Counts
  /** Replaces the faults. */
  readonly faults: (faults: Faults) => void
  readonly close: () => Promise<void>
}

const LANGUAGES = ["en_US", "es_ES", "pt_BR", "ru_RU"]
const TWOFA = ["default", "disabled", "email", "google"]
const SIP_OPTIONS = ["webrtc", "classic-pbx", "custom-uri", "built-in-pbx"]
const defaultRoles: Record<string, string> = { "1": "Administrator", "2": "Supervisor", "3": "Agent", "4": "Quality", "5": "Trainee" }
const range = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i + 1)
const sha256 = (s: string): string => crypto.createHash("sha256").update(s, "utf8").digest("hex")
const emailPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

type Kind = "text" | "bool" | "int" | "ids"
const POST: Readonly<Record<string, Kind>> = {
  username: "text", password: "text", email: "text", sip_option: "text", is_active: "bool", reset_password: "bool", sip_uri: "text",
  use_extended_ip_acl: "bool", user_route_caller_id: "text", member_all_desks: "bool", kerb_username: "text", desks: "ids", roles: "ids", skill_groups: "ids"
}
const PUT: Readonly<Record<string, Kind>> = {
  username: "text", email: "text", is_active: "bool", sip_uri: "text", is_deleted: "bool", use_extended_ip_acl: "bool", user_route_caller_id: "text",
  timezone_id: "text", first_name: "text", last_name: "text", virtual_extension: "text", default_language: "text", max_session_time: "int",
  max_concurrent_sessions: "int", twofa_type: "text", member_all_desks: "bool", registration_password: "text", use_webrtc: "bool"
}

/** A refusal: the HTTP status and the fields' messages. */
class Refusal {
  constructor(readonly status: number, readonly message: string, readonly errors: Record<string, Array<string>>) {}
}

const typed = (fields: Readonly<Record<string, Kind>>, body: Record<string, unknown>, errors: Record<string, Array<string>>): void => {
  const add = (f: string, m: string): void => { (errors[f] ??= []).push(m) }
  for (const [k, v] of Object.entries(body)) {
    const kind = fields[k]
    if (kind === undefined) add(k, `The field ${k} is not accepted here.`)
    else if (kind === "text" && v !== null && typeof v !== "string" && typeof v !== "number") add(k, `The ${k} must be a string.`)
    else if (kind === "bool" && typeof v !== "boolean") add(k, `The ${k} field must be true or false.`)
    else if (kind === "int" && v !== null && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) add(k, `The ${k} must be a whole number.`)
    else if (kind === "ids" && !(Array.isArray(v) && v.every((x) => Number.isInteger(x) || (typeof x === "string" && /^[0-9]+$/.test(x))))) add(k, `The ${k} must be a list of ids.`)
  }
}

/**
 * Starts a sandbox on 127.0.0.1.
 */
export const start = async (options: Options = {}): Promise<Sandbox> => {
  const username = options.username ?? "api"
  const saved = options.state !== undefined && fs.existsSync(options.state)
    ? (JSON.parse(fs.readFileSync(options.state, "utf8")) as { users: Array<Stored>; nextId: number; password: string })
    : undefined
  // the API password is kept with the users, so a profile written for the state keeps working
  const password = options.password ?? saved?.password ?? crypto.randomBytes(12).toString("base64url")
  const auth = options.auth ?? "basic"
  const roles = options.roles ?? defaultRoles
  const desks = new Set(options.desks ?? range(10))
  const skillGroups = new Set(options.skillGroups ?? range(10))
  let faults: Faults = options.faults ?? {}
  const counts = { requests: 0, posts: 0, puts: 0, gets: 0, tooMany: 0, dropped: 0, refused: 0 }
  const nonces = new Map<string, number>()
  const opaque = crypto.randomBytes(8).toString("hex")

  const users: Array<Stored> = saved?.users ?? []
  let nextId = saved?.nextId ?? 1001
  const save = (): void => {
    if (options.state === undefined) return
    const temp = path.join(path.dirname(path.resolve(options.state)), `.${path.basename(options.state)}.${process.pid}.tmp`)
    fs.writeFileSync(temp, JSON.stringify({ users, nextId, password }), { mode: 0o600 })
    fs.renameSync(temp, options.state)
  }

  const view = (u: Stored): Record<string, unknown> => ({
    id: u.id, username: u.username, email: u.email, registration_password: u.registration_password, is_active: u.is_active, is_clockedin: u.is_clockedin,
    sip_uri: u.sip_uri, auto_dial: u.auto_dial, is_deleted: u.is_deleted, use_extended_ip_acl: u.use_extended_ip_acl, user_route_caller_id: u.user_route_caller_id,
    timezone_id: u.timezone_id, use_webrtc: u.use_webrtc, first_name: u.first_name, last_name: u.last_name, virtual_extension: u.virtual_extension,
    default_language: u.default_language, max_session_time: u.max_session_time, max_concurrent_sessions: u.max_concurrent_sessions, twofa_type: u.twofa_type,
    member_all_desks: u.member_all_desks, desks: [...u.desks], roles: Object.fromEntries(u.roles.map((r) => [String(r), roles[String(r)] ?? ""])), groups: [...u.groups]
  })

  const taken = (field: "username" | "email" | "virtual_extension", value: string, except: number | null, extra: ReadonlyArray<Stored> = []): Stored | undefined => {
    const same = field === "email" ? (a: string) => a.toLowerCase() === value.toLowerCase() : (a: string) => a === value
    return [...users, ...extra].find((u) => u.id !== except && u[field] !== "" && same(u[field]))
  }

  const checkIds = (body: Record<string, unknown>, errors: Record<string, Array<string>>): void => {
    const check = (field: string, known: (id: string) => boolean, label: string): void => {
      const list = body[field]
      if (!Array.isArray(list)) return
      const unknown = list.map(String).filter((id) => !known(id))
      if (unknown.length > 0) (errors[field] ??= []).push(`Unknown ${label} id${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`)
    }
    check("roles", (id) => roles[id] !== undefined, "role")
    check("desks", (id) => desks.has(Number(id)), "desk")
    check("skill_groups", (id) => skillGroups.has(Number(id)), "skill group")
  }

  const create = (body: Record<string, unknown>, batch: ReadonlyArray<Stored>): Stored => {
    const errors: Record<string, Array<string>> = {}
    const add = (f: string, m: string): void => { (errors[f] ??= []).push(m) }
    typed(POST, body, errors)
    const name = typeof body.username === "string" ? body.username : ""
    const email = typeof body.email === "string" ? body.email : ""
    if (name.trim() === "") add("username", "The username field is required.")
    else if (taken("username", name, null, batch)) add("username", `The username '${name}' has already been taken.`)
    if (email.trim() === "") add("email", "The email field is required.")
    else if (!emailPattern.test(email)) add("email", "The email must be a valid email address.")
    else if (taken("email", email, null, batch)) add("email", `The email '${email}' has already been taken.`)
    if (!Array.isArray(body.roles) || body.roles.length === 0) add("roles", "The roles field is required.")
    checkIds(body, errors)
    if (body.sip_option !== undefined && !SIP_OPTIONS.includes(String(body.sip_option))) add("sip_option", `The sip_option must be one of ${SIP_OPTIONS.join(", ")}.`)
    if (Object.keys(errors).length > 0) throw new Refusal(422, "The given data was invalid.", errors)
    const mode = String(body.sip_option ?? "webrtc")
    const ids = (v: unknown): Array<number> => (Array.isArray(v) ? v.map(Number) : [])
    return {
      id: nextId++, username: name, email, passwordSha256: sha256(typeof body.password === "string" ? body.password : crypto.randomBytes(16).toString("hex")),
      registration_password: "", is_active: body.is_active !== false, is_clockedin: false, sip_uri: typeof body.sip_uri === "string" ? body.sip_uri : "", sip_option: mode,
      auto_dial: false, is_deleted: false, use_extended_ip_acl: body.use_extended_ip_acl === true, user_route_caller_id: String(body.user_route_caller_id ?? ""),
      timezone_id: "", use_webrtc: mode === "webrtc", first_name: "", last_name: "", virtual_extension: "", default_language: "en_US", max_session_time: 0,
      max_concurrent_sessions: 1, twofa_type: "default", member_all_desks: body.member_all_desks === true, kerb_username: String(body.kerb_username ?? ""),
      desks: ids(body.desks), roles: ids(body.roles), groups: ids(body.skill_groups)
    }
  }

  const update = (user: Stored, body: Record<string, unknown>): void => {
    const errors: Record<string, Array<string>> = {}
    const add = (f: string, m: string): void => { (errors[f] ??= []).push(m) }
    typed(PUT, body, errors)
    if (typeof body.username === "string") {
      if (body.username.trim() === "") add("username", "The username field is required.")
      else if (taken("username", body.username, user.id)) add("username", `The username '${body.username}' has already been taken.`)
    }
    if (typeof body.email === "string") {
      if (!emailPattern.test(body.email)) add("email", "The email must be a valid email address.")
      else if (taken("email", body.email, user.id)) add("email", `The email '${body.email}' has already been taken.`)
    }
    if (body.virtual_extension !== undefined && body.virtual_extension !== null && body.virtual_extension !== "") {
      const ve = String(body.virtual_extension)
      const other = taken("virtual_extension", ve, user.id)
      if (!/^[0-9]{1,10}$/.test(ve)) add("virtual_extension", `The virtual extension must be 1 to 10 digits, not '${ve}'.`)
      else if (other) add("virtual_extension", `The virtual extension ${ve} is already used by user ${other.id}.`)
    }
    if (body.default_language !== undefined && !LANGUAGES.includes(String(body.default_language))) add("default_language", `The default_language must be one of ${LANGUAGES.join(", ")}.`)
    if (body.twofa_type !== undefined && !TWOFA.includes(String(body.twofa_type))) add("twofa_type", `The twofa_type must be one of ${TWOFA.join(", ")}.`)
    if (Object.keys(errors).length > 0) throw new Refusal(422, "The given data was invalid.", errors)
    const u = user as unknown as Record<string, unknown>
    for (const [k, v] of Object.entries(body)) u[k] = v === null ? (typeof u[k] === "number" ? 0 : typeof u[k] === "boolean" ? false : "") : typeof u[k] === "string" ? String(v) : v
  }

  const challenge = (stale: boolean): string => {
    const nonce = crypto.randomBytes(16).toString("base64url")
    nonces.set(nonce, 0)
    const algorithms = auth === "digest-md5" ? ["MD5"] : ["SHA-256", "MD5"]
    return algorithms.map((a) => `Digest realm="api", qop="auth", algorithm=${a}, nonce="${nonce}", opaque="${opaque}"${stale ? ", stale=true" : ""}`).join(", ")
  }

  const authorized = (req: http.IncomingMessage): true | { stale: boolean } => {
    const header = req.headers.authorization ?? ""
    if (auth === "basic") {
      const m = /^Basic\s+(\S+)$/i.exec(header)
      if (m === null) return { stale: false }
      const [u, ...rest] = Buffer.from(m[1]!, "base64").toString("utf8").split(":")
      return u === username && rest.join(":") === password ? true : { stale: false }
    }
    const verdict = Digest.verify(header, { method: req.method ?? "GET", uri: req.url ?? "/" }, {
      realm: "api",
      password: (u) => (u === username ? password : undefined),
      fresh: (nonce) => {
        const uses = nonces.get(nonce)
        if (uses === undefined) return false
        nonces.set(nonce, uses + 1)
        return faults.nonceUses !== undefined && uses >= faults.nonceUses ? "stale" : true
      }
    })
    return verdict === "ok" ? true : { stale: verdict === "stale" }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
    res.end(text)
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> => {
    counts.requests++
    if (faults.latency) await new Promise((r) => setTimeout(r, faults.latency))
    const ok = authorized(req)
    if (ok !== true) {
      res.setHeader("www-authenticate", auth === "basic" ? `Basic realm="api"` : challenge(ok.stale))
      return send(res, 401, { message: "Unauthenticated." })
    }
    if (faults.tooMany && counts.requests % faults.tooMany.every === 0) {
      counts.tooMany++
      return send(res, 429, { message: "Too Many Attempts." }, { "retry-after": String(faults.tooMany.retryAfter) })
    }
    const url = new URL(req.url ?? "/", "http://sandbox")
    const method = req.method ?? "GET"
    let body: unknown = undefined
    if (raw !== "") {
      try {
        body = JSON.parse(raw)
      } catch {
        return send(res, 400, { message: "The request body is not JSON." })
      }
    }
    const drop = (): boolean => {
      if ((faults.dropAfterApply ?? 0) <= 0) return false
      faults = { ...faults, dropAfterApply: (faults.dropAfterApply ?? 0) - 1 }
      counts.dropped++
      req.socket.destroy()
      return true
    }
    try {
      if (/^\/api\/users\/?$/.test(url.pathname) && method === "GET") {
        counts.gets++
        return send(res, 200, users.map(view))
      }
      if (/^\/api\/users\/?$/.test(url.pathname) && method === "POST") {
        counts.posts++
        const list = Array.isArray(body) ? body : [body]
        if (list.length === 0 || list.some((b) => b === null || typeof b !== "object" || Array.isArray(b))) throw new Refusal(400, "The body must be a user object or a list of them.", {})
        // a list is created all or nothing
        const made: Array<Stored> = []
        for (const item of list) made.push(create(item as Record<string, unknown>, made))
        users.push(...made)
        save()
        if (drop()) return
        return send(res, 201, Array.isArray(body) ? made.map(view) : view(made[0]!))
      }
      const one = /^\/api\/users\/([0-9]+)\/?$/.exec(url.pathname)
      if (one !== null && (method === "PUT" || method === "GET")) {
        const user = users.find((u) => u.id === Number(one[1]))
        if (user === undefined) throw new Refusal(404, `No user with id ${one[1]}.`, {})
        if (method === "GET") {
          counts.gets++
          return send(res, 200, view(user))
        }
        counts.puts++
        if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Refusal(400, "The body must be an object.", {})
        update(user, body as Record<string, unknown>)
        save()
        if (drop()) return
        return send(res, 200, view(user))
      }
      return send(res, url.pathname.startsWith("/api/users") ? 405 : 404, { message: "Not found." })
    } catch (e) {
      if (!(e instanceof Refusal)) throw e
      counts.refused++
      return send(res, e.status, { message: e.message, ...(Object.keys(e.errors).length > 0 ? { errors: e.errors } : {}) })
    }
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch(() => {
        if (!res.headersSent) send(res, 500, { message: "Server Error" })
      })
    })
  }
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}/api/`
  return {
    url,
    username,
    password,
    profile: { platform: "commpeak", url, username, password },
    users: () => users.map(view),
    checkPassword: (u, p) => users.some((x) => x.username === u && x.passwordSha256 === sha256(p)),
    counts: () => ({ ...counts }),
    faults: (f) => { faults = f },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
