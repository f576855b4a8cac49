/**
 * The CSV syntax of a file: delimiter, quote, newline, byte order mark, encoding and quoting.
 *
 * Dialects come from adapters and from the command line, so `make` checks them once, at
 * construction, with messages that say what would be valid; the reader and writer can then rely
 * on a dialect without checking it again.
 */
import * as Encoding from "./Encoding.js"

/**
 * The CSV syntax of a file.
 *
 * **Details**
 * `quoting: "minimal"` quotes a cell only when it must (Python's `csv.QUOTE_MINIMAL`);
 * `"all"` quotes every cell. `encoding` is an iconv-lite name, shown normalised (`utf-8`).
 * `bom` is allowed only for Unicode encodings.
 */
export interface Dialect {
  readonly delimiter: string
  readonly quote: string
  readonly newline: "\r\n" | "\n"
  readonly bom: boolean
  readonly encoding: string
  readonly quoting: "minimal" | "all"
}

const show = (c: string): string => (c === "\t" ? "TAB" : JSON.stringify(c))

/**
 * Checks that `c` can separate or quote cells: one character, not CR or LF. Returns the problem, or null.
 */
export const checkChar = (c: unknown, role: "delimiter" | "quote"): string | null => {
  if (typeof c !== "string" || c.length !== 1) {
    return `the ${role} must be exactly one character (for example "," ";" TAB "|"), not ${typeof c === "string" ? show(c) : String(c)}`
  }
  if (c === "\r" || c === "\n") return `the ${role} cannot be CR or LF, which end records`
  return null
}

/**
 * Makes a dialect from a partial one, filling the defaults of {@link standard}.
 *
 * @throws Error when the dialect is not usable; the message says what would be valid.
 */
export const make = (spec: Partial<Dialect> = {}): Dialect => {
  const delimiter = spec.delimiter ?? ","
  const quote = spec.quote ?? '"'
  const newline = spec.newline ?? "\r\n"
  const bom = spec.bom ?? false
  const encoding = spec.encoding ?? "utf-8"
  const quoting = spec.quoting ?? "minimal"
  const problem =
    checkChar(delimiter, "delimiter") ??
    checkChar(quote, "quote") ??
    (delimiter === quote ? `the delimiter and the quote must differ; both are ${show(quote)}` : null) ??
    (newline !== "\r\n" && newline !== "\n" ? `the newline must be "\\r\\n" or "\\n", not ${JSON.stringify(newline)}` : null) ??
    (typeof bom !== "boolean" ? `bom must be true or false, not ${JSON.stringify(bom)}` : null) ??
    (typeof encoding !== "string" || !Encoding.exists(encoding)
      ? `unknown encoding ${JSON.stringify(encoding)}; use a name iconv-lite knows, such as utf-8, windows-1252, iso-8859-1, shift_jis or utf-16le`
      : null) ??
    (bom && !Encoding.isUnicode(encoding)
      ? `a byte order mark exists only for Unicode encodings (utf-8, utf-16le, utf-16be), not ${encoding}`
      : null) ??
    (quoting !== "minimal" && quoting !== "all" ? `quoting must be "minimal" or "all", not ${JSON.stringify(quoting)}` : null)
  if (problem !== null) throw new Error(`Invalid CSV dialect: ${problem}`)
  return Object.freeze({ delimiter, quote, newline, bom, encoding: Encoding.normalise(encoding), quoting })
}

/**
 * RFC 4180 as spreadsheets write it: comma, double quote, CRLF, no byte order mark, UTF-8,
 * minimal quoting.
 */
export const standard: Dialect = make()
