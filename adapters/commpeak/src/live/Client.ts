/**
 * A small HTTP client for CommPeak's users API: JSON requests with HTTP Basic auth, switching to
 * Digest (RFC 7616, see Digest.ts) when the server challenges for it, a timeout on every request,
 * and retries only where a request cannot have been applied twice.
 *
 * CommPeak's API users log in with Basic or Digest (realm `api`; specs/commpeak.md §3). Retries:
 * a 429 was refused before anything was done, so every request is sent again after its
 * Retry-After; 502/503/504 and connections lost are retried only for requests declared safe to
 * resend (GET, and PUT, which sets the same values again). A POST whose answer is lost is never
 * sent again here: the caller gets {@link ApiError} `lost` and must look at the platform first.
 * Messages never hold the password, an Authorization header or a request body.
 */
import * as http from "node:http"
import * as https from "node:https"
import { Redacted } from "effect"
import * as Digest from "./Digest.js"

/**
 * Why a request failed.
 *
 * **Details**
 * `unreachable`: nothing was sent (no connection, DNS, TLS); `login`: the API user was refused
 * (401/403 after answering any challenge); `lost`: the request went out and no answer came back
 * (a timeout, a connection dropped): it may have been applied; `status`: the server answered
 * with an error status, `message` being its own words; `aborted`: the caller's signal fired.
 */
export type Reason = "unreachable" | "login" | "lost" | "status" | "aborted"

/**
 * A failed request: the reason, the HTTP status when there was one, and a message without
 * secrets.
 */
export class ApiError extends Error {
  readonly reason: Reason
  readonly status: number | undefined
  readonly body: unknown
  constructor(reason: Reason, message: string, status?: number, body?: unknown) {
    super(message)
    this.name = "ApiError"
    this.reason = reason
    this.status = status
    this.body = body
  }
}

/**
 * How to reach the API.
 */
export interface Options {
  /** The API base, such as `https://tenant.td.commpeak.com/api/`. */
  readonly url: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
  /** PEM of an extra trusted CA (TLS verification is never turned off here). */
  readonly ca?: string | undefined
  /** Milliseconds to wait for each answer (default 30 s). */
  readonly timeout?: number | undefined
  /** How many times a retriable request is tried in all (default 6). */
  readonly attempts?: number | undefined
  /** The longest wait between tries, in ms (default 30 s); a longer Retry-After fails the request. */
  readonly maxWait?: number | undefined
  /** Called before each wait for a retry (progress, tests). */
  readonly onRetry?: ((info: { readonly status: number | string; readonly wait: number; readonly attempt: number }) => void) | undefined
}

/**
 * An answer with a JSON body (or the raw text when it is not JSON).
 */
export interface Answer {
  readonly status: number
  readonly body: unknown
}

/**
 * A client bound to one API base and login.
 */
export interface Client {
  /**
   * Sends one request to a path under the base (`users/`, `users/12`) and resolves to a 2xx
   * answer; fails with {@link ApiError} otherwise.
   */
  readonly request: (method: "GET" | "POST" | "PUT", path: string, body: unknown, options: { readonly safe: boolean; readonly signal?: AbortSignal | undefined }) => Promise<Answer>
  readonly close: () => void
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError("aborted", "the run was interrupted"))
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(new ApiError("aborted", "the run was interrupted"))
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/**
 * Reads a Retry-After header (seconds or an HTTP date) into milliseconds.
 */
