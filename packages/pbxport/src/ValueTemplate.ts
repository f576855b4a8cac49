/**
 * Value templates: `{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com`.
 *
 * A template is text with placeholders. A placeholder names a canonical field by its path (as in
 * docs/canonical-model.md: `firstName`, `voicemail.number`, `aliases[0]`, `incalls[0].did`) or
 * `index` (the 1-based row number), followed by filters chained with `|`. Templates are parsed
 * once, before any row is read, so a placeholder naming no field or an unknown filter is a
 * mistake of the command line, not of every row; a placeholder that is empty in a row is reported
 * on that row by the caller, never rendered as an empty string.
 */
import { Field, Table, type User } from "@pbxport/core"

/**
 * A filter applied to a placeholder's value.
 */
export type Filter =
  | { readonly name: "lower" | "upper" | "ascii" | "digits" | "slug" }
  | { readonly name: "first" | "last"; readonly n: number }

/**
 * The filters, with the sentence that documents each (help text and docs come from here).
 */
export const Filters = {
  lower: "lower case",
  upper: "upper case",
  ascii: "accents and ligatures to plain ASCII (`Lâpointe` -> `Lapointe`, `ß` -> `ss`); other non-ASCII characters are dropped",
  digits: "keeps the digits 0-9 only (`+1 (555) 0100` -> `15550100`)",
  slug: "ASCII, lower case, runs of other characters as one `-` (`Zoë Lâ Pointe` -> `zoe-la-pointe`)",
  "first:N": "the first N characters",
  "last:N": "the last N characters (`{{directoryNumber|digits|last:4}}`)"
} as const

/**
 * One placeholder: what it reads and how it is filtered.
 */
export interface Placeholder {
  /** The placeholder as written, without the braces (`firstName|ascii|lower`). */
  readonly source: string
  /** `index`, or a canonical path. */
  readonly path: string
  readonly filters: ReadonlyArray<Filter>
}

/**
 * A parsed template.
 */
export interface Template {
  readonly text: string
  readonly parts: ReadonlyArray<string | Placeholder>
}

/**
 * A template that cannot be used; the message says what would be valid.
 */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "TemplateError"
  }
}

const PATH = /^[A-Za-z][A-Za-z0-9]*(\[\d+\])?(\.[A-Za-z][A-Za-z0-9]*(\[\d+\])?)*$/

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/**
 * Suggests the canonical path nearest to a mistyped one, if any is close.
 */
export const suggest = (path: string): string | undefined => {
  const wanted = path.toLowerCase()
  let best: { path: string; d: number } | undefined
  for (const f of Field.catalogue) {
    const d = distance(wanted, f.path.toLowerCase())
    if (best === undefined || d < best.d) best = { path: f.path, d }
  }
  return best !== undefined && best.d <= Math.max(2, Math.floor(wanted.length / 4)) ? best.path : undefined
}

const filterOf = (text: string, placeholder: string): Filter => {
  const [name, arg, ...rest] = text.split(":").map((s) => s.trim())
  if (name === "lower" || name === "upper" || name === "ascii" || name === "digits" || name === "slug") {
    if (arg !== undefined) throw new TemplateError(`{{${placeholder}}}: the filter ${name} takes no argument`)
    return { name }
  }
  if (name === "first" || name === "last") {
    if (arg === undefined || rest.length > 0 || !/^[1-9][0-9]{0,3}$/.test(arg)) {
      throw new TemplateError(`{{${placeholder}}}: the filter ${name} needs a count, such as ${name}:3`)
    }
    return { name, n: Number(arg) }
  }
  throw new TemplateError(`{{${placeholder}}}: unknown filter '${name}'; filters are ${Object.keys(Filters).join(", ")}`)
}

/**
 * Checks that a placeholder path names one canonical value (a leaf, not a secret, a list item
 * by index).
 */
