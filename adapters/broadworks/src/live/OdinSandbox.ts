/**
 * A local Odin REST API for rehearsals and tests (`pbxport sandbox odin`): the `/auth/token` and
 * `/users` endpoints as odins_spear uses them (spec §7, seed 004).
 *
 * - `POST /auth/token` `{username, password}` answers `{token}`; `PUT /auth/token` with a valid
 *   Bearer answers a new one; `GET /auth/session` tells who is logged in. Tokens lapse after
 *   `tokenLifetime` seconds; every other route answers 401 without a valid one.
 * - `POST /users` checks the user as the `odin-json` dialect reads it (lengths, choices, required
 *   fields), then the group, a free user id and a free extension; `PUT /users` changes the given
 *   fields; `GET /users?userId=` answers one object, `GET /users?serviceProviderId=&groupId=` a
 *   list, with Odin's read-only extras (`domain`, `defaultAlias`, `endpointType`...) and never a
 *   password.
 * - Errors are Odin's body `{details, status, error}`. The texts are the sandbox's own: the spec
 *   records the keys, not Odin's words (§10).
 * - Faults for tests: latency per request, and dropping the connection right after applying a
 *   chosen change, before answering.
 */
import * as http from "node:http"
import * as https from "node:https"
import type * as net from "node:net"
import { randomBytes } from "node:crypto"
import type { User } from "@pbxport/core"
import { Redacted } from "effect"
import { odinJson } from "../odin-json.js"
import { userOf } from "./Odin.js"
import type { Account, Group, Stored } from "./Sandbox.js"

/** Faults to inject; changeable while the server runs. */
export interface Faults {
  latency: number
  /** Numbers of applied changes (from 1) after which the connection is dropped unanswered. */
  dropAfter: Set<number>
  /** Seconds a token lives. */
  tokenLifetime: number
  /** Called after each change (POST or PUT /users) is applied, numbered from 1, before the answer. */
  hook?: (change: number, phase: "applied") => void | Promise<void>
  /** Called with every request (method, path, body) after the login, in order. */
  seen?: (request: { readonly method: string; readonly path: string; readonly body: string }) => void
}

/** How to start an Odin sandbox. */
export interface Options {
  readonly port?: number
  readonly tls?: { readonly key: string; readonly cert: string }
  readonly accounts: ReadonlyArray<Account>
  readonly groups: ReadonlyArray<Group>
  readonly users?: ReadonlyArray<Stored>
  /** Called with every user after each change (to keep a state file). */
  readonly onChange?: (users: ReadonlyArray<Stored>) => void
  readonly tokenLifetime?: number
}

/** A running Odin sandbox. */
export interface Server {
  readonly port: number
  /** The API base, `http(s)://127.0.0.1:port/api/v2`. */
  readonly url: string
  readonly faults: Faults
  readonly users: ReadonlyMap<string, Stored>
  readonly stats: { requests: number; applied: number; logins: number; renewals: number; unauthorized: number; perSecondPeak: number }
  readonly snapshot: () => ReadonlyArray<Stored>
  readonly close: () => Promise<void>
}

const base = "/api/v2"
const writer = odinJson.writer({})

const body = (status: number, value: unknown): { status: number; text: string } => ({ status, text: JSON.stringify(value) })
const problem = (status: number, error: string, details: string) => body(status, { details, status, error })

/**
 * Starts an Odin sandbox on 127.0.0.1.
 */
