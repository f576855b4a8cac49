/**
 * The real `pbxport` binary against the BroadWorks OCI-P sandbox and the Odin sandbox on
 * 127.0.0.1: export, plan, migrate 1,000 users from a bulk sheet (devices, trunk users, aliases,
 * accents, leading-zero extensions) with a row the server refuses, `--update`, a connection
 * dropped after the server applied a command, and kill -9 at several moments followed by a
 * re-run. After every scenario each source user is on the platform exactly once and intact: no
 * create is ever sent twice (BroadWorks would answer "User already exists"), none is missing.
 */
import * as child from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { OdinSandbox, Sandbox, SandboxFiles } from "@pbxport/adapter-broadworks/live"
import { afterEach, describe, expect, it } from "vitest"
import { bin, tempDir } from "./support.js"

interface Server {
  readonly users: ReadonlyMap<string, { readonly user: Record<string, unknown> & { device?: Record<string, unknown>; trunk?: Record<string, unknown> } }>
  readonly close: () => Promise<void>
}
const running: Array<Server> = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.close()
})

const group = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", domain: "example.com" }

/** Starts the OCI-P sandbox (TLS unless told otherwise) and writes its profile. */
const ocip = async (dir: string, tls = true, faults: Partial<Sandbox.Faults> = {}) => {
  const password = SandboxFiles.password()
  fs.writeFileSync(path.join(dir, "password"), `${password}\n`, { mode: 0o600 })
  const material = tls ? SandboxFiles.tls(dir) : undefined
  const sb = await Sandbox.start({ accounts: [{ username: "admin@example.com", password }], groups: [group], ...(material ? { tls: { key: material.key, cert: material.cert } } : {}) })
  Object.assign(sb.faults, faults)
  running.push(sb as unknown as Server)
  const profile = path.join(dir, "broadworks.json")
  fs.writeFileSync(profile, JSON.stringify({
    platform: "broadworks", host: "127.0.0.1", port: sb.port, tls, username: "admin@example.com", passwordFile: "password",
    ...(material ? { ca: path.basename(material.ca) } : {}), serviceProviderId: group.serviceProviderId, groupId: group.groupId
  }, null, 2))
  return { sb, profile, password }
}

/** Starts the Odin sandbox (TLS unless told otherwise) and writes its profile. */
const odin = async (dir: string, tls = true, faults: Partial<OdinSandbox.Faults> = {}) => {
  const password = SandboxFiles.password()
  fs.writeFileSync(path.join(dir, "password"), `${password}\n`, { mode: 0o600 })
  const material = tls ? SandboxFiles.tls(dir) : undefined
  const sb = await OdinSandbox.start({ accounts: [{ username: "odin-admin", password }], groups: [group], ...(material ? { tls: { key: material.key, cert: material.cert } } : {}) })
  Object.assign(sb.faults, faults)
  running.push(sb as unknown as Server)
  const profile = path.join(dir, "odin.json")
  fs.writeFileSync(profile, JSON.stringify({
    platform: "odin", url: sb.url, username: "odin-admin", passwordFile: "password", ...(material ? { ca: path.basename(material.ca) } : {}),
    serviceProviderId: group.serviceProviderId, groupId: group.groupId, rate: 2000
  }, null, 2))
  return { sb, profile, password }
}

interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built binary; `started` receives the child (to kill it). */
const pbxport = (args: ReadonlyArray<string>, cwd: string, options: { readonly env?: Record<string, string>; readonly started?: (c: child.ChildProcess) => void } = {}): Promise<Ran> =>
  new Promise((resolve) => {
    const c = child.spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["ignore", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    c.stdout!.on("data", (b: Buffer) => out.push(b))
    c.stderr!.on("data", (b: Buffer) => err.push(b))
    c.on("close", (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }))
    options.started?.(c)
  })

const HEADER = [
  "operation", "serviceProviderId", "groupId", "userId", "firstName", "lastName", "callingLineIdFirstName", "callingLineIdLastName", "extension", "password",
  "emailAddress", "alias[0]", "alias[1]", "accessDeviceEndpoint.accessDevice.deviceName", "accessDeviceEndpoint.accessDevice.deviceLevel",
  "accessDeviceEndpoint.linePort", "accessDeviceEndpoint.contact[0]", "accessDeviceEndpoint.useHotline", "accessDeviceEndpoint.deviceType",
  "accessDeviceEndpoint.macAddress", "trunkAddressing.trunkGroupDeviceEndpoint.name", "trunkAddressing.trunkGroupDeviceEndpoint.linePort"
].join(",")

