import { Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import * as Client from "../../src/live/Client.js"
import * as Sandbox from "../../src/live/Sandbox.js"

const open: Array<{ close: () => unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.close()
})

const sandbox = async (options: Sandbox.Options = {}) => {
  const s = await Sandbox.start(options)
  open.push(s)
  return s
}
const client = (s: Sandbox.Sandbox, extra: Partial<Client.Options> = {}) => {
  const c = Client.make({ url: s.url, username: s.username, password: Redacted.make(s.password), ...extra })
  open.push(c)
  return c
}
const nope = (): never => {
  throw new Error("the request should have failed")
}
const agent = (n: number) => ({ username: `agent${n}`, email: `agent${n}@example.com`, password: `pw-${n}-Secret`, roles: [3] })

describe("Client against the sandbox", () => {
  for (const auth of ["basic", "digest", "digest-md5"] as const) {
    it(`logs in with ${auth}, creates, lists and updates`, async () => {
      const s = await sandbox({ auth })
      const c = client(s)
      const made = await c.request("POST", "users", agent(1), { safe: false })
      expect(made.status).toBe(201)
      const id = (made.body as { id: number }).id
      const put = await c.request("PUT", `users/${id}`, { first_name: "Zoë", virtual_extension: "0101" }, { safe: true })
      expect(put.body).toMatchObject({ first_name: "Zoë", virtual_extension: "0101" })
      const list = await c.request("GET", "users/", undefined, { safe: true })
      expect(list.body).toEqual([expect.objectContaining({ id, username: "agent1", first_name: "Zoë", roles: { "3": "Agent" } })])
      expect(s.checkPassword("agent1", "pw-1-Secret")).toBe(true)
      // Digest: one challenge for the whole session, then the nonce is reused (nc counts)
      expect(s.counts().requests).toBe(auth === "basic" ? 3 : 4)
    })
  }

  it("answers a stale nonce with a new session, without failing the request", async () => {
    const s = await sandbox({ auth: "digest", faults: { nonceUses: 2 } })
    const c = client(s)
    for (let i = 1; i <= 5; i++) await c.request("POST", "users", agent(i), { safe: false })
    expect(s.users()).toHaveLength(5)
    // the stale answers (401 with stale=true) applied nothing: 5 POSTs reached the handler
    expect(s.counts().posts).toBe(5)
    expect(s.counts().requests).toBeGreaterThan(6)
  })

  it("fails a wrong password as a login refusal naming the user, never the password", async () => {
    for (const auth of ["basic", "digest"] as const) {
      const s = await sandbox({ auth })
      const c = client(s, { password: Redacted.make("not-the-password") })
      const e = await c.request("GET", "users/", undefined, { safe: true }).then(nope, (x: unknown) => x as Client.ApiError)
      expect(e).toBeInstanceOf(Client.ApiError)
      expect(e.reason).toBe("login")
      expect(e.message).toContain("refused the API user 'api' (HTTP 401)")
      expect(e.message).not.toContain("not-the-password")
    }
  })

  it("gives the API's refusals in its own words", async () => {
    const s = await sandbox()
    const c = client(s)
    await c.request("POST", "users", agent(1), { safe: false })
    const dup = await c.request("POST", "users", { ...agent(1), email: "AGENT1@example.com", roles: [99] }, { safe: false }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(dup.reason).toBe("status")
    expect(dup.status).toBe(422)
    expect(dup.message).toBe("POST /api/users: HTTP 422: The given data was invalid.: username: The username 'agent1' has already been taken.; email: The email 'AGENT1@example.com' has already been taken.; roles: Unknown role id: 99.")
    expect(dup.message).not.toContain("pw-1-Secret")
    const id = (s.users()[0] as { id: number }).id
    const bad = await c.request("PUT", `users/${id}`, { virtual_extension: "12a" }, { safe: true }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(bad.message).toContain("virtual_extension: The virtual extension must be 1 to 10 digits, not '12a'.")
  })

  it("waits for Retry-After on 429 and sends the request again, POST included", async () => {
    const s = await sandbox({ faults: { tooMany: { every: 2, retryAfter: 1 } } })
    const waits: Array<number> = []
    const c = client(s, { onRetry: (r) => waits.push(r.wait) })
    const started = Date.now()
    await c.request("POST", "users", agent(1), { safe: false })
    await c.request("POST", "users", agent(2), { safe: false })
    expect(s.users()).toHaveLength(2)
    expect(waits).toEqual([1000])
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it("fails a Retry-After longer than it may wait, rather than waiting", async () => {
    const s = await sandbox({ faults: { tooMany: { every: 1, retryAfter: 120 } } })
    const e = await client(s, { maxWait: 5_000 }).request("GET", "users/", undefined, { safe: true }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(e.status).toBe(429)
    expect(s.counts().requests).toBe(1)
  })

  it("reports a POST whose answer is lost as lost (maybe applied), and never sends it again", async () => {
    const s = await sandbox({ faults: { dropAfterApply: 1 } })
    const c = client(s)
    const e = await c.request("POST", "users", agent(1), { safe: false }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(e.reason).toBe("lost")
    expect(e.message).toMatch(/^no answer from 127\.0\.0\.1:[0-9]+ \(ECONNRESET|socket hang up\)?.*the request may have been applied$/)
    expect(s.counts().posts).toBe(1)
    expect(s.users()).toHaveLength(1)
  })

  it("sends a safe request again when its answer is lost", async () => {
    const s = await sandbox()
    const c = client(s)
    await c.request("POST", "users", agent(1), { safe: false })
    const id = (s.users()[0] as { id: number }).id
    s.faults({ dropAfterApply: 1 })
    const put = await c.request("PUT", `users/${id}`, { last_name: "Lima" }, { safe: true })
    expect(put.body).toMatchObject({ last_name: "Lima" })
    expect(s.counts().puts).toBe(2)
  })

  it("times out a request that gets no answer", async () => {
    const s = await sandbox({ faults: { latency: 2_000 } })
    const e = await client(s, { timeout: 200, attempts: 1 }).request("GET", "users/", undefined, { safe: true }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(e.reason).toBe("lost")
    expect(e.message).toContain("no answer within 200 ms")
  })

  it("tells an unreachable server from a lost answer", async () => {
    const s = await sandbox()
    const url = s.url
    await s.close()
    const e = await Client.make({ url, username: "api", password: Redacted.make("x"), attempts: 1 }).request("POST", "users", agent(1), { safe: false }).then(nope, (x: unknown) => x as Client.ApiError)
    expect(e.reason).toBe("unreachable")
    expect(e.message).toMatch(/^cannot reach 127\.0\.0\.1:[0-9]+: ECONNREFUSED$/)
  })
})

describe("Sandbox state", () => {
  it("keeps its users and its API password in the state file (0600) between runs", async () => {
    const fs = await import("node:fs")
    const os = await import("node:os")
    const path = await import("node:path")
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-commpeak-state-"))
    try {
      const state = path.join(dir, "state.json")
      const first = await Sandbox.start({ state })
      await Client.make({ url: first.url, username: first.username, password: Redacted.make(first.password) }).request("POST", "users", agent(1), { safe: false })
      await first.close()
      expect(fs.statSync(state).mode & 0o777).toBe(0o600)
      expect(fs.readFileSync(state, "utf8")).not.toContain("pw-1-Secret")
      const second = await sandbox({ state })
      expect(second.password).toBe(first.password)
      expect(second.users()).toEqual([expect.objectContaining({ id: 1001, username: "agent1" })])
      expect(second.checkPassword("agent1", "pw-1-Secret")).toBe(true)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
