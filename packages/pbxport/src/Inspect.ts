/**
 * Inspects a whole conversion row by row, writing nothing: for every row, its source cells, the
 * cells the target would get (secrets masked), its issues, and whether it would be written.
 *
 * This is what a screen over a conversion needs (the `pbxport ui` page's preview): every row,
 * not only the first ones as {@link Preview.preview} gives, and the failed rows too, with the
 * cells a person can fix. The rows go through the steps `convert` takes (decoding with in-file
 * duplicates, the fill step, the target's writer and its checks), in the same order, so what is
 * shown is what would be written; the files themselves are only ever produced by `convert`.
 */
import { type Adapter, Field, Issue, Table, type User } from "@pbxport/core"
import * as Convert from "./Convert.js"
import * as Decode from "./Decode.js"
import * as Fill from "./Fill.js"
import * as Scaffold from "./Scaffold.js"
import type * as Source from "./Source.js"

/** What a secret cell shows. */
export const MASK = "••••"

/**
 * Options of an inspection: a conversion's, where the target may be left out (only decode and
 * check the rows, as `validate` does).
 */
export interface InspectOptions extends Omit<Convert.ConvertOptions, "to" | "output" | "errors" | "onProgress"> {
  readonly to?: string | Adapter.Adapter | undefined
}

/**
 * One inspected row.
 *
 * **Details**
 * `source` holds the row's cells as read (CSV sources), secret cells masked; `target` the cells
 * the target would get, by column (CSV targets) or canonical path (other targets), secrets
 * masked; `outcome` says whether `convert` would write the row, skip it, or not count it as
 * data (a template's hint row).
 */
export interface Row {
  readonly index: number
  readonly row: number
  readonly line: number
  readonly source: ReadonlyArray<string> | undefined
  readonly target: Readonly<Record<string, string>> | undefined
  readonly issues: ReadonlyArray<Issue.Issue>
  readonly outcome: "written" | "skipped" | "not-data"
}

/**
 * An inspection under way: the file-level facts, then the rows as they are checked.
 */
export interface Inspection {
  readonly from: string
  readonly to: string | null
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly header: ReadonlyArray<string> | null
  /** Which header cells hold secrets (masked in `source`). */
  readonly sensitive: ReadonlyArray<boolean>
  readonly fileIssues: ReadonlyArray<Issue.Issue>
  readonly rows: AsyncIterable<Row>
  /** The target's columns the rows so far use, in the order the output would have them. */
  readonly targetHeader: () => ReadonlyArray<string>
  /** What the target cannot carry, as the conversion report's `lost` (complete once the rows are). */
  readonly lost: () => ReadonlyArray<Convert.Lost>
}

const loose = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, "")

// a safety net beside the dialect's own `sensitive` columns, for columns it does not know
const SECRETISH = /pass(word|code)?|secret|\bpin\b|pin$/i

const flatten = (user: User.User): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const f of Field.catalogue) {
    let value: unknown
    if (f.repeated) {
      const [list, rest] = f.path.split("[].") as [string, string]
      const items = Field.get(user, list)
      value = Array.isArray(items) ? items.map((i) => Table.getAt(i, rest)).filter((v) => Field.isFilled(v)) : undefined
    } else value = Field.get(user, f.path)
    if (!Field.isFilled(value)) continue
    out[f.path] = f.secret ? MASK : Array.isArray(value) ? value.map(String).join(";") : String(value)
  }
  return out
}

/**
 * Starts inspecting an input.
 *
 * **Gotchas**
 * File-level problems throw a `PbxportError` as `convert` does. Iterate `rows` once, to the end
 * or not: the fill step's temporary files are removed when the iteration stops either way.
 */
export const inspect = async (input: Source.Input, options: InspectOptions): Promise<Inspection> => {
  const target = options.to === undefined ? undefined : Decode.dialect(options.to, "write")
  const scaffold = options.fullTemplate === true
  const fill = target === undefined ? undefined : await Fill.start(input, options, target, options.fill ?? {}, { scaffold, preview: true })
  let decoding: Decode.Decoding
  try {
    decoding = await Decode.decode(fill?.input ?? input, options)
  } catch (e) {
    await fill?.abort()
    throw e
  }
  const source = decoding.adapter
  const secretNames = new Set(source.columns.filter((c) => c.sensitive).flatMap((c) => [c.header, ...(c.aliases ?? [])]).map(loose))
  const header = decoding.opened.header
  const sensitive = (header ?? []).map((h) => secretNames.has(loose(h)) || SECRETISH.test(h))
  const writer = target?.writer(options.targetOptions ?? {})
  const targetSecrets = new Set((target?.columns ?? []).filter((c) => c.sensitive).map((c) => c.header))
  const used = new Set<string>()
  const lost = new Map<string, number>()
  let written = 0
  async function* rows(): AsyncIterable<Row> {
    try {
      for await (const result of decoding.rows) {
        const issues = [...result.issues]
        const cells = result.cells?.map((c, i) => (sensitive[i] === true && c !== "" ? MASK : c))
        if (result.skipped) {
          yield { index: result.index, row: result.row, line: result.line, source: cells, target: undefined, issues, outcome: "not-data" }
          continue
        }
        let user = result.user
        if (fill !== undefined) user = Fill.apply(user, result, fill.transform, issues)
        user = Fill.apply(user, result, options.transform, issues)
        let cellsOut: Record<string, string> | undefined
        if (user !== undefined && target !== undefined && writer !== undefined) {
          let encoded = writer.encode(user, written)
          const settled = scaffold ? Scaffold.settle(encoded) : undefined
          if (settled) encoded = settled.encoded
          issues.push(...encoded.findings.map((f) => Issue.at(f, result.row, result.line)))
          if (Issue.hasError(encoded.findings)) user = undefined
          else {
            written++
            cellsOut = target.format === "csv"
              ? Object.fromEntries(Object.entries(encoded.cells ?? {}).map(([h, v]) => [h, targetSecrets.has(h) && v !== "" ? MASK : v]))
              : flatten(user)
            for (const h of Object.keys(cellsOut)) used.add(h)
            for (const field of Convert.notCarried(user, target)) lost.set(field, (lost.get(field) ?? 0) + 1)
          }
        }
        yield { index: result.index, row: result.row, line: result.line, source: cells, target: cellsOut, issues, outcome: user === undefined ? "skipped" : "written" }
      }
    } finally {
      await fill?.abort()
    }
  }
  const targetHeader = (): ReadonlyArray<string> => {
    if (target === undefined || writer === undefined) return []
    if (target.format !== "csv") return Field.catalogue.map((f) => f.path).filter((p) => used.has(p))
    if (scaffold) return [...target.columns.map((c) => c.header), ...[...used].filter((h) => !target.columns.some((c) => c.header === h))]
    return (writer.header ?? ((u: ReadonlySet<string>) => [...u]))(used)
  }
  return {
    from: source.id,
    to: target?.id ?? null,
    encoding: decoding.opened.encoding,
    delimiter: decoding.opened.delimiter,
    header,
    sensitive,
    fileIssues: decoding.fileIssues,
    rows: rows(),
    targetHeader,
    lost: () => [...lost].map(([field, count]) => ({ field, count }))
  }
}
