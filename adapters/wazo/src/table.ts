/**
 * Builds a Wazo or XiVO dialect from its column table: the core `Table` reader, the contract's
 * column declarations, and a writer.
 *
 * Reading is the core table reader (exact headers, an empty cell is null, unknown columns kept
 * in `extras`). Writing is done here rather than by `Table.writer` for two Wazo reasons: a
 * column whose value is absent must stay out of the row even when it sits in a list item (the
 * core writer writes `incall_exten` empty for a user who only has `incall_ring_seconds`, and in
 * an update file an empty cell clears the field), and a dialect may need every row of a file to
 * have the same columns (see {@link Agreement}).
 */
import { type Adapter, Field, Issue, Table, type User } from "@pbxport/core"
import type { WazoColumn } from "./columns.js"

/**
 * Columns that every written row must have alike, because the pipeline writes an empty cell
 * for a column a row lacks and that empty cell would mean something to Wazo.
 */
export interface Agreement {
  /** The columns concerned, or "all" (every cell of the row). */
  readonly columns: ReadonlyArray<string> | "all"
  /** Whether the agreement concerns this row (a voicemail flag only matters with a voicemail). */
  readonly applies: (cells: Readonly<Record<string, string>>) => boolean
  /** The findings when the row's columns differ from the first row's. */
  readonly differ: (missing: ReadonlyArray<string>, extra: ReadonlyArray<string>, first: ReadonlyArray<string>) => ReadonlyArray<Issue.Finding>
}

/**
 * A dialect's table and hooks.
 */
export interface Spec {
  readonly id: string
  readonly columns: ReadonlyArray<WazoColumn>
  readonly unknownColumn?: (header: string) => Issue.Finding | undefined
  readonly checkHeader?: (header: ReadonlyArray<string>) => ReadonlyArray<Issue.Finding>
  readonly rules: (user: User.User, view: Table.RowView) => ReadonlyArray<Issue.Finding>
  readonly after?: (user: User.User, view: Table.RowView) => User.User
  /** Write every column on every row, empty when absent (the export's fixed header). */
  readonly fixed?: boolean
  /** Cells of the columns without a target (the export's incall lists). */
  readonly encodeCells?: (user: User.User) => Readonly<Record<string, string>>
  /** Prepares a user for writing (drops what the dialect cannot hold, with a finding). */
  readonly prepare?: (user: User.User) => { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> }
  readonly agreements?: ReadonlyArray<Agreement>
}

const pathOf = (c: WazoColumn): string | null => c.target ?? c.carries ?? null

/**
 * The contract's column declarations of a table.
 */
export const columns = (spec: Spec): Array<Adapter.Column> =>
  spec.columns.map((c) => {
    const target = pathOf(c)
    return {
      header: c.header,
      description: c.description,
      type: c.type,
      required: c.required === true,
      sensitive: target !== null && Field.find(Table.cataloguePath(target))?.secret === true,
      target
    }
  })

/**
 * The canonical paths a table carries, exactly.
 */
export const carries = (spec: Spec): Array<string> => [
  ...new Set(spec.columns.flatMap((c) => { const p = pathOf(c); return p === null ? [] : [Table.cataloguePath(p)] }))
]

/**
 * Tells whether a column's cells are secret.
 */
export const isSecret = (c: WazoColumn): boolean => {
  const p = pathOf(c)
  return p !== null && Field.find(Table.cataloguePath(p))?.secret === true
}

/**
 * The reader of a table.
 */
export const reader = (spec: Spec): Adapter.Adapter["reader"] =>
  Table.reader({
    id: spec.id,
    // required values are row rules here, so that the messages can quote Wazo
    columns: spec.columns.map((c) => ({ header: c.header, description: c.description, type: c.type, required: false, target: c.target, codec: c.codec })),
    empty: Table.emptyIsNull,
    match: "exact",
    ...(spec.unknownColumn ? { unknownColumn: spec.unknownColumn } : {}),
    ...(spec.checkHeader ? { checkHeader: spec.checkHeader } : {}),
    ...(spec.after ? { after: spec.after } : {}),
    rules: (user, view) => spec.rules(user, view)
  })

/**
 * The writer of a table.
 *
 * **Details**
 * A null value writes an empty cell, an absent one leaves the column out of the row (or empty
 * with `fixed`). The written row is read back with the dialect's own reader and its errors are
 * the encode's errors, so pbxport never writes a row it would refuse itself. `index` 0 starts a
 * new output: the agreements compare the later rows with the first one written.
 */
export const writer = (spec: Spec, read: Adapter.Adapter["reader"]) => (options: Adapter.Options): Adapter.RowWriter => {
  const readers = new Map<string, Adapter.RowReader>()
  const readBack = (cells: Readonly<Record<string, string>>): Array<Issue.Finding> => {
    const header = Object.keys(cells)
    const key = header.join("\u0000")
    let r = readers.get(key)
    if (r === undefined) {
      r = read(header, options)
      readers.set(key, r)
    }
    return [...r.findings, ...r.decode({ row: 0, line: 0, cells: header.map((h) => cells[h]!) }).findings].filter((f) => f.severity === "error")
  }
  const firsts = new Map<Agreement, ReadonlyArray<string>>()
  const agree = (cells: Readonly<Record<string, string>>): Array<Issue.Finding> => {
    const found: Array<Issue.Finding> = []
    for (const a of spec.agreements ?? []) {
      if (!a.applies(cells)) continue
      const present = a.columns === "all" ? Object.keys(cells) : a.columns.filter((h) => h in cells)
      const first = firsts.get(a)
      if (first === undefined) continue
      const missing = first.filter((h) => !present.includes(h))
      const extra = present.filter((h) => !first.includes(h))
      if (missing.length > 0 || extra.length > 0) found.push(...a.differ(missing, extra, first))
    }
    return found
  }
  const remember = (cells: Readonly<Record<string, string>>) => {
    for (const a of spec.agreements ?? []) {
      if (firsts.has(a) || !a.applies(cells)) continue
      firsts.set(a, a.columns === "all" ? Object.keys(cells) : a.columns.filter((h) => h in cells))
    }
  }
  const known = new Set(spec.columns.map((c) => c.header))
  return {
    encode: (input, index) => {
      if (index === 0) firsts.clear()
      const prepared = spec.prepare ? spec.prepare(input) : { user: input, findings: [] }
      const user = prepared.user
      const cells: Record<string, string> = {}
      const own = spec.encodeCells?.(user) ?? {}
      for (const c of spec.columns) {
        if (c.target === null) {
          if (c.header in own) cells[c.header] = own[c.header]!
          continue
        }
        const value = Table.getAt(user, c.target)
        if (value === undefined) {
          if (spec.fixed) cells[c.header] = ""
          continue
        }
        cells[c.header] = value === null ? "" : c.codec.encode(value)
      }
      for (const [h, v] of Object.entries(user.extras?.[spec.id] ?? {})) if (!known.has(h)) cells[h] = v
      const findings = [...prepared.findings]
      if (!Issue.hasError(findings)) findings.push(...readBack(cells))
      if (!Issue.hasError(findings)) findings.push(...agree(cells))
      if (!Issue.hasError(findings)) remember(cells)
      return { cells, findings }
    },
    header: (used) => {
      const declared = spec.columns.map((c) => c.header).filter((h) => spec.fixed || used.has(h))
      return [...declared, ...[...used].filter((h) => !known.has(h))]
    }
  }
}
