/**
 * The CommPeak connector: lists, finds, creates and updates users through CommPeak Dialer's
 * users API (specs/commpeak.md §3), with the wire codecs of Wire.ts and the client of Client.ts.
 *
 * A create is two requests, because `POST /api/users` does not take names, the virtual
 * extension, language, time zone or 2FA type, which only `PUT /api/users/{id}` does: the POST,
 * then a PUT of the rest. `onPosted` tells the caller (the runner's journal) the id as soon as
 * the POST succeeded, so an interrupted run completes a half-created user ({@link Connector.complete})
 * instead of creating it again. Users go one per request (the API publishes nothing about
 * partial failures of a list, so one refused user never takes others down with it), several
 * requests at a time.
 */
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import * as Client from "./Client.js"
import * as Wire from "./Wire.js"

/**
 * A user as CommPeak has it: the canonical user and CommPeak's id.
 */
export interface RemoteUser {
  readonly id: string
  readonly user: User.User
}

/**
 * What became of one user: created or updated (`done`, with its id), refused (`rejected`, with
 * CommPeak's words), or unknown (the answer was lost: it may have been applied).
 */
export type Outcome =
  | { readonly status: "done"; readonly id: string }
  | { readonly status: "rejected"; readonly message: string }
  | { readonly status: "unknown"; readonly message: string }

/**
 * Where the password of a user who has none in the source comes from (a generator that has
 * already recorded it durably, in the credentials file, when it returns).
 */
export interface Passwords {
  readonly passwordFor: (user: User.User) => Promise<string | undefined>
}

/**
 * How to connect.
 */
export interface Settings extends Client.Options {
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number | undefined
  readonly passwords?: Passwords | undefined
  /** Called when a user's POST succeeded, before its PUT: index in the list given to create, and the new id. */
  readonly onPosted?: ((index: number, id: string) => void | Promise<void>) | undefined
}

/**
 * A logged-in connection to one CommPeak tenant.
 */
export interface Connector {
  readonly title: string
  list(signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  find(key: string, values: ReadonlyArray<string>, signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  create(users: ReadonlyArray<User.User>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  update(changes: ReadonlyArray<{ readonly id: string; readonly user: User.User }>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  /** Sends the second step of a create (what POST does not take) for a user POSTed already. */
  complete(id: string, user: User.User, signal?: AbortSignal): Promise<Outcome>
  close(): Promise<void>
}

/** Runs `work` over the items with at most `limit` at once; results in item order. */
export const pool = async <A, B>(items: ReadonlyArray<A>, limit: number, work: (item: A, index: number) => Promise<B>): Promise<Array<B>> => {
  const out: Array<B> = []
  let next = 0
  let failed: unknown
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const i = next++
      try {
        out[i] = await work(items[i]!, i)
      } catch (e) {
        failed ??= e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  if (failed !== undefined) throw failed
  return out
}

/** The canonical key values a user is found by (emails without case, as CommPeak compares them). */
const keyValue = (user: User.User, key: string): string | undefined => {
  const v = key === "uuid" ? user.uuid : key === "username" ? user.username : key === "email" ? user.email : undefined
  if (v === undefined || v === null || v === "") return undefined
  return key === "email" ? v.toLowerCase() : v
}

const refusal = (findings: ReadonlyArray<{ readonly column: string | null; readonly message: string }>): string => findings.map((f) => f.message).join("; ")

/**
 * Makes a connector. HTTP Basic and Digest have no login request: the first request checks the
 * credentials, and a refused login fails the method with `Client.ApiError` reason `login`.
 */
export const make = (settings: Settings): Connector => {
  const client = Client.make(settings)
  const host = new URL(settings.url).host
  const concurrency = settings.concurrency ?? 4
  const title = `CommPeak at ${host}`

  /** Rethrows what stops the run (login, unreachable, aborted); returns the outcome of the rest. */
  const outcomeOf = (e: unknown, what: (message: string) => string = (m) => m): Outcome => {
    if (!(e instanceof Client.ApiError)) throw e
    if (e.reason === "status" && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) return { status: "rejected", message: what(e.message) }
    if (e.reason === "lost") return { status: "unknown", message: what(e.message) }
    throw e
  }

  const list = async (signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>> => {
    const answer = await client.request("GET", "users/", undefined, { safe: true, signal })
    const body = answer.body
    const items = Array.isArray(body) ? body : body !== null && typeof body === "object" && Array.isArray((body as { data?: unknown }).data) ? (body as { data: Array<unknown> }).data : undefined
    if (items === undefined) throw new Client.ApiError("status", `GET /api/users/ answered something that is not a list of users`, answer.status)
    return items.map((item) => {
      const user = Wire.fromApi(item as Wire.ApiUser)
      return { id: user.uuid ?? "", user }
    })
  }

  const complete = async (id: string, user: User.User, signal?: AbortSignal): Promise<Outcome> => {
    const second = Wire.putBody(user, "second-step")
    if (second.findings.length > 0) return { status: "rejected", message: `created as CommPeak user ${id}, but ${refusal(second.findings)}` }
    if (Wire.isEmpty(second)) return { status: "done", id }
    try {
      await client.request("PUT", `users/${encodeURIComponent(id)}`, second.body, { safe: true, signal })
      return { status: "done", id }
    } catch (e) {
      return outcomeOf(e, (m) => `created as CommPeak user ${id}, but its ${Object.keys(second.body).join(", ")} were not set: ${m}; fix the row and run the migration with --update to complete the user`)
    }
  }

  const createOne = async (user: User.User, index: number, signal?: AbortSignal): Promise<Outcome> => {
    const own = user.password
    const password = own !== undefined && own !== null ? Redacted.value(own) : await settings.passwords?.passwordFor(user)
    const first = Wire.postBody(user, password)
    const bad = [...first.findings, ...Wire.putBody(user, "second-step").findings]
    if (bad.length > 0) return { status: "rejected", message: refusal(bad) }
    let id: string
    try {
      const answer = await client.request("POST", "users", first.body, { safe: false, signal })
      const made = Array.isArray(answer.body) ? answer.body[0] : answer.body
      const raw = made !== null && typeof made === "object" ? (made as { id?: unknown }).id : undefined
      if (raw === undefined || raw === null) return { status: "unknown", message: `POST /api/users answered HTTP ${answer.status} without the new user's id` }
      id = String(raw)
    } catch (e) {
      return outcomeOf(e)
    }
    await settings.onPosted?.(index, id)
    return complete(id, user, signal)
  }

  return {
    title,
    list,
    find: async (key, values, signal) => {
      const wanted = new Set(values.map((v) => (key === "email" ? v.toLowerCase() : v)))
      return (await list(signal)).filter((r) => {
        const v = keyValue(r.user, key)
        return v !== undefined && wanted.has(v)
      })
    },
    create: (users, signal) => pool(users, concurrency, (user, i) => createOne(user, i, signal)),
    update: (changes, signal) =>
      pool(changes, concurrency, async ({ id, user }): Promise<Outcome> => {
        const body = Wire.putBody(user, "all")
        if (body.findings.length > 0) return { status: "rejected", message: refusal(body.findings) }
        if (Wire.isEmpty(body)) return { status: "done", id }
        try {
          await client.request("PUT", `users/${encodeURIComponent(id)}`, body.body, { safe: true, signal })
          return { status: "done", id }
        } catch (e) {
          return outcomeOf(e)
        }
      }),
    complete,
    close: async () => client.close()
  }
}
