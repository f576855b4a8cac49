/**
 * Values that platforms name differently, translated through the canonical model.
 *
 * The canonical `language` holds a language as the source wrote it: Wazo `fr_FR`, BroadWorks
 * `French`, CommPeak `en_US`. Before a user is written, it is turned into the target's word
 * through the table below; a language with no entry is an issue of that row naming the value,
 * never a guess. Which words a target takes (its vocabulary) follows the family each adapter
 * declares ({@link vocabularyOf}); this one table holds every family's words
 * (docs/translations.md is generated from it).
 *
 * The canonical choices (SIP modes, line protocols, 2FA types, device levels, transports) are
 * already translated by the adapters' codecs, each reading its platform's words into the
 * canonical value; {@link Choices} lists those words in one place, and `--set` reads them too.
 *
 * Name maps (`--map-file KIND=FILE`) translate values that only the person migrating knows:
 * contexts, roles, desks, skill groups, service packs, device types, and languages the table
 * does not hold.
 */
import { Field, Issue, Table, type Adapter, type User } from "@pbxport/core"
import { Columns as CommPeak, Options as CommPeakOptions } from "@pbxport/adapter-commpeak"
import * as Registry from "./Registry.js"

/**
 * A family of dialects that share their words for values.
 */
export type Vocabulary = "wazo" | "xivo" | "broadworks" | "commpeak"

const vocabularies: ReadonlyArray<string> = ["wazo", "xivo", "broadworks", "commpeak"] satisfies ReadonlyArray<Vocabulary>

/**
 * The vocabulary of each registered dialect, from the family it declares; a dialect of another
 * family (jsonl, a script's own dialect) takes canonical values as they are and nothing is
 * translated for it.
 */
export const vocabularyOf: Readonly<Record<string, Vocabulary>> = Object.fromEntries(
  Registry.all.filter((a) => vocabularies.includes(a.family)).map((a) => [a.id, a.family as Vocabulary])
)

/** The platform names of the vocabularies, for messages. */
export const VocabularyTitles: Readonly<Record<Vocabulary, string>> = { wazo: "Wazo", xivo: "XiVO", broadworks: "BroadWorks", commpeak: "CommPeak" }

/**
 * One language: the name BroadWorks systems give it and the code Wazo and CommPeak use.
 */
export interface Language {
  readonly name: string
  readonly code: string
}

/**
 * The languages pbxport translates. A code with the same language and another country
 * (`fr_CA`, `en_GB`) reads as the same row; reading a BroadWorks name gives the code shown.
 *
 * **Details**
 * BroadWorks names languages as its operator configures them (`English` is the system default);
 * these are the usual names. A system with other names needs a language map.
 */
export const Languages: ReadonlyArray<Language> = [
  { name: "English", code: "en_US" },
  { name: "French", code: "fr_FR" },
  { name: "Spanish", code: "es_ES" },
  { name: "German", code: "de_DE" },
  { name: "Italian", code: "it_IT" },
  { name: "Portuguese", code: "pt_BR" },
  { name: "Dutch", code: "nl_NL" },
  { name: "Russian", code: "ru_RU" },
  { name: "Polish", code: "pl_PL" },
  { name: "Japanese", code: "ja_JP" },
  { name: "Chinese", code: "zh_CN" }
]

/** XiVO's web interface offered five languages (docs/dialects/wazo.md). */
const XIVO = ["de_DE", "en_US", "es_ES", "fr_FR", "fr_CA"] as const
/** CommPeak's `default_language` (API reference, /work/shared/specs/commpeak.md §3). */
const COMMPEAK = ["en_US", "es_ES", "pt_BR", "ru_RU"] as const
/** Wazo takes any `xx_XX` (wazo-confd user schema). */
const WAZO = /^[a-z]{2}_[A-Z]{2}$/
const CODE = /^([A-Za-z]{2})(?:[_-]([A-Za-z]{2}))?$/

/**
 * What each vocabulary takes as a language, in words, for messages and docs.
 */
export const LanguageRules: Readonly<Record<Vocabulary, string>> = {
  wazo: "a code such as fr_FR (two lower-case letters, '_', two upper-case letters)",
  xivo: `one of ${XIVO.join(", ")}`,
  broadworks: "a language name such as French or English, as the BroadWorks system names it",
  commpeak: `one of ${COMMPEAK.join(", ")}`
}

