/**
 * Builds the reader and writer of a CSV dialect from one column table.
 *
 * Most platform dialects are a table: a header, a codec per column, a canonical path per column,
 * what an empty cell means, and rules across columns. Declaring that table once gives decode and
 * encode that cannot drift, unknown columns kept with the user (so reading and writing the same
 * dialect loses nothing), and the documentation. Adapters with quirks wrap the result.
 */
import * as Redacted from "effect/Redacted"
import * as Adapter from "./Adapter.js"
import * as Codec from "./Codec.js"
import * as Field from "./Field.js"
import * as Issue from "./Issue.js"
import type * as User from "./User.js"

/**
 * One column of a table: its declaration plus the codec of its cells.
 */
export interface TableColumn extends Omit<Adapter.Column, "type" | "sensitive"> {
  // a table mixes codecs of several value types
  readonly codec: Codec.Codec<any>
  readonly sensitive?: boolean
  /** Overrides the type text derived from the codec. */
  readonly type?: string
}

/**
 * What an empty-looking cell means in a dialect: "absent" (not given), "null" (given, empty),
 * or "value" (an ordinary cell the codec decodes).
 */
export type EmptyPolicy = (cell: string) => "absent" | "null" | "value"

/** Wazo's rule: only the empty string is empty, and it means null. */
export const emptyIsNull: EmptyPolicy = (cell) => (cell === "" ? "null" : "value")

/**
 * A read-only view of one record by header name.
 */
export interface RowView {
  readonly row: number
  readonly line: number
  /** The cell under a header (the last one when the header is repeated), or undefined. */
  readonly get: (header: string) => string | undefined
  readonly header: ReadonlyArray<string>
  readonly cells: ReadonlyArray<string>
}

/**
 * The table of a dialect.
 */
export interface Spec {
  /** The id under which unknown columns are kept in `extras`. */
  readonly id: string
  readonly columns: ReadonlyArray<TableColumn>
  readonly empty: EmptyPolicy
  /** How headers match: exactly, or ignoring case, spaces, `_` and `-`. */
  readonly match: "exact" | "loose"
  /** Findings about a header no column claims (default: an unknown-column warning). */
  readonly unknownColumn?: (header: string) => Issue.Finding | undefined
  /** File-level checks of the header. */
  readonly checkHeader?: (header: ReadonlyArray<string>) => ReadonlyArray<Issue.Finding>
  /** Row rules across columns, run after the cells decoded without error. */
  readonly rules?: (user: User.User, view: RowView, options: Adapter.Options) => ReadonlyArray<Issue.Finding>
  /** Runs before the cells are decoded: can skip the row or add findings. */
  readonly before?: (view: RowView, options: Adapter.Options) => Adapter.Decoded | undefined
  /** Lets the adapter finish the user (defaults, derived values). */
  readonly after?: (user: User.User, view: RowView, options: Adapter.Options) => User.User
  /** Lets the adapter prepare a user before encoding (derived cells, checks). */
  readonly beforeEncode?: (user: User.User, options: Adapter.Options) => { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> }
  /** Rules on a user about to be written (cells the platform would reject). */
  readonly encodeRules?: (user: User.User, cells: Readonly<Record<string, string>>) => ReadonlyArray<Issue.Finding>
}

/**
 * Normalises a header for loose matching: lower case, no spaces, `_` or `-`.
 */
export const looseKey = (header: string): string => header.toLowerCase().replace(/[\s_-]+/g, "")

type Segment = string | number

// paths are few and read for every cell: parse each once
const parsed = new Map<string, ReadonlyArray<Segment>>()
const segments = (path: string): ReadonlyArray<Segment> => {
  let segs = parsed.get(path)
  if (segs === undefined) {
    segs = path.split(".").flatMap((part) => {
      const m = /^(\w+)\[(\d+)\]$/.exec(part)
      return m ? [m[1]!, Number(m[2])] : [part]
    })
    parsed.set(path, segs)
  }
  return segs
}

/**
 * Reads the value at a canonical path that may hold indices (`aliases[1]`, `incalls[0].did`).
 */
export const getAt = (value: unknown, path: string): unknown => {
  let node = value
  for (const seg of segments(path)) {
    if (node === null || typeof node !== "object") return undefined
    node = (node as Record<string | number, unknown>)[seg]
  }
  return node
}

/**
 * Sets a value at a canonical path that may hold indices, creating groups and lists in place.
 */
