/**
 * The OCI-P client against the OCI-P sandbox on loopback: login and its failure, creates, reads,
 * updates, errors mapped to users, several sessions, documents of 15 commands, a dropped
 * connection after the server applied a command, and TLS.
 */
import * as net from "node:net"
import { Redacted } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as Connector from "../../src/live/Connector.js"
import * as Ocip from "../../src/live/Ocip.js"
import * as Sandbox from "../../src/live/Sandbox.js"
import * as Session from "../../src/live/Session.js"
import * as Xml from "../../src/live/Xml.js"
import { makePki, type Pki } from "./tls.js"
import { admin, group, person } from "./users.js"


const settings = (port: number, extra: Partial<Connector.Settings> = {}): Connector.Settings => ({
  host: "127.0.0.1",
  port,
  tls: false,
  username: admin.username,
  password: Redacted.make(admin.password),
  serviceProviderId: group.serviceProviderId,
  groupId: group.groupId,
  timeout: 10_000,
  ...extra
})

describe("OCI-P documents", () => {
  it("signs the password as md5(nonce:sha1hex(password)), lowercase hex", () => {
    // the pair nigelm/broadworks_ocip's fake server hard-codes for "password" and nonce 1234567890123
    expect(Ocip.signedPassword("1234567890123", Redacted.make("password"))).toBe("77e4a6de3a1e00be05e121cf0ebee860")
  })

  it("reads an ErrorResponse with a prefixed type, summary and detail", () => {
    const doc = Ocip.read(`<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s1</sessionId><command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><summary>[Error 4962] Invalid password</summary><summaryEnglish>[Error 4962] Invalid password</summaryEnglish><detail>Caf&#xE9; &amp; co</detail></command></BroadsoftDocument>`)
    expect(doc.sessionId).toBe("s1")
    expect(doc.commands[0]!.type).toBe("ErrorResponse")
    expect(Ocip.describe(Ocip.failureOf(doc.commands[0]!)!)).toBe("[Error 4962] Invalid password: Café & co")
  })

  it("refuses documents a reader must not trust", () => {
    expect(() => Xml.parse("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")).toThrow(/document type declarations/)
    expect(() => Xml.parse("<a><b></a>")).toThrow(/does not close/)
    expect(() => Xml.parse("<a>&bogus;</a>")).toThrow(/unknown entity/)
  })

  it("writes a UserModifyRequest22 with only the given fields, in schema order, nil to clear", () => {
    const r = Ocip.userModifyRequest("u1@example.com", { email: null, lastName: "Dupré", aliases: [], extension: "0102" }, undefined, group)
    expect("text" in r && r.text).toBe(`  <command xsi:type="UserModifyRequest22" xmlns=""><userId>u1@example.com</userId><lastName>Dupr&#xE9;</lastName><extension>0102</extension><sipAliasList xsi:nil="true"/><emailAddress xsi:nil="true"/></command>\n`)
    expect(Ocip.userModifyRequest("u1@example.com", { device: { name: "d2" } }, undefined, group)).toEqual({ missing: "a device needs both device.level and device.name" })
    const completed = Ocip.userModifyRequest("u1@example.com", { device: { name: "d2" } }, { device: { level: "Group", name: "d1" } }, group)
    expect("text" in completed && completed.text).toContain("<endpoint><accessDeviceEndpoint><accessDevice><deviceLevel>Group</deviceLevel><deviceName>d2</deviceName></accessDevice></accessDeviceEndpoint></endpoint>")
  })
})