const accepts = (vocabulary: Vocabulary, value: string): boolean => {
  switch (vocabulary) {
    case "wazo":
      return WAZO.test(value)
    case "xivo":
      return (XIVO as ReadonlyArray<string>).includes(value)
    case "commpeak":
      return (COMMPEAK as ReadonlyArray<string>).includes(value)
    case "broadworks":
      // a name; a code is another platform's word
      return !CODE.test(value) && value.trim() !== ""
  }
}

const closed: Partial<Record<Vocabulary, ReadonlyArray<string>>> = { xivo: XIVO, commpeak: COMMPEAK }

/**
 * The language row a value names: a name (any case), a code, or a code of the same language.
 */
export const languageOf = (value: string): Language | undefined => {
  const v = value.trim()
  const byName = Languages.find((l) => l.name.toLowerCase() === v.toLowerCase())
  if (byName) return byName
  const m = CODE.exec(v)
  if (m === null) return undefined
  const part = m[1]!.toLowerCase()
  const code = m[2] === undefined ? undefined : `${part}_${m[2].toUpperCase()}`
  return Languages.find((l) => l.code === code) ?? Languages.find((l) => l.code.startsWith(`${part}_`))
}

/**
 * Spells a language in a vocabulary: the value itself when the vocabulary takes it, else the
 * translation, else undefined.
 */
export const spellLanguage = (value: string, vocabulary: Vocabulary): string | undefined => {
  if (accepts(vocabulary, value)) return value
  const m = CODE.exec(value.trim())
  if (m !== null && m[2] !== undefined) {
    // the same code in another case or with '-' (fr-fr) is the same word
    const normal = `${m[1]!.toLowerCase()}_${m[2].toUpperCase()}`
    if (accepts(vocabulary, normal)) return normal
  }
  const row = languageOf(value)
  if (row === undefined) return undefined
  if (vocabulary === "broadworks") return row.name
  const list = closed[vocabulary]
  if (list === undefined) return row.code
  // a name gives its row's code; a code another country's code of the same language, when the
  // list has exactly one (en_GB -> en_US for CommPeak; fr_BE has fr_FR and fr_CA in XiVO: none)
  if (m === null && list.includes(row.code)) return row.code
  const part = row.code.slice(0, 3)
  const same = list.filter((c) => c.startsWith(part))
  return same.length === 1 ? same[0] : undefined
}

/**
 * The canonical choices and the words each platform writes for them.
 */
export interface ChoiceTable {
  readonly field: string
  readonly values: ReadonlyArray<{ readonly value: string; readonly words: Partial<Record<Vocabulary, ReadonlyArray<string>>> }>
}

const labelsOf = (labels: Readonly<Record<string, string>>, value: string): Array<string> =>
  Object.entries(labels).filter(([, v]) => v === value).map(([label]) => label)

/**
 * The words of each platform for the canonical choices. CommPeak's labels come from the
 * CommPeak adapter's own tables, so this list cannot drift from what it reads.
 */
export const Choices: ReadonlyArray<ChoiceTable> = [
  {
    field: "line.protocol",
    values: [
      { value: "sip", words: { wazo: ["sip"], xivo: ["sip"] } },
      { value: "sccp", words: { wazo: ["sccp"], xivo: ["sccp"] } },
      { value: "webrtc", words: { wazo: ["webrtc"] } },
      { value: "custom", words: { wazo: ["custom"] } }
    ]
  },
  {
    field: "contactCenter.sipMode",
    values: ["webrtc", "classic-pbx", "custom-uri", "built-in-pbx"].map((value) => ({ value, words: { commpeak: [value, ...labelsOf(CommPeak.SipLabels, value)] } }))
  },
  {
    field: "contactCenter.twoFactor",
    values: ["default", "disabled", "email", "google"].map((value) => ({ value, words: { commpeak: [value, ...labelsOf(CommPeak.AuthenticationLabels, value)] } }))
  },
  {
    field: "device.level",
    values: ["System", "Service Provider", "Group"].map((value) => ({ value, words: { broadworks: [value] } }))
  },
  {
    field: "device.transport",
    values: ["UDP", "TCP", "TLS", "Unspecified"].map((value) => ({ value, words: { broadworks: [value] } }))
  }
]

