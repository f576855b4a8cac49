/**
 * The real `pbxport` binary against the Wazo sandbox on 127.0.0.1: export, plan, migrate
 * (create and --update), over TLS, through expiring tokens, 429/503 storms, a connection dropped
 * after Wazo applied a chunk, and kill -9 at several moments followed by a re-run. After every
 * scenario each source user is in Wazo exactly once, with its accents, `+` and leading zeros.
 */
import * as child from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { Sandbox } from "@pbxport/adapter-wazo/live"
import { afterEach, describe, expect, it } from "vitest"
import { bin, tempDir } from "./support.js"

type Running = Awaited<ReturnType<typeof Sandbox.start>>
const running: Array<Running> = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.close()
})

/** Starts a sandbox and writes its profile; TLS unless told otherwise. */
const sandbox = async (dir: string, faults: Sandbox.Faults = {}, tls = true): Promise<{ sb: Running; profile: string }> => {
  const sb = await Sandbox.start({ dir, tls, faults })
  running.push(sb)
  const profile = path.join(dir, "wazo.json")
  fs.writeFileSync(profile, JSON.stringify(sb.profile, null, 2))
  return { sb, profile }
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

const HEADER = "firstname,lastname,email,mobile_phone_number,exten,context,line_protocol,password\r\n"

/** n users with accents, `+` numbers and leading-zero extensions; `bad` rows name an unknown context. */
const users = (n: number, bad: ReadonlyArray<number> = []): string =>
  HEADER + Array.from({ length: n }, (_, i) => {
    const row = i + 1
    return `Zoë${row},Ñúñez-Øster,user${row}@example.com,+336${String(row).padStart(8, "0")},0${1000 + row},${bad.includes(row) ? "nope" : "default"},sip,pw-${row}-secret\r\n`
  }).join("")

/** Checks that the sandbox holds each of users 1..n (but `missing`) exactly once, intact. */
const exactlyOnce = (sb: Running, n: number, missing: ReadonlyArray<number> = []): void => {
  const byEmail = new Map<string, Array<Readonly<Record<string, string>>>>()
  for (const u of sb.users()) byEmail.set(u.email!, [...(byEmail.get(u.email!) ?? []), u])
  for (let row = 1; row <= n; row++) {
    const found = byEmail.get(`user${row}@example.com`) ?? []
    if (missing.includes(row)) {
      expect(found, `user ${row}`).toHaveLength(0)
      continue
    }
    expect(found, `user ${row}`).toHaveLength(1)
    expect(found[0]).toMatchObject({ firstname: `Zoë${row}`, lastname: "Ñúñez-Øster", mobile_phone_number: `+336${String(row).padStart(8, "0")}`, exten: `0${1000 + row}`, context: "default" })
  }
  expect(sb.users()).toHaveLength(n - missing.length)
}

const intents = (journal: string): number => (fs.readFileSync(journal, "utf8").match(/"type":"intent"/g) ?? []).length

describe("pbxport against a running Wazo (sandbox)", () => {
  it("creates 1,000 users over TLS, reports the refused row in the middle with Wazo's words, then exports and plans", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await sandbox(dir)
    fs.writeFileSync(path.join(dir, "users.csv"), users(1000, [500]))

    const dry = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl", "--dry-run"], dir)
    expect(dry.stdout).toContain("1,000 users read, matched by email: 1,000 would be created")
    expect(fs.existsSync(path.join(dir, "run.jsonl"))).toBe(false)
    expect(sb.users()).toHaveLength(0)

    const r = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl"], dir)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("row 500 (line 501, user500@example.com): create refused: Resource Not Found - Context was not found ('name': 'nope')\n")
    expect(r.stdout).toContain(`${sb.profile.url as string}`)
    expect(r.stdout).toContain("1,000 users read, matched by email: 999 created, 0 updated, 0 unchanged, 1 failed")
    exactlyOnce(sb, 1000, [500])

    // the same command again: nothing is created twice, the refused user is tried again
    const again = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl"], dir)
    expect(again.code).toBe(1)
    expect(again.stdout).toContain("0 created, 0 updated, 0 unchanged, 1 failed, 999 already done by an earlier run")
    exactlyOnce(sb, 1000, [500])

    const exported = await pbxport(["export", "--connection", profile, "-o", "export.csv"], dir)
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^exported 999 of 999 users of Wazo at https:\/\/127\.0\.0\.1:\d+ \(tenant [0-9a-f-]+\) to export\.csv \(wazo-export\)\n$/)
    const csv = fs.readFileSync(path.join(dir, "export.csv"), "utf8")
    expect(csv.startsWith("uuid,subscription_type,firstname,lastname,email,")).toBe(true)
    expect(csv.split("\r\n")).toHaveLength(1001)
    expect(csv).toContain(",Zoë1,Ñúñez-Øster,user1@example.com,+33600000001,")
    expect(csv).toContain(",01001,")

    const planned = await pbxport(["plan", "users.csv", "--from", "wazo", "--connection", profile], dir)
    expect(planned.code).toBe(0)
    expect(planned.stdout).toContain("  create     1\n  update     0\n  unchanged  999\n")
    expect(planned.stdout).toContain(`not compared: password of 999 users (${r.stdout.match(/Wazo at \S+ \(tenant [^)]+\)/)![0]} never reveals it); it is left as it is`)
    const json = JSON.parse((await pbxport(["plan", "users.csv", "--from", "wazo", "--connection", profile, "--json"], dir)).stdout) as { counts: Record<string, number>; notCompared: Array<unknown> }
    expect(json.counts).toEqual({ create: 1, update: 0, unchanged: 999, conflict: 0, presentOnly: 0 })
    expect(json.notCompared).toEqual([{ path: "password", users: 999, hidden: true }])
  })

  it("--update sends only the fields that differ, through PUT /users/{uuid}", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const puts: Array<{ path: string; body: string }> = []
    const { sb, profile } = await sandbox(dir, { onRequest: (r) => { if (r.method === "PUT") puts.push(r) } }, false)
    fs.writeFileSync(path.join(dir, "users.csv"), users(20))
    expect((await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "a.jsonl"], dir)).code).toBe(0)
    expect((await pbxport(["export", "--connection", profile, "-o", "export.csv"], dir)).code).toBe(0)
    const csv = fs.readFileSync(path.join(dir, "export.csv"), "utf8")
      .replace(",Zoë3,", ",Zoé3,")
      .replace("+33600000007,", "+33699999999,")
    fs.writeFileSync(path.join(dir, "wanted.csv"), csv)

    const plan = await pbxport(["plan", "wanted.csv", "--from", "wazo-export", "--connection", profile], dir)
    expect(plan.stdout).toContain("  create     0\n  update     2\n  unchanged  18\n")
    expect(plan.stdout).toContain('firstName "Zoë3" -> "Zoé3"')

    const without = await pbxport(["migrate", "wanted.csv", "--from", "wazo-export", "--connection", profile, "--journal", "b.jsonl"], dir)
    expect(without.code).toBe(0)
    expect(without.stdout).toContain("2 users differ from what the platform has and were left as they are: run again with --update")
    expect(puts).toHaveLength(0)

    const r = await pbxport(["migrate", "wanted.csv", "--from", "wazo-export", "--connection", profile, "--journal", "c.jsonl", "--update"], dir)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("20 users read, matched by email: 0 created, 2 updated, 18 unchanged, 0 failed")
    const uuid = (email: string) => sb.users().find((u) => u.email === email)!.uuid
    expect(puts).toEqual([
      { n: expect.any(Number), method: "PUT", path: `/api/confd/1.1/users/${uuid("user3@example.com")}`, body: '{"firstname":"Zoé3"}' },
      { n: expect.any(Number), method: "PUT", path: `/api/confd/1.1/users/${uuid("user7@example.com")}`, body: '{"mobile_phone_number":"+33699999999"}' }
    ])
    expect(sb.users().find((u) => u.email === "user3@example.com")).toMatchObject({ firstname: "Zoé3", mobile_phone_number: "+33600000003" })
    expect(sb.users().find((u) => u.email === "user7@example.com")).toMatchObject({ firstname: "Zoë7", mobile_phone_number: "+33699999999" })
    expect(sb.users()).toHaveLength(20)
  })

  it("goes through a token expiring mid-run, 429/503 storms and a connection dropped after Wazo applied a chunk", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const logins: Array<number> = []
    const { sb, profile } = await sandbox(dir, {
      expireTokens: [6, 15],
      storms: [{ from: 4, count: 3, status: 429, retryAfter: 0 }, { from: 12, count: 2, status: 503 }],
      dropAfterApply: [3],
      onRequest: (r) => { if (r.path === "/api/auth/0.1/token") logins.push(r.n) }
    })
    fs.writeFileSync(path.join(dir, "users.csv"), users(1000))
    const r = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl", "--batch-size", "100"], dir)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("1,000 users read, matched by email: 1,000 created, 0 updated, 0 unchanged, 0 failed")
    // the chunk whose answer was lost was looked up, not sent again
    expect(r.stdout).toContain("looked up 100 users on the platform after a lost answer or an interrupted run, so none was created twice")
    expect(logins.length).toBeGreaterThanOrEqual(3)
    exactlyOnce(sb, 1000)
  })

  it("renews a short-lived token before it expires", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const logins: Array<number> = []
    const { sb, profile } = await sandbox(dir, { tokenLifetime: 1, latency: 150, onRequest: (r) => { if (r.path === "/api/auth/0.1/token") logins.push(r.n) } }, false)
    fs.writeFileSync(path.join(dir, "users.csv"), users(60))
    const r = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl", "--batch-size", "5"], dir)
    expect(r.code).toBe(0)
    expect(logins.length).toBeGreaterThan(1)
    exactlyOnce(sb, 60)
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
    const { sb, profile } = await sandbox(dir, {
      latency: 20,
      // the hook runs on the server while the client waits: killing it there is a crash mid-request
      onImport: async (n, phase) => { if (plan(n, phase)) await kill() }
    })
    fs.writeFileSync(path.join(dir, "users.csv"), users(1000, [650]))
    const args = ["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "run.jsonl", "--batch-size", "100"]
    const started = (c: child.ChildProcess) => { victim = c }

    // 1: killed while its second chunk was on the wire, before Wazo applied it (Wazo applies it anyway)
    plan = (n, phase) => n === 2 && phase === "received"
    const first = await pbxport(args, dir, { started })
    expect(first.signal).toBe("SIGKILL")
    for (let i = 0; i < 50 && sb.users().length < 200; i++) await new Promise((r) => setTimeout(r, 50))
    expect(sb.users()).toHaveLength(200)

    // 2: killed after Wazo applied a chunk, before the answer
    plan = (n, phase) => n === 5 && phase === "applied"
    const second = await pbxport(args, dir, { started })
    expect(second.signal).toBe("SIGKILL")
    expect(second.stdout).toBe("")

    // 3: killed at an arbitrary moment
    plan = () => false
    const third = pbxport(args, dir, { started })
    await new Promise((r) => setTimeout(r, 900))
    victim!.kill("SIGKILL")
    await third

    // the same command to the end
    const last = await pbxport(args, dir)
    expect(last.stderr).toBe("")
    expect(last.code).toBe(1)
    expect(last.stdout).toContain("row 650 (line 651, user650@example.com): create refused: Resource Not Found - Context was not found ('name': 'nope')")
    exactlyOnce(sb, 1000, [650])
    expect(intents(path.join(dir, "run.jsonl"))).toBeGreaterThanOrEqual(10)
    // and once more: nothing left to do but the refused row
    const done = await pbxport(args, dir)
    expect(done.stdout).toContain("0 created, 0 updated, 0 unchanged, 1 failed, 999 already done by an earlier run")
    exactlyOnce(sb, 1000, [650])
  })

  it("exits 2 with no journal when the login is refused, the tenant is not the user's, or Wazo is unreachable", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await sandbox(dir, {}, false)
    fs.writeFileSync(path.join(dir, "users.csv"), users(3))
    const base = JSON.parse(fs.readFileSync(profile, "utf8")) as Record<string, unknown>
    const wrong = path.join(dir, "wrong.json")
    fs.writeFileSync(wrong, JSON.stringify({ ...base, passwordFile: undefined, passwordEnv: "WAZO_PASSWORD" }))
    const r = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", wrong, "--journal", "run.jsonl"], dir, { env: { WAZO_PASSWORD: "not-the-password" } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`pbxport: Wazo at ${sb.url} (tenant ${base.tenant as string}) refused the login: wazo-auth answered 401 Authentication Failed for user pbxport-sandbox: check the user name and the password\n`)
    expect(fs.existsSync(path.join(dir, "run.jsonl"))).toBe(false)

    const tenant = path.join(dir, "tenant.json")
    fs.writeFileSync(tenant, JSON.stringify({ ...base, tenant: "00000000-0000-4000-8000-000000000000" }))
    const t = await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", tenant, "--journal", "run.jsonl"], dir)
    expect(t.code).toBe(2)
    expect(t.stderr).toContain("confd refused the token on GET /users/export (HTTP 401): the user lacks the ACL, or may not act in tenant 00000000-0000-4000-8000-000000000000")
    expect(fs.existsSync(path.join(dir, "run.jsonl"))).toBe(false)

    await sb.close()
    const gone = await pbxport(["export", "--connection", profile, "-o", "x.csv"], dir)
    expect(gone.code).toBe(2)
    expect(gone.stderr).toMatch(/^pbxport: cannot reach Wazo at http:\/\/127\.0\.0\.1:\d+ \(tenant [0-9a-f-]+\): connection failed \(ECONNREFUSED\)\n$/)
    expect(fs.existsSync(path.join(dir, "x.csv"))).toBe(false)
  })

  it("refuses a bad profile with exit 2, naming the field", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const p = path.join(dir, "p.json")
    fs.writeFileSync(p, JSON.stringify({ platform: "wazo", url: "https://wazo.example.com", username: "u", password: "x" }), { mode: 0o644 })
    fs.chmodSync(p, 0o644)
    const r = await pbxport(["export", "--connection", p, "-o", "x.csv"], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`pbxport: connection profile ${p}: holds a password but its mode is 0644, readable by others: run chmod 600 ${p}, or use passwordEnv or passwordFile\n`)
    fs.writeFileSync(p, JSON.stringify({ platform: "wazo", url: "https://wazo.example.com", username: "u", passwordEnv: "X", tenantt: "t" }))
    expect((await pbxport(["export", "--connection", p, "-o", "x.csv"], dir)).stderr).toContain("unknown field 'tenantt'; a wazo profile takes platform, username, password, passwordEnv, passwordFile, ca, insecure, url, tenant")
  })
})

