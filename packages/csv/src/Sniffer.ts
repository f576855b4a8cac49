/**
 * Tells the delimiter of a file from its header record.
 *
 * The delimiter must be known before the file can be scanned, so the sniffer reads the first
 * non-blank record on its own, following quotes the way the scanner does (a quote opens a
 * quoted cell only at the start of a cell, that is after a candidate delimiter), and counts
 * each candidate outside quotes. It stops at the end of the header, so it reads little.
 */
import { CsvError } from "./CsvError.js"

/**
 * How often a candidate delimiter appears in the header, outside quotes.
 */
export interface Count {
  readonly delimiter: string
  readonly count: number
}

/**
 * The candidates tried when no delimiter is given.
 */
export const CANDIDATES: ReadonlyArray<string> = Object.freeze([",", ";", "\t", "|"])

/**
 * The most characters of a header the sniffer reads; a longer "header" is an unclosed quote.
 */
export const SNIFF_LIMIT = 1 << 20

const CR = 13
const LF = 10

/**
 * Counts candidates in the header record, fed in chunks. `feed` returns true once the header is
 * complete (or the limit is reached); then `counts` is final.
 */
export class Sniffer {
  private readonly candidates: ReadonlyArray<string>
  private readonly codes: Array<number>
  private readonly tally: Array<number>
  private readonly quote: number
  private started = false
  private afterCR = false
  private inQuotes = false
  private quoteInQuotes = false
  private fieldStart = true
  private seen = 0
  /** Whether the header record is complete. */
  done = false
  /** The 1-based physical line where the header starts (blank lines before it are skipped). */
  line = 1

  constructor(candidates: ReadonlyArray<string>, quote: string) {
    this.codes = candidates.map((c) => c.charCodeAt(0))
    this.tally = candidates.map(() => 0)
    this.candidates = candidates
    this.quote = quote.charCodeAt(0)
  }

  feed(text: string): boolean {
    const q = this.quote
    for (let i = 0; i < text.length && !this.done; i++) {
      const c = text.charCodeAt(i)
      if (!this.started) {
        if (c === CR || c === LF) {
          if (c === CR || !this.afterCR) this.line++
          this.afterCR = c === CR
          continue
        }
        this.started = true
      }
      if (++this.seen > SNIFF_LIMIT) {
        this.done = true
        break
      }
      if (this.inQuotes) {
        if (this.quoteInQuotes) {
          this.quoteInQuotes = false
          if (c === q) continue
          this.inQuotes = false
          this.fieldStart = false
        } else {
          if (c === q) this.quoteInQuotes = true
          continue
        }
      }
      if (c === CR || c === LF) {
        this.done = true
        break
      }
      const k = this.codes.indexOf(c)
      if (k !== -1) {
        this.tally[k]!++
        this.fieldStart = true
      } else if (c === q && this.fieldStart) {
        this.inQuotes = true
      } else {
        this.fieldStart = false
      }
    }
    return this.done
  }

  /**
   * The count of each candidate, in the order given.
   */
  counts(): Array<Count> {
    return this.candidates.map((delimiter, k) => ({ delimiter, count: this.tally[k]! }))
  }
}

const show = (c: string): string => (c === "\t" ? "TAB" : `"${c}"`)

/**
 * Chooses the delimiter from the counts: the most frequent candidate; `fallback` when none
 * appears (a one-column file).
 *
 * @throws CsvError (AmbiguousDelimiter) when two candidates share the top count.
 */
export const choose = (counts: ReadonlyArray<Count>, fallback: string, line: number | null = null): string => {
  const sorted = [...counts].sort((a, b) => b.count - a.count)
  const [first, second] = sorted
  if (first === undefined || first.count === 0) return fallback
  if (second !== undefined && second.count === first.count) {
    const tied = sorted.filter((c) => c.count === first.count)
    const listed = counts.filter((c) => c.count > 0).map((c) => `${show(c.delimiter)} ${c.count} ${c.count === 1 ? "time" : "times"}`).join(", ")
    throw new CsvError(
      { _tag: "AmbiguousDelimiter", candidates: counts.filter((c) => c.count > 0) },
      `cannot tell the delimiter from the header: ${listed}; pass --delimiter with one of ${tied.map((c) => show(c.delimiter)).join(", ")}`,
      { line }
    )
  }
  return first.delimiter
}
