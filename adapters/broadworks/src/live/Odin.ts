/**
 * The Odin (Rev.io) REST connector: users of one BroadWorks group through Odin's `/users` API
 * (spec §7, seed 004, odins_spear).
 *
 * - Login: `POST /auth/token` with the user name and password, then `Authorization: Bearer`.
 *   The token is renewed with `PUT /auth/token` before it lapses, and once when a request is
 *   answered 401 (a 401 applied nothing, so the request is sent again with the new token).
 * - Create: `POST /users`, one user per request, the body as the `odin-json` dialect writes it.
 *   A lost answer is reconciled with `GET /users?userId=` before the user is sent again.
 * - Update: `PUT /users` with the user's scope and only the fields that differ.
 * - List: `GET /users?serviceProviderId=&groupId=&extended=true`, read with the `odin-json`
 *   dialect.
 * - Errors: the JSON body's `details`, `status` and `error`, in odins_spear's order
 *   (`<details> <status>: <error>`), become the user's rejection.
 * - Rate: Odin imposes no limit (spec §7) but a portal is shared; requests are spaced to a
 *   polite rate (default 5 per second, odins_spear's default), configurable.
 */
import { type Issue, type User } from "@pbxport/core"
import { Redacted } from "effect"
import { odinJson } from "../odin-json.js"

/** One HTTP request (the shape of `@pbxport/live`'s `Http.Request`). */
export interface Request {
  readonly method: "GET" | "POST" | "PUT"
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  readonly idempotent: boolean
  readonly signal?: AbortSignal | undefined
}

/** An HTTP answer (the shape of `@pbxport/live`'s `Http.Response`). */
export interface Response {
  readonly status: number
  readonly text: string
}

/** Sends requests: `@pbxport/live`'s `Http.Client`, which retries only what is safe to resend. */
export interface Http {
  readonly send: (request: Request) => Promise<Response>
  readonly close: () => Promise<void>
}

/** A user as Odin has it (the shape of `@pbxport/live`'s `Connector.RemoteUser`). */
export interface RemoteUser {
  readonly id: string
  readonly user: User.User
}

/** What became of one user. */
export type Outcome =
  | { readonly status: "done"; readonly id: string }
  | { readonly status: "rejected"; readonly message: string }
  | { readonly status: "unknown"; readonly message: string }

/** Why the connector stopped: a refused login, or an answer it cannot get past. */
export class OdinError extends Error {
  readonly reason: "login" | "refused" | "lost"
  constructor(reason: "login" | "refused" | "lost", message: string) {
    super(message)
    this.name = "OdinError"
    this.reason = reason
  }
}

/** Where and how. */
export interface Settings {
  /** The API base as the profile gives it (`https://odin.example.com/api/v2`), for titles. */
  readonly url: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly serviceProviderId: string
  readonly groupId: string
  /** Requests per second at most (default 5). */
  readonly rate?: number
  /** Seconds a token is trusted before it is renewed (default 1800: Odin does not say). */
  readonly tokenLifetime?: number
  /** Milliseconds since some origin (tests pass a fake clock). */
  readonly now?: () => number
}

/** Requests per second when the profile does not say: odins_spear's default (spec §7). */
export const defaultRate = 5

