import { Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import * as Connector from "../../src/live/Connector.js"
import * as Sandbox from "../../src/live/Sandbox.js"

const open: Array<{ close: () => unknown }> = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.close()
})

const setup = async (options: Sandbox.Options = {}, settings: Partial<Connector.Settings> = {}) => {
  const sandbox = await Sandbox.start(options)
  open.push(sandbox)
  const connector = Connector.make({ url: sandbox.url, username: sandbox.username, password: Redacted.make(sandbox.password), ...settings })
  open.push(connector)
  return { sandbox, connector }
}

const agent = (n: number, extra: Partial<User.User> = {}): User.User => ({
  username: `agent${n}`,
  email: `agent${n}@example.com`,
  password: Redacted.make(`Pw-${n}-secret`),
  firstName: `First${n}`,
  lastName: `Last${n}`,
  extension: String(1000 + n),
  contactCenter: { role: "3", virtualExtension: String(1000 + n), twoFactor: "disabled" },
  ...extra
})

describe("Connector", () => {
  it("creates users in two steps, several at a time, outcomes in order, a refused user apart", async () => {
    const { sandbox, connector } = await setup({ auth: "digest" }, { concurrency: 8 })
    const users = Array.from({ length: 40 }, (_, i) => agent(i + 1))
    users[7] = agent(8, { contactCenter: { role: "99", virtualExtension: "1008" } })
    users[9] = agent(3)
    const outcomes = await connector.create(users)
    expect(outcomes.filter((o) => o.status === "done")).toHaveLength(38)
    expect(outcomes[7]).toEqual({ status: "rejected", message: "POST /api/users: HTTP 422: The given data was invalid.: roles: Unknown role id: 99." })
    // two users named agent3 sent at the same time: whichever comes second is refused
    const pair = [outcomes[2]!, outcomes[9]!]
    expect(pair.map((o) => o.status).sort()).toEqual(["done", "rejected"])
    expect(pair.find((o) => o.status === "rejected")).toEqual({ status: "rejected", message: "POST /api/users: HTTP 422: The given data was invalid.: username: The username 'agent3' has already been taken.; email: The email 'agent3@example.com' has already been taken." })
    const listed = await connector.list()
    expect(listed).toHaveLength(38)
    const one = listed.find((r) => r.user.username === "agent1")!
    expect(one.user).toMatchObject({ firstName: "First1", lastName: "Last1", contactCenter: { virtualExtension: "1001", twoFactor: "disabled", role: "3" } })
    expect(sandbox.checkPassword("agent1", "Pw-1-secret")).toBe(true)
  })

  it("reports a user created whose second step was refused, with what is missing and how to finish", async () => {
    const { connector } = await setup()
    const [o] = await connector.create([agent(1, { contactCenter: { role: "3", virtualExtension: "12ab" } })])
    expect(o).toMatchObject({ status: "rejected" })
    expect((o as { message: string }).message).toMatch(/^created as CommPeak user 1001, but its first_name, last_name, virtual_extension were not set: PUT \/api\/users\/1001: HTTP 422: .*virtual_extension: The virtual extension must be 1 to 10 digits, not '12ab'\.; fix the row and run the migration with --update to complete the user$/)
  })

  it("gives unknown for a POST whose answer was lost; find and complete finish the user without a second POST", async () => {
    const posted: Array<[number, string]> = []
    const { sandbox, connector } = await setup({ faults: { dropAfterApply: 1 } }, { onPosted: (i, id) => { posted.push([i, id]) } })
    const user = agent(5)
    const [o] = await connector.create([user])
    expect(o).toMatchObject({ status: "unknown" })
    expect(posted).toEqual([])
    const [found] = await connector.find("email", ["AGENT5@example.com"])
    expect(found).toMatchObject({ id: "1001", user: { username: "agent5", firstName: "" } })
    expect(await connector.complete(found!.id, user)).toEqual({ status: "done", id: "1001" })
    expect(sandbox.counts().posts).toBe(1)
    expect((await connector.find("username", ["agent5"]))[0]!.user).toMatchObject({ firstName: "First5", lastName: "Last5" })
  })

  it("asks for a password only for users without one, and tells the id once the POST is through", async () => {
    const asked: Array<string> = []
    const posted: Array<[number, string]> = []
    const { sandbox, connector } = await setup({}, {
      concurrency: 1,
      passwords: { passwordFor: async (u) => { asked.push(u.username!); return `gen-${u.username}` } },
      onPosted: (i, id) => { posted.push([i, id]) }
    })
    await connector.create([agent(1), agent(2, { password: undefined })])
    expect(asked).toEqual(["agent2"])
    expect(posted).toEqual([[0, "1001"], [1, "1002"]])
    expect(sandbox.checkPassword("agent2", "gen-agent2")).toBe(true)
  })

  it("updates only the fields given, and clears with null", async () => {
    const { sandbox, connector } = await setup()
    await connector.create([agent(1)])
    const before = sandbox.counts().puts
    const outcomes = await connector.update([{ id: "1001", user: { lastName: null, email: "new@example.com" } }, { id: "1001", user: {} }])
    expect(outcomes).toEqual([{ status: "done", id: "1001" }, { status: "done", id: "1001" }])
    expect(sandbox.counts().puts - before).toBe(1)
    expect(sandbox.users()[0]).toMatchObject({ last_name: "", email: "new@example.com", first_name: "First1" })
    expect(await connector.update([{ id: "4242", user: { lastName: "x" } }])).toEqual([{ status: "rejected", message: "PUT /api/users/4242: HTTP 404: No user with id 4242." }])
  })

  it("stops the run on a refused login", async () => {
    const { connector } = await setup({}, { password: Redacted.make("wrong") })
    await expect(connector.create([agent(1)])).rejects.toMatchObject({ reason: "login" })
  })
})
