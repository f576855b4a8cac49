/**
 * `pbxport convert` filling what the target needs: --set, --set-if-empty, pools, name maps,
 * translations, generated passwords, scaffolds and previews, through the command line.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { cli, file, tempDir } from "./support.js"

const wazoCsv = [
  "firstname,lastname,email,language,exten,context,line_protocol,sip_username",
  "Zoë,Lâpointe,zoe@example.com,fr_FR,,default,sip,zoe",
  "Bob,Sample,bob@example.com,en_US,1001,default,sip,",
  "Cy,Ng,cy@example.com,,,,,"
].join("\r\n") + "\r\n"

const toBroadWorks = [
  "--set", "userId={{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com",
  "--set", "serviceProviderId=ExampleSP",
  "--set", "groupId=ExampleGroup",
  "--set-if-empty", "callingLineIdFirstName={{firstName}}",
  "--set-if-empty", "callingLineIdLastName={{lastName}}"
]

const rowsOf = (text: string) => {
  const [head, ...rows] = text.trim().split("\r\n")
  const header = head!.split(",")
  return rows.map((r) => Object.fromEntries(r.split(",").map((c, i) => [header[i]!, c])))
}

describe("convert --set / --set-if-empty", () => {
  it("fills the target's columns from templates", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", wazoCsv)
    const r = await cli(["convert", input, "--from", "wazo", "--to", "broadworks", ...toBroadWorks, "--set-if-empty", "extension=9{{index}}", "--set", "password=fake-Pass-{{index}}", "--set-if-empty", "sipAuthenticationData.sipAuthenticationUserName={{email}}", "--set-if-empty", "sipAuthenticationData.sipAuthenticationPassword=fake-sip-{{index}}"])
    expect(r.stderr.split("\n").filter((l) => l.includes("error"))).toEqual(["3 rows read: 3 written, 0 skipped (0 errors, 2 warnings)"])
    expect(rowsOf(r.stdout).map((u) => [u.userId, u.extension, u.callingLineIdLastName, u.language])).toEqual([
      ["zoe.lapointe@example.com", "91", "Lâpointe", "French"],
      ["bob.sample@example.com", "1001", "Sample", "English"],
      ["cy.ng@example.com", "93", "Ng", ""]
    ])
    expect(r.code).toBe(0)
  })

  it("exits 2 on a bad template or an unknown column, before reading any row", async () => {
    const dir = tempDir()
    const out = path.join(dir, "out.csv")
    const missing = path.join(dir, "no-such-file.csv")
    const bad = await cli(["convert", missing, "--from", "wazo", "--to", "broadworks", "-o", out, "--set", "userId={{firstName|lowercase}}"])
    expect(bad).toMatchObject({ code: 2, stdout: "" })
    expect(bad.stderr).toBe("pbxport: --set userId: {{firstName|lowercase}}: unknown filter 'lowercase'; filters are lower, upper, ascii, digits, slug, first:N, last:N\n")
    const unknown = await cli(["convert", missing, "--from", "wazo", "--to", "broadworks", "--set", "nickname={{email}}", "--json", "-o", out])
    expect(unknown).toMatchObject({ code: 2, stdout: "" })
    expect(unknown.stderr).toContain("pbxport: --set nickname: the broadworks dialect has no column 'nickname'")
    const nofield = await cli(["convert", missing, "--from", "wazo", "--to", "broadworks", "--set", "userId={{mail}}@x"])
    expect(nofield.stderr).toBe("pbxport: --set userId: {{mail}}: 'mail' names no canonical field (see docs/canonical-model.md); did you mean email?\n")
    const form = await cli(["convert", missing, "--from", "wazo", "--to", "broadworks", "--set", "userId"])
    expect(form.stderr).toBe("pbxport: --set expects COLUMN=TEMPLATE, got \"userId\"\n")
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it("reports a template that is empty in a row on that row, and skips it", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", "firstname,lastname\r\nAnn,\r\n")
    const r = await cli(["convert", input, "--from", "wazo", "--to", "jsonl", "--set", "userId={{firstName}}.{{lastName}}@example.com"])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("row 1 (line 2), column userId: error missing-required: 'userId' is built from '{{firstName}}.{{lastName}}@example.com' (--set), but lastName is empty in this row")
  })
})

describe("convert --extensions / --numbers", () => {
  it("allocates free values to users without one, from standard input too", async () => {
    const jsonl = [{ firstName: "Ann" }, { firstName: "Bob", extension: "1000" }, { firstName: "Cy" }].map((u) => JSON.stringify(u)).join("\n") + "\n"
    const r = await cli(["convert", "-", "--from", "jsonl", "--to", "jsonl", "--extensions", "1000-1009", "--numbers", "+15550100100-+15550100199"], { stdin: jsonl })
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>).map((u) => [u.extension, u.directoryNumber])).toEqual([
      ["1001", "+15550100100"],
      ["1000", "+15550100101"],
      ["1002", "+15550100102"]
    ])
  })

  it("exits 2 when the pool is too small, naming how many more values are needed, and writes nothing", async () => {
    const dir = tempDir()
    const input = file(dir, "in.jsonl", [{ firstName: "Ann" }, { firstName: "Bob" }, { firstName: "Cy", extension: "11" }].map((u) => JSON.stringify(u)).join("\n"))
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "jsonl", "--extensions", "10-11", "-o", path.join(dir, "out.jsonl")])
    expect(r).toMatchObject({ code: 2, stdout: "" })
    expect(r.stderr).toBe("pbxport: --extensions 10-11: 2 rows have no extension, but the pool has 1 free value (values used in the file are skipped): 1 more is needed\n")
    expect(fs.readdirSync(dir)).toEqual(["in.jsonl"])
    const bad = await cli(["convert", input, "--from", "jsonl", "--to", "jsonl", "--numbers", "555-x"])
    expect(bad.stderr).toBe("pbxport: --numbers 555-x: '555-x' in '555-x' is not a number: write digits, optionally after '+' (such as 1000-1999 or +15550100100-+15550100199)\n")
  })
})

describe("convert --generate-passwords", () => {
  it("writes generated secrets to the data and an owner-only credentials file, never to stdout, stderr or the report", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", wazoCsv)
    const out = path.join(dir, "bw.csv")
    const credentials = path.join(dir, "credentials.csv")
    const reportFile = path.join(dir, "report.json")
    const args = ["convert", input, "--from", "wazo", "--to", "broadworks", ...toBroadWorks, "--extensions", "2000-2099", "--generate-passwords=password,sip-secret,passcode,length=24,pin-length=6", "--credentials", credentials, "-o", out, "--report", reportFile]
    const r = await cli(args)
    expect(r.code).toBe(0)
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600)
    const creds = rowsOf(fs.readFileSync(credentials, "utf8"))
    const data = rowsOf(fs.readFileSync(out, "utf8"))
    expect(creds.map((c) => [c.row, c.userId, c.password!.length, c["line.sipSecret"]!.length, c.passcode!.length])).toEqual([
      ["1", "zoe.lapointe@example.com", 24, 24, 6],
      ["2", "bob.sample@example.com", 24, 0, 6],
      ["3", "cy.ng@example.com", 24, 0, 6]
    ])
    creds.forEach((c, i) => {
      expect(data[i]!.password).toBe(c.password)
      expect(data[i]!.passcode).toBe(c.passcode)
    })
    expect(data[0]!["sipAuthenticationData.sipAuthenticationPassword"]).toBe(creds[0]!["line.sipSecret"])
    const secrets = creds.flatMap((c) => [c.password, c["line.sipSecret"], c.passcode]).filter((s): s is string => s !== undefined && s !== "")
    expect(secrets).toHaveLength(7)
    const report = fs.readFileSync(reportFile, "utf8")
    expect(JSON.parse(report).credentials).toEqual({ path: credentials, rows: 3, fields: ["password", "line.sipSecret", "passcode"] })
    expect(r.stdout).toContain(`wrote the generated password, line.sipSecret, passcode of 3 users to ${credentials} (owner-only)`)
    const json = await cli([...args.slice(0, -2).map((a) => (a === out ? path.join(dir, "bw2.csv") : a === credentials ? path.join(dir, "c2.csv") : a)), "--json"])
    const creds2 = rowsOf(fs.readFileSync(path.join(dir, "c2.csv"), "utf8"))
    secrets.push(...creds2.flatMap((c) => [c.password, c["line.sipSecret"], c.passcode]).filter((s): s is string => s !== undefined && s !== ""))
    for (const s of secrets) {
      for (const shown of [r.stdout, r.stderr, report, json.stdout, json.stderr]) expect(shown).not.toContain(s)
    }
  })

  it("refuses to generate without a credentials file, to standard output, or beyond the target's rules", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", wazoCsv)
    const run = async (...extra: Array<string>) => (await cli(["convert", input, "--from", "wazo", "--to", "wazo", ...extra])).stderr
    expect(await run("--generate-passwords", "-o", path.join(dir, "o.csv"))).toBe("pbxport: --generate-passwords needs a credentials file (--credentials FILE): it is the only place the generated secrets are shown\n")
    expect(await run("--generate-passwords", "--credentials", path.join(dir, "c.csv"))).toBe("pbxport: --generate-passwords writes secrets into files only: give an output file (-o FILE), never standard output\n")
    expect(await run("--generate-passwords=length=3", "--credentials", path.join(dir, "c.csv"), "-o", path.join(dir, "o.csv"))).toBe(
      "pbxport: --generate-passwords: Wazo passwords are 4 to 64 of a-z A-Z 0-9 -._~!$&'()*+,;=%; the policy asks for 3 characters (length=4..64)\n"
    )
    expect(await run("--credentials", path.join(dir, "c.csv"))).toBe("pbxport: --credentials receives generated secrets: add --generate-passwords\n")
    expect(fs.readdirSync(dir)).toEqual(["wazo.csv"])
  })
})

describe("convert --map-file and translations", () => {
  it("maps names through files and translates languages, or keeps them with --no-translate", async () => {
    const dir = tempDir()
    const input = file(dir, "users.jsonl", JSON.stringify({ firstName: "Ann", username: "ann", email: "ann@example.com", extension: "101", contactCenter: { skillGroups: ["Support"] } }) + "\n")
    const roles = file(dir, "roles.csv", "# CommPeak roles\nAgents,3\n")
    const skills = file(dir, "skills.csv", "Support;12\n")
    const r = await cli(["convert", input, "--from", "jsonl", "--to", "commpeak", "--set", "Role=Agents", "--map-file", "role=" + roles, "--map-file", "skillGroup=" + skills])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe("Username,Email,Virtual Extension,Role,Skill Group,First Name\r\nann,ann@example.com,101,3,12,Ann\r\n")
    const kind = await cli(["convert", input, "--from", "jsonl", "--to", "commpeak", "--map-file", "team=" + roles])
    expect(kind.stderr).toBe("pbxport: --map-file: unknown kind \"team\"; use one of context, role, desk, skillGroup, servicePack, deviceType, language\n")
    const unreadable = await cli(["convert", input, "--from", "jsonl", "--to", "commpeak", "--map-file", "role=" + path.join(dir, "none.csv")])
    expect(unreadable.stderr).toBe(`pbxport: cannot read the --map-file role file ${path.join(dir, "none.csv")}: no such file\n`)
    const lang = file(dir, "lang.jsonl", JSON.stringify({ firstName: "Ann", language: "German" }) + "\n")
    expect((await cli(["convert", lang, "--from", "jsonl", "--to", "wazo"])).stdout).toBe("firstname,language\r\nAnn,de_DE\r\n")
    const kept = await cli(["convert", lang, "--from", "jsonl", "--to", "wazo", "--no-translate"])
    expect(kept.code).toBe(1)
    expect(kept.stderr).toContain("'language' must be a language such as fr_FR or en_US")
  })
})

describe("convert --full-template", () => {
  it("writes a scaffold to complete and lists the required columns still empty", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", wazoCsv)
    const out = path.join(dir, "commpeak.csv")
    const r = await cli(["convert", input, "--from", "wazo", "--to", "commpeak", "--full-template", "--set-if-empty", "Username={{email}}", "-o", out])
    expect(r.code).toBe(0)
    expect(r.stdout.split("\n").slice(r.stdout.split("\n").indexOf("wrote 3 rows to " + out), -1).slice(0, 4)).toEqual([
      "wrote 3 rows to " + out,
      "to complete: the commpeak dialect requires these columns, still empty:",
      "  Virtual Extension: 2 rows",
      "  Role: 3 rows"
    ])
    expect(fs.readFileSync(out, "utf8").split("\r\n").slice(0, 2)).toEqual([
      "Username,Email,Virtual Extension,Role,Desk,Skill Group,Tags,First Name,Last Name,SIP Settings,PBX Domain,PBX Device,Custom URI,Authentication",
      "zoe@example.com,zoe@example.com,,,,,,Zoë,Lâpointe,,,,,"
    ])
    const json = await cli(["convert", input, "--from", "wazo", "--to", "commpeak", "--full-template", "--set-if-empty", "Username={{email}}", "-o", out, "--json"])
    expect(JSON.parse(json.stdout).emptyRequired).toEqual([{ column: "Virtual Extension", count: 2 }, { column: "Role", count: 3 }])
  })
})

describe("convert --preview", () => {
  it("prints the first rows as a table with secrets masked and writes nothing", async () => {
    const dir = tempDir()
    const input = file(dir, "wazo.csv", wazoCsv)
    const r = await cli(["convert", input, "--from", "wazo", "--to", "broadworks", ...toBroadWorks, "--extensions", "2000-2099", "--generate-passwords=password,sip-secret", "--credentials", path.join(dir, "c.csv"), "-o", path.join(dir, "o.csv"), "--preview=2"])
    expect(r.code).toBe(0)
    const lines = r.stdout.split("\n")
    expect(lines[0]).toMatch(/^row {2}operation {4}serviceProviderId {2}groupId {7}userId {20}firstName {2}lastName {2}/)
    expect(lines[2]).toMatch(/^1 {4}user\.create {2}ExampleSP {10}ExampleGroup {2}zoe\.lapointe@example\.com {2}Zoë {8}Lâpointe {2}Zoë .* 2000 {7}•••• {6}French /)
    expect(lines[3]).toMatch(/^2 {4}user\.create .* 1001 {7}•••• {6}English /)
    expect(lines).toHaveLength(5)
    expect(r.stderr).toBe("previewed 2 of the first 2 rows read (0 would be skipped); nothing was written\n")
    expect(fs.readdirSync(dir)).toEqual(["wazo.csv"])
    const spaced = await cli(["convert", input, "--from", "wazo", "--to", "jsonl", "--preview", "1"])
    expect(spaced.code).toBe(0)
    expect(spaced.stderr).toMatch(/^previewed 1 of the first 1 row read/)
    const all = await cli(["convert", input, "--from", "wazo", "--to", "jsonl", "--preview"])
    expect(all.code).toBe(0)
    expect(all.stdout.split("\n")[0]).toBe("row  firstName  lastName  email            language  context  extension  line.protocol  line.sipUsername")
    expect(all.stderr).toBe("previewed 3 of the first 3 rows read (0 would be skipped); nothing was written\n")
    expect((await cli(["convert", input, "--from", "wazo", "--to", "jsonl", "--preview=0"])).stderr).toBe("pbxport: --preview takes a number of rows from 1, not 0\n")
  })
})