const id = (row: number) => String(row).padStart(4, "0")
const first = (row: number) => (row % 3 === 0 ? "Zoë" : "Jean-Loïc")

/**
 * A bulk sheet of n users: every tenth a trunk user, the others on their own device; every
 * seventh with two aliases; accents; extensions with a leading zero. `bad` rows have a password
 * BroadWorks' password rules refuse (the file itself is valid).
 */
const sheet = (n: number, bad: ReadonlyArray<number> = []): string =>
  [HEADER, ...Array.from({ length: n }, (_, i) => {
    const row = i + 1
    const k = id(row)
    const trunk = row % 10 === 0
    return [
      "user.create", group.serviceProviderId, group.groupId, `u${k}@example.com`, first(row), `Lefèvre-Ñúñez ${k}`, first(row), `Lefèvre ${k}`, `0${k}`,
      bad.includes(row) ? "abc" : `Pw-${k}-not-real`, `u${k}@example.com`, row % 7 === 0 ? `alias${k}@example.com` : "", row % 7 === 0 ? `alt${k}@example.com` : "",
      trunk ? "" : `dev-${k}`, trunk ? "" : "Group", trunk ? "" : `u${k}@example.com`, trunk ? "" : `${k}@192.0.2.10`, trunk ? "" : "false",
      trunk ? "" : "Polycom VVX 450", trunk ? "" : `0011223${k}0`.slice(0, 12), trunk ? "ExampleTrunk" : "", trunk ? `+1555${k}@example.com` : ""
    ].join(",")
  })].join("\r\n") + "\r\n"

/** Checks that the platform holds each of users 1..n (but `missing`) once, with what the sheet said. */
const exactlyOnce = (sb: Server, n: number, missing: ReadonlyArray<number> = []): void => {
  for (let row = 1; row <= n; row++) {
    const found = sb.users.get(`u${id(row)}@example.com`)
    if (missing.includes(row)) {
      expect(found, `user ${row}`).toBeUndefined()
      continue
    }
    expect(found, `user ${row}`).toBeDefined()
    expect(found!.user).toMatchObject({ firstName: first(row), lastName: `Lefèvre-Ñúñez ${id(row)}`, extension: `0${id(row)}` })
    if (row % 10 === 0) expect(found!.user.trunk).toMatchObject({ group: "ExampleTrunk", linePort: `+1555${id(row)}@example.com` })
    else expect(found!.user.device).toMatchObject({ name: `dev-${id(row)}`, level: "Group", contacts: [`${id(row)}@192.0.2.10`] })
    if (row % 7 === 0) expect(found!.user["aliases"]).toEqual([`alias${id(row)}@example.com`, `alt${id(row)}@example.com`])
  }
  expect(sb.users.size).toBe(n - missing.length)
}

const intents = (journal: string): number => (fs.readFileSync(journal, "utf8").match(/"type":"intent"/g) ?? []).length

