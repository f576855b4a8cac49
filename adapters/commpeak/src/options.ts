/**
 * The options of the `commpeak` dialect, checked once per file into a strict form.
 *
 * CommPeak's upload screen lets a person name the column of each field, pick one value "From
 * Dialer" for every user, and ask for generated extensions; these options say the same to
 * pbxport. Values arrive as strings or string arrays (the CLI reads mapping and ID map files and
 * passes their contents): the adapter never reads a file. A bad option is a file-level error.
 */
import { type Adapter, Issue, Table } from "@pbxport/core"
import { defaultSeparator, type Header, headerOf, Headers, type IdKind, IdKinds, type IdMap, isId, nameKey } from "./columns.js"

/**
 * The columns a same-for-all value may be given for (CommPeak's "From Dialer" choice and the
 * import-wide SIP and authentication settings).
 */
export const Defaultable: ReadonlyArray<Header> = ["Role", "Desk", "Skill Group", "Tags", "SIP Settings", "PBX Domain", "Authentication"]

/**
 * One `Field=value` entry of the `map` or `default` option.
 */
export interface Entry {
  readonly field: Header
  readonly value: string
  /** The entry as given, for messages. */
  readonly entry: string
}

/**
 * The options of one run, checked.
 */
export interface Settings {
  /** Field -> source column (reading only). */
  readonly map: ReadonlyArray<Entry>
  /** Field -> same-for-all cell, in column order. */
  readonly defaults: ReadonlyArray<Entry>
  readonly ids: Readonly<Record<IdKind, IdMap | undefined>>
  readonly generateExtensions: boolean
  readonly separator: string
  /** What is wrong with the options (errors, file-level). */
  readonly findings: ReadonlyArray<Issue.Finding>
}

const strings = (value: unknown): Array<string> =>
  typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []

/** The non-blank, non-comment lines of an option (a string, an array, or file contents). */
const lines = (value: unknown): Array<string> =>
  strings(value).flatMap((s) => s.split(/\r?\n/)).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))

const fieldList = Headers.join(", ")

const entries = (
  option: "map" | "default",
  value: unknown,
  allowed: ReadonlyArray<Header>,
  findings: Array<Issue.Finding>
): Array<Entry> => {
  const out: Array<Entry> = []
  const example = option === "map" ? "Virtual Extension=Ext" : "Role=3"
  for (const entry of lines(value)) {
    const at = entry.indexOf("=")
    const name = at < 0 ? "" : entry.slice(0, at).trim()
    const given = at < 0 ? "" : entry.slice(at + 1).trim()
    if (name === "" || given === "") {
      findings.push(Issue.error("invalid-format", null, `${option} entry "${entry}" must be Field=${option === "map" ? "Source column" : "value"}, for example "${example}"`))
      continue
    }
    const field = headerOf(name)
    if (field === undefined) {
      findings.push(Issue.error("invalid-choice", null, `${option} '${entry}': '${name}' is not a CommPeak field; use one of ${fieldList}`))
      continue
    }
    if (!allowed.includes(field)) {
      findings.push(Issue.error("invalid-choice", null, `default '${entry}': ${field} has no same-for-all value; defaults exist for ${allowed.join(", ")}`))
      continue
    }
    const twice = out.find((e) => e.field === field)
    if (twice !== undefined) {
      findings.push(Issue.error("conflict", null, `${option} names ${field} twice ('${twice.entry}' and '${entry}'); keep one`))
      continue
    }
    out.push({ field, value: given, entry })
  }
  return out.sort((a, b) => Headers.indexOf(a.field) - Headers.indexOf(b.field))
}

/** Removes quoted parts, to see which delimiter a line uses outside quotes. */
const unquoted = (line: string): string => line.replace(/"(?:[^"]|"")*"/g, "")

/**
 * Splits one line of a map file: comma-separated, or `;` or TAB when the line has no comma
 * (spreadsheets in many locales save `;`); double quotes as in CSV.
 */
export const splitLine = (line: string): Array<string> => {
  const bare = unquoted(line)
  const delimiter = [",", ";", "\t"].find((d) => bare.includes(d)) ?? ","
  const out: Array<string> = []
  let cell = ""
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch !== "\"") cell += ch
      else if (line[i + 1] === "\"") {
        cell += "\""
        i++
      } else quoted = false
    } else if (ch === "\"" && cell.trim() === "") {
      quoted = true
      cell = ""
    } else if (ch === delimiter) {
      out.push(cell)
      cell = ""
    } else cell += ch
  }
  out.push(cell)
  return out.map((c) => c.trim())
}

