/**
 * The `commpeak` dialect: the CSV file of CommPeak Dialer's Users > Create from file.
 *
 * CommPeak publishes no header (its upload screen maps columns by hand), so the names are the
 * project's (docs/dialects/commpeak.md), read loosely and remappable with the `map` option;
 * same-for-all values (`default`), name-to-ID maps (`ids.*`) and generated extensions
 * (`generateExtensions`) mirror the choices of the upload screen. One upload takes at most 500
 * users, so the pipeline writes numbered files of 500.
 *
 * The Virtual Extension is also the canonical `extension`: decoding sets both, and encoding
 * falls back on `extension`, so a Wazo `exten` or a BroadWorks extension becomes the agent's
 * virtual extension.
 */
import { Adapter, Codec, Field, Issue, Table, type User } from "@pbxport/core"
import * as Columns from "./columns.js"
import * as Options from "./options.js"
import * as Rules from "./rules.js"

const id = "commpeak"

/** The columns a file must have (or the options that stand in for them). */
const mandatory = (settings: Options.Settings): Array<{ readonly field: Columns.Header; readonly instead: string }> => [
  { field: "Username", instead: "" },
  { field: "Email", instead: "" },
  ...(settings.generateExtensions ? [] : [{ field: "Virtual Extension" as const, instead: ", or let CommPeak generate them (option generateExtensions=true)" }]),
  ...(settings.defaults.some((d) => d.field === "Role") ? [] : [{ field: "Role" as const, instead: ", or give one role for every user (default Role=<id>)" }])
]

/**
 * The options of one run with the codecs and same-for-all values they give.
 */
interface Run {
  readonly settings: Options.Settings
  readonly columns: ReadonlyArray<Table.TableColumn>
  readonly defaults: ReadonlyArray<{ readonly field: Columns.Header; readonly target: string; readonly value: unknown }>
  readonly findings: ReadonlyArray<Issue.Finding>
}

const prepare = (options: Adapter.Options, direction: "read" | "write"): Run => {
  const settings = Options.parse(options, direction)
  const columns = Columns.columns({
    separator: settings.separator,
    ids: settings.ids,
    generateExtensions: settings.generateExtensions,
    defaulted: new Set(settings.defaults.map((d) => d.field))
  })
  const findings = [...settings.findings]
  const defaults: Array<Run["defaults"][number]> = []
  for (const d of settings.defaults) {
    const column = columns.find((c) => c.header === d.field)!
    const result = column.codec.decode(d.value, d.field)
    if (Codec.isFinding(result)) findings.push(Issue.error(result.code, null, `default '${d.entry}': ${result.message}`))
    else defaults.push({ field: d.field, target: column.target!, value: result.value })
  }
  return { settings, columns, defaults, findings }
}

/**
 * Gives the same-for-all values to a user that has none (absent, empty, or an empty list); the
 * PBX domain only to `classic-pbx` users, as the upload screen asks for it only there.
 */
const fillDefaults = (user: User.User, run: Run): User.User => {
  let out = user
  for (const d of run.defaults) {
    if (Field.isFilled(Field.get(out, d.target))) continue
    if (d.field === "PBX Domain" && out.contactCenter?.sipMode !== "classic-pbx") continue
    out = Field.set(out, d.target, d.value)
  }
  return out
}

/** The table of a run; `shown` names columns as the file does. */
const spec = (run: Run, columns: ReadonlyArray<Table.TableColumn>, shown: Rules.Shown, extra: Partial<Table.Spec> = {}): Table.Spec => {
  const perUpload = Rules.perUpload(shown)
  return {
    id,
    columns,
    empty: Columns.empty,
    match: "loose",
    after: (user) => {
      const out = fillDefaults(user, run)
      const ve = out.contactCenter?.virtualExtension
      return ve === undefined ? out : { ...out, extension: ve }
    },
    rules: (user, view) => {
      const findings = Rules.sip(user, shown)
      return Issue.hasError(findings) ? findings : [...findings, ...perUpload(user, view.row)]
    },
    ...extra
  }
}

