/**
 * The columns of the CommPeak mass user creation file, and the cell codecs they use.
 *
 * CommPeak publishes no header strings: its upload screen maps file columns to fields by hand
 * (docs.commpeak.com "Mass User Creation"; /work/shared/specs/commpeak.md §1). The names, aliases
 * and cell forms below are the project's dialect (spec §2, docs/dialects/commpeak.md). Codecs
 * that depend on a run's options (list separator, name-to-ID maps) are built from {@link Codecs}.
 */
import { Codec, Issue, Table, User } from "@pbxport/core"

/**
 * The columns the dialect writes, in the order it writes them.
 */
export const Headers = [
  "Username",
  "Email",
  "Virtual Extension",
  "Role",
  "Desk",
  "Skill Group",
  "Tags",
  "First Name",
  "Last Name",
  "SIP Settings",
  "PBX Domain",
  "PBX Device",
  "Custom URI",
  "Authentication"
] as const

/**
 * One column name of the dialect.
 */
export type Header = (typeof Headers)[number]

/**
 * Other spellings read as each column (matched ignoring case, spaces, `_` and `-`); the API's
 * field names (`virtual_extension`, `twofa_type`, `sip_uri`, ...) are among them, so a CSV made
 * from `GET /api/users/` reads too.
 */
export const Aliases: Readonly<Record<Header, ReadonlyArray<string>>> = {
  Username: ["User Name", "Login", "Login Name"],
  Email: ["E-mail", "Email Address", "Mail"],
  "Virtual Extension": ["Extension", "Ext", "Virtual Ext"],
  Role: ["Roles", "Role ID", "Role IDs"],
  Desk: ["Desks", "Desk ID", "Desk IDs", "User Desk", "User Desks"],
  "Skill Group": ["Skill Groups", "Skill Group ID", "Skill Group IDs", "Skills"],
  Tags: ["Tag"],
  "First Name": ["Given Name"],
  "Last Name": ["Surname", "Family Name"],
  "SIP Settings": ["SIP", "SIP Setting", "SIP Option", "SIP Mode"],
  "PBX Domain": ["Domain"],
  "PBX Device": ["Device", "PBX Extension"],
  "Custom URI": ["URI", "SIP URI"],
  Authentication: ["Authentication Type", "2FA", "2FA Type", "Two Factor", "twofa_type"]
}

/**
 * The canonical path each column carries.
 */
export const Targets: Readonly<Record<Header, string>> = {
  Username: "username",
  Email: "email",
  "Virtual Extension": "contactCenter.virtualExtension",
  Role: "contactCenter.role",
  Desk: "contactCenter.desks",
  "Skill Group": "contactCenter.skillGroups",
  Tags: "contactCenter.tags",
  "First Name": "firstName",
  "Last Name": "lastName",
  "SIP Settings": "contactCenter.sipMode",
  "PBX Domain": "contactCenter.pbxDomain",
  "PBX Device": "contactCenter.pbxDevice",
  "Custom URI": "contactCenter.customUri",
  Authentication: "contactCenter.twoFactor"
}

const byName = new Map<string, Header>()
for (const h of Headers) for (const name of [h, ...Aliases[h]]) byName.set(Table.looseKey(name), h)
const byField = new Map(byName)
for (const h of Headers) byField.set(Table.looseKey(Targets[h]), h)

/**
 * Finds the column a file header is read as (its name or an alias, loosely), or undefined.
 */
export const columnOf = (header: string): Header | undefined => byName.get(Table.looseKey(header))

/**
 * Finds the column an option names: a column name, an alias or the canonical path it carries
 * (`contactCenter.virtualExtension`), loosely; or undefined.
 */
export const headerOf = (name: string): Header | undefined => byField.get(Table.looseKey(name))

/** The list separator of Desk, Skill Group and Tags cells. Unverified: CommPeak publishes none. */
export const defaultSeparator = ";"

/**
 * The three kinds of CommPeak IDs a cell may hold, with the Dialer page that lists them.
 */
export type IdKind = "role" | "desk" | "skillGroup"

/** What each kind of ID is called in messages, and where CommPeak shows it. */
export const IdKinds: Readonly<Record<IdKind, { readonly label: string; readonly plural: string; readonly page: string; readonly option: string }>> = {
  role: { label: "role", plural: "roles", page: "Users > Roles", option: "ids.role" },
  desk: { label: "desk", plural: "desks", page: "Users > User Desks", option: "ids.desk" },
  skillGroup: { label: "skill group", plural: "skill groups", page: "Users > Skill Groups", option: "ids.skillGroup" }
}

/**
 * A name-to-ID map of one kind (the contents of a map file), keyed by {@link nameKey}.
 */
