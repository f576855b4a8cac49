/**
 * The Wazo connector: wazo-auth for a token, wazo-confd for users (specs/wazo.md §2, §3, §7,
 * §8, §9).
 *
 * - Login: `POST /api/auth/0.1/token` with HTTP Basic and a JSON body holding `expiration`; the
 *   token goes in `X-Auth-Token`, the profile's tenant in `Wazo-Tenant`. The token is renewed
 *   before it expires, and once more when confd answers 401 (a token can be revoked or expire
 *   early; a 401 applies nothing, so the request is sent again with the new token).
 * - Create: `POST /users/import`, all-or-nothing per request (§3, §5). A chunk refused with 400
 *   lists its bad rows by `row_number`; those users are rejected with Wazo's message and the
 *   others are sent again without them. A chunk that crashes Wazo (500) is halved until the
 *   user that crashes it is alone. Chunks stay far below nginx's 16 MiB body limit (§2.1).
 * - Update: `PUT /users/import` is 405 since 19.06 (§8), so fields are changed through
 *   `PUT /users/{uuid}`, with only the fields that differ.
 * - List and find: `GET /users/export` with `Accept: text/csv; charset=utf-8` exactly (§9.1),
 *   read with the `wazo-export` dialect. confd has no search by auth user name, so `find` reads
 *   the export too; it is called only to reconcile after a lost answer.
 */
import { Field, type User } from "@pbxport/core"
import { type Connector, Http, LiveError, type Platform, Profile } from "@pbxport/live"
import { Redacted } from "effect"
import * as Wire from "./Wire.js"

/** Seconds a token is asked for; renewed when less than a tenth of it is left. */
const lifetime = 3600
/** The largest import body sent at once: far below nginx's 16 MiB (specs/wazo.md §2.1). */
export const maxBody = 4 * 1024 * 1024

const auth = "/api/auth/0.1"
const confd = "/api/confd/1.1"

interface Token {
  readonly value: string
  readonly renewAt: number
}

/** Reads confd's error envelopes: a JSON array of strings (§2.3), or anything else as text. */
const messageOf = (text: string): string => {
  try {
    const v = JSON.parse(text) as unknown
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v.join("; ")
    if (v !== null && typeof v === "object" && Array.isArray((v as { reason?: unknown }).reason)) return ((v as { reason: Array<unknown> }).reason).map(String).join("; ")
  } catch {
    // not JSON
  }
  return ""
}

interface RowError {
  readonly message: string
  readonly details?: { readonly row_number?: number }
}

const normalised = (key: string, value: string): string => (key === "email" ? value.toLowerCase() : value)

/**
 * Logs in to Wazo and returns a connector; a refused login or an unreachable server fails
 * here, before anything else is done.
 */