describe("pbxport against BroadWorks over OCI-P (sandbox)", () => {
  it("creates 1,000 users over TLS in documents of 15, reports the refused row with BroadWorks' words, then exports and plans", { timeout: 300_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await ocip(dir)
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(1000, [500]))

    const r = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl"], dir)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("row 500 (line 501, u0500@example.com): create refused: [Error 4962] Invalid password: the password does not meet the group's password rules: at least 6 characters\n")
    expect(r.stdout).toContain(`BroadWorks OCI-P at 127.0.0.1:${sb.port} (TLS), group ExampleGroup of ExampleSP: 1,000 users read, matched by userId: 999 created, 0 updated, 0 unchanged, 1 failed`)
    expect(r.stdout).not.toContain("already exists")
    expect(sb.stats.largest).toBe(15)
    expect(sb.stats.peakSessions).toBeGreaterThan(1)
    exactlyOnce(sb as unknown as Server, 1000, [500])

    const exported = await pbxport(["export", "--connection", profile, "-o", "export.json"], dir)
    expect(exported.code).toBe(0)
    expect(exported.stdout).toBe(`exported 999 of 999 users of BroadWorks OCI-P at 127.0.0.1:${sb.port} (TLS), group ExampleGroup of ExampleSP to export.json (odin-json)\n`)
    const json = JSON.parse(fs.readFileSync(path.join(dir, "export.json"), "utf8")) as Array<Record<string, unknown>>
    expect(json).toHaveLength(999)
    expect(json.find((u) => u["userId"] === "u0007@example.com")).toMatchObject({ firstName: "Jean-Loïc", extension: "00007", aliases: ["alias0007@example.com", "alt0007@example.com"], accessDeviceEndpoint: { accessDevice: { deviceName: "dev-0007", deviceLevel: "Group" }, linePort: "u0007@example.com", contacts: ["0007@192.0.2.10"] } })
    expect(JSON.stringify(json)).not.toContain("Pw-0007-not-real")

    const planned = await pbxport(["plan", "users.csv", "--from", "broadworks", "--connection", profile], dir)
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain("  create     1\n  update     0\n  unchanged  999\n")
    expect(planned.stdout).toContain("not compared: password of 999 users")
    expect(planned.stdout).toContain("not compared: device.macAddress of 900 users")
  })

  it("--update sends UserModifyRequest22 with only the fields that differ", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const modifies: Array<string> = []
    const { sb, profile } = await ocip(dir, false, { seen: (c) => { if (c.type === "UserModifyRequest22") modifies.push(c.element.children.map((e) => `${e.name}=${e.children.length > 0 ? e.children.map((x) => x.text).join("|") : e.text}`).join(" ")) } })
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(20))
    expect((await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "a.jsonl"], dir)).code).toBe(0)
    const wanted = sheet(20)
      .replace("Lefèvre-Ñúñez 0003,", "Lefèvre-Ñúñez-Dupré 0003,")
      .replace(",u0004@example.com,,,dev-0004", ",u0004@example.org,,,dev-0004")
      .replace("alias0014@example.com,alt0014@example.com", "alias0014@example.com,")
    fs.writeFileSync(path.join(dir, "wanted.csv"), wanted)

    const plan = await pbxport(["plan", "wanted.csv", "--from", "broadworks", "--connection", profile], dir)
    expect(plan.stdout).toContain("  create     0\n  update     3\n  unchanged  17\n")
    expect(plan.stdout).toContain('lastName "Lefèvre-Ñúñez 0003" -> "Lefèvre-Ñúñez-Dupré 0003"')

    const without = await pbxport(["migrate", "wanted.csv", "--from", "broadworks", "--connection", profile, "--journal", "b.jsonl"], dir)
    expect(without.code).toBe(0)
    expect(modifies).toHaveLength(0)

    const r = await pbxport(["migrate", "wanted.csv", "--from", "broadworks", "--connection", profile, "--journal", "c.jsonl", "--update"], dir)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("20 users read, matched by userId: 0 created, 3 updated, 17 unchanged, 0 failed")
    expect(modifies.sort()).toEqual([
      "userId=u0003@example.com lastName=Lefèvre-Ñúñez-Dupré 0003",
      "userId=u0004@example.com emailAddress=u0004@example.org",
      "userId=u0014@example.com sipAliasList=alias0014@example.com"
    ])
    expect(sb.users.get("u0003@example.com")!.user).toMatchObject({ lastName: "Lefèvre-Ñúñez-Dupré 0003", firstName: "Zoë", extension: "00003" })
    expect(sb.users.get("u0014@example.com")!.user.aliases).toEqual(["alias0014@example.com"])
    expect(sb.users.size).toBe(20)
  })

  it("reconciles a document whose connection dropped after the server applied a command: nothing sent twice", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await ocip(dir, false, { dropAfter: new Set([20, 333]) })
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(1000))
    const r = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl"], dir)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("1,000 users read, matched by userId: 1,000 created, 0 updated, 0 unchanged, 0 failed")
    expect(r.stdout).not.toContain("already exists")
    expect(sb.faults.dropAfter.size).toBe(0)
    exactlyOnce(sb as unknown as Server, 1000)
  })

  it("finishes after kill -9 at several moments: every user exactly once, none missing", { timeout: 300_000 }, async () => {
    const dir = tempDir()
    let victim: child.ChildProcess | undefined
    const kill = async () => {
      const c = victim!
      const gone = new Promise((r) => c.once("close", r))
      c.kill("SIGKILL")
      await gone
    }
    let plan: (n: number, phase: "received" | "applied") => boolean = () => false
    const { sb, profile } = await ocip(dir, false, { latency: 5, hook: async (n, phase) => { if (plan(n, phase)) await kill() } })
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(1000, [650]))
    const args = ["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl"]
    const started = (c: child.ChildProcess) => { victim = c }

    // 1: killed while a document was on the wire, before BroadWorks applied its first command
    plan = (n, phase) => n === 100 && phase === "received"
    expect((await pbxport(args, dir, { started })).signal).toBe("SIGKILL")
    // 2: killed after BroadWorks applied a command, before the answer
    plan = (n, phase) => n === 420 && phase === "applied"
    expect((await pbxport(args, dir, { started })).signal).toBe("SIGKILL")
    // 3: killed at an arbitrary moment
    plan = () => false
    const third = pbxport(args, dir, { started })
    await new Promise((r) => setTimeout(r, 2500))
    victim!.kill("SIGKILL")
    await third

    const last = await pbxport(args, dir)
    expect(last.stderr).toBe("")
    expect(last.code).toBe(1)
    expect(last.stdout).toContain("row 650 (line 651, u0650@example.com): create refused: [Error 4962] Invalid password")
    expect(last.stdout).not.toContain("already exists")
    exactlyOnce(sb as unknown as Server, 1000, [650])
    expect(intents(path.join(dir, "run.jsonl"))).toBeGreaterThanOrEqual(30)
    const done = await pbxport(args, dir)
    expect(done.stdout).toContain("0 created, 0 updated, 0 unchanged, 1 failed, 999 already done by an earlier run")
    exactlyOnce(sb as unknown as Server, 1000, [650])
  })

  it("exits 2 with BroadWorks' summary and no journal when the login is refused; never prints a password", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const { sb, profile, password } = await ocip(dir, false)
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(3))
    const wrong = path.join(dir, "wrong.json")
    const base = JSON.parse(fs.readFileSync(profile, "utf8")) as Record<string, unknown>
    fs.writeFileSync(wrong, JSON.stringify({ ...base, passwordFile: undefined, passwordEnv: "BW_PASSWORD" }))
    const r = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", wrong, "--journal", "run.jsonl"], dir, { env: { BW_PASSWORD: "Canary-Wrong-Pw-731" } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`pbxport: BroadWorks OCI-P at 127.0.0.1:${sb.port} refused the login: [Error 4962] Invalid password\n`)
    expect(fs.existsSync(path.join(dir, "run.jsonl"))).toBe(false)
    const ok = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl", "--json"], dir)
    expect(ok.code).toBe(0)
    for (const text of [r.stdout, r.stderr, ok.stdout, ok.stderr, fs.readFileSync(path.join(dir, "run.jsonl"), "utf8")]) {
      for (const secret of ["Canary-Wrong-Pw-731", password, "Pw-0001-not-real"]) expect(text).not.toContain(secret)
    }
  })
})

