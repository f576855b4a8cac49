/**
 * Filling what the target needs, through the library's convert and preview.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as pbxport from "../src/index.js"
import { tempDir } from "./support.js"

const wazoCsv = [
  "firstname,lastname,email,language,exten,context,line_protocol,sip_username,voicemail_name,voicemail_number,voicemail_context",
  "Zoë,Lâpointe,zoe@example.com,fr_FR,,default,sip,zoe,Zoë,1000,default",
  "Bob,Sample,bob@example.com,en_GB,1002,default,sip,bob,,,",
  "Cy,,cy@example.com,,,,,,,,",
  "Di,Ng,di@example.com,,1000,default,sip,di,,,"
].join("\r\n") + "\r\n"

const csvLines = (file: string) => fs.readFileSync(file, "utf8").trim().split("\r\n")
const records = (file: string) => {
  const [head, ...rows] = csvLines(file)
  const header = head!.split(",")
  return rows.map((r) => Object.fromEntries(r.split(",").map((c, i) => [header[i]!, c])))
}

const toBroadWorks = {
  userId: "{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com",
  serviceProviderId: "ExampleSP",
  groupId: "ExampleGroup",
  callingLineIdFirstName: "{{firstName}}",
  callingLineIdLastName: "{{lastName}}"
}

/** An input whose reading fails loudly: proves a usage error came before any row was read. */
const unreadable = (): pbxport.Input => ({
  stream: (async function* () {
    yield* []
    throw new Error("the input was read")
  })(),
  name: "unread.csv"
})

describe("--set and --set-if-empty", () => {
  it("fills target columns from templates, and reports a template empty in a row on that row", async () => {
    const dir = tempDir()
    const out = path.join(dir, "bw.csv")
    const report = await pbxport.convert({ text: wazoCsv }, {
      from: "wazo",
      to: "broadworks",
      output: { path: out },
      fill: { set: toBroadWorks, setIfEmpty: { extension: "9{{index}}", password: "fake-{{index}}-pass", "sipAuthenticationData.sipAuthenticationPassword": "fake-sip-{{index}}" } }
    })
    expect(report.rows).toEqual({ read: 4, written: 3, skipped: 1 })
    expect(report.issues.filter((i) => i.severity === "error")).toEqual([{
      row: 3,
      line: 4,
      column: "userId",
      code: "missing-required",
      severity: "error",
      message: "'userId' is built from '{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com' (--set), but lastName is empty in this row"
    }, {
      row: 3,
      line: 4,
      column: "callingLineIdLastName",
      code: "missing-required",
      severity: "error",
      message: "'callingLineIdLastName' is built from '{{lastName}}' (--set), but lastName is empty in this row"
    }])
    const rows = records(out)
    expect(rows.map((r) => [r.userId, r.extension, r.callingLineIdFirstName, r.language])).toEqual([
      ["zoe.lapointe@example.com", "91", "Zoë", "French"],
      ["bob.sample@example.com", "1002", "Bob", "English"],
      ["di.ng@example.com", "1000", "Di", ""]
    ])
  })

  it("converts a set value by the field's kind and reads platform words for choices", async () => {
    const ok = await pbxport.convert({ text: '{"firstName":"Ann"}\n' }, {
      from: "jsonl",
      to: "jsonl",
      fill: { set: { enabled: "yes", "callHandling.ringSeconds": "25", "contactCenter.sipMode": "Use CommPeak classic PBX", "contactCenter.desks": "1; 2", "aliases[0]": "{{firstName|lower}}@sip.example.com" } }
    })
    expect(JSON.parse(new TextDecoder().decode(ok.data))).toEqual({
      firstName: "Ann",
      enabled: true,
      callHandling: { ringSeconds: 25 },
      contactCenter: { sipMode: "classic-pbx", desks: ["1", "2"] },
      aliases: ["ann@sip.example.com"]
    })
  })

  it("refuses bad templates, unknown columns and bad constants before reading a row", async () => {
    const attempt = (fill: pbxport.Fill.FillOptions, to = "broadworks") =>
      pbxport.convert(unreadable(), { from: "wazo", to, fill }).then(() => "converted", (e: pbxport.PbxportError) => `${e.reason._tag}: ${e.message}`)
    expect(await attempt({ set: { userId: "{{frstName}}@example.com" } })).toBe(
      "Usage: --set userId: {{frstName}}: 'frstName' names no canonical field (see docs/canonical-model.md); did you mean firstName?"
    )
    expect(await attempt({ set: { userId: "{{firstName|camel}}" } })).toContain("unknown filter 'camel'; filters are lower, upper, ascii, digits, slug, first:N, last:N")
    expect(await attempt({ set: { nickname: "x" } })).toBe(
      "Usage: --set nickname: the broadworks dialect has no column 'nickname'; see its columns with pbxport template broadworks, or name a canonical field such as firstName"
    )
    expect(await attempt({ set: { Role: "3" } }, "wazo")).toBe("Usage: --set Role: the wazo dialect has no column 'Role'; see its columns with pbxport template wazo, or name a canonical field such as firstName")
    expect(await attempt({ set: { "contactCenter.role": "3" } }, "wazo")).toBe("Usage: --set contactCenter.role: the wazo dialect cannot carry contactCenter.role")
    expect(await attempt({ set: { enabled: "maybe" } }, "wazo")).toBe("Usage: --set enabled: 'enabled' takes true or false (or 1/0, yes/no), not \"maybe\"")
    expect(await attempt({ set: { userId: "a" }, setIfEmpty: { userid: "b" } })).toBe("Usage: --set userId: --set-if-empty userid already sets 'userId'; give each column once")
    expect(await attempt({ maps: { colour: "a,b" } as never })).toContain("--map-file: unknown kind 'colour'; kinds are context, role, desk, skillGroup, servicePack, deviceType, language")
    expect(await attempt({ maps: { context: "a" } })).toContain("--map-file context: line 1: expected two values")
  })

  it("fills the gaps first, so that --set templates see what --set-if-empty gave", async () => {
    const r = await pbxport.convert({ text: '{"username":"tam","firstName":"Tâm"}\n{"username":"bo","firstName":"Bo","lastName":"Li"}\n' }, {
      from: "jsonl",
      to: "jsonl",
      fill: { set: { callerIdLastName: "{{lastName|upper}}" }, setIfEmpty: { lastName: "{{username}}" } }
    })
    expect(new TextDecoder().decode(r.data).trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { username: "tam", firstName: "Tâm", lastName: "tam", callerIdLastName: "TAM" },
      { username: "bo", firstName: "Bo", lastName: "Li", callerIdLastName: "LI" }
    ])
  })

  it("matches columns loosely and writes columns without a canonical home as kept cells", async () => {
    const report = await pbxport.convert({ text: "firstname\nAnn\n" }, { from: "wazo", to: "commpeak", fill: { set: { username: "{{firstName|lower}}", "e-mail": "{{firstName|lower}}@example.com", "virtual extension": "10{{index}}", role: "3" } } })
    expect(new TextDecoder().decode(report.data)).toBe("Username,Email,Virtual Extension,Role,First Name\r\nann,ann@example.com,101,3,Ann\r\n")
  })
})