export const start = async (options: Options): Promise<Server> => {
  const users = new Map<string, Stored>((options.users ?? []).map((s) => [s.user.userId!, s]))
  const groups = new Map(options.groups.map((g) => [`${g.serviceProviderId}\u0000${g.groupId}`, g]))
  const accounts = new Map(options.accounts.map((a) => [a.username, a.password]))
  const tokens = new Map<string, { username: string; expires: number }>()
  const faults: Faults = { latency: 0, dropAfter: new Set(), tokenLifetime: options.tokenLifetime ?? 3600 }
  const stats = { requests: 0, applied: 0, logins: 0, renewals: 0, unauthorized: 0, perSecondPeak: 0 }
  const sockets = new Set<net.Socket>()
  let second = 0
  let inSecond = 0

  const issue = (username: string): string => {
    const token = randomBytes(24).toString("base64url")
    tokens.set(token, { username, expires: Date.now() + faults.tokenLifetime * 1000 })
    return token
  }

  const view = (s: Stored): unknown => {
    const g = groups.get(`${s.serviceProviderId}\u0000${s.groupId}`)!
    const { password: _password, passcode: _passcode, ...shown } = s.user
    const device = shown.device === undefined ? undefined : { ...shown.device, credentialsPassword: undefined }
    const encoded = writer.encode({ ...shown, ...(device === undefined ? {} : { device }) } as User.User, 0)
    const value = { ...(encoded.value as Record<string, unknown>) }
    delete value["password"]
    return {
      ...value,
      hiraganaLastName: value["hiraganaLastName"] ?? value["lastName"],
      hiraganaFirstName: value["hiraganaFirstName"] ?? value["firstName"],
      language: value["language"] ?? "English",
      timeZone: value["timeZone"] ?? "America/New_York",
      defaultAlias: `${(s.user.userId ?? "").split("@")[0]}@${g.domain}`,
      aliases: value["aliases"] ?? [],
      countryCode: "1",
      domain: g.domain,
      isEnterprise: true,
      passwordExpiresDays: 2147483647
    }
  }

  const taken = (s: Stored, extension: string): string | undefined => {
    for (const o of users.values()) if (o.serviceProviderId === s.serviceProviderId && o.groupId === s.groupId && o.user.userId !== s.user.userId && o.user.extension === extension) return o.user.userId!
    return undefined
  }

  const route = (method: string, url: URL, raw: string, auth: string | undefined): { status: number; text: string; applied?: boolean } => {
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname
    let json: Record<string, unknown> = {}
    if (raw.trim() !== "") {
      try {
        const v = JSON.parse(raw) as unknown
        if (v !== null && typeof v === "object" && !Array.isArray(v)) json = v as Record<string, unknown>
      } catch {
        return problem(400, "Bad Request", "the body is not JSON")
      }
    }
    if (method === "POST" && path === "/auth/token") {
      const password = accounts.get(String(json["username"] ?? ""))
      if (password === undefined || json["password"] !== password) return problem(401, "Unauthorized", "Invalid username or password")
      stats.logins++
      return body(200, { token: issue(String(json["username"])) })
    }
    const bearer = auth?.startsWith("Bearer ") ? tokens.get(auth.slice(7)) : undefined
    if (bearer === undefined || bearer.expires <= Date.now()) {
      stats.unauthorized++
      return problem(401, "Unauthorized", "the token is missing, unknown or expired")
    }
    if (method === "PUT" && path === "/auth/token") {
      tokens.delete(auth!.slice(7))
      stats.renewals++
      return body(200, { token: issue(bearer.username) })
    }
    if (method === "GET" && path === "/auth/session") return body(200, { username: bearer.username, loginType: "System" })
    if (path !== "/users") return problem(404, "Not Found", `no route ${method} ${path}`)
    if (method === "GET") {
      const userId = url.searchParams.get("userId")
      if (userId !== null && url.searchParams.get("serviceProviderId") === null) {
        const s = users.get(userId)
        return s === undefined ? problem(404, "Not Found", `User not found: ${userId}`) : body(200, view(s))
      }
      const sp = url.searchParams.get("serviceProviderId")
      const gid = url.searchParams.get("groupId")
      const filters = ["lastName", "firstName", "emailAddress", "userId", "extension", "dn"].flatMap((k) => {
        const v = url.searchParams.get(k)
        return v === null ? [] : [[k, v] as const]
      })
      const match = (pattern: string, value: string | null | undefined) => {
        const v = value ?? ""
        if (pattern.startsWith("*") && pattern.endsWith("*") && pattern.length > 1) return v.includes(pattern.slice(1, -1))
        if (pattern.endsWith("*")) return v.startsWith(pattern.slice(0, -1))
        return v === pattern
      }
      const field = (u: User.User, k: string) => (k === "emailAddress" ? u.email : k === "dn" ? u.directoryNumber : (u as Record<string, unknown>)[k] as string | undefined)
      const rows = [...users.values()].filter((s) => (sp === null || s.serviceProviderId === sp) && (gid === null || s.groupId === gid) && filters.every(([k, v]) => match(v, field(s.user, k))))
      const limit = Number(url.searchParams.get("limit") ?? "0")
      return body(200, (limit > 0 ? rows.slice(0, limit) : rows).map(view))
    }
    if (method === "POST") {
      const decoded = odinJson.reader(null, {}).decode({ row: 0, line: 0, value: json })
      const errors = decoded.findings.filter((f) => f.severity === "error")
      if (errors.length > 0 || decoded.user === undefined) return problem(400, "Bad Request", errors.map((f) => f.message).join("; "))
      const user = decoded.user
      const g = groups.get(`${user.serviceProviderId}\u0000${user.groupId}`)
      if (g === undefined) return problem(404, "Not Found", `Group not found: ${user.groupId}`)
      if (!user.password) return problem(400, "Bad Request", "password is required")
      // the group's password rules, as the OCI-P sandbox applies them
      if (Redacted.value(user.password).length < 6) return problem(400, "Bad Request", "the password does not meet the group's password rules: at least 6 characters")
      if (users.has(user.userId!)) return problem(409, "Conflict", `User already exists: ${user.userId}`)
      const stored: Stored = { serviceProviderId: g.serviceProviderId, groupId: g.groupId, user }
      if (user.extension && taken(stored, user.extension)) return problem(409, "Conflict", `Extension already assigned: ${user.extension} (${taken(stored, user.extension)})`)
      users.set(user.userId!, stored)
      return { ...body(200, view(stored)), applied: true }
    }
    if (method === "PUT") {
      const userId = String(json["userId"] ?? "")
      const s = users.get(userId)
      if (s === undefined) return problem(404, "Not Found", `User not found: ${userId}`)
      const current = view(s) as Record<string, unknown>
      const merged: Record<string, unknown> = { ...current, ...json }
      for (const k of ["accessDeviceEndpoint", "trunkAddressing"]) {
        if (json[k] !== undefined && current[k] !== undefined) merged[k] = { ...(current[k] as object), ...(json[k] as object) }
      }
      if (json["endpointType"] === "accessDeviceEndpoint") delete merged["trunkAddressing"]
      if (json["endpointType"] === "trunkAddressing") delete merged["accessDeviceEndpoint"]
      const next = userOf(merged)
      if (next === undefined) {
        const findings = odinJson.reader(null, {}).decode({ row: 0, line: 0, value: merged }).findings.filter((f) => f.severity === "error")
        return problem(400, "Bad Request", findings.map((f) => f.message).join("; "))
      }
      const stored: Stored = { ...s, user: { ...next, ...(s.user.password === undefined ? {} : { password: s.user.password }) } }
      if (next.extension && next.extension !== s.user.extension && taken(stored, next.extension)) return problem(409, "Conflict", `Extension already assigned: ${next.extension}`)
      users.set(userId, stored)
      return { ...body(200, { ...json }), applied: true }
    }
    return problem(405, "Method Not Allowed", `${method} /users`)
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", async () => {
      stats.requests++
      const s = Math.floor(Date.now() / 1000)
      if (s !== second) {
        second = s
        inSecond = 0
      }
      stats.perSecondPeak = Math.max(stats.perSecondPeak, ++inSecond)
      if (faults.latency > 0) await new Promise((r) => setTimeout(r, faults.latency))
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      if (!url.pathname.endsWith("/auth/token")) faults.seen?.({ method: req.method ?? "GET", path: url.pathname + url.search, body: Buffer.concat(chunks).toString("utf8") })
      const r = route(req.method ?? "GET", url, Buffer.concat(chunks).toString("utf8"), req.headers.authorization)
      if (r.applied) {
        options.onChange?.([...users.values()])
        stats.applied++
        await faults.hook?.(stats.applied, "applied")
        if (faults.dropAfter.has(stats.applied)) {
          faults.dropAfter.delete(stats.applied)
          req.socket.destroy()
          return
        }
      }
      res.writeHead(r.status, { "content-type": "application/json" })
      res.end(r.text)
    })
  }

  const server = options.tls === undefined ? http.createServer(handler) : https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
  server.on("connection", (s: net.Socket) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}${base}`,
    faults,
    users,
    stats,
    snapshot: () => [...users.values()],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