/**
 * Starts reading a file: resolves the `map` option against the header, checks that the
 * mandatory columns are there, then decodes records with the column table.
 */
const reader = (header: ReadonlyArray<string> | null, options: Adapter.Options): Adapter.RowReader => {
  const run = prepare(options, "read")
  const cols = header ?? []
  const findings: Array<Issue.Finding> = [...run.findings]
  const mapped = new Map<Columns.Header, string>()
  for (const m of run.settings.map) {
    const source = cols.find((h) => h === m.value) ?? cols.find((h) => Table.looseKey(h) === Table.looseKey(m.value))
    const taken = [...mapped].find(([, s]) => s === source)
    if (source === undefined) {
      findings.push(Issue.error("missing-column", m.value, `map '${m.entry}': the file has no column '${m.value}'; its columns are ${cols.map((h) => `'${h}'`).join(", ")}`))
    } else if (taken !== undefined) {
      findings.push(Issue.error("conflict", source, `map '${m.entry}': column '${source}' already holds ${taken[0]}; a column feeds one field (PBX Device falls back on the Virtual Extension by itself)`))
    } else mapped.set(m.field, source)
  }
  // Mapped columns come last: Table lets the last claim of a header win, so a mapped source
  // takes its header away from the column whose name or alias it happens to be.
  const columns = [
    ...run.columns.filter((c) => !mapped.has(c.header as Columns.Header)),
    ...run.columns.filter((c) => mapped.has(c.header as Columns.Header)).map((c) => ({ ...c, header: mapped.get(c.header as Columns.Header)!, aliases: [] }))
  ]
  const fieldOf = new Map<string, Columns.Header>()
  for (const h of Columns.Headers) if (!mapped.has(h)) for (const name of [h, ...Columns.Aliases[h]]) fieldOf.set(Table.looseKey(name), h)
  for (const [field, source] of mapped) fieldOf.set(Table.looseKey(source), field)
  const claims = new Map<Columns.Header, Array<string>>()
  for (const h of cols) {
    const field = fieldOf.get(Table.looseKey(h))
    if (field !== undefined) claims.set(field, [...(claims.get(field) ?? []), h])
  }
  const shown: Rules.Shown = (field) => claims.get(field)?.at(-1) ?? field
  const checkHeader = (): Array<Issue.Finding> => {
    // CommPeak allows a blank row above the header (2022 release note); a spreadsheet saves it as ",,,"
    if (cols.length > 0 && cols.every((h) => h.trim() === "")) {
      return [Issue.error("missing-column", null, "the first row is empty: the header must be the first row; remove the empty row above it")]
    }
    const out: Array<Issue.Finding> = []
    for (const [field, headers] of claims) {
      if (headers.length > 1) out.push(Issue.warning("duplicate-column", headers.at(-1)!, `${headers.map((h) => `'${h}'`).join(" and ")} ${headers.length === 2 ? "both" : "all"} hold ${field}; only the last one, '${headers.at(-1)}', is read`))
    }
    for (const { field, instead } of mandatory(run.settings)) {
      if (claims.has(field)) continue
      const also = Columns.Aliases[field].length > 0 ? ` (also read as ${Columns.Aliases[field].join(", ")})` : ""
      out.push(Issue.error("missing-column", field, `the file has no ${field} column${also}; add one, name the column that holds it (map ${field}=<column>)${instead}`))
    }
    return out
  }
  const unknownColumn = (h: string): Issue.Finding => {
    const natural = Columns.columnOf(h)
    return natural !== undefined && mapped.has(natural)
      ? Issue.warning("unknown-column", h, `column '${h}' is not read as ${natural}: the map takes ${natural} from column '${mapped.get(natural)}'; its values are kept but not interpreted`)
      : Issue.warning("unknown-column", h, `column '${h}' is not a ${id} column; its values are kept but not interpreted`)
  }
  const table = Table.reader(spec(run, columns, shown, { checkHeader, unknownColumn }))(header, options)
  return { findings: [...findings, ...table.findings], decode: table.decode }
}

/**
 * Prepares a user for writing: same-for-all values, the Virtual Extension from `extension`,
 * role, desk and skill group names turned into IDs, and kept columns whose names would read back
 * as a field left out.
 */
