/**
 * Cell codecs: how one CSV cell becomes one canonical value and back.
 *
 * A codec is written once and used in both directions, so decode and encode cannot drift.
 * Codecs see only non-empty cells: what an empty cell means ("not given" or "given, empty")
 * is the adapter's decision, not the codec's.
 */
import * as Redacted from "effect/Redacted"
import * as Issue from "./Issue.js"

/**
 * A two-way mapping between a non-empty cell and a canonical value.
 */
export interface Codec<A> {
  /** A short description of the accepted cells, for documentation ("`0` or `1`"). */
  readonly describe: string
  /** The value an empty cell gives, when it is not simply "empty" (a list gives `[]`). */
  readonly empty?: A
  readonly decode: (cell: string, column: string) => { readonly value: A } | Issue.Finding
  readonly encode: (value: A) => string
}

/**
 * Tells whether a decode result is a finding rather than a value.
 */
export const isFinding = <A>(result: { readonly value: A } | Issue.Finding): result is Issue.Finding =>
  "code" in result

/**
 * Text kept verbatim: never trimmed or changed.
 */
export const text: Codec<string> = {
  describe: "text",
  decode: (cell) => ({ value: cell }),
  encode: (value) => value
}

/**
 * A secret kept verbatim and redacted in memory.
 */
export const secret: Codec<Redacted.Redacted<string>> = {
  describe: "text (secret)",
  decode: (cell) => ({ value: Redacted.make(cell) }),
  encode: (value) => Redacted.value(value)
}

/**
 * A boolean written with exact tokens (Wazo `1`/`0`), or case-insensitive ones
 * (BroadWorks `true`/`false` in any case); anything else is `invalid-bool`.
 */
export const bool = (tokens: { readonly true: string; readonly false: string; readonly caseInsensitive?: boolean }): Codec<boolean> => {
  const norm = (s: string) => (tokens.caseInsensitive ? s.toLowerCase() : s)
  return {
    describe: `\`${tokens.true}\` or \`${tokens.false}\``,
    decode: (cell, column) =>
      norm(cell) === norm(tokens.true)
        ? { value: true }
        : norm(cell) === norm(tokens.false)
          ? { value: false }
          : Issue.error("invalid-bool", column, `'${column}' must be ${tokens.true} or ${tokens.false}, not "${cell}"`),
    encode: (value) => (value ? tokens.true : tokens.false)
  }
}

/**
 * A non-negative integer written as ASCII digits only (no sign, no spaces, no decimals), with an
 * optional inclusive range.
 */
export const integer = (range?: { readonly min?: number; readonly max?: number }): Codec<number> => {
  const bounds = range?.min !== undefined || range?.max !== undefined
    ? ` from ${range?.min ?? 0} to ${range?.max ?? "any"}`
    : ""
  return {
    describe: `integer${bounds}`,
    decode: (cell, column) => {
      if (!/^[0-9]+$/.test(cell)) {
        return Issue.error("invalid-integer", column, `'${column}' must be a whole number written with digits 0-9${bounds}, not "${cell}"`)
      }
      const value = Number(cell)
      if ((range?.min !== undefined && value < range.min) || (range?.max !== undefined && value > range.max)) {
        return Issue.error("out-of-range", column, `'${column}' must be${bounds}, not ${cell}`)
      }
      return { value }
    },
    encode: (value) => String(value)
  }
}

/**
 * A list of items joined by a separator; an empty cell is the empty list; items are kept verbatim.
 */
export const list = (separator: string): Codec<ReadonlyArray<string>> => ({
  describe: `list separated by \`${separator}\``,
  empty: [],
  decode: (cell) => ({ value: cell.split(separator) }),
  encode: (value) => value.join(separator)
})

/**
 * One of a fixed set of values; `aliases` map other spellings (UI labels, other cases) onto them.
 */
export const choice = <const L extends string>(
  choices: ReadonlyArray<L>,
  options?: { readonly aliases?: Readonly<Record<string, L>>; readonly caseInsensitive?: boolean }
): Codec<L> => {
  const norm = (s: string) => (options?.caseInsensitive ? s.toLowerCase() : s)
  const table = new Map<string, L>()
  for (const c of choices) table.set(norm(c), c)
  for (const [alias, c] of Object.entries(options?.aliases ?? {})) table.set(norm(alias), c)
  return {
    describe: `one of ${choices.map((c) => `\`${c}\``).join(", ")}`,
    decode: (cell, column) => {
      const value = table.get(norm(cell))
      return value !== undefined
        ? { value }
        : Issue.error("invalid-choice", column, `'${column}' must be one of ${choices.join(", ")}, not "${cell}"`)
    },
    encode: (value) => value
  }
}