/** The connector (the shape of `@pbxport/live`'s `Connector`). */
export interface Connector {
  readonly title: string
  list(signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  find(key: string, values: ReadonlyArray<string>, signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  create(users: ReadonlyArray<User.User>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  update(changes: ReadonlyArray<{ readonly id: string; readonly user: User.User }>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  close(): Promise<void>
}

/**
 * Reads an Odin error body: `<details> <status>: <error>` as odins_spear prints it, or the HTTP
 * status alone when the body is not Odin's JSON. Bodies are never quoted beyond those keys.
 */
export const errorOf = (response: Response): string => {
  try {
    const v = JSON.parse(response.text) as { details?: unknown; status?: unknown; error?: unknown }
    if (v !== null && typeof v === "object" && (v.details !== undefined || v.error !== undefined)) {
      const details = Array.isArray(v.details) ? v.details.map(String).join("; ") : v.details === undefined ? "" : String(v.details)
      return `${details} ${String(v.status ?? response.status)}: ${String(v.error ?? "")}`.trim()
    }
  } catch {
    // not JSON
  }
  return `HTTP ${response.status}`
}

const isLost = (e: unknown): boolean => (e as { reason?: { _tag?: string } } | null)?.reason?._tag === "Lost"

const text = (v: unknown): string => (v === null || v === undefined ? "" : Redacted.isRedacted(v) ? String(Redacted.value(v)) : String(v))

/**
 * The body of a `PUT /users` that changes exactly the given fields (`""` clears, as Odin writes
 * empty values, spec §7.1), or the fields it cannot change.
 */
export const updateBody = (scope: { serviceProviderId: string; groupId: string }, userId: string, change: User.User): { body: Record<string, unknown> } | { missing: string } => {
  const c = change as Readonly<Record<string, unknown>>
  const body: Record<string, unknown> = { serviceProviderId: scope.serviceProviderId, groupId: scope.groupId, userId }
  const simple: ReadonlyArray<readonly [string, string]> = [
    ["lastName", "lastName"], ["firstName", "firstName"], ["callerIdLastName", "callingLineIdLastName"], ["callerIdFirstName", "callingLineIdFirstName"],
    ["phoneticLastName", "hiraganaLastName"], ["phoneticFirstName", "hiraganaFirstName"], ["directoryNumber", "phoneNumber"], ["extension", "extension"],
    ["callerIdNumber", "callingLineIdPhoneNumber"], ["language", "language"], ["timeZone", "timeZone"], ["title", "title"], ["pagerPhone", "pagerPhoneNumber"],
    ["mobilePhone", "mobilePhoneNumber"], ["email", "emailAddress"], ["yahooId", "yahooId"], ["addressLocation", "addressLocation"],
    ["networkClassOfService", "networkClassOfService"]
  ]
  for (const [from, to] of simple) if (c[from] !== undefined) body[to] = text(c[from])
  if (c["department"] !== undefined) body["department"] = { serviceProviderId: scope.serviceProviderId, groupId: scope.groupId, name: text(c["department"]) }
  if (c["aliases"] !== undefined) body["aliases"] = c["aliases"]
  if (c["alternateUserIds"] !== undefined) {
    body["alternateUserId"] = (c["alternateUserIds"] as ReadonlyArray<{ id?: string | null; description?: string | null }>).map((a) => ({ alternateUserId: a.id ?? "", description: a.description ?? "" }))
  }
  const a = c["address"] as Readonly<Record<string, unknown>> | undefined
  if (a !== undefined) {
    const names: ReadonlyArray<readonly [string, string]> = [["line1", "addressLine1"], ["line2", "addressLine2"], ["city", "city"], ["stateOrProvince", "stateOrProvince"], ["postalCode", "zipOrPostalCode"], ["country", "country"]]
    body["address"] = Object.fromEntries(names.filter(([k]) => a[k] !== undefined).map(([k, o]) => [o, text(a[k])]))
  }
  const d = c["device"] as Readonly<Record<string, unknown>> | undefined
  if (d !== undefined && Object.keys(d).length > 0) {
    if ((d["name"] === undefined) !== (d["level"] === undefined)) return { missing: "Odin assigns a device by its name and level together: give both device.name and device.level" }
    const endpoint: Record<string, unknown> = {}
    if (d["name"] !== undefined) endpoint["accessDevice"] = { deviceName: text(d["name"]), deviceLevel: text(d["level"]), serviceProviderId: scope.serviceProviderId, groupId: scope.groupId }
    if (d["linePort"] !== undefined) endpoint["linePort"] = text(d["linePort"])
    if (d["contacts"] !== undefined) endpoint["contacts"] = d["contacts"]
    body["endpointType"] = "accessDeviceEndpoint"
    body["accessDeviceEndpoint"] = endpoint
  }
  const t = c["trunk"] as Readonly<Record<string, unknown>> | undefined
  if (t !== undefined && Object.keys(t).length > 0) {
    const endpoint: Record<string, unknown> = {}
    if (t["group"] !== undefined) endpoint["name"] = text(t["group"])
    if (t["linePort"] !== undefined) endpoint["linePort"] = text(t["linePort"])
    if (t["contacts"] !== undefined) endpoint["contacts"] = t["contacts"]
    body["endpointType"] = "trunkAddressing"
    body["trunkAddressing"] = { trunkGroupDeviceEndpoint: endpoint }
  }
  return { body }
}

/** The canonical paths an Odin `PUT /users` changes ({@link updateBody}). */
export const modifiable: ReadonlyArray<string> = [
  "lastName", "firstName", "callerIdLastName", "callerIdFirstName", "phoneticLastName", "phoneticFirstName", "directoryNumber", "extension",
  "callerIdNumber", "language", "timeZone", "title", "pagerPhone", "mobilePhone", "email", "yahooId", "addressLocation", "networkClassOfService",
  "department", "aliases", "alternateUserIds", "address.line1", "address.line2", "address.city", "address.stateOrProvince", "address.postalCode",
  "address.country", "device.name", "device.level", "device.linePort", "device.contacts", "trunk.group", "trunk.linePort", "trunk.contacts"
]

const reader = odinJson.reader(null, {})

/** Reads one Odin user object into a canonical user; undefined when it is not a valid user. */
export const userOf = (value: unknown): User.User | undefined => {
  const decoded = reader.decode({ row: 0, line: 0, value })
  return decoded.user
}

/**
 * Logs in to Odin and returns a connector; a refused login fails here with an {@link OdinError}.
 */
export const connect = async (http: Http, settings: Settings, signal?: AbortSignal): Promise<Connector> => {
  const now = settings.now ?? (() => performance.now())
  const lifetime = (settings.tokenLifetime ?? 1800) * 1000
  const spacing = 1000 / Math.max(0.01, settings.rate ?? defaultRate)
  const title = `Odin at ${settings.url}, group ${settings.groupId} of ${settings.serviceProviderId}`
  let slot = 0
  let token = ""
  let renewAt = 0

  /** Waits for the next request slot of the polite rate. */
  const pace = async () => {
    const t = now()
    const at = Math.max(t, slot)
    slot = at + spacing
    if (at > t) await new Promise((r) => setTimeout(r, at - t))
  }

  const login = async () => {
    await pace()
    const r = await http.send({
      method: "POST",
      path: "/auth/token",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ username: settings.username, password: Redacted.value(settings.password) }),
      idempotent: true,
      signal
    })
    if (r.status !== 200) throw new OdinError("login", `${title} refused the login of ${settings.username}: ${errorOf(r)}`)
    accept(r)
  }
  const accept = (r: Response) => {
    const v = JSON.parse(r.text) as { token?: unknown }
    if (typeof v.token !== "string" || v.token === "") throw new OdinError("login", `${title} answered the login without a token`)
    token = v.token
    renewAt = now() + lifetime * 0.9
  }
  const renew = async () => {
    await pace()
    const r = await http.send({ method: "PUT", path: "/auth/token", headers: { authorization: `Bearer ${token}`, accept: "application/json" }, body: "{}", idempotent: true, signal })
    if (r.status === 200) accept(r)
    else await login()
  }

  /** Sends a request with the token; renews it before it lapses, and once after a 401. */
  const call = async (request: Omit<Request, "headers">): Promise<Response> => {
    if (now() >= renewAt) await renew()
    for (let attempt = 0; ; attempt++) {
      await pace()
      const r = await http.send({ ...request, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" }, signal: request.signal ?? signal })
      if (r.status !== 401 || attempt > 0) return r
      await renew()
    }
  }

  const get = async (userId: string): Promise<RemoteUser | undefined> => {
    const r = await call({ method: "GET", path: `/users?userId=${encodeURIComponent(userId)}`, body: "{}", idempotent: true })
    if (r.status === 404) return undefined
    if (r.status !== 200) throw new OdinError("refused", `${title}: GET /users was refused: ${errorOf(r)}`)
    const user = userOf(JSON.parse(r.text))
    return user === undefined ? undefined : { id: userId, user }
  }

  const list = async (): Promise<ReadonlyArray<RemoteUser>> => {
    const q = `serviceProviderId=${encodeURIComponent(settings.serviceProviderId)}&groupId=${encodeURIComponent(settings.groupId)}&extended=true`
    const r = await call({ method: "GET", path: `/users?${q}`, body: "{}", idempotent: true })
    if (r.status !== 200) throw new OdinError("refused", `${title}: GET /users was refused: ${errorOf(r)}`)
    const all = JSON.parse(r.text) as unknown
    if (!Array.isArray(all)) throw new OdinError("refused", `${title}: GET /users did not answer a list`)
    return all.flatMap((v) => {
      const user = userOf(v)
      return user?.userId ? [{ id: user.userId, user }] : []
    })
  }

  await login()
  const writer = odinJson.writer({})

  return {
    title,
    list: () => list(),
    find: async (key, values) => {
      if (key === "userId") return (await Promise.all(values.map(get))).filter((r): r is RemoteUser => r !== undefined)
      const wanted = new Set(values)
      return (await list()).filter((r) => {
        const v = (r.user as Record<string, unknown>)[key]
        return typeof v === "string" && wanted.has(key === "email" ? v.toLowerCase() : v)
      })
    },
    create: async (users) => {
      const out: Array<Outcome> = []
      for (const user of users) {
        const encoded = writer.encode(user, 0)
        const errors = encoded.findings.filter((f: Issue.Finding) => f.severity === "error")
        if (errors.length > 0 || !user.userId) {
          out.push({ status: "rejected", message: errors.length > 0 ? errors.map((f) => f.message).join("; ") : "the user has no userId" })
          continue
        }
        const body = { ...(encoded.value as Record<string, unknown>) }
        delete body["endpointType"]
        out.push(await createOne(user.userId, JSON.stringify(body)))
      }
      return out
    },
    update: async (changes) => {
      const out: Array<Outcome> = []
      for (const c of changes) {
        const b = updateBody(settings, c.id, c.user)
        if ("missing" in b) {
          out.push({ status: "rejected", message: b.missing })
          continue
        }
        // an update sets values: sending it again after a lost answer changes nothing more
        const r = await call({ method: "PUT", path: "/users", body: JSON.stringify(b.body), idempotent: true })
        out.push(r.status >= 200 && r.status < 300 ? { status: "done", id: c.id } : { status: "rejected", message: errorOf(r) })
      }
      return out
    },
    close: () => http.close()
  }

  async function createOne(userId: string, body: string): Promise<Outcome> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await call({ method: "POST", path: "/users", body, idempotent: false })
        return r.status >= 200 && r.status < 300 ? { status: "done", id: userId } : { status: "rejected", message: errorOf(r) }
      } catch (e) {
        if (!isLost(e)) throw e
        // the user may have been created: look before sending it again
        try {
          if ((await get(userId)) !== undefined) return { status: "done", id: userId }
        } catch (again) {
          return { status: "unknown", message: `${(e as Error).message}; looking the user up failed too: ${(again as Error).message}` }
        }
      }
    }
    return { status: "unknown", message: `the answers to POST /users for ${userId} were lost twice` }
  }
}