describe("pools", () => {
  it("gives free extensions to rows without one, skipping values used by earlier and later rows", async () => {
    const jsonl = ["Ann", "Bob:1001", "Cy", "Di:1000", "Ed"].map((s) => {
      const [name, ext] = s.split(":")
      return JSON.stringify({ firstName: name, ...(ext ? { extension: ext } : {}) })
    }).join("\n")
    const r = await pbxport.convert({ text: jsonl }, { from: "jsonl", to: "jsonl", fill: { extensions: "1000-1004" } })
    const users = new TextDecoder().decode(r.data).trim().split("\n").map((l) => JSON.parse(l) as { extension: string })
    expect(users.map((u) => u.extension)).toEqual(["1002", "1001", "1003", "1000", "1004"])
  })

  it("gives numbers to the target's number field, reading a byte stream twice", async () => {
    const text = [{ firstName: "Ann" }, { firstName: "Bob", directoryNumber: "+1 555 010 0100" }, { firstName: "Cy", incalls: [{ did: "+15550100101" }] }].map((u) => JSON.stringify(u)).join("\n")
    const stream = (async function* () { yield new TextEncoder().encode(text) })()
    const r = await pbxport.convert({ stream, name: "in.jsonl" }, { from: "jsonl", to: "jsonl", fill: { numbers: "+15550100100-+15550100199" } })
    expect(r.file).toBe("in.jsonl")
    const users = new TextDecoder().decode(r.data).trim().split("\n").map((l) => JSON.parse(l) as { directoryNumber: string })
    expect(users.map((u) => u.directoryNumber)).toEqual(["+15550100102", "+1 555 010 0100", "+15550100103"])
    const wazo = await pbxport.convert({ text: "firstname\nAnn\n" }, { from: "wazo", to: "wazo", fill: { numbers: "5550100-5550199", setIfEmpty: { incall_context: "from-extern" } } })
    expect(new TextDecoder().decode(wazo.data)).toBe("firstname,incall_exten,incall_context\r\nAnn,5550100,from-extern\r\n")
  })

  it("fails an exhausted pool before writing anything, naming how many more values are needed", async () => {
    const dir = tempDir()
    const jsonl = Array.from({ length: 6 }, (_, i) => JSON.stringify({ firstName: `U${i}`, ...(i === 5 ? { extension: "101" } : {}) })).join("\n")
    const out = path.join(dir, "out.jsonl")
    await expect(pbxport.convert({ text: jsonl }, { from: "jsonl", to: "jsonl", output: { path: out }, fill: { extensions: "100-102" } })).rejects.toThrow(
      "--extensions 100-102: 5 rows have no extension, but the pool has 2 free values (values used in the file are skipped): 3 more are needed"
    )
    expect(fs.readdirSync(dir)).toEqual([])
    await expect(pbxport.convert(unreadable(), { from: "jsonl", to: "wazo", fill: { extensions: "10-9" } })).rejects.toThrow("--extensions 10-9: '10-9' runs backwards")
    await expect(pbxport.convert(unreadable(), { from: "jsonl", to: "commpeak-success", fill: { extensions: "10-19" } })).rejects.toThrow("--extensions: the commpeak-success dialect has no extension to fill")
    await expect(pbxport.convert(unreadable(), { from: "jsonl", to: "wazo", fill: { extensions: "10-19", set: { exten: "{{index}}" } } })).rejects.toThrow("--set exten and --extensions both give the extension; keep one")
  })
})

