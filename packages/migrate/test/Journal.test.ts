import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Journal } from "../src/index.js"

const user = (row: number, batch: number | null, status: "written" | "skipped" = "written"): Journal.UserRecord => ({
  type: "user",
  key: `k:${row}`,
  row,
  line: row + 1,
  label: `u${row}`,
  status,
  batch,
  ...(status === "written" ? { file: `wazo-${String(batch).padStart(3, "0")}.csv` } : { reason: "firstname: required" })
})
const commit = (batch: number | null, written: number, skipped = 0): Journal.Commit => ({ type: "commit", batch, files: batch === null ? [] : [`wazo-${batch}.csv`], written, skipped })
const lines = (entries: ReadonlyArray<Journal.Entry>) => entries.map((e) => JSON.stringify(e) + "\n").join("")

describe("Journal.parse", () => {
  it("keeps the users of committed batches only", () => {
    const text = lines([user(1, 1), user(2, 1), commit(1, 2), user(3, null, "skipped"), user(4, 2), commit(2, 1, 1), user(5, 3)])
    const state = Journal.parse(text)
    expect([...state.users.keys()]).toEqual(["k:1", "k:2", "k:3", "k:4"])
    expect(state).toMatchObject({ batches: 2, pending: 1, torn: false, done: false, length: Buffer.byteLength(text) })
  })

  it("ignores a torn last line and says so", () => {
    const whole = lines([user(1, 1), commit(1, 1)])
    const torn = whole + JSON.stringify(user(2, 2)) + "\n" + JSON.stringify(commit(2, 1)).slice(0, 17)
    const state = Journal.parse(torn)
    expect(state).toMatchObject({ torn: true, batches: 1, pending: 1 })
    expect([...state.users.keys()]).toEqual(["k:1"])
    expect(state.length).toBe(Buffer.byteLength(torn) - 17)
    // a last line cut just before its newline is torn too: the batch is done again
    expect(Journal.parse(whole.slice(0, -1))).toMatchObject({ torn: true, batches: 0, users: new Map() })
  })

  it("refuses an unreadable line that is not the last", () => {
    expect(() => Journal.parse(`${lines([user(1, 1)])}{oops\n${lines([commit(1, 1)])}`, "run.jsonl")).toThrow(
      "cannot read run.jsonl: line 2 is not a journal record (not valid JSON); the journal was changed by something other than pbxport"
    )
    expect(() => Journal.parse('{"type":"other"}\n', "run.jsonl")).toThrow("line 1 is not a journal record (unknown type)")
  })

  it("reads a missing journal as an empty one", () => {
    expect(Journal.read(path.join(os.tmpdir(), "pbxport-no-such-journal.jsonl"))).toMatchObject({ start: undefined, batches: 0, torn: false })
  })
})

describe("Journal.open", () => {
  it("cuts a torn last line off before appending, so every line reads back", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-journal-test-")), "run.jsonl")
    fs.writeFileSync(file, lines([user(1, 1), commit(1, 1)]) + '{"type":"user","key":"k:2","ro')
    const state = Journal.read(file)
    const journal = Journal.open(file, state)
    journal.append([user(2, 2), commit(2, 1)])
    journal.close()
    const text = fs.readFileSync(file, "utf8")
    expect(text.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as Journal.Entry).type)).toEqual(["user", "commit", "user", "commit"])
    expect(Journal.read(file)).toMatchObject({ torn: false, batches: 2 })
  })

  it("creates the journal, and its folder, readable by its owner only", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-journal-test-")), "runs", "run.jsonl")
    Journal.open(file, Journal.read(file)).close()
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })
})

describe("Journal intents (live targets)", () => {
  it("keeps an intent unsettled until its batch is committed, and numbers batches past it", () => {
    const start = { type: "start", version: 1, at: "", source: { name: "s", sha256: "x" }, from: "wazo", to: "wazo", target: "live:wazo", settings: "", batchSize: 2, options: "" }
    const intent = (batch: number) => ({ type: "intent", batch, operation: "create", users: [{ key: `k:${batch}`, row: batch, line: batch + 1, label: null }] })
    const user = (batch: number) => ({ type: "user", key: `k:${batch}`, row: batch, line: batch + 1, label: null, status: "written", batch, id: `id-${batch}`, operation: "create" })
    const commit = (batch: number) => ({ type: "commit", batch, files: [], written: 1, skipped: 0 })
    const lines = [start, intent(1), user(1), commit(1), intent(2)].map((e) => JSON.stringify(e) + "\n").join("")
    const state = Journal.parse(lines)
    expect(state.unsettled.map((i) => i.batch)).toEqual([2])
    expect(state.batches).toBe(2)
    expect(state.users.get("k:1")).toMatchObject({ status: "written", id: "id-1" })
    expect(state.users.has("k:2")).toBe(false)
    const settled = Journal.parse(lines + JSON.stringify(commit(2)) + "\n")
    expect(settled.unsettled).toEqual([])
  })
})
