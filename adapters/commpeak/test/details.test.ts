import { describe, expect, it } from "vitest"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { adapters, commpeakErrors, commpeakSuccess, joinCredentials, joinFailures, messageOf } from "../src/index.js"
import { codes, read, write } from "./helpers.js"

const csv = (...lines: Array<string>) => lines.join("\r\n") + "\r\n"
const reveal = (u: User.User) => ({ ...u, ...(u.password ? { password: Redacted.value(u.password) } : {}) })
const entry = (row: number, user: User.User) => ({ row, user })

describe("exports", () => {
  it("exports the three dialects by id", () => {
    expect(adapters.map((a) => a.id)).toEqual(["commpeak", "commpeak-success", "commpeak-errors"])
    expect(commpeakSuccess.capabilities).toMatchObject({ read: true, write: true, carries: ["username", "email", "password"] })
    expect(commpeakErrors.capabilities).toMatchObject({ read: true, write: false, carries: ["username", "email"] })
  })
})

describe("commpeak-success", () => {
  it("finds the username, email and password columns by the words in their headers", () => {
    const r = read(commpeakSuccess, csv("Virtual Extension,User Name,E-Mail Address,Temporary Password,Role", "1001,jdoe,jane@example.com,Xq7-fake-1,3"))
    expect(r.header).toEqual([])
    expect(r.users.map(reveal)).toEqual([{ username: "jdoe", email: "jane@example.com", password: "Xq7-fake-1", extras: { "commpeak-success": { "Virtual Extension": "1001", Role: "3" } } }])
    expect(String(r.users[0]!.password)).not.toContain("Xq7")
  })

  it("reads a file with only an email or only a username column", () => {
    expect(read(commpeakSuccess, csv("email,password", "a@example.com,p1")).users.map(reveal)).toEqual([{ email: "a@example.com", password: "p1" }])
    expect(read(commpeakSuccess, csv("LOGIN,PASSWORD", "a,p1")).users.map(reveal)).toEqual([{ username: "a", password: "p1" }])
  })

  it("refuses a file without a password column, or without username and email", () => {
    expect(read(commpeakSuccess, csv("Username,Email", "a,a@example.com")).header).toEqual([{
      column: "Password", code: "missing-column", severity: "error",
      message: "no column of this file names a password (a header containing \"password\"); is it CommPeak's Success Details file? Its columns are 'Username', 'Email'"
    }])
    expect(codes(read(commpeakSuccess, csv("Name,Password", "a,p")).header)).toEqual(["missing-column@-"])
  })

  it("needs a password and a username or email in every row, and never puts the password in a message", () => {
    const r = read(commpeakSuccess, csv("Username,Email,Password", "a,a@example.com,", ",,secret-1"))
    expect(r.issues).toEqual([
      { row: 1, column: "Password", code: "missing-required", severity: "error", message: "'Password' is required (Temporary password CommPeak generated, shown once; when it is missing, reset the password on the Users page)" },
      { row: 2, column: "Username", code: "missing-required", severity: "error", message: "a Success Details row needs a username or an email, to be matched to the user it belongs to" }
    ])
    expect(JSON.stringify(r.issues)).not.toContain("secret-1")
  })

  it("writes credentials files that read back", () => {
    const w = write(commpeakSuccess, [{ username: "jdoe", email: "jane@example.com", password: Redacted.make("p,1\"") }])
    expect(w.header).toEqual(["Username", "Email", "Password"])
    expect(w.rows).toEqual([["jdoe", "jane@example.com", "p,1\""]])
    const back = commpeakSuccess.reader(w.header, {}).decode({ row: 1, line: 2, cells: w.rows[0]! })
    expect(reveal(back.user!)).toEqual({ username: "jdoe", email: "jane@example.com", password: "p,1\"" })
  })
})