const checkPath = (path: string, placeholder: string): void => {
  if (path === "index") return
  const near = (p: string) => {
    const s = suggest(p)
    return s === undefined ? "" : `; did you mean ${s}?`
  }
  if (path.includes("[]")) {
    throw new TemplateError(`{{${placeholder}}}: '${path}' is a list; name one item, such as ${path.replace("[]", "[0]")}`)
  }
  if (!PATH.test(path)) {
    throw new TemplateError(`{{${placeholder}}}: '${path}' is not a canonical field path (such as firstName, voicemail.number or incalls[0].did)${near(path)}`)
  }
  const listed = Table.cataloguePath(path)
  const field = Field.find(listed) ?? Field.find(path.replace(/\[\d+\]/g, "[]"))
  if (field === undefined) {
    throw new TemplateError(`{{${placeholder}}}: '${path}' names no canonical field (see docs/canonical-model.md)${near(path.replace(/\[\d+\]/g, ""))}`)
  }
  if (field.secret) {
    throw new TemplateError(`{{${placeholder}}}: '${field.path}' is a secret and cannot be copied into other values`)
  }
  const unindexedList = field.repeated && !/\[\d+\]\./.test(path)
  if (unindexedList) {
    throw new TemplateError(`{{${placeholder}}}: '${path}' is a list; name one item, such as ${field.path.replace("[]", "[0]")}`)
  }
}

/**
 * Parses a template.
 *
 * @throws TemplateError on an unclosed or empty placeholder, a path that names no canonical
 * field (with the nearest one), a secret field, or an unknown filter.
 */
export const parse = (text: string): Template => {
  const parts: Array<string | Placeholder> = []
  let at = 0
  while (at < text.length) {
    const open = text.indexOf("{{", at)
    if (open < 0) {
      parts.push(text.slice(at))
      break
    }
    if (open > at) parts.push(text.slice(at, open))
    const close = text.indexOf("}}", open + 2)
    if (close < 0) throw new TemplateError(`'{{' at character ${open + 1} is never closed with '}}'`)
    const source = text.slice(open + 2, close).trim()
    if (source === "") throw new TemplateError(`'{{}}' at character ${open + 1} names nothing; write a field such as {{firstName}} or {{index}}`)
    const [head, ...rest] = source.split("|").map((s) => s.trim())
    const path = head!
    checkPath(path, source)
    parts.push({ source, path, filters: rest.map((f) => filterOf(f, source)) })
    at = close + 2
  }
  return { text, parts }
}

/**
 * The placeholders of a template.
 */
export const placeholders = (template: Template): Array<Placeholder> =>
  template.parts.filter((p): p is Placeholder => typeof p !== "string")

const LIGATURES: Readonly<Record<string, string>> = {
  ß: "ss", ẞ: "SS", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", đ: "d", Đ: "D", ð: "d", Ð: "D",
  ł: "l", Ł: "L", þ: "th", Þ: "TH", ı: "i", ħ: "h", Ħ: "H", ŋ: "n", Ŋ: "N", ſ: "s"
}

/**
 * Turns text into plain ASCII: accents removed, ligatures spelled out, anything else dropped.
 */
export const ascii = (value: string): string =>
  [...value.normalize("NFD").replace(/\p{M}+/gu, "")]
    .map((ch) => LIGATURES[ch] ?? ch)
    .join("")
    .replace(/[^\x20-\x7e]/g, "")

const apply = (value: string, filter: Filter): string => {
  switch (filter.name) {
    case "lower":
      return value.toLowerCase()
    case "upper":
      return value.toUpperCase()
    case "ascii":
      return ascii(value)
    case "digits":
      return value.replace(/[^0-9]/g, "")
    case "slug":
      return ascii(value).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    case "first":
      return [...value].slice(0, filter.n).join("")
    case "last":
      return [...value].slice(-filter.n).join("")
  }
}

const text = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  if (Array.isArray(value)) return value.map(text).filter((s) => s !== "").join(";")
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return ""
}

/**
 * What rendering a template for one row gives: the value, or the first placeholder that was empty.
 */
export type Rendered = { readonly value: string } | { readonly empty: Placeholder; readonly filtered: boolean }

/**
 * Renders a template for one user; `row` is the 1-based row number `{{index}}` gives.
 */
export const render = (template: Template, user: User.User, row: number): Rendered => {
  let out = ""
  for (const part of template.parts) {
    if (typeof part === "string") {
      out += part
      continue
    }
    const raw = part.path === "index" ? String(row) : text(Table.getAt(user, part.path))
    if (raw === "") return { empty: part, filtered: false }
    const value = part.filters.reduce(apply, raw)
    if (value === "") return { empty: part, filtered: true }
    out += value
  }
  return { value: out }
}
