import * as http from "node:http"
import type * as net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import * as Http from "../src/Http.js"
import * as LiveError from "../src/LiveError.js"

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number, body: string) => void

const servers: Array<{ close: () => Promise<void> }> = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

/** A server on 127.0.0.1 that answers request n with `handlers[n - 1]` (the last one after that). */
const serve = async (handlers: ReadonlyArray<Handler>) => {
  let n = 0
  const seen: Array<{ method: string; body: string }> = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      seen.push({ method: req.method ?? "", body })
      const i = n++
      handlers[Math.min(i, handlers.length - 1)]!(req, res, i + 1, body)
    })
  })
  server.on("connection", (s: net.Socket) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  const port = (server.address() as net.AddressInfo).port
  const close = () => new Promise<void>((r) => {
    for (const s of sockets) s.destroy()
    server.close(() => r())
  })
  servers.push({ close })
  return { base: `http://127.0.0.1:${port}`, seen, count: () => n, close }
}

const ok: Handler = (_req, res) => res.end("fine")
const status = (code: number, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(code, headers)
  res.end(`{"echo": "canary-body-secret"}`)
}
const drop: Handler = (req) => req.socket.destroy()

const client = (base: string, more: Partial<Http.Options> = {}) => {
  const retries: Array<{ why: string; delay: number }> = []
  const c = Http.make({ base, name: "Demo", baseDelay: 5, maxDelay: 20, random: () => 0.5, onRetry: (r) => retries.push(r), ...more })
  servers.push({ close: () => c.close() })
  return { c, retries }
}

const failure = async (p: Promise<unknown>): Promise<LiveError.LiveError> => {
  try {
    await p
  } catch (e) {
    expect(LiveError.is(e)).toBe(true)
    return e as LiveError.LiveError
  }
  throw new Error("expected a failure")
}

describe("Http", () => {
  it("sends again after 429 and 503, whatever the request, honouring Retry-After", async () => {
    const s = await serve([status(429, { "retry-after": "1" }), status(503), ok])
    const { c, retries } = client(s.base)
    const began = Date.now()
    const r = await c.send({ method: "POST", path: "/import", body: "a,b\r\n", idempotent: false })
    expect(r.status).toBe(200)
    expect(r.text).toBe("fine")
    expect(s.seen.map((x) => x.body)).toEqual(["a,b\r\n", "a,b\r\n", "a,b\r\n"])
    expect(retries.map((x) => x.why)).toEqual(["HTTP 429", "HTTP 503"])
    expect(retries[0]!.delay).toBe(1000)
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000)
  })

  it("backs off exponentially with jitter, up to the maximum", async () => {
    const s = await serve([status(503), status(503), status(503), status(503), ok])
    const { c, retries } = client(s.base, { baseDelay: 4, maxDelay: 20, random: () => 0.99 })
    await c.send({ method: "GET", path: "/x", idempotent: true })
    expect(retries.map((r) => r.delay)).toEqual([3, 7, 15, 19])
  })

  it("sends an idempotent request again after 502, 504 and a dropped connection", async () => {
    const s = await serve([status(502), status(504), drop, ok])
    const { c, retries } = client(s.base)
    const r = await c.send({ method: "GET", path: "/export", idempotent: true })
    expect(r.status).toBe(200)
    expect(retries).toHaveLength(3)
  })

  it("never sends again what may have been applied: 502, 504 or a dropped connection is Lost", async () => {
    for (const h of [status(502), status(504), drop]) {
      const s = await serve([h, ok])
      const { c } = client(s.base)
      const e = await failure(c.send({ method: "POST", path: "/import?token=canary-query", body: "x", idempotent: false }))
      expect(e.reason._tag).toBe("Lost")
      expect(e.message).toMatch(/^Demo: the answer to POST \/import was lost \(.+\); it may have been applied$/)
      expect(e.message).not.toContain("canary")
      expect(s.count()).toBe(1)
    }
  })

  it("returns other statuses to the caller, never retrying another 4xx", async () => {
    const s = await serve([status(400), ok])
    const { c, retries } = client(s.base)
    const r = await c.send({ method: "POST", path: "/import", body: "x", idempotent: false })
    expect(r.status).toBe(400)
    expect(retries).toHaveLength(0)
    expect(s.count()).toBe(1)
  })

  it("gives up after the retries, with a message naming the request but no body", async () => {
    const s = await serve([status(503)])
    const { c } = client(s.base, { retries: 2 })
    const e = await failure(c.send({ method: "POST", path: "/import", body: "canary-request-body", idempotent: false }))
    expect(e.message).toBe("cannot reach Demo: POST /import still answered HTTP 503 after 3 attempts")
    expect(e.issue.code).toBe("connection")
    expect(s.count()).toBe(3)
  })

  it("refuses a Retry-After longer than it waits", async () => {
    const s = await serve([status(429, { "retry-after": "3600" })])
    const { c } = client(s.base)
    const e = await failure(c.send({ method: "GET", path: "/x", idempotent: true }))
    expect(e.message).toBe("Demo refused GET /x (HTTP 429): asked to wait 3600 s before trying again, more than pbxport waits")
  })

  it("times out every attempt", async () => {
    const s = await serve([() => {}])
    const { c } = client(s.base, { timeout: 200, retries: 1 })
    const began = Date.now()
    const e = await failure(c.send({ method: "GET", path: "/slow", idempotent: true }))
    expect(e.message).toBe("cannot reach Demo: GET /slow: no answer within 0 s, 2 times")
    expect(Date.now() - began).toBeLessThan(5000)
    const lost = await failure(client(s.base, { timeout: 200 }).c.send({ method: "POST", path: "/slow", idempotent: false }))
    expect(lost.reason._tag).toBe("Lost")
  })

  it("reports a server that is not there as unreachable", async () => {
    const s = await serve([ok])
    await s.close()
    const { c } = client(s.base, { retries: 1 })
    const e = await failure(c.send({ method: "POST", path: "/token", idempotent: false }))
    expect(e.message).toBe("cannot reach Demo: connection failed (ECONNREFUSED)")
  })

  it("stops when its signal is aborted, even while backing off", async () => {
    const s = await serve([status(429, { "retry-after": "30" })])
    const { c } = client(s.base)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const e = await failure(c.send({ method: "GET", path: "/x", idempotent: true, signal: controller.signal }))
    expect(e.reason._tag).toBe("Aborted")
  })

  it("parses Retry-After as seconds or as a date", () => {
    expect(Http.retryAfter("7")).toBe(7000)
    expect(Http.retryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000)
    expect(Http.retryAfter("soon")).toBeUndefined()
    expect(Http.retryAfter(undefined)).toBeUndefined()
  })

  it("builds a Basic header", () => {
    expect(Http.basic("a", "b:c")).toBe(`Basic ${Buffer.from("a:b:c").toString("base64")}`)
  })
})