describe("pbxport against Odin (sandbox)", () => {
  it("creates 1,000 users over TLS, maps Odin's error body to the refused row, exports, plans and updates", { timeout: 300_000 }, async () => {
    const dir = tempDir()
    const puts: Array<string> = []
    const { sb, profile } = await odin(dir, true, { seen: (q) => { if (q.method === "PUT") puts.push(q.body) } })
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(1000, [500]))
    const r = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl"], dir)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("row 500 (line 501, u0500@example.com): create refused: the password does not meet the group's password rules: at least 6 characters 400: Bad Request\n")
    expect(r.stdout).toContain("1,000 users read, matched by userId: 999 created, 0 updated, 0 unchanged, 1 failed")
    exactlyOnce(sb as unknown as Server, 1000, [500])

    const exported = await pbxport(["export", "--connection", profile, "-o", "export.json"], dir)
    expect(exported.code).toBe(0)
    expect((JSON.parse(fs.readFileSync(path.join(dir, "export.json"), "utf8")) as Array<unknown>)).toHaveLength(999)

    const planned = await pbxport(["plan", "users.csv", "--from", "broadworks", "--connection", profile], dir)
    expect(planned.stdout).toContain("  create     1\n  update     0\n  unchanged  999\n")

    fs.writeFileSync(path.join(dir, "wanted.csv"), sheet(1000, [500]).replace(",u0004@example.com,,,dev-0004", ",u0004@example.org,,,dev-0004"))
    const up = await pbxport(["migrate", "wanted.csv", "--from", "broadworks", "--connection", profile, "--journal", "up.jsonl", "--update"], dir)
    expect(up.stdout).toContain("0 created, 1 updated, 998 unchanged, 1 failed")
    expect(puts).toEqual(['{"serviceProviderId":"ExampleSP","groupId":"ExampleGroup","userId":"u0004@example.com","emailAddress":"u0004@example.org"}'])
  })

  it("looks users up after a dropped answer and after kill -9, and never creates one twice", { timeout: 300_000 }, async () => {
    const dir = tempDir()
    let victim: child.ChildProcess | undefined
    let killAt = -1
    const { sb, profile } = await odin(dir, false, {
      dropAfter: new Set([10]),
      hook: async (n) => {
        if (n !== killAt) return
        const c = victim!
        const gone = new Promise((r) => c.once("close", r))
        c.kill("SIGKILL")
        await gone
      }
    })
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(300))
    const args = ["migrate", "users.csv", "--from", "broadworks", "--connection", profile, "--journal", "run.jsonl"]
    killAt = 120
    expect((await pbxport(args, dir, { started: (c) => { victim = c } })).signal).toBe("SIGKILL")
    killAt = 250
    expect((await pbxport(args, dir, { started: (c) => { victim = c } })).signal).toBe("SIGKILL")
    const last = await pbxport(args, dir)
    expect(last.stderr).toBe("")
    expect(last.code).toBe(0)
    expect(last.stdout).not.toContain("already exists")
    exactlyOnce(sb as unknown as Server, 300)
  })

  it("exits 2 with Odin's words when the login is refused", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await odin(dir, false)
    fs.writeFileSync(path.join(dir, "users.csv"), sheet(2))
    const base = JSON.parse(fs.readFileSync(profile, "utf8")) as Record<string, unknown>
    const wrong = path.join(dir, "wrong.json")
    fs.writeFileSync(wrong, JSON.stringify({ ...base, passwordFile: undefined, passwordEnv: "ODIN_PASSWORD" }))
    const r = await pbxport(["plan", "users.csv", "--from", "broadworks", "--connection", wrong], dir, { env: { ODIN_PASSWORD: "Canary-Odin-Pw-1" } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`pbxport: Odin at ${sb.url} refused the login: Invalid username or password 401: Unauthorized\n`)
  })
})