describe("canary: no credential ever printed or journaled", () => {
  it("keeps passwords, tokens and echoed request bodies out of stdout, stderr, the journal and the report", { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const { sb, profile } = await sandbox(dir, { echo: true })
    const PASSWORD = sb.password
    const WRONG = "Canary-Wrong-Pw-731"
    const USER_SECRET = "Canary-User-Pw-482"
    const rows = HEADER +
      `Ann,A,ann@example.com,+33100000001,01001,default,sip,${USER_SECRET}-1\r\n` +
      `Bob,B,bob@example.com,+33100000002,01002,nope,sip,${USER_SECRET}-2\r\n` +
      `Cat,C,cat@example.com,+33100000003,01003,default,sip,${USER_SECRET}-3\r\n`
    fs.writeFileSync(path.join(dir, "users.csv"), rows)
    const base = JSON.parse(fs.readFileSync(profile, "utf8")) as Record<string, unknown>
    const wrong = path.join(dir, "wrong.json")
    fs.writeFileSync(wrong, JSON.stringify({ ...base, passwordFile: undefined, password: WRONG }), { mode: 0o600 })
    const badTenant = path.join(dir, "tenant.json")
    fs.writeFileSync(badTenant, JSON.stringify({ ...base, tenant: "00000000-0000-4000-8000-000000000000" }))

    const runs = [
      await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", wrong, "--journal", "j1.jsonl"], dir),
      await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", badTenant, "--journal", "j2.jsonl"], dir),
      await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "j3.jsonl", "--json"], dir),
      await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", profile, "--journal", "j3.jsonl"], dir),
      await pbxport(["plan", "users.csv", "--from", "wazo", "--connection", profile, "--json"], dir),
      await pbxport(["export", "--connection", profile, "-o", "export.jsonl", "--to", "jsonl", "--json"], dir)
    ]
    expect(runs.map((r) => r.code)).toEqual([2, 2, 1, 1, 0, 0])
    expect(runs[2]!.stdout).toContain('"message": "Resource Not Found - Context was not found (\'name\': \'nope\')"')
    const b64 = (s: string) => Buffer.from(s).toString("base64")
    const canaries = [PASSWORD, WRONG, b64(`pbxport-sandbox:${PASSWORD}`), b64(`pbxport-sandbox:${WRONG}`), `${USER_SECRET}`, ...sb.tokens()]
    expect(sb.tokens().length).toBeGreaterThan(0)
    const journals = ["j1.jsonl", "j2.jsonl", "j3.jsonl"].filter((j) => fs.existsSync(path.join(dir, j))).map((j) => fs.readFileSync(path.join(dir, j), "utf8"))
    expect(journals).toHaveLength(1)
    for (const text of [...runs.flatMap((r) => [r.stdout, r.stderr]), ...journals]) {
      for (const c of canaries) expect(text).not.toContain(c)
    }
  })
})

