/**
 * Scaffolds: a conversion that writes every column of the target (`fullTemplate`), filled where
 * the source had the data and empty elsewhere, so an export from one platform becomes a
 * ready-to-complete sheet for another.
 *
 * A target writer reads back every row it writes and refuses one that misses a required value;
 * in a scaffold that refusal is the point (the person completes the sheet), so a row whose only
 * errors are `missing-required` is written anyway, and the report lists the required columns
 * still empty, with how many rows each, instead of one issue per cell. Any other error (a bad
 * value, a conflict) still skips the row.
 */
import { type Adapter, Issue } from "@pbxport/core"

/**
 * A required column of the target that is empty in some written rows.
 */
export interface EmptyRequired {
  readonly column: string
  /** How many written rows have it empty. */
  readonly count: number
}

/**
 * Lets a row through when its only errors are missing required values; returns the encoded
 * row without them and the columns they named, or undefined when the row stays refused.
 */
export const settle = (encoded: Adapter.Encoded): { readonly encoded: Adapter.Encoded; readonly missing: ReadonlyArray<string> } | undefined => {
  const errors = encoded.findings.filter((f) => f.severity === "error")
  if (errors.length === 0 || errors.some((f) => f.code !== "missing-required")) return undefined
  const hasContent = (encoded.cells !== undefined && Object.keys(encoded.cells).length > 0) || encoded.value !== undefined || encoded.text !== undefined
  if (!hasContent) return undefined
  return {
    encoded: { ...encoded, findings: encoded.findings.filter((f) => f.severity !== "error") },
    missing: errors.flatMap((f) => (f.column === null ? [] : [f.column]))
  }
}

/**
 * Counts, over the written rows of a scaffold, the required columns left empty.
 */
export const tracker = (target: Adapter.Adapter) => {
  const required = target.columns.filter((c) => c.required).map((c) => c.header)
  const order = target.columns.map((c) => c.header)
  const counts = new Map<string, number>()
  return {
    /** Records one written row: its cells and the columns its settled errors named. */
    add: (encoded: Adapter.Encoded, missing: ReadonlyArray<string>): void => {
      const empty = new Set(missing)
      if (encoded.cells !== undefined) for (const h of required) if ((encoded.cells[h] ?? "") === "") empty.add(h)
      for (const h of empty) counts.set(h, (counts.get(h) ?? 0) + 1)
    },
    /** The required columns still empty, in the target's column order. */
    report: (): Array<EmptyRequired> => {
      const rank = (h: string) => {
        const i = order.indexOf(h)
        return i < 0 ? order.length : i
      }
      return [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([column, count]) => ({ column, count }))
    }
  }
}

/**
 * The warning that sums up a scaffold's empty required columns (one issue, not one per cell).
 */
export const summary = (target: Adapter.Adapter, empty: ReadonlyArray<EmptyRequired>): Issue.Issue | undefined =>
  empty.length === 0
    ? undefined
    : {
        row: null,
        line: null,
        column: null,
        code: "missing-required",
        severity: "warning",
        message: `this is a scaffold to complete: the ${target.id} dialect requires ${empty.map((e) => `'${e.column}' (empty in ${e.count} row${e.count === 1 ? "" : "s"})`).join(", ")}`
      }
