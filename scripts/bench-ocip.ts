/**
 * `npm run bench:ocip`: 10,000 users into the OCI-P sandbox with 20 ms added to every request
 * document, through the BroadWorks connector (documents of 15 `UserConsolidatedAddRequest22`,
 * several sessions), and records the time in docs/benchmarks.md between the `ocip` markers.
 *
 * The sandbox runs in its own process (this script started with `--serve`), so the client and
 * the server do not share one event loop. `--users N`, `--sessions N`, `--latency MS` change the
 * run; `--no-write` only prints. Not a test: timings depend on the machine.
 */
import { fork } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Redacted } from "effect"

const repo = path.resolve(import.meta.dirname, "..")
const live = path.join(repo, "adapters", "broadworks", "dist", "src", "live")
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const admin = { username: "admin@example.com", password: "bench-only-password" }
const group = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", domain: "example.com" }

if (process.argv.includes("--serve")) {
  const Sandbox = (await import(path.join(live, "Sandbox.js"))) as typeof import("../adapters/broadworks/src/live/Sandbox.ts")
  const server = await Sandbox.start({ accounts: [admin], groups: [group], latency: arg("--latency", 20) })
  process.send!({ port: server.port })
  process.on("message", async () => {
    process.send!({ stats: server.stats, users: server.users.size })
    await server.close()
    process.exit(0)
  })
} else {
  const users = arg("--users", 10_000)
  const sessions = arg("--sessions", 8)
  const latency = arg("--latency", 20)
  const Connector = (await import(path.join(live, "Connector.js"))) as typeof import("../adapters/broadworks/src/live/Connector.ts")
  const child = fork(import.meta.filename, ["--serve", "--latency", String(latency)], { stdio: "inherit" })
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)))
  const names = ["Zoë", "Jean-François", "Ana", "Åsa", "Łukasz", "Hiro", "O'Brien", "Nuñez"]
  const batch = Array.from({ length: users }, (_, k) => {
    const i = k + 1
    const n = String(i).padStart(5, "0")
    return {
      serviceProviderId: group.serviceProviderId, groupId: group.groupId, userId: `b${n}@example.com`,
      firstName: names[i % names.length]!, lastName: `Test ${n}`, callerIdFirstName: names[i % names.length]!, callerIdLastName: `Test ${n}`,
      extension: `0${n}`, password: Redacted.make(`Bench-${n}-pw`), email: `b${n}@example.com`,
      device: { name: `dev-${n}`, level: "Group" as const, linePort: `b${n}@example.com`, macAddress: `0011223${n}` }
    }
  })
  const t0 = performance.now()
  const connector = await Connector.connect({ host: "127.0.0.1", port, tls: false, username: admin.username, password: Redacted.make(admin.password), ...group, sessions })
  const outcomes = await connector.create(batch)
  const seconds = (performance.now() - t0) / 1000
  await connector.close()
  child.send("stop")
  const server = await new Promise<{ stats: { documents: number; largest: number; peakSessions: number }; users: number }>((resolve) => child.on("message", (m) => typeof m === "object" && m !== null && "stats" in m && resolve(m as never)))
  const done = outcomes.filter((o) => o.status === "done").length
  const line = `| ${users.toLocaleString("en")} | ${latency} ms | ${sessions} | 15 | ${server.stats.documents.toLocaleString("en")} | ${done.toLocaleString("en")} | ${seconds.toFixed(2)} | ${Math.round(users / seconds).toLocaleString("en")} |`
  console.log(line)
  if (done !== users || server.users !== users) {
    console.error(`only ${done} of ${users} users were created (${server.users} on the server)`)
    process.exit(1)
  }
  if (!process.argv.includes("--no-write")) {
    const file = path.join(repo, "docs", "benchmarks.md")
    const cpus = os.cpus()
    const section = [
      "<!-- ocip -->",
      "## Creating users over OCI-P",
      "",
      "Measured by `npm run bench:ocip` (scripts/bench-ocip.ts): users created in the OCI-P sandbox",
      "(the server `pbxport sandbox broadworks` runs, started in its own process) through the BroadWorks connector, each",
      "`UserConsolidatedAddRequest22` written by the `broadworks-ocip` serialiser, 15 commands per",
      "document, with the sandbox adding the given latency before it answers each document (a remote",
      "Application Server's round trip). Target: 10,000 users in under 30 s with 20 ms per request.",
      "",
      `Machine: ${cpus.length} × ${cpus[0]?.model.split(" ").slice(0, 2).join(" ") ?? "CPU"}, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      "",
      "| users | latency per document | sessions | commands per document | documents (logins included) | created | seconds | users/s |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      line,
      "",
      `Without parallel sessions the same run would wait at least ${Math.ceil(users / 15)} × ${latency} ms = ${((Math.ceil(users / 15) * latency) / 1000).toFixed(1)} s for the latency alone;`,
      "with one command per document, 10,000 × 20 ms = 200 s.",
      "<!-- /ocip -->"
    ].join("\n")
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n"
    const marked = /<!-- ocip -->[\s\S]*<!-- \/ocip -->/
    fs.writeFileSync(file, marked.test(text) ? text.replace(marked, section) : `${text.trimEnd()}\n\n${section}\n`)
  }
}
