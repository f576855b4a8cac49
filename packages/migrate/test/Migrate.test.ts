import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Effect, Exit } from "effect"
import { FileTarget, Journal, Migrate } from "../src/index.js"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-migrate-test-"))

/** 1,234 users for CommPeak; rows 250, 500, ... are not users, rows 300, 600, ... have a bad email. */
const sourceText = Array.from({ length: 1234 }, (_, i) => {
  const n = i + 1
  if (n % 250 === 0) return '{"firstName": 1}'
  const id = String(n).padStart(4, "0")
  return JSON.stringify({ username: `u${id}`, email: n % 300 === 0 ? "not-an-email" : `u${id}@example.com`, extension: String(2000 + n), contactCenter: { role: "3" }, password: `Fake-Pw-${id}` })
}).join("\n") + "\n"

const setup = () => {
  const dir = tempDir()
  const source = path.join(dir, "users.jsonl")
  fs.writeFileSync(source, sourceText)
  const out = path.join(dir, "out")
  const journal = path.join(dir, "run.journal.jsonl")
  const options = (more: Partial<Migrate.MigrateOptions> = {}): Migrate.MigrateOptions => ({
    from: "jsonl",
    to: "commpeak",
    target: FileTarget.make({ dir: out, create: { dialect: "commpeak", stem: "commpeak" } }),
    journal,
    ...more
  })
  return { dir, source, out, journal, options }
}

/** The files of a folder (and its folders) and their bytes. */
const contents = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort().flatMap((f) => {
      const p = path.join(dir, f)
      return fs.statSync(p).isFile() ? [[f, fs.readFileSync(p, "utf8")]] : []
    })
  )

const entries = (journal: string): Array<Journal.Entry> =>
  fs.readFileSync(journal, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Journal.Entry)

/** The written users of committed batches: each key once, or the test fails. */
const writtenKeys = (journal: string): Array<string> => {
  const state = Journal.read(journal)
  return [...state.users.values()].filter((u) => u.status === "written").map((u) => u.key)
}

class Crash extends Error {}

const reference = await (async () => {
  const s = setup()
  const report = await Migrate.migrate({ path: s.source }, s.options())
  return { report, files: contents(s.out), journal: s.journal }
})()