describe("generated passwords", () => {
  it("fills missing secrets within the target's rules, into the data and an owner-only credentials file only", async () => {
    const dir = tempDir()
    const out = path.join(dir, "wazo.csv")
    const credentials = path.join(dir, "credentials.csv")
    // Bob comes with a password of his own, which is kept
    const input = wazoCsv.split("\r\n").map((line, i) => (line === "" ? line : `${i === 0 ? "password" : i === 2 ? "fake-Kept-1" : ""},${line}`)).join("\r\n")
    const report = await pbxport.convert({ text: input }, {
      from: "wazo",
      to: "wazo",
      output: { path: out },
      fill: { generatePasswords: "password,sip-secret,voicemail-pin,length=20,pin-length=4", credentials }
    })
    expect(report.rows).toEqual({ read: 4, written: 4, skipped: 0 })
    expect(report.credentials).toEqual({ path: credentials, rows: 4, fields: ["password", "line.sipSecret", "voicemail.pin"] })
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600)
    // the data file holds the generated secrets too: owner-only as well
    expect(fs.statSync(out).mode & 0o777).toBe(0o600)
    const creds = records(credentials)
    expect(Object.keys(creds[0]!)).toEqual(["row", "userId", "username", "email", "extension", "firstName", "lastName", "password", "line.sipSecret", "voicemail.pin"])
    const data = records(out)
    // Zoë: all three; Bob: his own password is kept, SIP secret generated, no voicemail so no PIN;
    // Cy: no line, no voicemail; Di: password and SIP secret
    expect(creds.map((c) => [c.row, c.email, c.password !== "", c["line.sipSecret"] !== "", c["voicemail.pin"] !== ""])).toEqual([
      ["1", "zoe@example.com", true, true, true],
      ["2", "bob@example.com", false, true, false],
      ["3", "cy@example.com", true, false, false],
      ["4", "di@example.com", true, true, false]
    ])
    expect(data[1]!.password).toBe("fake-Kept-1")
    creds.forEach((c, i) => {
      if (c.password !== "") expect(data[i]!.password).toBe(c.password)
      if (c["line.sipSecret"] !== "") expect(data[i]!.sip_secret).toBe(c["line.sipSecret"])
      if (c.password !== "") expect(c.password).toMatch(/^[A-Za-z0-9]{20}$/)
    })
    expect(creds[0]!["voicemail.pin"]).toMatch(/^[0-9]{4}$/)
    const secrets = creds.flatMap((c) => [c.password, c["line.sipSecret"], c["voicemail.pin"]]).filter((s) => s !== "" && s !== undefined)
    const shown = JSON.stringify(report)
    for (const s of secrets) expect(shown).not.toContain(s!)
  })

  it("needs a credentials file and an output file, and refuses what the target cannot hold", async () => {
    const attempt = (fill: pbxport.Fill.FillOptions, to = "wazo", output: pbxport.ConvertOptions["output"] = { path: "/nonexistent/out.csv" }) =>
      pbxport.convert(unreadable(), { from: "wazo", to, fill, ...(output ? { output } : {}) }).then(() => "converted", (e: Error) => e.message)
    expect(await attempt({ generatePasswords: true })).toBe("--generate-passwords needs a credentials file (--credentials FILE): it is the only place the generated secrets are shown")
    expect(await attempt({ generatePasswords: true, credentials: "c.csv" }, "wazo", { sink: () => {} })).toBe("--generate-passwords writes secrets into files only: give an output file (-o FILE), never standard output")
    expect(await attempt({ generatePasswords: true, credentials: "/nonexistent/out.csv" })).toBe("--credentials must be another file than the output")
    expect(await attempt({ generatePasswords: "length=65", credentials: "c.csv" })).toBe("--generate-passwords: Wazo passwords are 4 to 64 of a-z A-Z 0-9 -._~!$&'()*+,;=%; the policy asks for 65 characters (length=4..64)")
    expect(await attempt({ generatePasswords: "passcode", credentials: "c.csv" })).toBe("--generate-passwords: the wazo dialect cannot carry a portal passcode (passcode)")
    expect(await attempt({ generatePasswords: "password", credentials: "c.csv" }, "commpeak")).toContain("--generate-passwords: the commpeak dialect cannot carry a password (password); CommPeak generates passwords itself at upload")
    expect(await attempt({ generatePasswords: "passwrd", credentials: "c.csv" })).toContain("--generate-passwords: unknown policy item 'passwrd'")
  })

  it("leaves no credentials file behind when the conversion fails", async () => {
    const dir = tempDir()
    const credentials = path.join(dir, "credentials.csv")
    await expect(pbxport.convert({ text: "firstname,exten\nAnn,1\nBob,2\n" }, { from: "wazo", to: "wazo", output: { path: path.join(dir, "missing-dir", "out.csv") }, fill: { generatePasswords: true, credentials } })).rejects.toThrow()
    expect(fs.readdirSync(dir)).toEqual([])
  })
})