export const retryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  if (/^[0-9]+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** The server's own words from an error body: `message`, `error`, or `errors` (a list or a field map). */
export const messageOf = (body: unknown): string | undefined => {
  if (typeof body === "string") return body.trim() === "" ? undefined : body.trim().slice(0, 500)
  if (body === null || typeof body !== "object") return undefined
  const b = body as Record<string, unknown>
  const parts: Array<string> = []
  const errors = b.errors
  if (Array.isArray(errors)) {
    for (const e of errors) parts.push(typeof e === "string" ? e : typeof e === "object" && e !== null ? String((e as Record<string, unknown>).message ?? JSON.stringify(e)) : String(e))
  } else if (errors !== null && typeof errors === "object") {
    for (const [field, list] of Object.entries(errors)) parts.push(`${field}: ${Array.isArray(list) ? list.join(", ") : String(list)}`)
  }
  const message = typeof b.message === "string" ? b.message : typeof b.error === "string" ? b.error : undefined
  if (parts.length === 0 && message !== undefined) return message
  if (parts.length > 0) return message !== undefined && !parts.includes(message) ? `${message}: ${parts.join("; ")}` : parts.join("; ")
  return undefined
}

/**
 * Makes a client.
 *
 * **Details**
 * The first request carries Basic credentials; a 401 with a Digest challenge starts a Digest
 * session and the request is sent again with it (a 401 applied nothing), and later requests use
 * that session, a new one when the server says the nonce is stale. Connections are kept alive.
 */
export const make = (options: Options): Client => {
  const base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`)
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new ApiError("unreachable", `the API url must start with https:// (or http:// for a local sandbox), not ${base.protocol}`)
  const secure = base.protocol === "https:"
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 16, ...(options.ca ? { ca: options.ca } : {}) }) : new http.Agent({ keepAlive: true, maxSockets: 16 })
  const timeout = options.timeout ?? 30_000
  const attempts = options.attempts ?? 6
  const maxWait = options.maxWait ?? 30_000
  const password = Redacted.value(options.password)
  const basic = `Basic ${Buffer.from(`${options.username}:${password}`, "utf8").toString("base64")}`
  let digest: Digest.Session | undefined

  const once = (method: string, url: URL, payload: Buffer | undefined, authorization: string, signal: AbortSignal | undefined): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> =>
    new Promise((resolve, reject) => {
      let sent = false
      const req = (secure ? https : http).request(url, {
        method,
        agent,
        headers: {
          accept: "application/json",
          authorization,
          ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {})
        }
      })
      const fail = (e: Error & { code?: string }): void => {
        if (signal?.aborted) return reject(new ApiError("aborted", "the run was interrupted"))
        const what = e.code === "timeout" ? e.message : (e.code ?? e.message)
        // before the request was written nothing can have been applied
        reject(sent ? new ApiError("lost", `no answer from ${base.host} (${what}): the request may have been applied`) : new ApiError("unreachable", `cannot reach ${base.host}: ${what}`))
      }
      req.setTimeout(timeout, () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: "timeout" })))
      req.on("error", fail)
      const onAbort = (): void => { req.destroy(new Error("aborted")) }
      signal?.addEventListener("abort", onAbort, { once: true })
      req.on("response", (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("error", fail)
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") })
        })
      })
      req.on("socket", (socket) => {
        // a reused socket is already connected; a new one counts as sent once connected
        if (!socket.connecting) sent = true
        else socket.once(secure ? "secureConnect" : "connect", () => { sent = true })
      })
      req.end(payload)
    })

  const parse = (text: string): unknown => {
    if (text.trim() === "") return null
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }

  const request: Client["request"] = async (method, relative, body, { safe, signal }) => {
    const url = new URL(relative, base)
    const uri = `${url.pathname}${url.search}`
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8")
    let challenged = false
    let staleAnswers = 0
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new ApiError("aborted", "the run was interrupted")
      let answer: { status: number; headers: http.IncomingHttpHeaders; text: string }
      try {
        answer = await once(method, url, payload, digest ? digest.authorize(method, uri) : basic, signal)
      } catch (e) {
        const err = e as ApiError
        const retriable = err.reason === "unreachable" || (err.reason === "lost" && safe)
        if (!retriable || attempt >= attempts) throw err
        const wait = Math.min(maxWait, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
        options.onRetry?.({ status: err.message, wait, attempt })
        await sleep(wait, signal)
        continue
      }
      const { status, headers } = answer
      if (status === 401) {
        const challenge = Digest.choose(Digest.parse(String(headers["www-authenticate"] ?? "")))
        const stale = challenge?.params.stale?.toLowerCase() === "true"
        if (challenge !== undefined && (!challenged || (stale && staleAnswers++ < 3))) {
          // a 401 applied nothing: answer the challenge and send the same request again
          challenged = true
          digest = Digest.session(challenge, options.username, password)
          attempt--
          continue
        }
      }
      if (status === 401 || status === 403) {
        throw new ApiError("login", `${base.host} refused the API user '${options.username}' (HTTP ${status}): check the username and password of the profile, and that this machine's address is in the API user's IP allow-list (Settings > API Management)`, status)
      }
      const parsed = parse(answer.text)
      if (status >= 200 && status < 300) return { status, body: parsed }
      const retriable = status === 429 || (safe && (status === 502 || status === 503 || status === 504))
      if (retriable && attempt < attempts) {
        const asked = retryAfter(String(headers["retry-after"] ?? ""), Date.now())
        const wait = asked ?? Math.min(maxWait, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
        if (wait <= maxWait) {
          options.onRetry?.({ status, wait, attempt })
          await sleep(wait, signal)
          continue
        }
      }
      const words = messageOf(parsed)
      throw new ApiError("status", `${method} ${url.pathname}: HTTP ${status}${words === undefined ? "" : `: ${words}`}`, status, parsed)
    }
  }

  return { request, close: () => agent.destroy() }
}
