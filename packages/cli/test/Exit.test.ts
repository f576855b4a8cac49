import { describe, expect, it } from "vitest"
import * as Exit from "../src/Exit.js"
import type { Io } from "../src/Io.js"

const io = () => {
  const err: Array<string> = []
  const value: Io = { stdout: { write: () => true }, stderr: { write: (c) => err.push(String(c)) } }
  return { value, err }
}

describe("Exit", () => {
  it("reports usage and file-level failures as pbxport: <message>, exit 2", () => {
    const a = io()
    expect(Exit.report(a.value, new Exit.UsageError("--map expects FIELD=COLUMN"))).toBe(2)
    const fileLevel = Object.assign(new Error("cannot read x.csv: no such file"), { issue: { row: null, line: null, column: null, code: "unreadable-file", severity: "error", message: "m" } })
    expect(Exit.report(a.value, fileLevel)).toBe(2)
    expect(Exit.report(a.value, Object.assign(new Error("EACCES: permission denied, open 'x'"), { code: "EACCES" }))).toBe(2)
    expect(a.err).toEqual(["pbxport: --map expects FIELD=COLUMN\n", "pbxport: cannot read x.csv: no such file\n", "pbxport: EACCES: permission denied, open 'x'\n"])
  })

  it("shows where an unexpected error came from", () => {
    const a = io()
    expect(Exit.report(a.value, new TypeError("x is undefined"))).toBe(2)
    expect(a.err[0]).toMatch(/^pbxport: unexpected error: TypeError: x is undefined\n {4}at /)
  })

  it("ends quietly when standard output was closed", () => {
    const a = io()
    expect(Exit.report(a.value, new Exit.OutputClosed())).toBe(0)
    expect(a.err).toEqual([])
  })

  it("gives 1 for failed rows or any error issue, 0 for warnings only", () => {
    const warning = { row: 1, line: 2, column: null, code: "formula", severity: "warning", message: "m" } as const
    expect(Exit.ofRows(0, [warning])).toBe(0)
    expect(Exit.ofRows(2, [])).toBe(1)
    expect(Exit.ofRows(0, [{ ...warning, row: null, severity: "error" }])).toBe(1)
  })

  it("recognises file-level failures by their issue", () => {
    expect(Exit.fileIssue(new Exit.UsageError("x"))).toBeUndefined()
    expect(Exit.fileIssue(new Error("x"))).toBeUndefined()
    expect(Exit.fileIssue({ issue: { code: "empty-file", message: "m" } })).toEqual({ code: "empty-file", message: "m" })
  })
})