describe("maps and translations", () => {
  it("maps names to target values and translates languages", async () => {
    const jsonl = [
      { firstName: "Ann", username: "ann", email: "ann@example.com", extension: "101", contactCenter: { desks: ["Paris", "Lyon"] }, language: "French" },
      { firstName: "Bob", username: "bob", email: "bob@example.com", extension: "102", contactCenter: { desks: ["Nice"] } }
    ].map((u) => JSON.stringify(u)).join("\n")
    const r = await pbxport.convert({ text: jsonl }, { from: "jsonl", to: "commpeak", fill: { set: { Role: "Sales" }, maps: { role: "Sales,3", desk: "name,id\nParis,5\nLyon,6" } } })
    expect(new TextDecoder().decode(r.data)).toBe("Username,Email,Virtual Extension,Role,Desk,First Name\r\nann,ann@example.com,101,3,5;6,Ann\r\n")
    expect(r.issues.filter((i) => i.severity === "error").map((i) => [i.row, i.column, i.message])).toEqual([[2, "Desk", "desk 'Nice' is not in the desk map; add a line `Nice,<desk on commpeak>`"]])
    expect(r.lost).toEqual([{ field: "language", count: 1 }])
  })

  it("uses a language map before the table, and can be turned off", async () => {
    const text = JSON.stringify({ firstName: "Ann", language: "Klingon" }) + "\n" + JSON.stringify({ firstName: "Bob", language: "French" }) + "\n"
    const refused = await pbxport.convert({ text }, { from: "jsonl", to: "wazo" })
    expect(refused.issues.map((i) => [i.row, i.column, i.code])).toEqual([[1, "language", "invalid-choice"]])
    expect(new TextDecoder().decode(refused.data)).toBe("firstname,language\r\nBob,fr_FR\r\n")
    const mapped = await pbxport.convert({ text }, { from: "jsonl", to: "wazo", fill: { maps: { language: "Klingon,tl_XX" } } })
    expect(new TextDecoder().decode(mapped.data)).toBe("firstname,language\r\nAnn,tl_XX\r\nBob,fr_FR\r\n")
    const off = await pbxport.convert({ text }, { from: "jsonl", to: "wazo", fill: { translate: false } })
    expect(off.issues.map((i) => [i.row, i.code, i.message.slice(0, 60)])).toEqual([
      [1, "invalid-format", "'language' must be a language such as fr_FR or en_US (two lo"],
      [2, "invalid-format", "'language' must be a language such as fr_FR or en_US (two lo"]
    ])
  })
})