describe("OCI-P client and sandbox", () => {
  let server: Sandbox.Server
  const open: Array<Connector.Connector> = []
  const connect = async (extra: Partial<Connector.Settings> = {}) => {
    const c = await Connector.connect(settings(server.port, extra))
    open.push(c)
    return c
  }
  beforeAll(async () => {
    server = await Sandbox.start({ accounts: [admin], groups: [group] })
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()))
    server.faults.latency = 0
    server.faults.dropAfter.clear()
  })
  afterAll(() => server.close())

  it("refuses a wrong password with the server's summary, and never prints the password", async () => {
    const e = await Connector.connect(settings(server.port, { password: Redacted.make("wrong-secret-xyz") })).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(Session.SessionError)
    expect((e as Session.SessionError).reason).toBe("refused")
    expect((e as Error).message).toBe("127.0.0.1:" + server.port + " refused the login of admin@example.com: [Error 4962] Invalid password")
    expect((e as Error).message).not.toContain("wrong-secret-xyz")
  })

  it("refuses commands before a login, and a plain-text login over TCP", async () => {
    const socket = net.connect(server.port, "127.0.0.1")
    await new Promise((r) => socket.once("connect", r))
    const reply = new Promise<string>((resolve) => {
      let text = ""
      socket.setEncoding("latin1")
      socket.on("data", (c: string) => {
        text += c
        if (text.includes(Ocip.terminator)) resolve(text)
      })
    })
    socket.write(Ocip.document("x", [Ocip.userGetRequest("u@example.com"), Ocip.loginRequest22V5(admin.username, Redacted.make(admin.password))]))
    const doc = Ocip.read(await reply)
    socket.destroy()
    expect(doc.commands.map((c) => Ocip.describe(Ocip.failureOf(c)!))).toEqual([
      "[Error 4900] Not logged in: UserGetRequest22 needs a login first",
      "[Error 4961] Plain text passwords are accepted over TLS only: log in with AuthenticationRequest and LoginRequest14sp4"
    ])
  })

  it("creates users in documents of 15 over several sessions, and reads them back as they were sent", async () => {
    const c = await connect({ sessions: 3 })
    const users = Array.from({ length: 100 }, (_, i) => person(i + 1))
    const outcomes = await c.create(users)
    expect(outcomes.every((o) => o.status === "done")).toBe(true)
    expect(server.stats.largest).toBe(15)
    expect(server.stats.peakSessions).toBeGreaterThanOrEqual(3)
    const listed = await c.list()
    expect(listed).toHaveLength(100)
    const u7 = listed.find((r) => r.id === "u0007@example.com")!.user
    expect(u7).toMatchObject({ firstName: "Jean-Loïc", lastName: "Lefèvre 0007", extension: "00007", aliases: ["alias0007@example.com", "alt0007@example.com"], device: { name: "dev-0007", level: "Group", linePort: "u0007@example.com", contacts: ["0007@192.0.2.10"] } })
    expect(u7.password).toBeUndefined()
    expect(u7.device?.macAddress).toBeUndefined()
    const u10 = listed.find((r) => r.id === "u0010@example.com")!.user
    expect(u10.trunk).toEqual({ group: "ExampleTrunk", linePort: "+15550010@example.com" })
  })

  it("maps each ErrorResponse to its own user, in order, inside one document", async () => {
    const c = await connect()
    const outcomes = await c.create([
      person(1),
      { ...person(201), groupId: "NoSuchGroup" },
      { ...person(202), extension: "7" },
      person(203),
      { ...person(204), extension: "00203" }
    ])
    expect(outcomes).toEqual([
      { status: "rejected", message: "[Error 4200] User already exists: u0001@example.com" },
      { status: "rejected", message: "[Error 4004] Group not found: NoSuchGroup: service provider ExampleSP has no group NoSuchGroup" },
      { status: "rejected", message: "'extension' must be 2 to 20 characters; \"7\" has 1" },
      { status: "done", id: "u0203@example.com" },
      { status: "rejected", message: "[Error 4202] Extension already assigned: 00203: the extension is used by u0203@example.com" }
    ])
  })

  it("frames documents however TCP splits them: byte by byte, and two in one write", async () => {
    const socket = net.connect(server.port, "127.0.0.1")
    await new Promise((r) => socket.once("connect", r))
    let text = ""
    socket.setEncoding("latin1")
    socket.on("data", (c: string) => (text += c))
    const auth = Ocip.document("split", [Ocip.authenticationRequest(admin.username)])
    for (const ch of auth) socket.write(ch, "latin1")
    while (!text.includes(Ocip.terminator)) await new Promise((r) => setTimeout(r, 10))
    const nonce = Xml.textOf(Ocip.read(text).commands[0]!.element, "nonce")!
    text = ""
    socket.write(Ocip.document("split", [Ocip.loginRequest14sp4(admin.username, Ocip.signedPassword(nonce, Redacted.make(admin.password)))]) + Ocip.document("split", [Ocip.userGetRequest("u0001@example.com")]), "latin1")
    while (text.split(Ocip.terminator).length < 3) await new Promise((r) => setTimeout(r, 10))
    socket.destroy()
    const [login, get] = text.split(Ocip.terminator).slice(0, 2).map((d) => Ocip.read(d + Ocip.terminator))
    expect(login!.commands[0]!.type).toBe("LoginResponse14sp4")
    expect(get!.commands[0]!.type).toBe("UserGetResponse22")
    expect(Xml.textOf(get!.commands[0]!.element, "firstName")).toBe("Jean-Loïc")
  })

  it("checks the schema order of UserConsolidatedAddRequest22 as the server would", async () => {
    const session = await Session.open(settings(server.port))
    const [reply] = await session.send([Ocip.command("UserConsolidatedAddRequest22", [
      Ocip.leaf("serviceProviderId", "ExampleSP"), Ocip.leaf("groupId", "ExampleGroup"), Ocip.leaf("userId", "order@example.com"),
      Ocip.leaf("firstName", "Ann"), Ocip.leaf("lastName", "Order"), Ocip.leaf("callingLineIdLastName", "Order"), Ocip.leaf("callingLineIdFirstName", "Ann")
    ])])
    await session.close()
    expect(Ocip.describe(Ocip.failureOf(reply!)!)).toBe("[Error 18011] OCI XML Request validation error(s): 'lastName' is out of schema order (it comes before 'firstName')")
  })

  it("updates only the fields that differ, and completes a device from what the server has", async () => {
    const c = await connect()
    const outcomes = await c.update([
      { id: "u0002@example.com", user: { email: null, title: "Chef d'équipe", extension: "0902" } },
      { id: "u0003@example.com", user: { device: { name: "dev-new" } } },
      { id: "nobody@example.com", user: { title: "x" } }
    ])
    expect(outcomes).toEqual([
      { status: "done", id: "u0002@example.com" },
      { status: "done", id: "u0003@example.com" },
      { status: "rejected", message: "[Error 4008] User not found: nobody@example.com" }
    ])
    const [u2, u3] = await c.find("userId", ["u0002@example.com", "u0003@example.com"])
    expect(u2!.user.email).toBeUndefined()
    expect(u2!.user).toMatchObject({ title: "Chef d'équipe", extension: "0902", lastName: "Lefèvre 0002" })
    expect(u3!.user.device).toMatchObject({ name: "dev-new", level: "Group", linePort: "u0003@example.com" })
  })

  it("reconciles the document in flight after the server applied a command and dropped the connection", async () => {
    const c = await connect({ sessions: 1 })
    server.faults.dropAfter.add(server.stats.applied + 2)
    const users = Array.from({ length: 5 }, (_, i) => person(300 + i))
    const outcomes = await c.create(users)
    expect(outcomes).toEqual(users.map((u) => ({ status: "done", id: u.userId })))
    expect(c.reconnects()).toBe(1)
    for (const u of users) expect(server.users.has(u.userId!)).toBe(true)
  })

  it("answers several commands of one document in order, and several sessions at once", async () => {
    server.faults.latency = 50
    const c = await connect({ sessions: 4, perDocument: 5 })
    const t0 = performance.now()
    const found = await c.find("userId", Array.from({ length: 40 }, (_, i) => person(i + 1).userId!))
    // 8 documents of 5 over 4 sessions: two rounds of 50 ms, not eight
    expect(performance.now() - t0).toBeLessThan(8 * 50)
    expect(found.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => person(i + 1).userId))
  })
})

describe("OCI-P over TLS", () => {
  let pki: Pki
  let server: Sandbox.Server
  beforeAll(async () => {
    pki = makePki()
    server = await Sandbox.start({ accounts: [admin], groups: [group], tls: { key: pki.key, cert: pki.cert } })
  })
  afterAll(async () => {
    await server.close()
    pki.remove()
  })

  it("logs in with LoginRequest22V5 when the CA is trusted, and creates a user", async () => {
    const c = await Connector.connect(settings(server.port, { tls: true, ca: pki.ca }))
    expect(await c.create([person(1)])).toEqual([{ status: "done", id: "u0001@example.com" }])
    await c.close()
  })

  it("refuses a server whose certificate it cannot verify", async () => {
    const e = await Connector.connect(settings(server.port, { tls: true })).catch((x: unknown) => x)
    expect((e as Session.SessionError).reason).toBe("unreachable")
    expect((e as Error).message).toMatch(/certificate/)
  })
})