describe("joinCredentials", () => {
  const sources = [
    entry(1, { username: "jdoe", email: "jane@example.com", firstName: "Jane" }),
    entry(2, { username: "Ann", email: "ann@example.com" }),
    entry(3, { username: "bob", email: "Bob@Example.com" }),
    entry(4, { username: "cy", email: "cy@example.com" })
  ]
  const success = [
    entry(1, { username: "bob2", email: "bob@example.com", password: Redacted.make("p-bob") }),
    entry(2, { username: "jdoe", email: "other@example.com", password: Redacted.make("p-jdoe") }),
    entry(3, { username: "ANN", password: Redacted.make("p-ann") }),
    entry(4, { username: "zed", email: "zed@example.com", password: Redacted.make("p-zed") }),
    entry(5, { username: "jdoe", password: Redacted.make("p-again") })
  ]

  it("joins by username (exact, then ignoring case), then by email; keeps source order", () => {
    const j = joinCredentials(sources, success)
    expect(j.matched.map((m) => [m.source.row, m.detail.row, m.matchedBy])).toEqual([[1, 2, "username"], [2, 3, "username"], [3, 1, "email"]])
    expect(j.matched.map((m) => reveal(m.credentials))).toEqual([
      { username: "jdoe", email: "other@example.com", password: "p-jdoe" },
      { username: "ANN", email: "ann@example.com", password: "p-ann" },
      { username: "bob2", email: "bob@example.com", password: "p-bob" }
    ])
    expect(j.missing.map((s) => s.row)).toEqual([4])
  })

  it("returns the rows it cannot place, with reasons free of passwords", () => {
    const j = joinCredentials(sources, success)
    expect(j.unmatched.map((u) => [u.detail.row, u.reason])).toEqual([
      [4, "no source user has username 'zed' or email 'zed@example.com'"],
      [5, "the source user of row 1 already got credentials from Success Details row 2"]
    ])
    expect(JSON.stringify(j.unmatched.map((u) => u.reason))).not.toContain("p-")
  })

  it("does not match ignoring case when two source usernames differ only by case", () => {
    const j = joinCredentials([entry(1, { username: "Max" }), entry(2, { username: "max" })], [entry(1, { username: "MAX", password: Redacted.make("p") })])
    expect(j.matched).toEqual([])
    expect(j.unmatched[0]!.reason).toBe("no source user has username 'MAX'")
  })
})

describe("commpeak-errors", () => {
  it("reads username, email and keeps the error text (message preferred over code)", () => {
    const r = read(commpeakErrors, csv("Row,Username,Email,Error Code,Error Message", "2,jdoe,jane@example.com,E42,Duplicate email"))
    expect(r.header).toEqual([])
    expect(r.users).toEqual([{ username: "jdoe", email: "jane@example.com", extras: { "commpeak-errors": { Row: "2", "Error Code": "E42", "Error Message": "Duplicate email" } } }])
    expect(messageOf(r.users[0]!)).toBe("Duplicate email")
  })

  it("finds the error under 'reason' or 'error' headers too", () => {
    expect(messageOf(read(commpeakErrors, csv("username,reason", "a,Bad role")).users[0]!)).toBe("Bad role")
    expect(messageOf(read(commpeakErrors, csv("Errors,Email", "Role missing,a@example.com")).users[0]!)).toBe("Role missing")
    expect(messageOf({ username: "a" })).toBe("")
  })

  it("refuses a file without an error column", () => {
    expect(read(commpeakErrors, csv("Username,Email", "a,a@example.com")).header).toEqual([{
      column: "Error", code: "missing-column", severity: "error",
      message: "no column of this file holds the error (a header containing \"error\", \"reason\" or \"message\"); is it CommPeak's Error Details file? Its columns are 'Username', 'Email'"
    }])
  })
})

describe("joinFailures", () => {
  const sources = [
    { row: 1, user: { username: "jdoe", email: "jane@example.com" }, cells: ["jdoe", "jane@example.com"] },
    { row: 2, user: { username: "ann", email: "ann@example.com" }, cells: ["ann", "ann@example.com"] },
    { row: 3, user: { username: "bob", email: "bob@example.com" }, cells: ["bob", "bob@example.com"] }
  ]
  const error = (row: number, username: string, email: string, message: string) => entry(row, { username, email, extras: { "commpeak-errors": { Error: message } } })

  it("returns the failed source rows (with their own cells) in source order, with CommPeak's messages", () => {
    const j = joinFailures(sources, [error(1, "bob", "", "Role 9 does not exist"), error(2, "", "JANE@example.com", "Duplicate user"), error(3, "bob", "", "Bad extension"), error(4, "zed", "", "Duplicate user")])
    expect(j.failed.map((f) => [f.source.cells[0], f.matchedBy, f.message, f.details.map((d) => d.row)])).toEqual([
      ["jdoe", "email", "Duplicate user", [2]],
      ["bob", "username", "Role 9 does not exist; Bad extension", [1, 3]]
    ])
    expect(j.unmatched).toEqual([{ detail: error(4, "zed", "", "Duplicate user"), reason: "no source user has username 'zed'", message: "Duplicate user" }])
  })
})
