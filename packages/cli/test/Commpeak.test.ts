import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { cli, file, tempDir } from "./support.js"

const fixture = (name: string): Buffer => fs.readFileSync(new URL(`../../../fixtures/commpeak/${name}`, import.meta.url))

/** A temp folder holding these files (copies of fixtures, or made-up ones). */
const setup = (files: Record<string, string | Buffer>): { dir: string; at: (name: string) => string } => {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) file(dir, name, content)
  return { dir, at: (name) => path.join(dir, name) }
}

const minimal = "minimal/input.csv"
const successDetails = "success-details/input.csv"
const errorDetails = "error-details/input.csv"
/** The first two users of the minimal fixture, the two the Success Details file names. */
const twoUsers = fixture(minimal).toString("utf8").split("\r\n").slice(0, 3).join("\r\n") + "\r\n"
const fakePasswords = /FAKE-pw/

const json = (p: string): Record<string, unknown> => JSON.parse(fs.readFileSync(p, "utf8")) as Record<string, unknown>
const modeOf = (p: string): number => fs.statSync(p).mode & 0o777
/** Files of the folder other than the ones named: no temporary file is left behind. */
const others = (dir: string, known: ReadonlyArray<string>): Array<string> => fs.readdirSync(dir).filter((f) => !known.includes(f))

