/**
 * The HTTP client every connector uses: undici, a timeout on every attempt, TLS verification
 * always on (a profile's `ca` adds a trusted CA; only `insecure: true` turns verification off),
 * and retries that never send twice what may have been applied.
 *
 * When an attempt fails, what happens next depends on whether the request may have been applied:
 * - 429 and 503 are answers that refuse the request: it was not applied, so it is sent again
 *   after a backoff (exponential, with full jitter, and never sooner than the server's
 *   `Retry-After`), whatever the request;
 * - 502 and 504 come from a proxy whose upstream may have applied it; a connection reset or a
 *   timeout after the request went out leaves the same doubt. An idempotent request (a read, a
 *   login, an update that sets values) is sent again; any other fails with a `Lost` error, so the
 *   caller looks at the platform's state before deciding;
 * - a connection that could not be opened (refused, unknown host, TLS verification) was never
 *   sent: it is tried again like a 503, and reported as unreachable when the attempts run out;
 * - any other status is returned to the caller, which knows what the platform means by it.
 *
 * Error messages name the method and the path only: never headers (they hold credentials and
 * tokens), query strings, request bodies, or response bodies (some platforms echo the request).
 */
import { Agent, errors as UndiciErrors, request as undiciRequest } from "undici"
import { LiveError } from "./LiveError.js"

/**
 * How a client talks to one platform.
 *
 * **Details**
 * `name` names the platform in messages (`Wazo at https://pbx.example.com`). `timeout` bounds
 * each attempt (connect, headers and body). `retries` is the number of attempts after the
 * first; the backoff before attempt n is a random delay up to `min(maxDelay, baseDelay * 2^n)`.
 */
export interface Options {
  readonly base: string
  readonly name: string
  readonly ca?: string | undefined
  readonly insecure?: boolean
  readonly timeout?: number
  readonly retries?: number
  readonly baseDelay?: number
  readonly maxDelay?: number
  /** Longest `Retry-After` honoured, in milliseconds (a longer one is a failure). */
  readonly maxRetryAfter?: number
  /** Connections kept open to the server. */
  readonly connections?: number
  /** Random numbers in [0, 1) for the jitter (tests pass a fixed one). */
  readonly random?: () => number
  /** Called before each retry, with why (for progress and tests). */
  readonly onRetry?: (info: { readonly request: string; readonly attempt: number; readonly delay: number; readonly why: string }) => void
}

/**
 * One request.
 *
 * **Details**
 * `idempotent` declares that sending the request twice does no more than sending it once (reads,
 * logins, updates that set fields to values): only then is it sent again after an answer that
 * may have followed its application. `timeout` overrides the client's for this request (an
 * import may take minutes).
 */
export interface Request {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array
  readonly idempotent: boolean
  readonly timeout?: number
  readonly signal?: AbortSignal | undefined
}

/**
 * An answer. Its body is text; the caller parses it.
 */
export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly text: string
}

/**
 * A client for one platform.
 */
export interface Client {
  readonly send: (request: Request) => Promise<Response>
  readonly close: () => Promise<void>
}

/** Statuses that refuse a request without applying it. */
const refusals = new Set([429, 503])
/** Statuses from a proxy whose upstream may have applied the request. */
const doubtful = new Set([502, 504])

/** Error codes of connections that never opened: nothing was sent. */
const notOpened = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_UNTRUSTED", "ERR_SSL_WRONG_VERSION_NUMBER"
])

/** TLS verification failures: trying again cannot help. */
const tlsCodes = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_UNTRUSTED", "ERR_SSL_WRONG_VERSION_NUMBER"
])

const codeOf = (e: unknown): string | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 4 && cur !== null && typeof cur === "object"; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === "string" && code !== "UND_ERR_SOCKET" && code !== "UND_ERR_ABORTED") return code
    cur = (cur as { cause?: unknown }).cause
  }
  const top = (e as { code?: unknown } | null)?.code
  return typeof top === "string" ? top : undefined
}

/**
 * Parses a `Retry-After` header (seconds, or an HTTP date) into milliseconds from now.
 */
export const retryAfter = (value: string | ReadonlyArray<string> | undefined, now = Date.now()): number | undefined => {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== "string" || v.trim() === "") return undefined
  if (/^\s*\d+\s*$/.test(v)) return Number.parseInt(v, 10) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/** What one attempt gave: an answer, or a failure classified by whether the request went out. */
type Attempt =
  | { readonly kind: "answer"; readonly response: Response }
  | { readonly kind: "unsent"; readonly why: string; readonly final: boolean }
  | { readonly kind: "maybe"; readonly why: string }