describe("pbxport sandbox wazo", () => {
  it("serves until stopped, writes a ready profile, and keeps its users in --state", { timeout: 120_000 }, async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, "users.csv"), users(5))
    const start = async () => {
      let c: child.ChildProcess | undefined
      const ran = pbxport(["sandbox", "wazo", "--tls", "--profile", "wazo.json", "--state", "state.json"], dir, { started: (x) => { c = x } })
      for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, "wazo.json")); i++) await new Promise((r) => setTimeout(r, 100))
      return { stop: async () => { c!.kill("SIGTERM"); return ran } }
    }
    const first = await start()
    expect(fs.statSync(path.join(dir, "wazo.json")).mode & 0o777).toBe(0o600)
    const profile = JSON.parse(fs.readFileSync(path.join(dir, "wazo.json"), "utf8")) as Record<string, unknown>
    expect(profile).toMatchObject({ platform: "wazo", url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), username: "pbxport-sandbox", ca: expect.any(String), passwordFile: expect.any(String) })
    expect(fs.readFileSync(profile.ca as string, "utf8")).toContain("BEGIN CERTIFICATE")
    expect((await pbxport(["migrate", "users.csv", "--from", "wazo", "--connection", "wazo.json", "--journal", "run.jsonl"], dir)).code).toBe(0)
    const stopped = await first.stop()
    expect(stopped.stdout).toMatch(/^Wazo \(wazo-auth and wazo-confd\) sandbox listening on https:\/\/127\.0\.0\.1:\d+\nprofile: wazo\.json\nstop it with Ctrl-C\n/)
    expect(fs.existsSync(profile.ca as string)).toBe(false)

    fs.rmSync(path.join(dir, "wazo.json"))
    const second = await start()
    const r = await pbxport(["export", "--connection", "wazo.json", "-o", "export.csv"], dir)
    expect(r.stdout).toContain("exported 5 of 5 users")
    await second.stop()
  })
})
