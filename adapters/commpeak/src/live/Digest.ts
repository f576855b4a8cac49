/**
 * HTTP Digest access authentication (RFC 7616), both sides: the client answers a challenge of
 * CommPeak's API, the sandbox checks the answers.
 *
 * CommPeak's API users log in with HTTP Basic or Digest (realm `api`; specs/commpeak.md §3).
 * Only what that needs is here: algorithms MD5 and SHA-256 (and their `-sess` forms), `qop=auth`
 * (no `auth-int`: request bodies are not hashed), `userhash`, `stale` nonces. The password
 * only ever goes into a hash; nothing here formats it into a message.
 */
import * as crypto from "node:crypto"

/**
 * The algorithms supported, strongest first.
 */
export const Algorithms = ["SHA-256", "SHA-256-sess", "MD5", "MD5-sess"] as const

/**
 * One of {@link Algorithms}.
 */
export type Algorithm = (typeof Algorithms)[number]

/**
 * One challenge of a `WWW-Authenticate` header: its scheme and parameters (names in lower case).
 */
export interface Challenge {
  readonly scheme: string
  readonly params: Readonly<Record<string, string>>
}

/**
 * Splits a `WWW-Authenticate` (or `Authorization`) header into challenges.
 *
 * **Details**
 * A header may hold several challenges separated by commas (`Digest ..., Basic realm="api"`),
 * as may several headers joined with commas; a token not followed by `=` starts a new
 * challenge. Quoted values keep their commas; `\` escapes the next character.
 */