export const setAt = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const segs = segments(path)
  let node: Record<string | number, unknown> = target
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) {
      node[seg] = value
      return
    }
    const next = node[seg]
    if (next === null || typeof next !== "object") node[seg] = typeof segs[i + 1] === "number" ? [] : {}
    node = node[seg] as Record<string | number, unknown>
  })
}

/**
 * Removes the holes that indexed columns left in lists (`alias[1]` alone becomes the first alias).
 */
const compactLists = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactLists)
  if (value !== null && typeof value === "object" && !Redacted.isRedacted(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = compactLists(v)
    return out
  }
  return value
}

/**
 * The catalogue path a column target stands for (`incalls[0].did` -> `incalls[].did`, `aliases[1]` -> `aliases`).
 */
export const cataloguePath = (target: string): string => {
  let p = catalogued.get(target)
  if (p === undefined) {
    p = target.replace(/\[\d+\](?=\.)/g, "[]").replace(/\[\d+\]$/, "")
    catalogued.set(target, p)
  }
  return p
}
const catalogued = new Map<string, string>()

/**
 * Derives the adapter column declarations from a table.
 */
export const columns = (spec: Spec): Array<Adapter.Column> =>
  spec.columns.map((c) => ({
    header: c.header,
    description: c.description,
    type: c.type ?? c.codec.describe,
    required: c.required,
    sensitive: c.sensitive ?? (c.target !== null && Field.find(cataloguePath(c.target))?.secret === true),
    target: c.target,
    ...(c.aliases ? { aliases: c.aliases } : {})
  }))

/**
 * The canonical paths a table carries.
 */
export const carries = (spec: Spec): Array<string> => [
  ...new Set(spec.columns.flatMap((c) => (c.target === null ? [] : [cataloguePath(c.target)])))
]

/**
 * Makes the reader of a table: matches the header, then decodes each record.
 */
export const reader = (spec: Spec) => (header: ReadonlyArray<string> | null, options: Adapter.Options): Adapter.RowReader => {
  const cols = header ?? []
  const key = spec.match === "loose" ? looseKey : (h: string) => h
  const byKey = new Map<string, TableColumn>()
  for (const c of spec.columns) {
    byKey.set(key(c.header), c)
    for (const a of c.aliases ?? []) byKey.set(key(a), c)
  }
  const findings: Array<Issue.Finding> = [...(spec.checkHeader?.(cols) ?? [])]
  // position -> column; the last of repeated headers wins, as Python's DictReader does
  const claimed: Array<TableColumn | undefined> = cols.map((h) => byKey.get(key(h)))
  const lastIndex = new Map<TableColumn, number>()
  claimed.forEach((c, i) => c && lastIndex.set(c, i))
  cols.forEach((h, i) => {
    if (claimed[i] === undefined) {
      const f = spec.unknownColumn ? spec.unknownColumn(h) : Issue.warning("unknown-column", h, `column '${h}' is not a ${spec.id} column; its values are kept but not interpreted`)
      if (f) findings.push(f)
    }
  })
  // holes can only come from indexed targets; a row whose indexed columns are all set has none
  const indexed = spec.columns.some((c) => c.target !== null && c.target.includes("["))
  const index = new Map<string, number>()
  cols.forEach((h, i) => index.set(h, i))
  // per position, once per file: the column whose cell is read there (the last of repeated
  // headers), or null for a cell kept in extras, or undefined for a cell that is ignored
  const read: Array<TableColumn | null | undefined> = cols.map((_, i) => {
    const column = claimed[i]
    if (column === undefined) return null
    return lastIndex.get(column) !== i || column.target === null ? undefined : column
  })
  // a header with item n of a list but not item n - 1 leaves a hole in every row
  const items = new Set<string>()
  for (const c of read) {
    if (!c) continue
    for (const m of c.target!.matchAll(/\[\d+\]/g)) items.add(c.target!.slice(0, m.index + m[0].length))
  }
  const gaps = [...items].some((item) => {
    const m = /\[(\d+)\]$/.exec(item)!
    const n = Number(m[1])
    return n > 0 && !items.has(`${item.slice(0, m.index)}[${n - 1}]`)
  })
  // the required columns, with the header that holds each in this file (undefined: absent)
  const required = spec.columns
    .filter((c) => c.required && c.target !== null)
    .map((c) => ({ column: c, shown: cols.find((h) => byKey.get(key(h)) === c) }))
  return {
    findings,
    decode: (record) => {
      const cells = record.cells ?? []
      const view: RowView = { row: record.row, line: record.line, header: cols, cells, get: (h) => { const i = index.get(h); return i === undefined ? undefined : cells[i] } }
      const early = spec.before?.(view, options)
      if (early) return early
      const found: Array<Issue.Finding> = []
      const user: Record<string, unknown> = {}
      let extras: Record<string, string> | undefined
      let holes = false
      for (let i = 0; i < cols.length; i++) {
        const cell = cells[i]
        const column = read[i]
        if (cell === undefined || column === undefined) {
          if (column !== undefined && column !== null && column.target!.includes("[")) holes = true
          continue
        }
        if (column === null) {
          if (extras === undefined) extras = {}
          extras[cols[i]!] = cell
          continue
        }
        const target = column.target!
        const meaning = spec.empty(cell)
        if (meaning === "absent") {
          if (indexed) holes = true
          continue
        }
        if (meaning === "null") {
          // an empty item of an indexed list is no item (lists hold no nulls)
          if (target.endsWith("]")) {
            holes = true
            continue
          }
          setAt(user, target, column.codec.empty ?? null)
          continue
        }
        const result = column.codec.decode(cell, cols[i]!)
        if (Codec.isFinding(result)) {
          found.push(result)
          if (indexed) holes = true
        } else setAt(user, target, result.value)
      }
      // a list item left out (or a header without the items before it) leaves a hole to close
      let decoded = (indexed && (holes || gaps) ? compactLists(user) : user) as User.User
      if (extras !== undefined) decoded = { ...decoded, extras: { [spec.id]: extras } }
      for (const { column: c, shown } of required) {
        if (!Field.isFilled(getAt(decoded, c.target!)) && !found.some((f) => f.column !== null && byKey.get(key(f.column)) === c)) {
          const header = shown ?? c.header
          found.push(Issue.error("missing-required", header, `'${header}' is required (${c.description.replace(/\.$/, "")})${shown !== undefined ? "" : "; add the column"}`))
        }
      }
      if (spec.after) decoded = spec.after(decoded, view, options)
      if (!Issue.hasError(found) && spec.rules) found.push(...spec.rules(decoded, view, options))
      return Issue.hasError(found) ? { findings: found } : { user: decoded, findings: found }
    }
  }
}