/**
 * Reads the contents of a name-to-ID map file: `name,id` per line, an optional header line.
 *
 * **Details**
 * A header (a first line with no ID in it) may name the columns (`ID,Name,...`, as copied from a
 * Dialer page); without one, the ID is the second field, or the first when only the first is
 * digits. Names are compared trimmed and ignoring case.
 */
export const parseIdMap = (kind: IdKind, text: string): { readonly map: IdMap; readonly findings: Array<Issue.Finding> } => {
  const { label, option } = IdKinds[kind]
  const findings: Array<Issue.Finding> = []
  const rows = text.split(/\r?\n/).map((l, i) => ({ n: i + 1, line: l.replace(/^\uFEFF/, "") })).filter((r) => r.line.trim() !== "" && !r.line.trim().startsWith("#"))
  let nameAt = 0
  let idAt = 1
  const first = rows[0] === undefined ? [] : splitLine(rows[0].line)
  let data = rows
  if (first.length > 0 && !first.some(isId)) {
    data = rows.slice(1)
    const keys = first.map(Table.looseKey)
    const id = keys.findIndex((k) => k === "id" || k.endsWith("id"))
    const name = keys.findIndex((k) => k.includes("name"))
    if (id >= 0) idAt = id
    if (name >= 0) nameAt = name
    else if (id === 0) nameAt = 1
  } else if (first.length >= 2 && isId(first[0]!) && !isId(first[1]!)) {
    nameAt = 1
    idAt = 0
  }
  const ids = new Map<string, string>()
  const lineOf = new Map<string, number>()
  for (const { n, line } of data) {
    const fields = splitLine(line)
    const name = fields[nameAt] ?? ""
    const id = fields[idAt] ?? ""
    if (name === "" || !isId(id)) {
      findings.push(Issue.error("invalid-format", null, `${option} line ${n}: expected \`name,id\` with a numeric ${label} id, not "${line.trim()}"`))
      continue
    }
    const key = nameKey(name)
    const known = ids.get(key)
    if (known !== undefined && known !== id) {
      findings.push(Issue.error("conflict", null, `${option} line ${n}: ${label} '${name}' is mapped to ${id}, but line ${lineOf.get(key)} maps it to ${known}; keep one`))
      continue
    }
    ids.set(key, id)
    lineOf.set(key, n)
  }
  return { map: { kind, ids }, findings }
}

const flag = (option: string, value: unknown, findings: Array<Issue.Finding>): boolean => {
  if (value === undefined) return false
  if (value === true || value === false) return value
  const text = strings(value).at(-1)?.trim().toLowerCase()
  if (text === "true") return true
  if (text === "false" || text === "") return false
  findings.push(Issue.error("invalid-bool", null, `option ${option} must be true or false, not "${strings(value).at(-1) ?? String(value)}"`))
  return false
}

/**
 * Checks the options of one run.
 *
 * **Details**
 * Keys: `map` and `default` (`Field=...` entries: strings, arrays, or file contents with one
 * entry per line, `#` comments allowed), `ids.role`, `ids.desk`, `ids.skillGroup` (map file
 * contents), `generateExtensions` (`true`/`false`), `separator` (the list separator, default
 * `;`). Other keys are ignored. `map` is a reading option: writing always uses the dialect's names.
 */
export const parse = (options: Adapter.Options, direction: "read" | "write"): Settings => {
  const findings: Array<Issue.Finding> = []
  const map = direction === "read" ? entries("map", options.map, Headers, findings) : []
  const defaults = entries("default", options.default, Defaultable, findings)
  const ids: Record<IdKind, IdMap | undefined> = { role: undefined, desk: undefined, skillGroup: undefined }
  for (const kind of Object.keys(ids) as Array<IdKind>) {
    const contents = strings(options[IdKinds[kind].option])
    if (contents.length === 0) continue
    const parsed = parseIdMap(kind, contents.join("\n"))
    ids[kind] = parsed.map
    findings.push(...parsed.findings)
  }
  const generateExtensions = flag("generateExtensions", options.generateExtensions, findings)
  const separator = strings(options.separator).at(-1) ?? defaultSeparator
  if (separator === "" || /[\r\n]/.test(separator)) {
    findings.push(Issue.error("invalid-format", null, `option separator must be one or more characters other than CR and LF, such as ";" or "|", not ${JSON.stringify(separator)}`))
  }
  return { map, defaults, ids, generateExtensions, separator: separator === "" ? defaultSeparator : separator, findings }
}