const prepareUser = (input: User.User, run: Run): { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> } => {
  const findings: Array<Issue.Finding> = []
  let user = fillDefaults(input, run)
  const ve = user.contactCenter?.virtualExtension
  if (Field.isFilled(user.extension)) {
    if (!Field.isFilled(ve)) user = Field.set(user, "contactCenter.virtualExtension", user.extension)
    else if (ve !== user.extension) {
      findings.push(Issue.error("conflict", "Virtual Extension", `the user's extension '${user.extension}' and Virtual Extension '${ve}' differ; CommPeak has one virtual extension: make them equal or leave one empty`))
    }
  }
  const lists = [["Role", "role", "contactCenter.role"], ["Desk", "desk", "contactCenter.desks"], ["Skill Group", "skillGroup", "contactCenter.skillGroups"]] as const
  for (const [column, kind, path] of lists) {
    const value = Field.get(user, path) as string | ReadonlyArray<string> | null | undefined
    if (value === null || value === undefined || !Field.isFilled(value)) continue
    const items = (typeof value === "string" ? [value] : value).map((s) => s.trim()).filter((s) => s !== "")
    const result = Columns.resolveIds(kind, column, items, run.settings.ids[kind])
    if (Codec.isFinding(result)) findings.push(result)
    else if (typeof value === "string") {
      if (result.value[0] !== value) user = Field.set(user, path, result.value[0])
    } else if (result.value.length !== value.length || result.value.some((v, i) => v !== value[i])) user = Field.set(user, path, result.value)
  }
  const kept = user.extras?.[id]
  if (kept !== undefined) {
    const clash = Object.keys(kept).filter((h) => Columns.columnOf(h) !== undefined)
    if (clash.length > 0) {
      for (const h of clash) findings.push(Issue.warning("not-carried", h, `column '${h}' kept from the source file is not written: it would read back as ${Columns.columnOf(h)}`))
      user = { ...user, extras: { ...user.extras, [id]: Object.fromEntries(Object.entries(kept).filter(([h]) => !clash.includes(h))) } }
    }
  }
  return { user, findings }
}

/**
 * Starts writing: every row is prepared, encoded with the column table, and read back with the
 * same options (Table.writer), so pbxport never writes a row CommPeak's rules reject.
 */
const writer = (options: Adapter.Options): Adapter.RowWriter => {
  const run = prepare(options, "write")
  const shown: Rules.Shown = (field) => field
  const table = Table.writer(spec(run, run.columns, shown, { beforeEncode: (user) => prepareUser(user, run) }))(options)
  // The contract has no file-level findings for a writer: a bad option fails every row, naming the option.
  const bad = run.findings.filter((f) => f.severity === "error")
  return bad.length > 0 ? { ...table, encode: () => ({ cells: {}, findings: bad }) } : table
}

const base = { id, columns: Columns.columns(Columns.plain), empty: Columns.empty, match: "loose" } satisfies Table.Spec

/**
 * The `commpeak` dialect.
 */
export const commpeak: Adapter.Adapter = Adapter.make({
  id,
  family: "commpeak",
  title: "CommPeak Dialer user import",
  description:
    "The CSV file of CommPeak Dialer's Users > Create from file (mass user creation): at most 500 users per file; headers matched loosely and remappable; roles, desks and skill groups as CommPeak IDs or mapped names.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Table.columns(base),
  capabilities: { maxRowsPerFile: 500, carries: [...Table.carries(base), "extension"] },
  template: {
    header: [...Columns.Headers],
    example: ["jdoe", "jane.doe@example.com", "1001", "3", "1;2", "5", "vip", "Jane", "Doe", "webrtc", "", "", "", "default"]
  },
  unique: [
    { column: "Username", label: "username", key: (u) => u.username ?? undefined },
    { column: "Email", label: "email", key: (u) => u.email?.toLowerCase() },
    { column: "Virtual Extension", label: "virtual extension", key: (u) => u.contactCenter?.virtualExtension ?? undefined }
  ],
  reader,
  writer
})