const looseWord = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "")

/**
 * Reads a word for a canonical choice: the canonical value or any platform's word for it,
 * ignoring case, spaces and punctuation; undefined when it is none of them.
 */
export const readChoice = (path: string, word: string): string | undefined => {
  const field = Field.find(path)
  const table = Choices.find((c) => c.field === path)
  const wanted = looseWord(word)
  for (const value of field?.choices ?? []) if (looseWord(value) === wanted) return value
  for (const v of table?.values ?? []) {
    for (const words of Object.values(v.words)) if (words.some((w) => looseWord(w) === wanted)) return v.value
  }
  return undefined
}

/**
 * The kinds of name maps, with the canonical fields each translates.
 */
export const MapKinds: Readonly<Record<"context" | "role" | "desk" | "skillGroup" | "servicePack" | "deviceType" | "language", {
  readonly fields: ReadonlyArray<string>
  readonly what: string
  /** A value missing from the map is an error (else it goes on to the language table). */
  readonly strict: boolean
}>> = {
  context: { fields: ["context", "voicemail.context", "incalls[].context"], what: "context", strict: true },
  role: { fields: ["contactCenter.role"], what: "role", strict: true },
  desk: { fields: ["contactCenter.desks"], what: "desk", strict: true },
  skillGroup: { fields: ["contactCenter.skillGroups"], what: "skill group", strict: true },
  servicePack: { fields: ["servicePacks"], what: "service pack", strict: true },
  deviceType: { fields: ["device.type"], what: "device type", strict: true },
  language: { fields: ["language"], what: "language", strict: false }
}

/**
 * One kind of name map.
 */
export type MapKind = keyof typeof MapKinds

/**
 * A parsed name map: source value -> target value.
 */
export interface NameMap {
  readonly kind: MapKind
  readonly entries: ReadonlyMap<string, string>
  /** The target values, which pass unchanged. */
  readonly targets: ReadonlySet<string>
  /** Source values by trimmed lower case, for a second look. */
  readonly loose: ReadonlyMap<string, string>
}

/**
 * A map file that cannot be used.
 */
export class MapError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "MapError"
  }
}

const HEADERS = new Set(["from,to", "name,id", "source,target", "name,value"])

/**
 * Reads a name map: the contents of a file of `from,to` lines (`;` or TAB also separate a line
 * without a comma), `#` comments and blank lines ignored, an optional `from,to` (or `name,id`)
 * header; or an object of entries.
 *
 * @throws MapError on a line without two values, or a value mapped twice to different targets.
 */
export const parseMap = (kind: MapKind, source: string | Readonly<Record<string, string>>): NameMap => {
  const entries = new Map<string, string>()
  const add = (from: string, to: string, where: string) => {
    const before = entries.get(from)
    if (before !== undefined && before !== to) throw new MapError(`${where}: '${from}' is mapped twice, to '${before}' and to '${to}'`)
    entries.set(from, to)
  }
  if (typeof source === "string") {
    let first = true
    source.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim()
      if (line === "" || line.startsWith("#")) return
      // the same line syntax as CommPeak's ID maps, so one of those files serves here too
      const cells = CommPeakOptions.splitLine(line)
      const header = first && HEADERS.has(cells.map(Table.looseKey).join(","))
      first = false
      if (header) return
      if (cells.length !== 2 || cells[0] === "" || cells[1] === "") {
        throw new MapError(`line ${i + 1}: expected two values, such as \`Sales,3\` (the ${MapKinds[kind].what} here, then on the target), got ${JSON.stringify(line)}`)
      }
      add(cells[0]!, cells[1]!, `line ${i + 1}`)
    })
  } else {
    for (const [from, to] of Object.entries(source)) add(from, to, "entry")
  }
  const loose = new Map<string, string>()
  for (const from of entries.keys()) loose.set(from.trim().toLowerCase(), from)
  return { kind, entries, targets: new Set(entries.values()), loose }
}