describe("pbxport sandbox broadworks / odin", () => {
  for (const platform of ["broadworks", "odin"] as const) {
    it(`serves ${platform} until stopped, writes a ready profile, and keeps its users in --state`, { timeout: 180_000 }, async () => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, "users.csv"), sheet(5))
      const start = async () => {
        let c: child.ChildProcess | undefined
        const ran = pbxport(["sandbox", platform, "--tls", "--profile", "p.json", "--state", "state.json"], dir, { started: (x) => { c = x } })
        for (let i = 0; i < 300 && !fs.existsSync(path.join(dir, "p.json")); i++) await new Promise((r) => setTimeout(r, 100))
        return { ran, stop: () => c!.kill("SIGTERM") }
      }
      const first = await start()
      const profile = JSON.parse(fs.readFileSync(path.join(dir, "p.json"), "utf8")) as Record<string, unknown>
      expect(profile).toMatchObject({ platform, username: expect.any(String), passwordFile: expect.any(String), ca: expect.any(String), serviceProviderId: "ExampleSP", groupId: "ExampleGroup" })
      expect(fs.statSync(path.join(dir, "p.json")).mode & 0o777).toBe(0o600)
      const r = await pbxport(["migrate", "users.csv", "--from", "broadworks", "--connection", "p.json", "--journal", "run.jsonl"], dir)
      expect(r.code).toBe(0)
      first.stop()
      await first.ran
      expect(fs.statSync(path.join(dir, "state.json")).mode & 0o777).toBe(0o600)
      fs.rmSync(path.join(dir, "p.json"))

      const second = await start()
      const planned = await pbxport(["plan", "users.csv", "--from", "broadworks", "--connection", "p.json"], dir)
      expect(planned.stdout).toContain("  create     0\n  update     0\n  unchanged  5\n")
      second.stop()
      await second.ran
    })
  }
})
