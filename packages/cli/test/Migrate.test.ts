import * as child from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { bin, cli, file, spawn, tempDir } from "./support.js"

const SECRET = "Fake-Secret-58rt"

/** Agents for CommPeak: rows 7 and 13 have a bad email, row 10 is not a user. */
const agents = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const row = i + 1
    if (row === 10) return "{ broken"
    const id = String(row).padStart(5, "0")
    return JSON.stringify({ username: `a${id}`, email: row === 7 || row === 13 ? `a${id}-at-example` : `a${id}@example.com`, extension: String(10000 + row), contactCenter: { role: "3" }, password: SECRET })
  }).join("\n") + "\n"

const files = (dir: string): Record<string, string> =>
  Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]))

const commits = (journal: string): number => {
  try {
    return (fs.readFileSync(journal, "utf8").match(/"type":"commit"/g) ?? []).length
  } catch {
    return 0
  }
}

describe("pbxport migrate", () => {
  it("writes numbered batch files, says what it did, and keeps secrets out of the journal", async () => {
    const dir = tempDir()
    const source = file(dir, "agents.jsonl", agents(25))
    const out = path.join(dir, "out")
    const journal = path.join(dir, "run.jsonl")
    const r = await cli(["migrate", source, "--from", "jsonl", "--to", "commpeak", "--out", out, "--journal", journal, "--batch-size", "10"])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout).toBe([
      `batch 1: wrote 9 users to ${path.join(out, "commpeak-001.csv")}, skipped 2`,
      `batch 2: wrote 9 users to ${path.join(out, "commpeak-002.csv")}, skipped 1`,
      `batch 3: wrote 4 users to ${path.join(out, "commpeak-003.csv")}`,
      "row 7 (line 7), column Email: error invalid-format: 'Email' must be an address like name@example.com, not \"a00007-at-example\"",
      "row 10 (line 10): error invalid-json: line 10 is not valid JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)",
      "row 13 (line 13), column Email: error invalid-format: 'Email' must be an address like name@example.com, not \"a00013-at-example\"",
      "25 users read: 22 written, 3 skipped, 0 already done by an earlier run (3 errors, 1 warning)",
      `journal: ${journal}`,
      "lost: the commpeak dialect cannot carry these fields, which were not written:",
      "  password: 22 users",
      ""
    ].join("\n"))
    expect(Object.keys(files(out))).toEqual(["commpeak-001.csv", "commpeak-002.csv", "commpeak-003.csv"])
    expect(fs.readFileSync(journal, "utf8")).not.toContain(SECRET)
    const again = await cli(["migrate", source, "--from", "jsonl", "--to", "commpeak", "--out", out, "--journal", journal, "--json"])
    // nothing more to do; the users skipped by the first run are still not migrated
    expect(again.code).toBe(1)
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, batchSize: 10, users: { read: 25, written: 0, skipped: 0, done: 25 }, total: { written: 22, skipped: 3 }, batches: [] })
  })

  it("shows the batches of a dry run and writes nothing", async () => {
    const dir = tempDir()
    const source = file(dir, "agents.jsonl", agents(1200))
    const r = await cli(["migrate", source, "--from", "jsonl", "--to", "commpeak", "--out", path.join(dir, "out"), "--journal", path.join(dir, "run.jsonl"), "--dry-run"])
    expect(r.stdout.split("\n").filter((l) => l.startsWith("batch"))).toEqual([
      `batch 1: would write 498 users to ${path.join(dir, "out", "commpeak-001.csv")}, would skip 3`,
      `batch 2: would write 500 users to ${path.join(dir, "out", "commpeak-002.csv")}`,
      `batch 3: would write 199 users to ${path.join(dir, "out", "commpeak-003.csv")}`
    ])
    expect(r.stdout).toContain("dry run: nothing was written, not even the journal\n")
    expect(fs.readdirSync(dir)).toEqual(["agents.jsonl"])
  })

  it("refuses standard input, a batch over the target's limit, and a journal of another migration", async () => {
    const dir = tempDir()
    const source = file(dir, "agents.jsonl", agents(5))
    const base = ["--from", "jsonl", "--to", "commpeak", "--out", path.join(dir, "out"), "--journal", path.join(dir, "run.jsonl")]
    expect(await cli(["migrate", "-", ...base], { stdin: agents(2) })).toMatchObject({ code: 2, stderr: "pbxport: migrate reads its source again when it resumes: give a file, not - (standard input)\n" })
    const big = await cli(["migrate", source, ...base, "--batch-size", "600"])
    expect(big).toMatchObject({ code: 2, stderr: `pbxport: commpeak files in ${path.join(dir, "out")} takes at most 500 users at once: give a batch size of 500 or less, not 600\n` })
    expect((await cli(["migrate", source, ...base])).code).toBe(0)
    const other = file(dir, "other.jsonl", agents(6))
    const r = await cli(["migrate", other, ...base])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: .*run\.jsonl is the journal of another migration: the source \(.*agents\.jsonl then, .*other\.jsonl now, with different contents\) differ/)
  })

  it("resumes after the process is killed mid-run: no user twice, the same files as an uninterrupted run", async () => {
    const dir = tempDir()
    file(dir, "agents.jsonl", agents(10_000))
    const args = (name: string) => ["migrate", "agents.jsonl", "--from", "jsonl", "--to", "commpeak", "--out", `${name}-out`, "--journal", `${name}.jsonl`, "--batch-size", "50"]

    // an uninterrupted run, for reference
    const whole = await spawn(args("whole"), dir)
    expect(whole.code).toBe(1)

    // the same run, killed once a few batches are journaled
    const journal = path.join(dir, "killed.jsonl")
    const victim = child.spawn(process.execPath, [bin, ...args("killed")], { cwd: dir, stdio: "ignore" })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => victim.on("exit", (_code, signal) => resolve(signal)))
    while (commits(journal) < 5) await new Promise((r) => setTimeout(r, 2))
    victim.kill("SIGKILL")
    expect(await exited).toBe("SIGKILL")
    const atKill = fs.readFileSync(journal, "utf8")
    expect(atKill).not.toContain('"type":"done"')
    expect(fs.existsSync(`${journal}.lock`)).toBe(true)

    const resumed = await spawn([...args("killed"), "--json"], dir)
    expect(resumed.code).toBe(1)
    const report = JSON.parse(resumed.stdout) as { resumed: boolean; users: { read: number; done: number }; total: { written: number; skipped: number } }
    expect(report.resumed).toBe(true)
    expect(report.users.done).toBeGreaterThan(0)
    expect(report.users.read).toBe(10_000)
    expect(report.total).toEqual({ written: 10_000 - 3, skipped: 3 })

    expect(files(path.join(dir, "killed-out"))).toEqual(files(path.join(dir, "whole-out")))
    const written = fs.readFileSync(journal, "utf8").split("\n").filter((l) => l.includes('"status":"written"')).map((l) => (JSON.parse(l) as { key: string; batch: number }))
    // a record may repeat only for the batch that was cut off before its commit; committed users are unique
    const { Journal } = await import("@pbxport/migrate")
    const committed = [...Journal.read(journal).users.values()].filter((u) => u.status === "written")
    expect(new Set(committed.map((u) => u.key)).size).toBe(committed.length)
    expect(committed).toHaveLength(10_000 - 3)
    expect(written.length - committed.length).toBeLessThanOrEqual(50)
    const usernames = Object.values(files(path.join(dir, "killed-out"))).flatMap((text) => text.trim().split("\r\n").slice(1).map((row) => row.split(",")[0]))
    expect(new Set(usernames).size).toBe(usernames.length)
    expect(usernames).toHaveLength(10_000 - 3)
  })
})