describe("pbxport commpeak credentials", () => {
  it("joins the temporary passwords to the source users into an owner-only file, and never prints them", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "success.csv": fixture(successDetails) })
    const r = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv"), "-o", at("credentials.csv"), "--report", at("report.json")])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout.split("\n")).toEqual([
      "source row 3 (line 4): no password for kokafor: no Success Details row names this user",
      "3 source users: 2 with a password, 1 without; 0 Success Details rows matching no user",
      `wrote the credentials of 2 users to ${at("credentials.csv")} (readable by its owner only; never printed)`,
      ""
    ])
    expect(fs.readFileSync(at("credentials.csv"), "utf8")).toBe(
      "Username,Email,Password\r\njdoe,jane.doe@example.com,FAKE-pw-0001\r\namartin,alex.martin@example.com,\"FAKE-pw,0002\"\r\n"
    )
    expect(modeOf(at("credentials.csv"))).toBe(0o600)
    const report = fs.readFileSync(at("report.json"), "utf8")
    expect(report).not.toMatch(fakePasswords)
    expect(JSON.parse(report)).toEqual({
      file: at("users.csv"),
      from: "commpeak",
      success: at("success.csv"),
      output: at("credentials.csv"),
      users: { source: 3, matched: 2, missing: 1, unmatched: 0 },
      missing: [{ row: 3, line: 4, username: "kokafor", email: "kemi.okafor@example.com", reason: "no Success Details row names this user" }],
      unmatched: [],
      issues: { source: [], success: [] }
    })
    expect(others(dir, ["users.csv", "success.csv", "credentials.csv", "report.json"])).toEqual([])
  })

  it("exits 0 when every source user got a password", async () => {
    const { at } = setup({ "users.csv": twoUsers, "success.csv": fixture(successDetails) })
    const r = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv"), "-o", at("credentials.csv")])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`2 source users: 2 with a password, 0 without; 0 Success Details rows matching no user\nwrote the credentials of 2 users to ${at("credentials.csv")} (readable by its owner only; never printed)\n`)
    expect(r.stdout + r.stderr).not.toMatch(fakePasswords)
    expect(fs.readFileSync(at("credentials.csv"), "utf8").split("\r\n")).toHaveLength(4)
  })

  it("writes a password that looks like a formula as it is, and names only its column in the warning", async () => {
    const { at } = setup({ "users.csv": twoUsers, "success.csv": "Username,Email,Password\r\njdoe,,=FAKE-pw+1\r\namartin,,-FAKE-pw\r\n" })
    const r = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv"), "-o", at("credentials.csv"), "--report", at("report.json")])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Success Details row 1 (line 2), column Password: warning formula: ")
    expect(r.stdout + r.stderr + fs.readFileSync(at("report.json"), "utf8")).not.toMatch(fakePasswords)
    expect(fs.readFileSync(at("credentials.csv"), "utf8")).toBe("Username,Email,Password\r\njdoe,jane.doe@example.com,=FAKE-pw+1\r\namartin,alex.martin@example.com,-FAKE-pw\r\n")
  })

  it("replaces an existing credentials file with an owner-only one", async () => {
    const { at } = setup({ "users.csv": twoUsers, "success.csv": fixture(successDetails), "credentials.csv": "old\n" })
    fs.chmodSync(at("credentials.csv"), 0o644)
    const r = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv"), "-o", at("credentials.csv")])
    expect(r.code).toBe(0)
    expect(modeOf(at("credentials.csv"))).toBe(0o600)
    expect(fs.readFileSync(at("credentials.csv"), "utf8")).toMatch(/^Username,Email,Password\r\njdoe,/)
  })

  it("lists Success Details rows that are invalid or match no user, by row and username only", async () => {
    const success = fixture("bad-success-rows/input.csv").toString("utf8") + "zz,zz@example.com,FAKE-pw-0009\r\njdoe,,FAKE-pw-0010\r\n"
    const { at } = setup({ "users.csv": fixture(minimal), "success.csv": success })
    const r = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv"), "-o", at("credentials.csv"), "--report", at("report.json")])
    expect(r.code).toBe(1)
    expect(r.stdout.split("\n")).toEqual([
      "Success Details row 2 (line 3), column Password: error missing-required: 'Password' is required (Temporary password CommPeak generated, shown once; when it is missing, reset the password on the Users page)",
      "Success Details row 3 (line 4), column Username: error missing-required: a Success Details row needs a username or an email, to be matched to the user it belongs to",
      "source row 2 (line 3): no password for amartin: no Success Details row names this user",
      "source row 3 (line 4): no password for kokafor: no Success Details row names this user",
      "Success Details row 2 (line 3): matches no user: the row is invalid (see its errors above), so it was not matched",
      "Success Details row 3 (line 4): matches no user: the row is invalid (see its errors above), so it was not matched",
      "Success Details row 4 (line 5): matches no user: no source user has username 'zz' or email 'zz@example.com'",
      "Success Details row 5 (line 6): matches no user: the source user of row 1 already got credentials from Success Details row 1",
      "3 source users: 1 with a password, 2 without; 4 Success Details rows matching no user",
      `wrote the credentials of 1 user to ${at("credentials.csv")} (readable by its owner only; never printed)`,
      ""
    ])
    expect(r.stdout + r.stderr + fs.readFileSync(at("report.json"), "utf8")).not.toMatch(fakePasswords)
    expect(json(at("report.json")).unmatched).toEqual([
      { row: 2, line: 3, username: null, email: null, reason: "the row is invalid (see its errors above), so it was not matched" },
      { row: 3, line: 4, username: null, email: null, reason: "the row is invalid (see its errors above), so it was not matched" },
      { row: 4, line: 5, username: "zz", email: "zz@example.com", reason: "no source user has username 'zz' or email 'zz@example.com'" },
      { row: 5, line: 6, username: "jdoe", email: null, reason: "the source user of row 1 already got credentials from Success Details row 1" }
    ])
    expect(fs.readFileSync(at("credentials.csv"), "utf8")).toBe("Username,Email,Password\r\njdoe,jane.doe@example.com,FAKE-pw-0001\r\n")
  })

  it("reads the source users in any readable dialect, and counts invalid source rows as without a password", async () => {
    const users = [
      JSON.stringify({ email: "Jane.Doe@example.com", firstName: "Jane" }),
      JSON.stringify({ username: "amartin" }),
      "{ broken"
    ].join("\n") + "\n"
    const { at } = setup({ "users.jsonl": users, "success.csv": fixture(successDetails) })
    const r = await cli(["commpeak", "credentials", at("users.jsonl"), "--from", "jsonl", "--success", at("success.csv"), "-o", at("credentials.csv")])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^source row 3 \(line 3\): error invalid-json: /)
    expect(r.stdout).toContain("source row 3 (line 3): no password for this row: the row is invalid (see its errors above), so it was not matched\n")
    expect(r.stdout).toContain("3 source users: 2 with a password, 1 without; 0 Success Details rows matching no user\n")
    // CommPeak's username and email win: they are what the user logs in with
    expect(fs.readFileSync(at("credentials.csv"), "utf8")).toBe(
      "Username,Email,Password\r\njdoe,jane.doe@example.com,FAKE-pw-0001\r\namartin,alex.martin@example.com,\"FAKE-pw,0002\"\r\n"
    )
  })

  it("needs -o, never standard output, and never an input as -o", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "success.csv": fixture(successDetails) })
    const base = ["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("success.csv")]
    const noOutput = await cli(base)
    expect(noOutput).toMatchObject({ code: 2, stdout: "", stderr: "pbxport: the credentials hold passwords, which pbxport never prints: give the file to write with -o FILE\n" })
    expect((await cli([...base, "-o", "-"])).code).toBe(2)
    const clash = await cli([...base, "-o", at("success.csv")])
    expect(clash).toMatchObject({ code: 2, stdout: "", stderr: `pbxport: -o ${at("success.csv")} would replace the input ${at("success.csv")}; write to another file\n` })
    expect(fs.readFileSync(at("success.csv"))).toEqual(fixture(successDetails))
    expect(others(dir, ["users.csv", "success.csv"])).toEqual([])
  })

  it("exits 2 on a missing --success, an unreadable file, or the wrong kind of file", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "errors.csv": fixture(errorDetails) })
    const missingFlag = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "-o", at("c.csv")])
    expect(missingFlag.code).toBe(2)
    expect(missingFlag.stderr).toMatch(/^pbxport: .*--success/)
    const absent = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("nope.csv"), "-o", at("c.csv")])
    expect(absent).toMatchObject({ code: 2, stderr: `pbxport: cannot read ${at("nope.csv")}: no such file\n` })
    const wrong = await cli(["commpeak", "credentials", at("users.csv"), "--from", "commpeak", "--success", at("errors.csv"), "-o", at("c.csv")])
    expect(wrong).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `pbxport: ${at("errors.csv")}: no column of this file names a password (a header containing "password"); is it CommPeak's Success Details file? Its columns are 'Username', 'Email', 'Error Code', 'Error Message'\n`
    })
    expect(others(dir, ["users.csv", "errors.csv"])).toEqual([])
  })
})