/**
 * Makes a client for one platform.
 *
 * @example
 * const http = Http.make({ base: "https://pbx.example.com", name: "Wazo at https://pbx.example.com" })
 * const r = await http.send({ method: "GET", path: "/api/confd/1.1/users/export", idempotent: true })
 */
export const make = (options: Options): Client => {
  const timeout = options.timeout ?? 30_000
  const retries = options.retries ?? 6
  const baseDelay = options.baseDelay ?? 250
  const maxDelay = options.maxDelay ?? 15_000
  const maxRetryAfter = options.maxRetryAfter ?? 120_000
  const random = options.random ?? Math.random
  const base = options.base.replace(/\/+$/, "")
  const agent = new Agent({
    connect: { ...(options.ca === undefined ? {} : { ca: options.ca }), rejectUnauthorized: options.insecure !== true },
    connections: options.connections ?? 4,
    keepAliveTimeout: 4_000
  })

  const attempt = async (req: Request, signal: AbortSignal | undefined): Promise<Attempt> => {
    const limit = req.timeout ?? timeout
    const timer = AbortSignal.timeout(limit)
    const both = signal === undefined ? timer : AbortSignal.any([signal, timer])
    try {
      const r = await undiciRequest(base + req.path, {
        dispatcher: agent,
        method: req.method,
        headers: { ...req.headers },
        ...(req.body === undefined ? {} : { body: req.body }),
        signal: both,
        headersTimeout: limit,
        bodyTimeout: limit
      })
      const text = await r.body.text()
      return { kind: "answer", response: { status: r.statusCode, headers: r.headers as Response["headers"], text } }
    } catch (e) {
      if (signal?.aborted) throw new LiveError({ _tag: "Aborted", target: options.name })
      const code = codeOf(e)
      if (code !== undefined && notOpened.has(code)) {
        return { kind: "unsent", why: tlsCodes.has(code) ? `TLS verification failed (${code}); trust the server's CA with 'ca' in the profile` : `connection failed (${code})`, final: tlsCodes.has(code) }
      }
      const timedOut = timer.aborted || e instanceof UndiciErrors.HeadersTimeoutError || e instanceof UndiciErrors.BodyTimeoutError
      return { kind: "maybe", why: timedOut ? `no answer within ${Math.round(limit / 1000)} s` : `connection closed (${code ?? "socket error"})` }
    }
  }

  const send = async (req: Request): Promise<Response> => {
    // the path without its query string: a query may hold values that are nobody's business
    const name = `${req.method} ${req.path.split("?")[0]}`
    for (let n = 0; ; n++) {
      if (req.signal?.aborted) throw new LiveError({ _tag: "Aborted", target: options.name })
      const a = await attempt(req, req.signal)
      let why: string
      let wait = 0
      if (a.kind === "answer") {
        const status = a.response.status
        if (refusals.has(status)) {
          why = `HTTP ${status}`
          const after = retryAfter(a.response.headers["retry-after"])
          if (after !== undefined && after > maxRetryAfter) {
            throw new LiveError({ _tag: "Refused", target: options.name, request: name, status, detail: `asked to wait ${Math.round(after / 1000)} s before trying again, more than pbxport waits` })
          }
          wait = after ?? 0
          if (n >= retries) throw new LiveError({ _tag: "Unreachable", target: options.name, detail: `${name} still answered HTTP ${status} after ${n + 1} attempts` })
        } else if (doubtful.has(status)) {
          if (!req.idempotent) throw new LiveError({ _tag: "Lost", target: options.name, request: name, detail: `HTTP ${status} from a proxy` })
          why = `HTTP ${status}`
          if (n >= retries) throw new LiveError({ _tag: "Unreachable", target: options.name, detail: `${name} still answered HTTP ${status} after ${n + 1} attempts` })
        } else {
          return a.response
        }
      } else if (a.kind === "unsent") {
        if (a.final || n >= retries) throw new LiveError({ _tag: "Unreachable", target: options.name, detail: a.why })
        why = a.why
      } else {
        if (!req.idempotent) throw new LiveError({ _tag: "Lost", target: options.name, request: name, detail: a.why })
        if (n >= retries) throw new LiveError({ _tag: "Unreachable", target: options.name, detail: `${name}: ${a.why}, ${n + 1} times` })
        why = a.why
      }
      const delay = Math.max(wait, Math.floor(random() * Math.min(maxDelay, baseDelay * 2 ** n)))
      options.onRetry?.({ request: name, attempt: n + 1, delay, why })
      try {
        await sleep(delay, req.signal)
      } catch {
        throw new LiveError({ _tag: "Aborted", target: options.name })
      }
    }
  }

  return { send, close: () => agent.close() }
}

/**
 * The value of an HTTP Basic `Authorization` header.
 */
export const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`