export interface IdMap {
  readonly kind: IdKind
  readonly ids: ReadonlyMap<string, string>
}

/**
 * How names are compared with a map: trimmed, inner spaces collapsed, case ignored.
 */
export const nameKey = (name: string): string => name.trim().replace(/\s+/g, " ").toLowerCase()

/** A CommPeak ID: digits only. */
export const isId = (s: string): boolean => /^[0-9]+$/.test(s)

/**
 * Turns names into IDs: an item of digits is an ID already; any other is looked up in the map.
 * The finding names the map line to add, or the option that would allow names.
 */
export const resolveIds = (kind: IdKind, column: string, items: ReadonlyArray<string>, map: IdMap | undefined): { readonly value: Array<string> } | Issue.Finding => {
  const info = IdKinds[kind]
  const value: Array<string> = []
  const unknown: Array<string> = []
  for (const item of items) {
    const id = isId(item) ? item : map?.ids.get(nameKey(item))
    if (id === undefined) unknown.push(item)
    else value.push(id)
  }
  if (unknown.length === 0) return { value }
  if (map === undefined) {
    const what = kind === "role" ? `a CommPeak role ID (digits, from ${info.page}), not "${unknown[0]}"` : `CommPeak ${info.label} IDs (digits, from ${info.page}); not IDs: ${unknown.map((u) => `"${u}"`).join(", ")}`
    return Issue.error("invalid-format", column, `'${column}' must ${kind === "role" ? "be" : "hold"} ${what}; to use ${info.label} names, give a ${info.label} map (option ${info.option})`)
  }
  return unknown.length === 1
    ? Issue.error("invalid-choice", column, `${info.label} '${unknown[0]}' is not in the ${info.label} map (${info.option}); add a line \`${unknown[0]},<id>\``)
    : Issue.error("invalid-choice", column, `${info.plural} ${unknown.map((u) => `'${u}'`).join(", ")} are not in the ${info.label} map (${info.option}); add a line \`<name>,<id>\` for each`)
}

/** Splits a list cell: items trimmed, empty items (a trailing separator) dropped. */
const items = (cell: string, separator: string): Array<string> => cell.split(separator).map((s) => s.trim()).filter((s) => s !== "")

const idCodec = (kind: IdKind, map: IdMap | undefined): Codec.Codec<string> => ({
  describe: `CommPeak ${IdKinds[kind].label} ID (digits)${map ? " or a name in the map" : ""}`,
  decode: (cell, column) => {
    const r = resolveIds(kind, column, [cell.trim()], map)
    return Codec.isFinding(r) ? r : { value: r.value[0]! }
  },
  encode: (value) => value
})

const idList = (kind: IdKind, separator: string, map: IdMap | undefined): Codec.Codec<ReadonlyArray<string>> => ({
  describe: `CommPeak ${IdKinds[kind].label} IDs separated by \`${separator}\``,
  empty: [],
  decode: (cell, column) => resolveIds(kind, column, items(cell, separator), map),
  encode: (value) => value.join(separator)
})

const textList = (separator: string): Codec.Codec<ReadonlyArray<string>> => ({
  describe: `list separated by \`${separator}\``,
  empty: [],
  decode: (cell) => ({ value: items(cell, separator) }),
  encode: (value) => value.join(separator)
})

const pattern = (re: RegExp, describe: string, expected: string): Codec.Codec<string> => ({
  describe,
  decode: (cell, column) => (re.test(cell) ? { value: cell } : Issue.error("invalid-format", column, `'${column}' must be ${expected}, not "${cell}"`)),
  encode: (value) => value
})

/** An address with one `@`, no spaces, and a dot in the domain. */
export const emailPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/
/** A SIP URI with a user part and a PBX domain (optional `sip:`/`sips:`, port and parameters). */
export const uriPattern = /^(sips?:)?[^\s@:;]+@[^\s@:;.]+(\.[^\s@:;.]+)*(:[0-9]{1,5})?(;\S*)?$/i

const choiceKey = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "")

/**
 * A choice matched ignoring case, spaces and punctuation, so the upload screen's labels
 * ("Use CommPeak classic PBX", "Disabled - login without 2FA") read as their values.
 */
const looseChoice = <const L extends string>(choices: ReadonlyArray<L>, labels: Readonly<Record<string, L>>, hint: string): Codec.Codec<L> => {
  const table = new Map<string, L>()
  for (const c of choices) table.set(choiceKey(c), c)
  for (const [label, c] of Object.entries(labels)) table.set(choiceKey(label), c)
  return {
    describe: `one of ${choices.map((c) => `\`${c}\``).join(", ")} (or the upload screen's label)`,
    decode: (cell, column) => {
      const value = table.get(choiceKey(cell))
      return value !== undefined
        ? { value }
        : Issue.error("invalid-choice", column, `'${column}' must be one of ${choices.join(", ")} (or a label such as "${hint}"), not "${cell}"`)
    },
    encode: (value) => value
  }
}