export const connect = async (profile: Profile.Profile, options: Platform.ConnectOptions): Promise<Connector.Connector> => {
  const url = Profile.text(profile, "url")!.replace(/\/+$/, "")
  const tenant = Profile.text(profile, "tenant")
  if (!/^https?:\/\/[^/?#]+$/.test(url)) {
    throw new LiveError.LiveError({ _tag: "Profile", file: profile.file, detail: `'url' must be the front of the Wazo stack, such as https://wazo.example.com (pbxport appends /api/auth/0.1 and /api/confd/1.1), not ${JSON.stringify(url)}` })
  }
  if (profile.insecure) options.warn?.(Profile.insecureWarning(profile))
  const title = `Wazo at ${url}${tenant === undefined ? "" : ` (tenant ${tenant})`}`
  const http = Http.make({ base: url, name: title, ca: profile.ca, insecure: profile.insecure, ...options.http, ...(options.onRetry ? { onRetry: options.onRetry } : {}) })
  const batch = options.batch ?? platformBatch.default
  let token: Token | undefined

  const login = async (signal?: AbortSignal): Promise<Token> => {
    const r = await http.send({
      method: "POST",
      path: `${auth}/token`,
      headers: { authorization: Http.basic(profile.username, Redacted.value(profile.password)), "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ expiration: lifetime }),
      // a second token does no harm
      idempotent: true,
      signal
    })
    if (r.status === 401) throw new LiveError.LiveError({ _tag: "Login", target: title, detail: `wazo-auth answered 401 Authentication Failed for user ${profile.username}: check the user name and the password` })
    if (r.status !== 200) throw new LiveError.LiveError({ _tag: "Refused", target: title, request: `POST ${auth}/token`, status: r.status, detail: messageOf(r.text) === "" ? "" : "wazo-auth refused the login request" })
    let data: { token?: unknown; utc_expires_at?: unknown; utc_issued_at?: unknown } | undefined
    try {
      data = (JSON.parse(r.text) as { data?: typeof data }).data
    } catch {
      data = undefined
    }
    if (typeof data?.token !== "string") throw new LiveError.LiveError({ _tag: "Refused", target: title, request: `POST ${auth}/token`, status: r.status, detail: "the answer holds no token" })
    // the server's own clock says how long the token lasts; ours says when that is
    const issued = Date.parse(String(data.utc_issued_at))
    const expires = Date.parse(String(data.utc_expires_at))
    const seconds = Number.isNaN(issued) || Number.isNaN(expires) ? lifetime : Math.max(0, (expires - issued) / 1000)
    return { value: data.token, renewAt: Date.now() + seconds * 900 }
  }

  const current = async (signal?: AbortSignal): Promise<Token> => {
    if (token === undefined || Date.now() >= token.renewAt) token = await login(signal)
    return token
  }

  /** Sends a confd request with the token; a 401 renews the token once and sends it again. */
  const call = async (req: Omit<Http.Request, "headers"> & { readonly headers?: Readonly<Record<string, string>> }): Promise<Http.Response> => {
    for (let round = 0; ; round++) {
      const used = await current(req.signal)
      const r = await http.send({
        ...req,
        path: confd + req.path,
        headers: { ...req.headers, "x-auth-token": used.value, ...(tenant === undefined ? {} : { "wazo-tenant": tenant }) }
      })
      if (r.status !== 401) return r
      if (round > 0) {
        throw new LiveError.LiveError({
          _tag: "Login",
          target: title,
          detail: `confd refused the token on ${req.method} ${req.path.split("?")[0]} (HTTP 401): the user lacks the ACL${tenant === undefined ? "" : `, or may not act in tenant ${tenant}`}`
        })
      }
      if (token === used) token = undefined
    }
  }

  const exported = async (signal?: AbortSignal): Promise<ReadonlyArray<Connector.RemoteUser>> => {
    const r = await call({ method: "GET", path: "/users/export", headers: { accept: "text/csv; charset=utf-8" }, idempotent: true, signal, timeout: 300_000 })
    if (r.status !== 200) throw new LiveError.LiveError({ _tag: "Refused", target: title, request: "GET /users/export", status: r.status, detail: messageOf(r.text) })
    const type = String(r.headers["content-type"] ?? "")
    if (!type.startsWith("text/csv")) throw new LiveError.LiveError({ _tag: "Refused", target: title, request: "GET /users/export", status: r.status, detail: `the export came as ${type || "an unknown type"}, not text/csv` })
    const { users } = await Wire.readExport(r.text)
    return users.map((u) => ({ id: u.uuid, user: u.user }))
  }

  /** Sends one import chunk; answers per user, splitting on 400 and halving on 500. */
  const importChunk = async (users: ReadonlyArray<User.User>, signal?: AbortSignal): Promise<Array<Connector.Outcome>> => {
    const outcomes: Array<Connector.Outcome | undefined> = users.map(() => undefined)
    const secrets = users.flatMap(Wire.secretsOf)
    let pending = users.map((_, i) => i)
    while (pending.length > 0) {
      const body = Wire.importBody(pending.map((i) => users[i]!))
      const sent: Array<number> = []
      body.rows.forEach((r, k) => {
        if ("refused" in r) outcomes[pending[k]!] = { status: "rejected", message: r.refused }
        else sent.push(pending[k]!)
      })
      if (sent.length === 0) break
      if (Buffer.byteLength(body.text) > maxBody && sent.length > 1) {
        const half = Math.ceil(sent.length / 2)
        const parts = [sent.slice(0, half), sent.slice(half)]
        for (const part of parts) {
          const got = await importChunk(part.map((i) => users[i]!), signal)
          part.forEach((i, k) => { outcomes[i] = got[k]! })
        }
        break
      }
      let r: Http.Response
      try {
        r = await call({ method: "POST", path: "/users/import", headers: { "content-type": "text/csv; charset=utf-8", accept: "application/json" }, body: body.text, idempotent: false, signal, timeout: 300_000 })
      } catch (e) {
        if (LiveError.is(e) && e.reason._tag === "Lost") {
          for (const i of sent) outcomes[i] = { status: "unknown", message: e.message }
          break
        }
        throw e
      }
      if (r.status === 201) {
        let created: Array<{ row_number?: number; user_uuid?: string }> = []
        try {
          created = (JSON.parse(r.text) as { created?: typeof created }).created ?? []
        } catch {
          created = []
        }
        const byRow = new Map(created.map((c) => [c.row_number, c.user_uuid]))
        sent.forEach((i, k) => {
          const uuid = byRow.get(k + 1)
          outcomes[i] = typeof uuid === "string" ? { status: "done", id: uuid } : { status: "unknown", message: `Wazo answered 201 without row ${k + 1}` }
        })
        break
      }
      if (r.status === 400) {
        let errors: Array<RowError> | undefined
        try {
          const v = JSON.parse(r.text) as { errors?: Array<RowError> }
          errors = Array.isArray(v?.errors) ? v.errors : undefined
        } catch {
          errors = undefined
        }
        const bad = new Set<number>()
        for (const e of errors ?? []) {
          const k = e.details?.row_number
          if (typeof k !== "number" || k < 1 || k > sent.length) continue
          bad.add(sent[k - 1]!)
          outcomes[sent[k - 1]!] = { status: "rejected", message: Wire.scrub(String(e.message), secrets) }
        }
        if (bad.size === 0) {
          // a 400 that names no row refuses the request itself
          const message = Wire.scrub(messageOf(r.text), secrets) || "Wazo refused the import (HTTP 400)"
          for (const i of sent) outcomes[i] = { status: "rejected", message }
          break
        }
        // nothing of the chunk was kept (all-or-nothing): the good rows go again, alone
        pending = sent.filter((i) => !bad.has(i))
        continue
      }
      if (r.status >= 500 && sent.length > 1) {
        // Wazo rolled the request back (§5); halve it to find the user that makes it fail
        const half = Math.ceil(sent.length / 2)
        for (const part of [sent.slice(0, half), sent.slice(half)]) {
          const got = await importChunk(part.map((i) => users[i]!), signal)
          part.forEach((i, k) => { outcomes[i] = got[k]! })
        }
        break
      }
      const message = Wire.scrub(messageOf(r.text), secrets)
      for (const i of sent) outcomes[i] = { status: "rejected", message: `Wazo answered HTTP ${r.status}${message === "" ? "" : `: ${message}`}` }
      break
    }
    return outcomes.map((o) => o ?? { status: "unknown", message: "not sent" })
  }

  await current(options.signal)

  return {
    title,
    list: (signal) => exported(signal),
    find: async (key, values, signal) => {
      const wanted = new Set(values.map((v) => normalised(key, v)))
      return (await exported(signal)).filter((u) => {
        const v = Field.get(u.user, key)
        return typeof v === "string" && wanted.has(normalised(key, v))
      })
    },
    create: async (users, signal) => {
      const out: Array<Connector.Outcome> = []
      for (let i = 0; i < users.length; i += batch) out.push(...(await importChunk(users.slice(i, i + batch), signal)))
      return out
    },
    update: async (changes, signal) => {
      const out: Array<Connector.Outcome> = []
      for (const c of changes) {
        const body = Wire.userBody(c.user)
        if (Object.keys(body).length === 0) {
          out.push({ status: "done", id: c.id })
          continue
        }
        // setting fields to values twice is setting them once: safe to resend
        const r = await call({ method: "PUT", path: `/users/${encodeURIComponent(c.id)}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body), idempotent: true, signal })
        if (r.status === 204 || r.status === 200) out.push({ status: "done", id: c.id })
        else out.push({ status: "rejected", message: Wire.scrub(messageOf(r.text), Wire.secretsOf(c.user)) || `Wazo answered HTTP ${r.status}` })
      }
      return out
    },
    close: () => http.close()
  }
}

/** Users per import request: small enough that a refused chunk costs little to send again. */
export const platformBatch = { default: 250, max: 5000 } as const