describe("scaffolds", () => {
  it("writes every column, lets rows through that only miss required values, and lists those columns", async () => {
    const dir = tempDir()
    const out = path.join(dir, "bw.csv")
    const report = await pbxport.convert({ text: wazoCsv }, { from: "wazo", to: "broadworks", fullTemplate: true, output: { path: out }, fill: { set: { userId: "{{email}}", groupId: "{{context}}" } } })
    expect(report.rows).toEqual({ read: 4, written: 4, skipped: 0 })
    expect(report.emptyRequired).toEqual([
      { column: "serviceProviderId", count: 4 },
      { column: "groupId", count: 1 },
      { column: "lastName", count: 1 },
      { column: "callingLineIdFirstName", count: 4 },
      { column: "callingLineIdLastName", count: 4 },
      { column: "extension", count: 2 },
      { column: "password", count: 4 },
      { column: "sipAuthenticationData.sipAuthenticationPassword", count: 3 }
    ])
    expect(report.issues.filter((i) => i.code !== "not-carried").map((i) => [i.row, i.column, i.severity, i.message])).toEqual([
      [3, "groupId", "warning", "'groupId' is built from '{{context}}' (--set), but context is empty in this row; it was left empty"],
      [null, null, "warning", "this is a scaffold to complete: the broadworks dialect requires 'serviceProviderId' (empty in 4 rows), 'groupId' (empty in 1 row), 'lastName' (empty in 1 row), 'callingLineIdFirstName' (empty in 4 rows), 'callingLineIdLastName' (empty in 4 rows), 'extension' (empty in 2 rows), 'password' (empty in 4 rows), 'sipAuthenticationData.sipAuthenticationPassword' (empty in 3 rows)"]
    ])
    const [head, first] = csvLines(out)
    expect(head!.split(",")).toEqual(pbxport.Registry.find("broadworks")!.columns.map((c) => c.header))
    expect(first!.startsWith("user.create,,default,zoe@example.com,Zoë,Lâpointe,,,")).toBe(true)
  })

  it("still skips rows with wrong values", async () => {
    const r = await pbxport.convert({ text: '{"firstName":"Ann","email":"not-an-email"}\n' }, { from: "jsonl", to: "commpeak", fullTemplate: true })
    expect(r.rows.skipped).toBe(1)
    expect(r.emptyRequired).toEqual([])
  })
})

describe("preview", () => {
  it("shows the first rows as the target gets them, secrets masked, writing nothing", async () => {
    const dir = tempDir()
    const p = await pbxport.preview({ text: wazoCsv }, { from: "wazo", to: "broadworks", rows: 2, fill: { set: toBroadWorks, setIfEmpty: { extension: "{{index}}00" }, generatePasswords: "password,sip-secret", credentials: path.join(dir, "c.csv") } })
    expect(fs.readdirSync(dir)).toEqual([])
    expect(p.header).toEqual(["operation", "serviceProviderId", "groupId", "userId", "firstName", "lastName", "callingLineIdFirstName", "callingLineIdLastName", "extension", "password", "language", "emailAddress", "sipAuthenticationData.sipAuthenticationUserName", "sipAuthenticationData.sipAuthenticationPassword"])
    expect(p.rows.map((r) => [r.row, r.cells[3], r.cells[9]])).toEqual([[1, "zoe.lapointe@example.com", "••••"], [2, "bob.sample@example.com", "••••"]])
    expect(p.read).toBe(2)
    expect(pbxport.formatPreview(p, 12).split("\n").slice(0, 3)).toEqual([
      "row  operation    serviceProv…  groupId       userId        firstName  lastName  callingLine…  callingLine…  extension  password  language  emailAddress  sipAuthenti…  sipAuthenti…",
      "---  -----------  ------------  ------------  ------------  ---------  --------  ------------  ------------  ---------  --------  --------  ------------  ------------  ------------",
      "1    user.create  ExampleSP     ExampleGroup  zoe.lapoint…  Zoë        Lâpointe  Zoë           Lâpointe      100        ••••      French    zoe@example…  zoe           ••••"
    ])
  })

  it("shows canonical fields for targets that are not CSV, secrets masked", async () => {
    const p = await pbxport.preview({ text: '{"firstName":"Ann","password":"fake-Secret-1","incalls":[{"did":"1"},{"did":"2"}]}\n' }, { from: "jsonl", to: "jsonl" })
    expect(p.header).toEqual(["firstName", "password", "incalls[].did"])
    expect(p.rows).toEqual([{ row: 1, cells: ["Ann", "••••", "1;2"] }])
    expect(pbxport.formatPreview(p)).not.toContain("fake-Secret-1")
  })
})
