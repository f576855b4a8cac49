import { describe, expect, it } from "vitest"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { commpeak } from "../src/index.js"
import { codes, read, write } from "./helpers.js"

const head = "Username,Email,Virtual Extension,Role"
const csv = (...lines: Array<string>) => lines.join("\r\n") + "\r\n"

describe("commpeak: declaration", () => {
  it("declares the columns in the documented order, 500 rows per file, and exact carries", () => {
    expect(commpeak.columns.map((c) => c.header)).toEqual([
      "Username", "Email", "Virtual Extension", "Role", "Desk", "Skill Group", "Tags", "First Name", "Last Name",
      "SIP Settings", "PBX Domain", "PBX Device", "Custom URI", "Authentication"
    ])
    expect(commpeak.capabilities).toMatchObject({ read: true, write: true, maxRowsPerFile: 500, update: null })
    expect([...commpeak.capabilities.carries].sort()).toEqual([
      "contactCenter.customUri", "contactCenter.desks", "contactCenter.pbxDevice", "contactCenter.pbxDomain", "contactCenter.role",
      "contactCenter.sipMode", "contactCenter.skillGroups", "contactCenter.tags", "contactCenter.twoFactor", "contactCenter.virtualExtension",
      "email", "extension", "firstName", "lastName", "username"
    ])
    expect(commpeak.syntax).toEqual({ delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" })
    expect(commpeak.columns.filter((c) => c.required).map((c) => c.header)).toEqual(["Username", "Email", "Virtual Extension", "Role"])
  })

  it("gives a template whose example row is valid", () => {
    const r = read(commpeak, csv(commpeak.template.header.join(","), commpeak.template.example.join(",")))
    expect(r.issues).toEqual([])
    expect(r.users).toHaveLength(1)
  })
})

describe("commpeak: reading", () => {
  it("reads the minimal file, setting the canonical extension from the Virtual Extension", () => {
    const r = read(commpeak, csv(head, "jdoe,jane.doe@example.com,0101,3"))
    expect(r.header).toEqual([])
    expect(r.users).toEqual([{ username: "jdoe", email: "jane.doe@example.com", extension: "0101", contactCenter: { virtualExtension: "0101", role: "3" } }])
  })

  it("matches headers ignoring case, spaces, _ and -, and reads aliases", () => {
    const r = read(commpeak, csv("USER_NAME,e-mail,virtual-extension,Role ID,desks,skill_groups,Tag,firstname,LAST NAME,sip,domain,device,sip_uri,twofa_type", "jdoe,j@example.com,101,3,1,2,vip,Jane,Doe,built-in pbx,,,,google"))
    expect(r.header).toEqual([])
    expect(r.users[0]).toMatchObject({ username: "jdoe", firstName: "Jane", lastName: "Doe", contactCenter: { desks: ["1"], skillGroups: ["2"], tags: ["vip"], sipMode: "built-in-pbx", twoFactor: "google" } })
  })

  it("keeps unknown columns with a warning, and reads the last of two columns holding one field", () => {
    const r = read(commpeak, csv(`${head},Email Address,Department`, "jdoe,old@example.com,101,3,new@example.com,Sales"))
    expect(codes(r.header)).toEqual(["duplicate-column@Email Address", "unknown-column@Department"])
    expect(r.header[0]!.message).toBe("'Email' and 'Email Address' both hold Email; only the last one, 'Email Address', is read")
    expect(r.users[0]!.email).toBe("new@example.com")
    expect(r.users[0]!.extras).toEqual({ commpeak: { Department: "Sales" } })
  })

  it("splits lists on ';', trimming items and dropping empty ones; an empty cell is an empty list", () => {
    const r = read(commpeak, csv(`${head},Desk,Skill Group,Tags`, "jdoe,j@example.com,101,3, 1 ; 2;,5,VIP; night shift", "ann,a@example.com,102,3,,,"))
    expect(r.users[0]!.contactCenter).toMatchObject({ desks: ["1", "2"], skillGroups: ["5"], tags: ["VIP", "night shift"] })
    expect(r.users[1]!.contactCenter).toMatchObject({ desks: [], skillGroups: [], tags: [] })
  })

  it("keeps text verbatim: accents, leading zeros, spaces inside names", () => {
    const r = read(commpeak, csv(`${head},First Name,Last Name`, "zoë,zoe@example.com,007,3,Zoë, de la Rúa"))
    expect(r.users[0]).toMatchObject({ username: "zoë", firstName: "Zoë", lastName: " de la Rúa", extension: "007" })
  })

  it("reads empty optional cells as given-empty (null), and an absent column as not given", () => {
    const r = read(commpeak, csv(`${head},First Name`, "jdoe,j@example.com,101,3,"))
    expect(r.users[0]!.firstName).toBeNull()
    expect("lastName" in r.users[0]!).toBe(false)
  })
})

describe("commpeak: rules", () => {
  it("requires Username, Email, Virtual Extension and Role in every row", () => {
    const r = read(commpeak, csv(head, ",j@example.com,101,3", "ann,,102,3", "bob,b@example.com,,3", "cy,c@example.com,104,", "dee,d@example.com,105, "))
    expect(codes(r.issues)).toEqual([
      "1:missing-required@Username", "2:missing-required@Email", "3:missing-required@Virtual Extension", "4:missing-required@Role", "5:missing-required@Role"
    ])
    expect(r.issues[3]!.message).toBe("'Role' is required (CommPeak role ID from Users > Roles, or a role name listed in option `ids.role`; or one role for every user with option `default Role=<id>`)")
  })

  it("reports a file without a mandatory column once, naming the options that stand in for it", () => {
    expect(codes(read(commpeak, csv("Email,Virtual Extension,Role", "j@example.com,1,2")).header)).toEqual(["missing-column@Username"])
    const noRole = read(commpeak, csv("Username,Email,Virtual Extension", "jdoe,j@example.com,1"))
    expect(noRole.header).toEqual([{
      column: "Role", code: "missing-column", severity: "error",
      message: "the file has no Role column (also read as Roles, Role ID, Role IDs); add one, name the column that holds it (map Role=<column>), or give one role for every user (default Role=<id>)"
    }])
    const noExt = read(commpeak, csv("Username,Email,Role", "jdoe,j@example.com,1"))
    expect(noExt.header[0]!.message).toBe("the file has no Virtual Extension column (also read as Extension, Ext, Virtual Ext); add one, name the column that holds it (map Virtual Extension=<column>), or let CommPeak generate them (option generateExtensions=true)")
  })

  it("explains an empty first row (a blank row above the header, as a spreadsheet saves it)", () => {
    expect(read(commpeak, csv(",,,", head, "jdoe,j@example.com,1,3")).header[0]).toEqual({ column: null, code: "missing-column", severity: "error", message: "the first row is empty: the header must be the first row; remove the empty row above it" })
  })

  it("wants usernames, emails (case ignored) and virtual extensions unique", () => {
    expect(commpeak.unique.map((u) => u.column)).toEqual(["Username", "Email", "Virtual Extension"])
    const r = read(commpeak, csv(head, "jdoe,j@example.com,101,3", "jdoe,k@example.com,102,3", "ann,J@Example.com,103,3", "bob,b@example.com,101,3", "Jdoe,c@example.com,104,3"))
    expect(codes(r.issues)).toEqual(["2:duplicate@Username", "3:duplicate@Email", "4:duplicate@Virtual Extension"])
    expect(r.users.map((u) => u.username)).toEqual(["jdoe", "Jdoe"])
  })

  it("checks email addresses", () => {
    const r = read(commpeak, csv(head, "a,jane@example,1,3", "b,jane example.com,2,3", "c,@example.com,3,3", "d,jane@@example.com,4,3", "e,jane@mail.example.co.uk,5,3"))
    expect(codes(r.issues)).toEqual(["1:invalid-format@Email", "2:invalid-format@Email", "3:invalid-format@Email", "4:invalid-format@Email"])
    expect(r.issues[0]!.message).toBe("'Email' must be an address like name@example.com, not \"jane@example\"")
  })

  it("wants the Virtual Extension in digits", () => {
    const r = read(commpeak, csv(head, "a,a@example.com,10a,3", "b,b@example.com,+101,3", "c,c@example.com, 101,3"))
    expect(codes(r.issues)).toEqual(["1:invalid-format@Virtual Extension", "2:invalid-format@Virtual Extension", "3:invalid-format@Virtual Extension"])
    expect(r.issues[0]!.message).toBe("'Virtual Extension' must be digits 0-9 (the user's virtual extension in the Dialer), not \"10a\"")
  })

  it("wants Role, Desk and Skill Group as CommPeak IDs", () => {
    const r = read(commpeak, csv(`${head},Desk,Skill Group`, "a,a@example.com,1,Sales Agent,,", "b,b@example.com,2,3,1;Sales;Support,", "c,c@example.com,3,3,,Inbound"))
    expect(r.issues).toEqual([
      { row: 1, column: "Role", code: "invalid-format", severity: "error", message: "'Role' must be a CommPeak role ID (digits, from Users > Roles), not \"Sales Agent\"; to use role names, give a role map (option ids.role)" },
      { row: 2, column: "Desk", code: "invalid-format", severity: "error", message: "'Desk' must hold CommPeak desk IDs (digits, from Users > User Desks); not IDs: \"Sales\", \"Support\"; to use desk names, give a desk map (option ids.desk)" },
      { row: 3, column: "Skill Group", code: "invalid-format", severity: "error", message: "'Skill Group' must hold CommPeak skill group IDs (digits, from Users > Skill Groups); not IDs: \"Inbound\"; to use skill group names, give a skill group map (option ids.skillGroup)" }
    ])
  })

  it("accepts SIP Settings values and the upload screen's labels, in any case", () => {
    const values = ["webrtc", "WebRTC", "Use WebRTC", "classic-pbx", "Use CommPeak classic PBX", "custom-uri", "Use Custom URI", "built-in-pbx", "Use Built-in PBX", "BUILT_IN_PBX"]
    const expected = ["webrtc", "webrtc", "webrtc", "classic-pbx", "classic-pbx", "custom-uri", "custom-uri", "built-in-pbx", "built-in-pbx", "built-in-pbx"]
    const rows = values.map((v, i) => `u${i},u${i}@example.com,${100 + i},3,${v},pbx.example.com,sip:${i}@pbx.example.com`)
    const r = read(commpeak, csv(`${head},SIP Settings,PBX Domain,Custom URI`, ...rows))
    expect(r.issues.filter((i) => i.severity === "error")).toEqual([])
    expect(r.users.map((u) => u.contactCenter?.sipMode)).toEqual(expected)
  })

  it("rejects other SIP Settings, naming the valid ones", () => {
    const r = read(commpeak, csv(`${head},SIP Settings`, "a,a@example.com,1,3,Zoiper"))
    expect(r.issues[0]!.message).toBe("'SIP Settings' must be one of webrtc, classic-pbx, custom-uri, built-in-pbx (or a label such as \"Use WebRTC\"), not \"Zoiper\"")
    expect(r.issues[0]!.code).toBe("invalid-choice")
  })

  it("leaves an empty SIP Settings empty (CommPeak's default, webrtc) rather than inventing it", () => {
    const r = read(commpeak, csv(`${head},SIP Settings`, "a,a@example.com,1,3,"))
    expect(r.users[0]!.contactCenter!.sipMode).toBeNull()
  })

  it("needs PBX Domain and a device for classic-pbx; the Virtual Extension is the device by default", () => {
    const r = read(commpeak, csv(`${head},SIP Settings,PBX Domain,PBX Device`, "a,a@example.com,1,3,classic-pbx,pbx.example.com,", "b,b@example.com,2,3,classic-pbx,,2002", "c,c@example.com,3,3,classic-pbx,pbx.example.com,3003"))
    expect(r.issues).toEqual([{ row: 2, column: "PBX Domain", code: "missing-required", severity: "error", message: "'PBX Domain' is required when SIP Settings is classic-pbx (the CommPeak PBX domain the calls go through); fill it, or give one for every row (default PBX Domain=<domain>)" }])
    expect(r.users[0]!.contactCenter).toMatchObject({ virtualExtension: "1", pbxDevice: null })
  })

  it("needs a PBX Device for classic-pbx when the extension is generated", () => {
    const r = read(commpeak, csv(`${head},SIP Settings,PBX Domain`, "a,a@example.com,,3,classic-pbx,pbx.example.com"), { generateExtensions: "true" })
    expect(r.issues).toEqual([{ row: 1, column: "PBX Device", code: "missing-required", severity: "error", message: "'PBX Device' is required when SIP Settings is classic-pbx and the Virtual Extension is empty (the PBX device number the calls ring)" }])
  })

  it("needs a Custom URI with a user and a domain for custom-uri", () => {
    const r = read(commpeak, csv(`${head},SIP Settings,Custom URI`, "a,a@example.com,1,3,custom-uri,", "b,b@example.com,2,3,custom-uri,pbx.example.com", "c,c@example.com,3,3,custom-uri,sip:2001@pbx.example.com:5060", "d,d@example.com,4,3,Use Custom URI,2002@10.0.0.7"))
    expect(codes(r.issues)).toEqual(["1:missing-required@Custom URI", "2:invalid-format@Custom URI"])
    expect(r.issues[1]!.message).toBe("'Custom URI' must be a SIP URI with a user and a PBX domain, like sip:1001@pbx.example.com, not \"pbx.example.com\"")
  })

  it("accepts Authentication values and labels, and rejects others", () => {
    const labels = ["Default from Role/Tenant", "Disabled - login without 2FA", "Email - with one-time code", "Google 2FA App - with one-time code", "DISABLED", "sms"]
    const rows = labels.map((v, i) => `u${i},u${i}@example.com,${100 + i},3,${v}`)
    const r = read(commpeak, csv(`${head},Authentication`, ...rows))
    expect(r.users.map((u) => u.contactCenter?.twoFactor)).toEqual(["default", "disabled", "email", "google", "disabled"])
    expect(r.issues.filter((i) => i.severity === "error")).toEqual([{ row: 6, column: "Authentication", code: "invalid-choice", severity: "error", message: "'Authentication' must be one of default, disabled, email, google (or a label such as \"Disabled - login without 2FA\"), not \"sms\"" }])
  })

  it("warns once per value when settings CommPeak takes once per upload differ", () => {
    const r = read(commpeak, csv(`${head},Authentication,SIP Settings,PBX Domain`, "a,a@example.com,1,3,email,,", "b,b@example.com,2,3,google,,", "c,c@example.com,3,3,google,,", "d,d@example.com,4,3,,classic-pbx,pbx.example.com", "e,e@example.com,5,3,email,classic-pbx,other.example.com"))
    expect(codes(r.issues)).toEqual(["2:conflict@Authentication", "4:conflict@SIP Settings", "5:conflict@PBX Domain"])
    expect(r.issues.every((i) => i.severity === "warning")).toBe(true)
    expect(r.issues[0]!.message).toBe("CommPeak sets Authentication once per upload: this row has 'google' but row 1 has 'email'; upload the rows of each Authentication value in a separate file")
    expect(r.users).toHaveLength(5)
  })
})

describe("commpeak: options when reading", () => {
  it("map names the source column of a field, and the natural column becomes a kept one", () => {
    const r = read(commpeak, csv("Login Name,Work Mail,Ext,Profile,Username", "jdoe,j@example.com,0101,3,ignored"), { map: ["Username=Login Name", "email=work mail", "Virtual Extension=Ext", "Role=Profile"] })
    expect(r.header).toEqual([{ column: "Username", code: "unknown-column", severity: "warning", message: "column 'Username' is not read as Username: the map takes Username from column 'Login Name'; its values are kept but not interpreted" }])
    expect(r.users).toEqual([{ username: "jdoe", email: "j@example.com", extension: "0101", contactCenter: { virtualExtension: "0101", role: "3" }, extras: { commpeak: { Username: "ignored" } } }])
  })

  it("map may take a column whose name is another field's alias, and names it in messages", () => {
    const r = read(commpeak, csv("Username,Email,Extension,Role,Device", "jdoe,j@example.com,1x,3,55"), { map: "PBX Device=Extension\nVirtual Extension=Device\n# comment" })
    expect(r.header).toEqual([])
    expect(r.issues).toEqual([])
    expect(r.users[0]!.contactCenter).toMatchObject({ virtualExtension: "55", pbxDevice: "1x" })
    const bad = read(commpeak, csv("Username,Email,Ext,Role", "jdoe,j@example.com,1x,3"), { map: ["Virtual Extension=Ext"] })
    expect(bad.issues[0]!.message).toBe("'Ext' must be digits 0-9 (the user's virtual extension in the Dialer), not \"1x\"")
  })

  it("a mapped column missing from the header is a file-level missing-column error", () => {
    const r = read(commpeak, csv(head, "jdoe,j@example.com,1,3"), { map: ["Virtual Extension=Ext"] })
    expect(r.header).toEqual([{ column: "Ext", code: "missing-column", severity: "error", message: "map 'Virtual Extension=Ext': the file has no column 'Ext'; its columns are 'Username', 'Email', 'Virtual Extension', 'Role'" }])
  })

  it("rejects malformed map entries, unknown fields, a field twice, a column twice", () => {
    const r = read(commpeak, csv(head, "jdoe,j@example.com,1,3"), { map: ["Virtual Extension", "Shoe Size=Role", "Role=Role", "role=Email", "PBX Device=Virtual Extension", "Custom URI=Virtual Extension"] })
    // the Virtual Extension column went to PBX Device, so the file has none left for the field
    expect(codes(r.header)).toEqual(["invalid-format@-", "invalid-choice@-", "conflict@-", "conflict@Virtual Extension", "missing-column@Virtual Extension"])
    expect(r.header.map((f) => f.message)).toEqual([
      "map entry \"Virtual Extension\" must be Field=Source column, for example \"Virtual Extension=Ext\"",
      "map 'Shoe Size=Role': 'Shoe Size' is not a CommPeak field; use one of Username, Email, Virtual Extension, Role, Desk, Skill Group, Tags, First Name, Last Name, SIP Settings, PBX Domain, PBX Device, Custom URI, Authentication",
      "map names Role twice ('Role=Role' and 'role=Email'); keep one",
      "map 'Custom URI=Virtual Extension': column 'Virtual Extension' already holds PBX Device; a column feeds one field (PBX Device falls back on the Virtual Extension by itself)",
      "the file has no Virtual Extension column (also read as Extension, Ext, Virtual Ext); add one, name the column that holds it (map Virtual Extension=<column>), or let CommPeak generate them (option generateExtensions=true)"
    ])
  })

  it("default gives a same-for-all value when the file has no such column", () => {
    const r = read(commpeak, csv("Username,Email,Virtual Extension", "jdoe,j@example.com,1", "ann,a@example.com,2"), { default: ["Role=7", "Desk=1;2", "Authentication=Email - with one-time code", "SIP Settings=classic-pbx", "PBX Domain=pbx.example.com", "Tags=new"] })
    expect(r.header).toEqual([])
    expect(r.issues).toEqual([])
    expect(r.users[1]!.contactCenter).toEqual({ virtualExtension: "2", role: "7", desks: ["1", "2"], tags: ["new"], sipMode: "classic-pbx", pbxDomain: "pbx.example.com", twoFactor: "email" })
  })

  it("a cell wins over the default; an empty cell takes the default", () => {
    const r = read(commpeak, csv(`${head},Skill Group`, "jdoe,j@example.com,1,3,", "ann,a@example.com,2,,4"), { default: ["Role=7", "Skill Group=9"] })
    expect(r.users.map((u) => [u.contactCenter?.role, u.contactCenter?.skillGroups])).toEqual([["3", ["9"]], ["7", ["4"]]])
  })

  it("the PBX Domain default goes to classic-pbx rows only", () => {
    const r = read(commpeak, csv(`${head},SIP Settings`, "jdoe,j@example.com,1,3,webrtc"), { default: ["PBX Domain=pbx.example.com"] })
    expect(r.users[0]!.contactCenter!.pbxDomain).toBeUndefined()
  })

  it("rejects defaults for other fields and invalid default values, naming the entry", () => {
    const r = read(commpeak, csv(head, "jdoe,j@example.com,1,3"), { default: ["Username=x", "Role=Sales", "SIP Settings=Zoiper", "Role"] })
    expect(r.header.map((f) => `${f.code}: ${f.message}`)).toEqual([
      "invalid-choice: default 'Username=x': Username has no same-for-all value; defaults exist for Role, Desk, Skill Group, Tags, SIP Settings, PBX Domain, Authentication",
      "invalid-format: default entry \"Role\" must be Field=value, for example \"Role=3\"",
      "invalid-format: default 'Role=Sales': 'Role' must be a CommPeak role ID (digits, from Users > Roles), not \"Sales\"; to use role names, give a role map (option ids.role)",
      "invalid-choice: default 'SIP Settings=Zoiper': 'SIP Settings' must be one of webrtc, classic-pbx, custom-uri, built-in-pbx (or a label such as \"Use WebRTC\"), not \"Zoiper\""
    ])
  })

  it("ids maps let Role, Desk and Skill Group cells hold names", () => {
    const options = { "ids.role": "name,id\nSales Agent,12\nSupervisor,13\n", "ids.desk": ["Sales;21", "\"Support, EU\";22"], "ids.skillGroup": "ID,Name,Members\n31,Inbound,4\n32,Outbound,2" }
    const r = read(commpeak, csv(`${head},Desk,Skill Group`, "a,a@example.com,1,sales agent,Sales;\"Support, EU\";23,Inbound", "b,b@example.com,2,13,,outbound;31"), options)
    expect(r.header).toEqual([])
    expect(r.issues).toEqual([])
    expect(r.users.map((u) => u.contactCenter)).toEqual([
      { virtualExtension: "1", role: "12", desks: ["21", "22", "23"], skillGroups: ["31"] },
      { virtualExtension: "2", role: "13", desks: [], skillGroups: ["32", "31"] }
    ])
  })

  it("an unmapped name is an error naming the map line to add", () => {
    const r = read(commpeak, csv(`${head},Desk`, "a,a@example.com,1,Sales Agent,", "b,b@example.com,2,3,North;South"), { "ids.role": "Supervisor,13", "ids.desk": "East,1" })
    expect(r.issues.map((i) => `${i.code}@${i.column}: ${i.message}`)).toEqual([
      "invalid-choice@Role: role 'Sales Agent' is not in the role map (ids.role); add a line `Sales Agent,<id>`",
      "invalid-choice@Desk: desks 'North', 'South' are not in the desk map (ids.desk); add a line `<name>,<id>` for each"
    ])
  })

  it("reports bad ID map lines as file-level errors", () => {
    const r = read(commpeak, csv(head, "a,a@example.com,1,3"), { "ids.role": "Sales,12\nSupport\nSales,14\nBoss,x1", "ids.skillGroup": "Inbound,3" })
    expect(r.header.map((f) => `${f.code}: ${f.message}`)).toEqual([
      "invalid-format: ids.role line 2: expected `name,id` with a numeric role id, not \"Support\"",
      "conflict: ids.role line 3: role 'Sales' is mapped to 14, but line 1 maps it to 12; keep one",
      "invalid-format: ids.role line 4: expected `name,id` with a numeric role id, not \"Boss,x1\""
    ])
  })

  it("generateExtensions lets the Virtual Extension be empty or absent, but filled ones stay digits and unique", () => {
    const options = { generateExtensions: "true" }
    const absent = read(commpeak, csv("Username,Email,Role", "a,a@example.com,3"), options)
    expect(absent.header).toEqual([])
    expect(absent.users).toEqual([{ username: "a", email: "a@example.com", contactCenter: { role: "3" } }])
    const r = read(commpeak, csv(head, "a,a@example.com,,3", "b,b@example.com,,3", "c,c@example.com,7,3", "d,d@example.com,7,3", "e,e@example.com,x,3"), options)
    expect(codes(r.issues)).toEqual(["4:duplicate@Virtual Extension", "5:invalid-format@Virtual Extension"])
    expect(r.users[0]).toEqual({ username: "a", email: "a@example.com", extension: null, contactCenter: { virtualExtension: null, role: "3" } })
  })

  it("rejects a generateExtensions that is not true or false", () => {
    expect(read(commpeak, csv(head), { generateExtensions: "yes" }).header).toEqual([{ column: null, code: "invalid-bool", severity: "error", message: "option generateExtensions must be true or false, not \"yes\"" }])
    expect(read(commpeak, csv("Username,Email,Role"), { generateExtensions: "FALSE" }).header.map((f) => f.code)).toEqual(["missing-column"])
  })

  it("the list separator is a setting", () => {
    const r = read(commpeak, csv(`${head},Desk,Tags`, "a,a@example.com,1,3,1|2,a;b|c"), { separator: "|" })
    expect(r.users[0]!.contactCenter).toMatchObject({ desks: ["1", "2"], tags: ["a;b", "c"] })
    expect(read(commpeak, csv(head), { separator: "" }).header.map((f) => f.code)).toEqual(["invalid-format"])
  })

  it("ignores option keys it does not know (such as the suite's writer options)", () => {
    expect(read(commpeak, csv(head, "a,a@example.com,1,3"), { target: "x", other: ["y"] }).header).toEqual([])
  })
})

describe("commpeak: writing", () => {
  const user = (extra: Partial<User.User> = {}): User.User => ({ username: "jdoe", email: "jane@example.com", contactCenter: { virtualExtension: "1001", role: "3" }, ...extra })

  it("writes the used columns in the dialect's order, lists joined by ';', and kept columns last", () => {
    const w = write(commpeak, [
      { lastName: "Doe", firstName: "Jane", ...user(), extras: { commpeak: { Department: "Sales" } } },
      { username: "ann", email: "a@example.com", contactCenter: { twoFactor: "google", virtualExtension: "1002", role: "4", desks: ["1", "2"], tags: [] } }
    ])
    expect(w.encoded.flatMap((e) => e.findings)).toEqual([])
    expect(w.header).toEqual(["Username", "Email", "Virtual Extension", "Role", "Desk", "Tags", "First Name", "Last Name", "Authentication", "Department"])
    expect(w.rows[1]).toEqual(["ann", "a@example.com", "1002", "4", "1;2", "", "", "", "google", ""])
  })

  it("takes the Virtual Extension from the canonical extension (a Wazo exten) when it has none", () => {
    const w = write(commpeak, [{ username: "w", email: "w@example.com", extension: "0102", contactCenter: { role: "3" } }])
    expect(w.encoded[0]!.cells).toEqual({ Username: "w", Email: "w@example.com", "Virtual Extension": "0102", Role: "3" })
  })

  it("refuses a user whose extension and Virtual Extension differ", () => {
    const w = write(commpeak, [user({ extension: "2002" })])
    expect(w.encoded[0]!.findings).toEqual([{ column: "Virtual Extension", code: "conflict", severity: "error", message: "the user's extension '2002' and Virtual Extension '1001' differ; CommPeak has one virtual extension: make them equal or leave one empty" }])
  })

  it("refuses what it would not read back: no role, bad email, classic-pbx without a domain", () => {
    const w = write(commpeak, [
      { username: "a", email: "a@example.com", extension: "1" },
      user({ email: "not an address" }),
      { ...user(), contactCenter: { virtualExtension: "1", role: "3", sipMode: "classic-pbx" } }
    ])
    expect(w.encoded.map((e) => codes(e.findings))).toEqual([["missing-required@Role"], ["invalid-format@Email"], ["missing-required@PBX Domain"]])
  })

  it("fills same-for-all values, so the written file says them in every row", () => {
    const w = write(commpeak, [{ username: "a", email: "a@example.com", extension: "1" }], { default: ["Role=7", "Authentication=disabled"] })
    expect(w.encoded[0]!.cells).toEqual({ Username: "a", Email: "a@example.com", "Virtual Extension": "1", Role: "7", Authentication: "disabled" })
  })

  it("turns role, desk and skill group names into IDs with the maps", () => {
    const options = { "ids.role": "Sales Agent,12", "ids.desk": "Sales,21", "ids.skillGroup": "Inbound,31" }
    const w = write(commpeak, [{ ...user(), contactCenter: { virtualExtension: "1", role: "Sales Agent", desks: ["Sales", "22"], skillGroups: ["inbound"] } }], options)
    expect(w.encoded[0]!.cells).toMatchObject({ Role: "12", Desk: "21;22", "Skill Group": "31" })
    const missing = write(commpeak, [{ ...user(), contactCenter: { virtualExtension: "1", role: "Boss" } }], options)
    expect(missing.encoded[0]!.findings.map((f) => f.message)).toEqual(["role 'Boss' is not in the role map (ids.role); add a line `Boss,<id>`"])
  })

  it("leaves out kept columns whose names would read back as a field", () => {
    const w = write(commpeak, [user({ extras: { commpeak: { "E-mail": "old@example.com", Note: "x" } } })])
    expect(w.encoded[0]!.findings).toEqual([{ column: "E-mail", code: "not-carried", severity: "warning", message: "column 'E-mail' kept from the source file is not written: it would read back as Email" }])
    expect(w.encoded[0]!.cells).toMatchObject({ Email: "jane@example.com", Note: "x" })
  })

  it("fails every row, naming the option, when a writer option is wrong", () => {
    const w = write(commpeak, [user()], { default: ["Role=abc"] })
    expect(codes(w.encoded[0]!.findings)).toEqual(["invalid-format@-"])
  })

  it("ignores the map option when writing: the written names are the dialect's", () => {
    const w = write(commpeak, [user()], { map: ["Virtual Extension=Ext"] })
    expect(Object.keys(w.encoded[0]!.cells!)).toEqual(["Username", "Email", "Virtual Extension", "Role"])
  })

  it("allows an empty Virtual Extension when CommPeak generates it", () => {
    const users = [{ username: "a", email: "a@example.com", contactCenter: { role: "3" } }]
    expect(codes(write(commpeak, users).encoded[0]!.findings)).toEqual(["missing-required@Virtual Extension"])
    expect(write(commpeak, users, { generateExtensions: "true" }).encoded[0]!.findings).toEqual([])
  })

  it("reads back what it writes, secrets aside", () => {
    const u: User.User = {
      username: "zoë", email: "zoe@example.com", firstName: "Zoë, \"Z\"", lastName: "Line\nBreak", extension: "0101",
      password: Redacted.make("not-carried"),
      contactCenter: { virtualExtension: "0101", role: "3", desks: ["1", "2"], skillGroups: [], tags: ["a b"], sipMode: "custom-uri", customUri: "sip:0101@pbx.example.com", twoFactor: "email" }
    }
    const w = write(commpeak, [u])
    const back = commpeak.reader(w.header, {}).decode({ row: 1, line: 2, cells: w.rows[0]! })
    expect(back.findings).toEqual([])
    const { password: _, ...rest } = u
    expect(back.user).toEqual(rest)
  })
})