describe("pbxport commpeak retry", () => {
  it("prints CommPeak's message per failed row and writes those rows for the next upload", async () => {
    const { at } = setup({ "users.csv": fixture(minimal), "errors.csv": fixture(errorDetails) })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv"), "--report", at("report.json")])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("")
    expect(r.stdout.split("\n")).toEqual([
      "row 1 (line 2): Duplicate user: email already exists",
      "row 2 (line 3): Role ID 9 does not exist",
      `2 of 3 source rows failed; wrote them to ${at("retry.csv")}: fix them and upload that file again`,
      ""
    ])
    expect(fs.readFileSync(at("retry.csv"), "utf8")).toBe("Username,Email,Virtual Extension,Role\r\njdoe,jane.doe@example.com,0101,3\r\namartin,alex.martin@example.com,0102,3\r\n")
    expect(json(at("report.json"))).toEqual({
      file: at("users.csv"),
      from: "commpeak",
      errors: at("errors.csv"),
      output: at("retry.csv"),
      rows: { source: 3, failed: 2, unmatched: 0 },
      failed: [
        { row: 1, line: 2, username: "jdoe", email: "jane.doe@example.com", matchedBy: "username", messages: ["Duplicate user: email already exists"] },
        { row: 2, line: 3, username: "amartin", email: "alex.martin@example.com", matchedBy: "username", messages: ["Role ID 9 does not exist"] }
      ],
      unmatched: [],
      issues: { source: [], errors: [] }
    })
  })

  it("keeps the source's byte order mark, delimiter, quoting needs and cells", async () => {
    const errors = "Username,Email,Error Message\r\njdoe,,Desk 2 does not exist\r\n"
    const { at } = setup({ "users.csv": fixture("excel-semicolon/input.csv"), "errors.csv": errors })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv")])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("row 1 (line 2): Desk 2 does not exist\n")
    const source = fixture("excel-semicolon/input.csv")
    const lines = source.toString("utf8").split("\r\n")
    expect(fs.readFileSync(at("retry.csv"))).toEqual(Buffer.from(`${lines[0]}\r\n${lines[1]}\r\n`, "utf8"))
    expect(fs.readFileSync(at("retry.csv")).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
  })

  it("keeps the source's encoding", async () => {
    const latin1 = (text: string) => Buffer.from(text, "latin1")
    const users = latin1("Username,Email,Virtual Extension,Role,First Name\r\njdoe,jane.doe@example.com,0101,3,José\r\namartin,alex.martin@example.com,0102,3,Renée\r\n")
    const { at } = setup({ "users.csv": users, "errors.csv": "Username,Email,Error\r\namartin,,Role ID 3 is disabled\r\n" })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv")])
    expect(r.code).toBe(1)
    expect(fs.readFileSync(at("retry.csv"))).toEqual(latin1("Username,Email,Virtual Extension,Role,First Name\r\namartin,alex.martin@example.com,0102,3,Renée\r\n"))
  })

  it("keeps the source's own header under --map, and LF newlines", async () => {
    const users = fixture("mapping/input.csv").toString("utf8").replaceAll("\r\n", "\n")
    const errors = "Username,Email,Error\r\n,HUGO.PETIT@example.com,Virtual extension 0302 is taken\r\n"
    const { at } = setup({ "users.csv": users, "errors.csv": errors })
    const maps = ["Username=Agent Login", "Email=Courriel", "Virtual Extension=Poste", "Role=Profil", "First Name=Prénom", "Last Name=Nom"].flatMap((m) => ["--map", m])
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", ...maps, "--errors", at("errors.csv"), "-o", at("retry.csv"), "--report", at("report.json")])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("row 2 (line 3): Virtual extension 0302 is taken\n")
    expect(fs.readFileSync(at("retry.csv"), "utf8")).toBe("Nom,Prénom,Agent Login,Courriel,Poste,Profil\nPetit,Hugo,hpetit,hugo.petit@example.com,0302,4\n")
    expect((json(at("report.json")).failed as Array<{ matchedBy: string }>)[0]!.matchedBy).toBe("email")
  })

  it("joins several errors of one row, and warns about error rows matching no source row", async () => {
    const errors = [
      "Username,Email,Error Code,Error Message",
      "kokafor,kemi.okafor@example.com,422,Role ID 4 does not exist",
      "ghost,ghost@example.com,404,User not found",
      "kokafor,,409,Virtual extension 0103 is taken",
      ",,500,",
      ""
    ].join("\r\n")
    const { at } = setup({ "users.csv": fixture(minimal), "errors.csv": errors })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv"), "--report", at("report.json")])
    expect(r.code).toBe(1)
    expect(r.stdout.split("\n")).toEqual([
      "Error Details row 4 (line 5), column Username: error missing-required: a Error Details row needs a username or an email, to be matched to the user it belongs to",
      "row 3 (line 4): Role ID 4 does not exist; Virtual extension 0103 is taken",
      "warning: Error Details row 2 (line 3) matches no source row: no source user has username 'ghost' or email 'ghost@example.com' (CommPeak: User not found)",
      "warning: Error Details row 4 (line 5) matches no source row: the row is invalid (see its errors above), so it was not matched",
      `1 of 3 source rows failed; wrote it to ${at("retry.csv")}: fix it and upload that file again`,
      "2 Error Details rows match no source row",
      ""
    ])
    expect(fs.readFileSync(at("retry.csv"), "utf8")).toBe("Username,Email,Virtual Extension,Role\r\nkokafor,kemi.okafor@example.com,0103,4\r\n")
    expect(json(at("report.json")).rows).toEqual({ source: 3, failed: 1, unmatched: 2 })
  })

  it("exits 0 and writes nothing when nothing failed", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "errors.csv": "Username,Email,Error Message\r\n" })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv"), "--report", at("report.json")])
    expect(r).toMatchObject({ code: 0, stdout: "nothing to retry: no source row failed; no file written\n", stderr: "" })
    expect(others(dir, ["users.csv", "errors.csv", "report.json"])).toEqual([])
    expect(json(at("report.json"))).toMatchObject({ output: null, rows: { source: 3, failed: 0, unmatched: 0 }, failed: [] })
  })

  it("exits 1 without a file when only unmatched error rows remain", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "errors.csv": "Username,Email,Reason\r\nghost,,Unknown\r\n" })
    const r = await cli(["commpeak", "retry", at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv")])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe("warning: Error Details row 1 (line 2) matches no source row: no source user has username 'ghost' (CommPeak: Unknown)\nnothing to retry: no source row failed; no file written\n1 Error Details row matches no source row\n")
    expect(others(dir, ["users.csv", "errors.csv"])).toEqual([])
  })

  it("exits 2 on usage and file-level errors, writing nothing", async () => {
    const { dir, at } = setup({ "users.csv": fixture(minimal), "errors.csv": fixture(errorDetails), "success.csv": fixture(successDetails), "users.jsonl": "{\"username\":\"jdoe\"}\n" })
    const retry = (...args: Array<string>) => cli(["commpeak", "retry", ...args])
    expect(await retry(at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"))).toMatchObject({
      code: 2,
      stderr: "pbxport: the failed rows go to a file for the next upload: give the file to write with -o FILE\n"
    })
    expect(await retry(at("users.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("users.csv"))).toMatchObject({ code: 2 })
    expect(fs.readFileSync(at("users.csv"))).toEqual(fixture(minimal))
    expect(await retry(at("users.jsonl"), "--from", "jsonl", "--errors", at("errors.csv"), "-o", at("retry.csv"))).toMatchObject({
      code: 2,
      stderr: "pbxport: --from jsonl: the retry file repeats the source rows as they were read, so the source must be a CSV dialect such as commpeak\n"
    })
    expect(await retry(at("users.csv"), "--from", "commpeak", "--errors", at("success.csv"), "-o", at("retry.csv"))).toMatchObject({
      code: 2,
      stderr: `pbxport: ${at("success.csv")}: no column of this file holds the error (a header containing "error", "reason" or "message"); is it CommPeak's Error Details file? Its columns are 'User Name', 'Email', 'Virtual Extension', 'Temporary Password'\n`
    })
    expect(await retry(at("nope.csv"), "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv"))).toMatchObject({ code: 2, stderr: `pbxport: cannot read ${at("nope.csv")}: no such file\n` })
    expect((await retry(at("users.csv"), "--from", "commpeak", "-o", at("retry.csv"))).code).toBe(2)
    expect(await retry(at("users.csv"), "--from", "nope", "--errors", at("errors.csv"), "-o", at("retry.csv"))).toMatchObject({ code: 2 })
    expect(others(dir, ["users.csv", "errors.csv", "success.csv", "users.jsonl"])).toEqual([])
  })

  it("reads the source from standard input", async () => {
    const { at } = setup({ "errors.csv": fixture(errorDetails) })
    const r = await cli(["commpeak", "retry", "-", "--from", "commpeak", "--errors", at("errors.csv"), "-o", at("retry.csv")], { stdin: fixture(minimal).toString("utf8") })
    expect(r.code).toBe(1)
    expect(fs.readFileSync(at("retry.csv"), "utf8")).toBe("Username,Email,Virtual Extension,Role\r\njdoe,jane.doe@example.com,0101,3\r\namartin,alex.martin@example.com,0102,3\r\n")
  })
})