/**
 * Looks a value up in a map: its target, the value itself when it is already a target value,
 * or undefined.
 */
export const lookup = (map: NameMap, value: string): string | undefined => {
  const exact = map.entries.get(value)
  if (exact !== undefined) return exact
  const key = map.loose.get(value.trim().toLowerCase())
  if (key !== undefined) return map.entries.get(key)
  return map.targets.has(value) ? value : undefined
}

/**
 * The header of the target column that carries a canonical path, or the path itself.
 */
export const columnFor = (target: Adapter.Adapter, path: string): string =>
  target.columns.find((c) => c.target !== null && Table.cataloguePath(c.target) === path)?.header ?? path

type Values = ReadonlyArray<string> | string | null | undefined

const mapOne = (
  user: User.User,
  path: string,
  change: (value: string) => string | Issue.Finding
): { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> } => {
  const findings: Array<Issue.Finding> = []
  let changed = false
  const one = (value: string): string => {
    if (value === "") return value
    const r = change(value)
    if (typeof r !== "string") {
      findings.push(r)
      return value
    }
    if (r !== value) changed = true
    return r
  }
  const each = (value: Values): Values =>
    value === null || value === undefined ? value : typeof value === "string" ? one(value) : value.map(one)
  if (path.includes("[].")) {
    const [list, rest] = path.split("[].") as [string, string]
    const items = Field.get(user, list)
    if (!Array.isArray(items)) return { user, findings }
    const next = items.map((item: Record<string, unknown>) => (item[rest] === undefined ? item : { ...item, [rest]: each(item[rest] as Values) }))
    return { user: changed ? Field.set(user, list, next) : user, findings }
  }
  const after = each(Field.get(user, path) as Values)
  return { user: changed ? Field.set(user, path, after) : user, findings }
}

/**
 * Translates the mapped fields of a user through the name maps.
 */
export const applyMaps = (
  user: User.User,
  maps: ReadonlyArray<NameMap>,
  target: Adapter.Adapter,
  severity: Issue.Severity
): { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> } => {
  let out = user
  const findings: Array<Issue.Finding> = []
  for (const map of maps) {
    const { what, strict } = MapKinds[map.kind]
    for (const path of MapKinds[map.kind].fields) {
      // a field the target cannot carry is reported as lost, not translated
      if (!target.capabilities.carries.includes(path)) continue
      const column = columnFor(target, path)
      const missing = (value: string) =>
        (severity === "error" ? Issue.error : Issue.warning)("invalid-choice", column, `${what} '${value}' is not in the ${what} map; add a line \`${value},<${what} on ${target.id}>\``)
      const r = mapOne(out, path, (value) => lookup(map, value) ?? (strict ? missing(value) : value))
      out = r.user
      findings.push(...r.findings)
    }
  }
  return { user: out, findings }
}

/**
 * Translates a user's language into the target's vocabulary.
 *
 * **Details**
 * A language map, when given, is looked up first (by {@link applyMaps}); this step then checks
 * the result. A language with no translation is a finding of the row that names the value and
 * what the target takes; in a scaffold (`severity` warning) the value is left out instead.
 */
export const translateLanguage = (
  user: User.User,
  target: Adapter.Adapter,
  severity: Issue.Severity
): { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> } => {
  const vocabulary = vocabularyOf[target.id]
  const value = user.language
  if (vocabulary === undefined || value === undefined || value === null || value === "" || !target.capabilities.carries.includes("language")) return { user, findings: [] }
  const spelled = spellLanguage(value, vocabulary)
  if (spelled === value) return { user, findings: [] }
  if (spelled !== undefined) return { user: { ...user, language: spelled }, findings: [] }
  const column = columnFor(target, "language")
  const message = `language '${value}' has no ${VocabularyTitles[vocabulary]} equivalent in pbxport's table (docs/translations.md); ${VocabularyTitles[vocabulary]} takes ${LanguageRules[vocabulary]}: add a line \`${value},<language>\` to a language map (--map-file language=FILE)`
  if (severity === "error") return { user, findings: [Issue.error("invalid-choice", column, message)] }
  return { user: { ...user, language: null }, findings: [Issue.warning("invalid-choice", column, `${message}; it was left empty`)] }
}