describe("Migrate.migrate", () => {
  it("writes batches sized to the target's limit and journals every user", () => {
    const { report, files } = reference
    expect(report.batchSize).toBe(500)
    expect(report.users).toEqual({ read: 1234, written: 1226, skipped: 8, done: 0 })
    expect(report.batches.map((b) => [b.number, b.files, b.written, b.skipped])).toEqual([
      // batch 1: rows 1-502 (250 and 500 are no users, 300 is refused), batch 2: rows 503-1004, batch 3: the rest
      [1, [{ path: "commpeak-001.csv", rows: 499 }], 499, 3],
      [2, [{ path: "commpeak-002.csv", rows: 498 }], 498, 4],
      [3, [{ path: "commpeak-003.csv", rows: 229 }], 229, 1]
    ])
    expect(Object.keys(files)).toEqual(["commpeak-001.csv", "commpeak-002.csv", "commpeak-003.csv"])
    expect(report.lost).toEqual([{ field: "password", count: 1226 }])
    const records = entries(reference.journal)
    expect(records.map((r) => r.type).filter((t) => t !== "user")).toEqual(["start", "commit", "commit", "commit", "done"])
    const users = records.filter((r): r is Journal.UserRecord => r.type === "user")
    expect(users).toHaveLength(1234)
    expect(users.find((u) => u.row === 250)).toMatchObject({ status: "skipped", batch: null, reason: expect.stringContaining("firstName") })
    expect(users.find((u) => u.row === 300)).toMatchObject({ status: "skipped", batch: 1, label: "not-an-email", reason: expect.stringMatching(/^Email: /) })
    expect(users.find((u) => u.row === 1)).toMatchObject({ status: "written", batch: 1, file: "commpeak-001.csv", label: "u0001@example.com" })
    expect(fs.readFileSync(reference.journal, "utf8")).not.toContain("Fake-Pw-")
  })

  it.each([
    ["after a batch's files are written, before its journal record", "afterWrite" as const, 2],
    ["after a batch's journal record", "afterCommit" as const, 1],
    ["in the last batch", "afterWrite" as const, 3]
  ])("resumes a run interrupted %s, writing each user once and the same files", async (_, hook, at) => {
    const s = setup()
    const crash = { [hook]: (n: number | null) => { if (n === at) throw new Crash(`crash at batch ${n}`) } }
    await expect(Migrate.migrate({ path: s.source }, s.options({ hooks: crash }))).rejects.toThrow(Crash)
    const resumed = await Migrate.migrate({ path: s.source }, s.options())
    expect(resumed.resumed).toBe(true)
    // the users of the committed batches: rows 1-502, or 1-1004
    expect(resumed.users.done).toBe(at === 3 ? 1004 : 502)
    expect(contents(s.out)).toEqual(reference.files)
    const keys = writtenKeys(s.journal)
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.sort()).toEqual(writtenKeys(reference.journal).sort())
    // the interrupted batch's records were not committed: they appear in the journal, but a commit covers each user once
    const committed = entries(s.journal).filter((e): e is Journal.Commit => e.type === "commit").map((c) => c.batch)
    expect(committed).toEqual([1, 2, 3])
  })

  it("survives a journal whose last line was torn by a crash", async () => {
    const s = setup()
    await expect(Migrate.migrate({ path: s.source }, s.options({ hooks: { afterCommit: (n) => { if (n === 1) throw new Crash() } } }))).rejects.toThrow(Crash)
    // the crash tore the next append: half a user record, no newline
    fs.appendFileSync(s.journal, JSON.stringify({ type: "user", key: "x", row: 501 }).slice(0, 20))
    const resumed = await Migrate.migrate({ path: s.source }, s.options())
    expect(resumed).toMatchObject({ resumed: true, torn: true })
    expect(contents(s.out)).toEqual(reference.files)
    expect(() => entries(s.journal)).not.toThrow()
    expect(Journal.read(s.journal)).toMatchObject({ torn: false, done: true, batches: 3 })
  })

  it("does nothing again once the journal says the run is done", async () => {
    const s = setup()
    await Migrate.migrate({ path: s.source }, s.options())
    const before = fs.readFileSync(s.journal, "utf8")
    const again = await Migrate.migrate({ path: s.source }, s.options())
    expect(again.users).toEqual({ read: 1234, written: 0, skipped: 0, done: 1234 })
    expect(again.batches).toEqual([])
    expect(fs.readFileSync(s.journal, "utf8").slice(before.length).split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as Journal.Entry).type)).toEqual(["start"])
  })

  it("shows what it would do on a dry run, and writes nothing", async () => {
    const s = setup()
    const dry = await Migrate.migrate({ path: s.source }, s.options({ dryRun: true }))
    expect(dry.dryRun).toBe(true)
    expect(dry.batches.map((b) => b.files)).toEqual(reference.report.batches.map((b) => b.files))
    expect(dry.users).toEqual(reference.report.users)
    expect(fs.readdirSync(s.dir)).toEqual(["users.jsonl"])
    // on a half-done journal, it shows what is left
    await expect(Migrate.migrate({ path: s.source }, s.options({ hooks: { afterCommit: (n) => { if (n === 2) throw new Crash() } } }))).rejects.toThrow(Crash)
    const before = contents(s.dir)
    const rest = await Migrate.migrate({ path: s.source }, s.options({ dryRun: true }))
    expect(rest.batches.map((b) => b.number)).toEqual([3])
    expect(rest.users.done).toBe(1004)
    expect(contents(s.dir)).toEqual(before)
  })

  it("refuses a journal of another migration", async () => {
    const s = setup()
    await Migrate.migrate({ path: s.source }, s.options())
    fs.appendFileSync(s.source, JSON.stringify({ username: "late", email: "late@example.com", extension: "9999", contactCenter: { role: "3" } }) + "\n")
    await expect(Migrate.migrate({ path: s.source }, s.options())).rejects.toThrow(
      `${s.journal} is the journal of another migration: the source (${s.source} then, ${s.source} now, with different contents) differ. Resume with the same source and options, or start a new journal`
    )
    await expect(Migrate.migrate({ path: s.source }, s.options({ batchSize: 100, to: "wazo" }))).rejects.toThrow(/--to \(commpeak then, wazo now\); the batch size \(500 then, 100 now\)/)
  })

  it("fills users the same way in a resumed run: pools hand out the same extensions", async () => {
    const dir = tempDir()
    const source = path.join(dir, "people.jsonl")
    // every third user has an extension already (in the pool's range); the others get one from the pool
    fs.writeFileSync(source, Array.from({ length: 45 }, (_, i) => JSON.stringify({ firstName: `P${i + 1}`, email: `p${i + 1}@example.com`, ...(i % 3 === 0 ? { extension: String(1000 + i) } : {}) })).join("\n") + "\n")
    const run = (name: string, hooks?: Migrate.Hooks) =>
      Migrate.migrate({ path: source }, {
        from: "jsonl",
        to: "wazo",
        target: FileTarget.make({ dir: path.join(dir, name), create: { dialect: "wazo", stem: "wazo" } }),
        journal: path.join(dir, `${name}.jsonl`),
        batchSize: 10,
        fill: { extensions: "1000-1099", set: [["context", "default"], ["line_protocol", "sip"]] },
        ...(hooks ? { hooks } : {})
      })
    await run("whole")
    await expect(run("cut", { afterCommit: (n) => { if (n === 2) throw new Crash() } })).rejects.toThrow(Crash)
    const resumed = await run("cut")
    expect(resumed.users).toMatchObject({ written: 25, done: 20 })
    expect(contents(path.join(dir, "cut"))).toEqual(contents(path.join(dir, "whole")))
    const extensions = Object.values(contents(path.join(dir, "whole"))).flatMap((t) => t.trim().split("\r\n").slice(1).map((r) => r.split(",").at(-1)))
    expect(new Set(extensions).size).toBe(45)
    // a changed fill is another migration
    await expect(Migrate.migrate({ path: source }, {
      from: "jsonl",
      to: "wazo",
      target: FileTarget.make({ dir: path.join(dir, "cut"), create: { dialect: "wazo", stem: "wazo" } }),
      journal: path.join(dir, "cut.jsonl"),
      fill: { extensions: "2000-2099" }
    })).rejects.toThrow("the options of the source dialect differ")
  })

  it("refuses to generate passwords, which a resumed run could not give again", async () => {
    const s = setup()
    await expect(Migrate.migrate({ path: s.source }, s.options({ fill: { generatePasswords: true, credentials: path.join(s.dir, "c.csv") } }))).rejects.toThrow(
      "a migration cannot generate passwords: a resumed run would generate other secrets for the batch it writes again; generate them with pbxport convert first, or give them in the source"
    )
    expect(fs.existsSync(s.journal)).toBe(false)
  })

  it("has an Effect entry that fails with the run's error", async () => {
    const s = setup()
    const exit = await Effect.runPromiseExit(Migrate.migrateEffect({ stream: (async function* () {})() }, s.options()))
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("a migration must be able to read its source again when it is resumed: give a file, not a stream")
    const report = await Effect.runPromise(Migrate.migrateEffect({ path: s.source }, s.options({ dryRun: true })))
    expect(report.users.written).toBe(1226)
  })

  it("refuses a batch larger than the target takes", async () => {
    const s = setup()
    await expect(Migrate.migrate({ path: s.source }, s.options({ batchSize: 501 }))).rejects.toThrow(
      `commpeak files in ${s.out} takes at most 500 users at once: give a batch size of 500 or less, not 501`
    )
  })

  it("keeps two runs off one journal, and takes over the lock of a run that died", async () => {
    const s = setup()
    fs.writeFileSync(`${s.journal}.lock`, `${process.ppid}\n`)
    await expect(Migrate.migrate({ path: s.source }, s.options())).rejects.toThrow(`another run (process ${process.ppid}) is using the journal ${s.journal}`)
    fs.writeFileSync(`${s.journal}.lock`, "2147483646\n")
    await Migrate.migrate({ path: s.source }, s.options({ batchSize: 100 }))
    expect(fs.existsSync(`${s.journal}.lock`)).toBe(false)
  })
})