/** The SIP Settings labels of the upload screen (seed 002, spec §1). */
export const SipLabels: Readonly<Record<string, (typeof User.SipModes)[number]>> = {
  "Use WebRTC": "webrtc",
  "Use CommPeak classic PBX": "classic-pbx",
  "CommPeak classic PBX": "classic-pbx",
  "classic PBX": "classic-pbx",
  "Use Custom URI": "custom-uri",
  "Use Built-in PBX": "built-in-pbx",
  builtin: "built-in-pbx"
}

/** The authentication labels of the upload screen (seed 002, spec §1). */
export const AuthenticationLabels: Readonly<Record<string, (typeof User.TwoFactorTypes)[number]>> = {
  "Default from Role/Tenant": "default",
  "Disabled - login without 2FA": "disabled",
  "Email - with one-time code": "email",
  "Google 2FA App - with one-time code": "google",
  "Google 2FA App": "google",
  "Google 2FA": "google"
}

/**
 * What the codecs of one run depend on.
 */
export interface Codecs {
  readonly separator: string
  readonly ids: Readonly<Record<IdKind, IdMap | undefined>>
  /** Virtual Extension is required unless CommPeak generates it. */
  readonly generateExtensions: boolean
  /** Columns with a same-for-all value, which are then not required. */
  readonly defaulted: ReadonlySet<Header>
}

/**
 * The codecs of a run with no options.
 */
export const plain: Codecs = { separator: defaultSeparator, ids: { role: undefined, desk: undefined, skillGroup: undefined }, generateExtensions: false, defaulted: new Set() }

/**
 * The column table of a run.
 */
export const columns = (c: Codecs): Array<Table.TableColumn> => {
  const column = (header: Header, codec: Codec.Codec<any>, description: string, required = false, type?: string): Table.TableColumn => ({
    header,
    aliases: Aliases[header],
    target: Targets[header],
    codec,
    description,
    required,
    ...(type ? { type } : {})
  })
  return [
    column("Username", Codec.text, "Login user name; unique in the file.", true),
    column("Email", pattern(emailPattern, "email address", "an address like name@example.com"), "Email address, unique in the file whatever the case.", true),
    column(
      "Virtual Extension",
      pattern(/^[0-9]+$/, "digits", "digits 0-9 (the user's virtual extension in the Dialer)"),
      "The user's virtual extension in the Dialer, digits, unique in the file; also the canonical `extension`; may be empty with option `generateExtensions=true`.",
      !c.generateExtensions
    ),
    column("Role", idCodec("role", c.ids.role), "CommPeak role ID from Users > Roles, or a role name listed in option `ids.role`; or one role for every user with option `default Role=<id>`.", !c.defaulted.has("Role")),
    column("Desk", idList("desk", c.separator, c.ids.desk), "CommPeak desk IDs from Users > User Desks, or desk names listed in option `ids.desk`."),
    column("Skill Group", idList("skillGroup", c.separator, c.ids.skillGroup), "CommPeak skill group IDs from Users > Skill Groups, or names listed in option `ids.skillGroup`."),
    column("Tags", textList(c.separator), "Tags."),
    column("First Name", Codec.text, "First name."),
    column("Last Name", Codec.text, "Last name."),
    column(
      "SIP Settings",
      looseChoice(User.SipModes, SipLabels, "Use WebRTC"),
      "How calls reach the agent; empty means `webrtc`, CommPeak's default. `classic-pbx` needs PBX Domain and a PBX Device (or the Virtual Extension); `custom-uri` needs a Custom URI."
    ),
    column("PBX Domain", Codec.text, "CommPeak PBX domain, for `classic-pbx`."),
    column("PBX Device", Codec.text, "PBX device (extension) number, for `classic-pbx`; the Virtual Extension when empty."),
    column("Custom URI", pattern(uriPattern, "SIP URI (user@domain)", "a SIP URI with a user and a PBX domain, like sip:1001@pbx.example.com"), "SIP URI of the agent's device on a third-party PBX, for `custom-uri`."),
    column("Authentication", looseChoice(User.TwoFactorTypes, AuthenticationLabels, "Disabled - login without 2FA"), "Second-factor authentication (`twofa_type`); CommPeak sets it once per upload.")
  ]
}

/**
 * The value of an empty-looking cell: blank or spaces only is "given, empty".
 */
export const empty: Table.EmptyPolicy = (cell) => (cell.trim() === "" ? "null" : "value")