/**
 * Makes the writer of a table: each column's codec encodes the value at its path.
 *
 * **Details**
 * A column is written for a user when its path (or, for indexed targets, its list) is given;
 * a null value writes an empty cell, an absent one leaves the column out of the row. Cells kept
 * in `extras` under this dialect's id are written back under their own headers. The written row
 * is then read back with the same table, and its errors are the encode's errors.
 */
export const writer = (spec: Spec) => (options: Adapter.Options): Adapter.RowWriter => {
  // Every written row is read back with this dialect's own reader: a row the platform would
  // reject (a bad cell, a broken rule, a missing required value) is an error of that row, so
  // pbxport never writes what it would not accept itself.
  const readers = new Map<string, Adapter.RowReader>()
  const readBack = (cells: Readonly<Record<string, string>>): ReadonlyArray<Issue.Finding> => {
    const header = Object.keys(cells)
    const key = header.join("\u0000")
    let r = readers.get(key)
    if (r === undefined) {
      r = reader(spec)(header, options)
      readers.set(key, r)
    }
    return r.decode({ row: 0, line: 0, cells: header.map((h) => cells[h]!) }).findings.filter((f) => f.severity === "error")
  }
  return {
    encode: (input) => {
      const prepared = spec.beforeEncode ? spec.beforeEncode(input, options) : { user: input, findings: [] }
      const user = prepared.user
      const cells: Record<string, string> = {}
      for (const c of spec.columns) {
        if (c.target === null) continue
        const value = getAt(user, c.target)
        if (value === undefined) {
          // an indexed column of a given list is written empty so the row keeps the list's columns
          // (only for list items, not for fields of a list's groups such as `incalls[0].did`)
          const list = c.target.endsWith("]") ? getAt(user, c.target.slice(0, c.target.lastIndexOf("["))) : undefined
          if (Array.isArray(list)) cells[c.header] = ""
          continue
        }
        cells[c.header] = value === null ? "" : c.codec.encode(value)
      }
      for (const [h, v] of Object.entries(user.extras?.[spec.id] ?? {})) cells[h] = v
      const findings = [...prepared.findings, ...(spec.encodeRules?.(user, cells) ?? [])]
      if (!Issue.hasError(findings)) findings.push(...readBack(cells))
      return { cells, findings }
    },
    header: (used) => {
      const declared = spec.columns.map((c) => c.header).filter((h) => used.has(h))
      const known = new Set(spec.columns.map((c) => c.header))
      return [...declared, ...[...used].filter((h) => !known.has(h))]
    }
  }
}