export const parse = (header: string): Array<Challenge> => {
  const out: Array<{ scheme: string; params: Record<string, string> }> = []
  let i = 0
  const n = header.length
  const skip = (): void => {
    while (i < n && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++
  }
  const token = (): string => {
    const start = i
    while (i < n && !/[\s,=]/.test(header[i]!)) i++
    return header.slice(start, i)
  }
  while (i < n) {
    skip()
    if (i >= n) break
    const start = i
    const name = token()
    let j = i
    while (j < n && header[j] === " ") j++
    if (header[j] === "=" && out.length > 0 && name !== "") {
      // name=value: a parameter of the current challenge
      i = j + 1
      while (i < n && header[i] === " ") i++
      let value = ""
      if (header[i] === "\"") {
        i++
        while (i < n && header[i] !== "\"") {
          if (header[i] === "\\" && i + 1 < n) i++
          value += header[i]
          i++
        }
        i++
      } else {
        const vs = i
        while (i < n && header[i] !== "," && header[i] !== " ") i++
        value = header.slice(vs, i)
      }
      out.at(-1)!.params[name.toLowerCase()] = value
    } else if (name === "") {
      i = start + 1
    } else {
      out.push({ scheme: name, params: {} })
    }
  }
  return out
}

const hashName = (algorithm: Algorithm): "sha256" | "md5" => (algorithm.startsWith("SHA-256") ? "sha256" : "md5")

const h = (algorithm: Algorithm, text: string): string => crypto.createHash(hashName(algorithm)).update(text, "utf8").digest("hex")

/**
 * Finds the algorithm a challenge names (MD5 when it names none, as RFC 7616 §3.3 says), or
 * undefined for one this module does not support.
 */
export const algorithmOf = (challenge: Challenge): Algorithm | undefined => {
  const named = challenge.params.algorithm ?? "MD5"
  return Algorithms.find((a) => a.toLowerCase() === named.toLowerCase())
}

/**
 * Picks the challenge to answer: Digest with `qop=auth` (or no qop) and a supported algorithm,
 * the strongest algorithm first; undefined when the server offers none.
 */
export const choose = (challenges: ReadonlyArray<Challenge>): Challenge | undefined => {
  const usable = challenges.filter((c) => {
    if (c.scheme.toLowerCase() !== "digest" || c.params.nonce === undefined) return false
    const qop = c.params.qop
    return algorithmOf(c) !== undefined && (qop === undefined || qop.split(",").map((q) => q.trim()).includes("auth"))
  })
  return usable.sort((a, b) => Algorithms.indexOf(algorithmOf(a)!) - Algorithms.indexOf(algorithmOf(b)!))[0]
}

/**
 * What a response is computed from.
 */
export interface Inputs {
  readonly algorithm: Algorithm
  readonly username: string
  readonly password: string
  readonly realm: string
  readonly nonce: string
  readonly cnonce: string
  readonly nc: string
  /** `auth`, or undefined for the RFC 2069 form without qop. */
  readonly qop: "auth" | undefined
  readonly method: string
  readonly uri: string
}

/**
 * Computes the `response` parameter (RFC 7616 §3.4.1).
 */
export const response = (x: Inputs): string => {
  let ha1 = h(x.algorithm, `${x.username}:${x.realm}:${x.password}`)
  if (x.algorithm.endsWith("-sess")) ha1 = h(x.algorithm, `${ha1}:${x.nonce}:${x.cnonce}`)
  const ha2 = h(x.algorithm, `${x.method}:${x.uri}`)
  return x.qop === undefined ? h(x.algorithm, `${ha1}:${x.nonce}:${ha2}`) : h(x.algorithm, `${ha1}:${x.nonce}:${x.nc}:${x.cnonce}:${x.qop}:${ha2}`)
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`

/**
 * A client's Digest session with one server: it answers a challenge, then keeps using its nonce
 * (counting requests in `nc`) until the server says the nonce is stale.
 */
export interface Session {
  /** The `Authorization` header of one request. */
  readonly authorize: (method: string, uri: string) => string
}

/**
 * Starts a session from the challenge {@link choose} picked.
 *
 * **Details**
 * `cnonce` draws a fresh client nonce (tests pass a fixed one). With `userhash=true` the
 * username is sent hashed (RFC 7616 §3.4.4).
 */
export const session = (challenge: Challenge, username: string, password: string, cnonce: () => string = () => crypto.randomBytes(16).toString("hex")): Session => {
  const algorithm = algorithmOf(challenge)!
  const { realm = "", nonce = "", opaque } = challenge.params
  const qop = challenge.params.qop === undefined ? undefined : "auth"
  const userhash = challenge.params.userhash?.toLowerCase() === "true"
  let count = 0
  return {
    authorize: (method, uri) => {
      count++
      const nc = count.toString(16).padStart(8, "0")
      const c = cnonce()
      const r = response({ algorithm, username, password, realm, nonce, cnonce: c, nc, qop, method, uri })
      const user = userhash ? h(algorithm, `${username}:${realm}`) : username
      const parts = [
        `username=${quote(user)}`,
        `realm=${quote(realm)}`,
        `uri=${quote(uri)}`,
        `algorithm=${algorithm}`,
        `nonce=${quote(nonce)}`,
        ...(qop === undefined ? [] : [`nc=${nc}`, `cnonce=${quote(c)}`, `qop=${qop}`]),
        `response=${quote(r)}`,
        ...(opaque === undefined ? [] : [`opaque=${quote(opaque)}`]),
        ...(userhash ? ["userhash=true"] : [])
      ]
      return `Digest ${parts.join(", ")}`
    }
  }
}

/**
 * What the server decides about an `Authorization: Digest ...` header.
 */
export type Verdict = "ok" | "stale" | "refused"

/**
 * Checks a Digest answer on the server side: the nonce must be one the server issued and still
 * honours (`fresh`), the username known, and the response right for the request.
 */
export const verify = (
  header: string,
  request: { readonly method: string; readonly uri: string },
  server: { readonly realm: string; readonly password: (username: string) => string | undefined; readonly fresh: (nonce: string) => boolean | "stale" }
): Verdict => {
  const answer = parse(header)[0]
  if (answer === undefined || answer.scheme.toLowerCase() !== "digest") return "refused"
  const p = answer.params
  const algorithm = algorithmOf(answer)
  if (algorithm === undefined || p.username === undefined || p.nonce === undefined || p.response === undefined || p.realm !== server.realm) return "refused"
  if (p.uri !== request.uri) return "refused"
  const password = server.password(p.username)
  if (password === undefined) return "refused"
  const qop = p.qop === undefined ? undefined : p.qop === "auth" ? "auth" : null
  if (qop === null) return "refused"
  const expected = response({ algorithm, username: p.username, password, realm: server.realm, nonce: p.nonce, cnonce: p.cnonce ?? "", nc: p.nc ?? "", qop, method: request.method, uri: request.uri })
  const a = Buffer.from(expected)
  const b = Buffer.from(p.response.toLowerCase())
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return "refused"
  const fresh = server.fresh(p.nonce)
  return fresh === true ? "ok" : fresh === "stale" ? "stale" : "refused"
}
