/**
 * The Odin connector against the Odin sandbox on loopback: login and its failure, token renewal
 * (before it lapses and after a 401), creates with error bodies mapped to users, updates with only
 * the changed fields, lists, the polite rate, and a dropped connection after a user was created.
 */
import { Redacted } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as Odin from "../../src/live/Odin.js"
import * as OdinSandbox from "../../src/live/OdinSandbox.js"
import { person } from "./users.js"

const group = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", domain: "example.com" }
const admin = { username: "odin-admin", password: "not-a-real-odin-pw" }

/** A stand-in for `@pbxport/live`'s client: fetch, and a lost answer to a non-idempotent request is `Lost`. */
const fetchHttp = (base: string): Odin.Http => ({
  send: async (r) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(base + r.path, { method: r.method, headers: r.headers, ...(r.body === undefined || r.method === "GET" ? {} : { body: r.body }) })
        return { status: res.status, text: await res.text() }
      } catch (e) {
        if (!r.idempotent) throw Object.assign(new Error(`${r.method} ${r.path.split("?")[0]}: the answer was lost`), { reason: { _tag: "Lost" } })
        if (attempt > 1) throw e
      }
    }
  },
  close: async () => {}
})

describe("Odin connector and sandbox", () => {
  let server: OdinSandbox.Server
  const settings = (extra: Partial<Odin.Settings> = {}): Odin.Settings => ({
    url: server.url, username: admin.username, password: Redacted.make(admin.password), serviceProviderId: group.serviceProviderId, groupId: group.groupId, rate: 1000, ...extra
  })
  beforeAll(async () => {
    server = await OdinSandbox.start({ accounts: [admin], groups: [group] })
  })
  afterEach(() => {
    server.faults.dropAfter.clear()
    server.faults.tokenLifetime = 3600
  })
  afterAll(() => server.close())

  it("refuses a wrong password with Odin's error body, without the password", async () => {
    const e = await Odin.connect(fetchHttp(server.url), settings({ password: Redacted.make("wrong-odin-secret") })).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(Odin.OdinError)
    expect((e as Error).message).toBe(`Odin at ${server.url}, group ExampleGroup of ExampleSP refused the login of odin-admin: Invalid username or password 401: Unauthorized`)
    expect((e as Error).message).not.toContain("wrong-odin-secret")
  })

  it("creates users, maps error bodies to each user, and lists them back", async () => {
    const c = await Odin.connect(fetchHttp(server.url), settings())
    const users = Array.from({ length: 20 }, (_, i) => person(i + 1))
    expect((await c.create(users)).every((o) => o.status === "done")).toBe(true)
    const refused = await c.create([person(1), { ...person(50), groupId: "Nope" }, { ...person(51), extension: "00001" }])
    expect(refused).toEqual([
      { status: "rejected", message: "User already exists: u0001@example.com 409: Conflict" },
      { status: "rejected", message: "Group not found: Nope 404: Not Found" },
      { status: "rejected", message: "Extension already assigned: 00001 (u0001@example.com) 409: Conflict" }
    ])
    const listed = await c.list()
    expect(listed).toHaveLength(20)
    const u7 = listed.find((r) => r.id === "u0007@example.com")!.user
    expect(u7).toMatchObject({ firstName: "Jean-Loïc", extension: "00007", aliases: ["alias0007@example.com", "alt0007@example.com"], device: { name: "dev-0007", level: "Group" } })
    expect(u7.password).toBeUndefined()
    await c.close()
  })

  it("updates only the given fields", async () => {
    const c = await Odin.connect(fetchHttp(server.url), settings())
    expect(Odin.updateBody(group, "u0002@example.com", { title: "Chef", email: null })).toEqual({ body: { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", userId: "u0002@example.com", title: "Chef", emailAddress: "" } })
    expect(await c.update([{ id: "u0002@example.com", user: { title: "Chef d'équipe", email: null } }, { id: "nobody@example.com", user: { title: "x" } }])).toEqual([
      { status: "done", id: "u0002@example.com" },
      { status: "rejected", message: "User not found: nobody@example.com 404: Not Found" }
    ])
    const [u2] = await c.find("userId", ["u0002@example.com"])
    expect(u2!.user.title).toBe("Chef d'équipe")
    expect(u2!.user.email ?? null).toBeNull()
    expect(u2!.user.lastName).toBe("Lefèvre 0002")
  })

  it("renews the token before it lapses and once after a 401", async () => {
    let clock = 0
    const c = await Odin.connect(fetchHttp(server.url), settings({ tokenLifetime: 100, now: () => clock }))
    const renewals = server.stats.renewals
    clock = 95_000
    await c.find("userId", ["u0001@example.com"])
    expect(server.stats.renewals).toBe(renewals + 1)
    // a token the server lets lapse early: the next call meets a 401, renews once and goes on
    server.faults.tokenLifetime = 1
    clock = 190_000
    await c.find("userId", ["u0001@example.com"])
    await new Promise((r) => setTimeout(r, 1100))
    const unauthorized = server.stats.unauthorized
    const logins = server.stats.logins
    server.faults.tokenLifetime = 3600
    expect(await c.find("userId", ["u0001@example.com"])).toHaveLength(1)
    // the read, then the renewal of the lapsed token, are refused; a fresh login follows
    expect(server.stats.unauthorized).toBe(unauthorized + 2)
    expect(server.stats.logins).toBe(logins + 1)
    expect(server.stats.renewals).toBe(renewals + 2)
  })

  it("keeps to the polite rate", async () => {
    const c = await Odin.connect(fetchHttp(server.url), settings({ rate: 5 }))
    const t0 = performance.now()
    await c.find("userId", ["u0001@example.com", "u0002@example.com", "u0003@example.com", "u0004@example.com", "u0005@example.com"])
    // login + 5 reads at 5 per second: at least a second
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950)
  })

  it("looks a user up after its answer was lost, and does not create it twice", async () => {
    const c = await Odin.connect(fetchHttp(server.url), settings())
    server.faults.dropAfter.add(server.stats.applied + 1)
    const users = [person(400), person(401)]
    expect(await c.create(users)).toEqual([{ status: "done", id: "u0400@example.com" }, { status: "done", id: "u0401@example.com" }])
    expect(server.users.has("u0400@example.com")).toBe(true)
  })
})
