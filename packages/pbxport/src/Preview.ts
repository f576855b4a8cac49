/**
 * Previews a conversion: the first rows as the target would get them, as an aligned table for
 * a terminal, with secrets masked; nothing is written.
 *
 * The rows go through exactly what a conversion does (decoding, the fill step, the target's
 * writer and its read-back checks), but the encoded rows are only collected, and reading stops
 * once enough rows are shown. Generated secrets are generated (so the preview shows which cells
 * would be filled) but masked, and no credentials file is written.
 */
import { Field, Issue, Table, type User } from "@pbxport/core"
import type * as Convert from "./Convert.js"
import * as Decode from "./Decode.js"
import * as Fill from "./Fill.js"
import * as Scaffold from "./Scaffold.js"
import type * as Source from "./Source.js"

/** What a secret cell shows. */
export const MASK = "••••"

/**
 * Options of a preview: a conversion's, plus how many rows to show (default 10).
 */
export interface PreviewOptions extends Omit<Convert.ConvertOptions, "output" | "errors" | "onProgress"> {
  readonly rows?: number
}

/**
 * The rows a conversion would write, masked.
 */
export interface Preview {
  readonly from: string
  readonly to: string
  /** CSV targets: the columns the shown rows use (every column with `fullTemplate`); others: canonical paths. */
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<{ readonly row: number; readonly cells: ReadonlyArray<string> }>
  /** Rows read to find the rows shown, and how many of them would be skipped. */
  readonly read: number
  readonly skipped: number
  /** The issues of the rows read (file-level ones first). */
  readonly issues: ReadonlyArray<Issue.Issue>
}

const flatten = (user: User.User): Map<string, string> => {
  const out = new Map<string, string>()
  for (const f of Field.catalogue) {
    let value: unknown
    if (f.repeated) {
      const [list, rest] = f.path.split("[].") as [string, string]
      const items = Field.get(user, list)
      value = Array.isArray(items) ? items.map((i) => Table.getAt(i, rest)).filter((v) => Field.isFilled(v)) : undefined
    } else value = Field.get(user, f.path)
    if (!Field.isFilled(value)) continue
    out.set(f.path, f.secret ? MASK : Array.isArray(value) ? value.map(String).join(";") : String(value))
  }
  return out
}

/**
 * Converts the first rows of an input and returns them masked, writing nothing.
 */
export const preview = async (input: Source.Input, options: PreviewOptions): Promise<Preview> => {
  const limit = options.rows ?? 10
  const target = Decode.dialect(options.to, "write")
  const scaffold = options.fullTemplate === true
  const fill = await Fill.start(input, options, target, options.fill ?? {}, { scaffold, preview: true })
  const writer = target.writer(options.targetOptions ?? {})
  const sensitive = new Set(target.columns.filter((c) => c.sensitive).map((c) => c.header))
  const shown: Array<{ row: number; cells: Map<string, string> }> = []
  const used = new Set<string>()
  let read = 0
  let skipped = 0
  let issues: Array<Issue.Issue> = []
  try {
    const decoding = await Decode.decode(fill.input, options)
    issues = [...decoding.fileIssues]
    for await (const result of decoding.rows) {
      if (shown.length >= limit) break
      issues.push(...result.issues)
      if (result.skipped) continue
      read++
      const user = Fill.apply(Fill.apply(result.user, result, fill.transform, issues), result, options.transform, issues)
      if (user === undefined) {
        skipped++
        continue
      }
      let encoded = writer.encode(user, shown.length)
      const settled = scaffold ? Scaffold.settle(encoded) : undefined
      if (settled) encoded = settled.encoded
      issues.push(...encoded.findings.map((x) => Issue.at(x, result.row, result.line)))
      if (Issue.hasError(encoded.findings)) {
        skipped++
        continue
      }
      let cells: Map<string, string>
      if (target.format === "csv") {
        cells = new Map(Object.entries(encoded.cells ?? {}).map(([h, v]) => [h, sensitive.has(h) && v !== "" ? MASK : v]))
      } else cells = flatten(user)
      for (const h of cells.keys()) used.add(h)
      shown.push({ row: result.row, cells })
    }
  } finally {
    await fill.abort()
  }
  const header = target.format === "csv"
    ? scaffold
      ? [...target.columns.map((c) => c.header), ...[...used].filter((h) => !target.columns.some((c) => c.header === h))]
      : (writer.header ?? ((u: ReadonlySet<string>) => [...u]))(used)
    : Field.catalogue.map((f) => f.path).filter((p) => used.has(p))
  return {
    from: typeof options.from === "string" ? options.from : options.from.id,
    to: target.id,
    header,
    rows: shown.map((s) => ({ row: s.row, cells: header.map((h) => s.cells.get(h) ?? "") })),
    read,
    skipped,
    issues
  }
}

const width = (s: string): number => [...s].length

const clip = (s: string, max: number): string => {
  const flat = s.replace(/[\r\n\t]+/g, " ")
  return width(flat) <= max ? flat : `${[...flat].slice(0, max - 1).join("")}…`
}

/**
 * Formats a preview as an aligned table: a `row` column, then the target's columns; cells are
 * cut at `maxWidth` characters (with `…`), line breaks shown as spaces.
 */
export const format = (p: Preview, maxWidth = 24): string => {
  const table = [["row", ...p.header], ...p.rows.map((r) => [String(r.row), ...r.cells])].map((line) => line.map((c) => clip(c, maxWidth)))
  const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => width(line[i] ?? ""))))
  const render = (line: ReadonlyArray<string>) => line.map((c, i) => (i === line.length - 1 ? c : c + " ".repeat(widths[i]! - width(c)))).join("  ").trimEnd()
  const rule = widths.map((w) => "-".repeat(w)).join("  ")
  return [render(table[0]!), rule, ...table.slice(1).map(render)].join("\n") + "\n"
}

