/**
 * The CSV parser: a hand-written, quote-aware, incremental state machine.
 *
 * It is hand-written rather than built on csv-parse because the reader needs three things a
 * general parser does not give cheaply: the physical line where each record starts, recovery
 * per record (a bad quote spoils one record, not the rest of the file) and speed (about four
 * times csv-parse on user files). Text may arrive in chunks of any size, down to one character;
 * the records are the same whatever the chunking, because every decision that needs the next
 * character (CRLF, `""`) is kept in the state rather than in the chunk.
 *
 * The scanner knows nothing of headers or encodings: it turns text into records of cells, with
 * their lines and the quote problems found in them.
 */
import { Issue } from "@pbxport/core"

/**
 * A quote problem in one record. `cell` is the 1-based cell number the problem is in, so the
 * reader can name the column; `column` is null at this level.
 */
export interface Problem extends Issue.Finding {
  readonly cell: number
}

/**
 * One record as scanned.
 *
 * **Details**
 * `line` is the 1-based physical line where the record starts, `endLine` the line where it
 * ends (they differ when a quoted cell holds a line break). Every LF, CRLF or lone CR is one
 * line break, inside quoted cells too.
 */
export interface ScannedRecord {
  readonly cells: Array<string>
  readonly line: number
  readonly endLine: number
  readonly problems: ReadonlyArray<Problem>
}

/**
 * An incremental scanner: `push` text as it comes and take the records it completed; `end`
 * finishes the last record. A scanner is used once.
 */
export interface Scanner {
  push(text: string): Array<ScannedRecord>
  end(): Array<ScannedRecord>
}

/**
 * How to scan. `recoveryLimit` is how many characters of an open quoted cell are kept so an
 * unclosed quote can be recovered from (default {@link RECOVERY_LIMIT}).
 */
export interface ScannerOptions {
  readonly delimiter: string
  readonly quote: string
  readonly recoveryLimit?: number
}

/**
 * The most characters a quoted cell may hold (1 Mi). Past it the cell is cut, which keeps memory
 * bounded when a stray opening quote would otherwise swallow the rest of a large file.
 */
export const RECOVERY_LIMIT = 1 << 20

const CR = 13
const LF = 10

/** Between cells: at the start of a record, or right after a delimiter. */
const FIELD_START = 0
/** Inside a cell that did not start with a quote. */
const UNQUOTED = 1
/** Inside a quoted cell. */
const QUOTED = 2
/** Right after a quote inside a quoted cell: `""` (one quote) or the closing quote. */
const QUOTE_IN_QUOTED = 3

const NO_PROBLEMS: ReadonlyArray<Problem> = Object.freeze([])

class StateMachine implements Scanner {
  private readonly delimiter: number
  private readonly quote: number
  private readonly quoteChar: string
  private readonly limit: number

  private state = FIELD_START
  /** The current physical line. */
  private line = 1
  /** The previous character was a CR, so an LF now completes a CRLF and is no new line. */
  private afterCR = false
  /** The current record holds at least one character (an empty line is no record). */
  private started = false
  private recordLine = 1
  private cells: Array<string> = []
  private field = ""
  private problems: Array<Problem> | null = null
  /** A quote problem was already reported for the current cell; one per cell is enough. */
  private flagged = false
  /** Where the current quoted cell opened. */
  private openLine = 0
  /** The current quoted cell went past the limit and was cut. */
  private cut = false
  private ended = false

  constructor(options: ScannerOptions) {
    if (options.delimiter.length !== 1 || options.quote.length !== 1 || options.delimiter === options.quote) {
      throw new Error(`The scanner needs a one-character delimiter and a different one-character quote`)
    }
    this.delimiter = options.delimiter.charCodeAt(0)
    this.quote = options.quote.charCodeAt(0)
    this.quoteChar = options.quote
    this.limit = options.recoveryLimit ?? RECOVERY_LIMIT
  }

  push(text: string): Array<ScannedRecord> {
    if (this.ended) throw new Error("The scanner has ended; make a new one")
    const out: Array<ScannedRecord> = []
    this.scan(text, out)
    return out
  }

  end(): Array<ScannedRecord> {
    if (this.ended) return []
    const out: Array<ScannedRecord> = []
    this.finish(out)
    this.ended = true
    return out
  }

  private scan(text: string, out: Array<ScannedRecord>): void {
    const n = text.length
    const d = this.delimiter
    const q = this.quote
    let i = 0
    // Start of the pending run of cell text in `text`, flushed into `field` at cell end or chunk end.
    let run = this.state === UNQUOTED || this.state === QUOTED ? 0 : -1
    while (i < n) {
      switch (this.state) {
        case FIELD_START: {
          const c = text.charCodeAt(i)
          if (c === CR || c === LF) {
            i++
            if (c === LF && this.afterCR) {
              this.afterCR = false
              continue
            }
            if (this.started) {
              // After a delimiter: the record ends with an empty cell.
              this.endField()
              this.emit(out)
            }
            this.line++
            this.afterCR = c === CR
            continue
          }
          this.begin()
          this.afterCR = false
          i++
          if (c === q) {
            this.state = QUOTED
            this.openLine = this.line
            run = i
          } else if (c === d) {
            this.cells.push("")
          } else {
            this.state = UNQUOTED
            run = i - 1
          }
          continue
        }
        case UNQUOTED: {
          let c = 0
          while (i < n) {
            c = text.charCodeAt(i)
            if (c === d || c === q || c === CR || c === LF) break
            i++
          }
          if (i === n) break
          if (c === q) {
            // A stray quote stays in the cell as a literal character.
            this.report("a quote inside an unquoted cell; quote the whole cell and double the inner quote (ab\"c → \"ab\"\"c\")")
            i++
            continue
          }
          this.field += text.slice(run, i)
          run = -1
          this.state = FIELD_START
          this.endField()
          if (c === d) {
            i++
            continue
          }
          i++
          this.emit(out)
          this.line++
          this.afterCR = c === CR
          continue
        }
        case QUOTED: {
          let c = 0
          let line = this.line
          let afterCR = this.afterCR
          while (i < n) {
            c = text.charCodeAt(i)
            if (c === q) break
            if (c === CR) {
              line++
              afterCR = true
            } else {
              if (c === LF && !afterCR) line++
              afterCR = false
            }
            i++
          }
          this.line = line
          this.afterCR = afterCR
          if (i === n) break
          this.append(text.slice(run, i))
          run = -1
          this.afterCR = false
          this.state = QUOTE_IN_QUOTED
          i++
          continue
        }
        default: {
          // QUOTE_IN_QUOTED
          const c = text.charCodeAt(i)
          if (c === q) {
            this.append(this.quoteChar)
            this.state = QUOTED
            i++
            run = i
            continue
          }
          if (c === d || c === CR || c === LF) {
            this.closeQuoted()
            this.state = FIELD_START
            this.endField()
            i++
            if (c === d) continue
            this.emit(out)
            this.line++
            this.afterCR = c === CR
            continue
          }
          // Text after the closing quote: keep the closing quote as a literal and read on as an
          // unquoted cell, so no character of the input is lost but the opening quote.
          this.closeQuoted()
          this.report("text after the closing quote; the quote was kept in the cell. Quote the whole cell and double the inner quote (\"ab\"c → \"ab\"\"c\")")
          this.field += this.quoteChar
          this.state = UNQUOTED
          run = i
          continue
        }
      }
    }
    if (run !== -1) {
      if (this.state === UNQUOTED) this.field += text.slice(run, n)
      else this.append(text.slice(run, n))
    }
  }

  private finish(out: Array<ScannedRecord>): void {
    if (this.state === QUOTED) {
      const cell = this.cells.length + 1
      if (this.cut) {
        this.problem(cell, `the quote opened on line ${this.openLine} is never closed; the rest of the input (over ${this.limit} characters) was read as this one cell and cut. Close the quote, or double it ("") if it is part of the text`)
        this.cut = false
      } else {
        // Recovery: the opening quote becomes a literal character and the text after it is
        // scanned again, so the lines it swallowed become records again.
        this.problem(cell, `the quote opened on line ${this.openLine} is never closed; it was read as a literal character. Close the quote, or double it ("") if it is part of the text`)
        const swallowed = this.field.replaceAll(this.quoteChar, this.quoteChar + this.quoteChar)
        this.field = this.quoteChar
        this.flagged = true
        this.state = UNQUOTED
        this.line = this.openLine
        this.afterCR = false
        this.scan(swallowed, out)
        this.finish(out)
        return
      }
    } else if (this.state === QUOTE_IN_QUOTED) {
      this.closeQuoted()
    }
    if (this.started) {
      this.endField()
      this.emit(out)
    }
    this.state = FIELD_START
  }

  /** Starts a record at the current line if none is under way. */
  private begin(): void {
    if (this.started) return
    this.started = true
    this.recordLine = this.line
  }

  /** Adds text to a quoted cell, cutting it at the limit. */
  private append(s: string): void {
    if (this.cut) return
    this.field += s
    if (this.field.length > this.limit) {
      this.field = this.field.slice(0, this.limit)
      this.cut = true
    }
  }

  /** A quoted cell closed: report it if it was cut. */
  private closeQuoted(): void {
    if (!this.cut) return
    this.cut = false
    this.problem(this.cells.length + 1, `the quoted cell opened on line ${this.openLine} is longer than ${this.limit} characters and was cut; is a closing quote missing?`)
  }

  private endField(): void {
    this.cells.push(this.field)
    this.field = ""
    this.flagged = false
  }

  private emit(out: Array<ScannedRecord>): void {
    out.push({ cells: this.cells, line: this.recordLine, endLine: this.line, problems: this.problems ?? NO_PROBLEMS })
    this.cells = []
    this.problems = null
    this.started = false
  }

  /** Reports a quote problem in the current cell, once per cell. */
  private report(what: string): void {
    if (this.flagged) return
    this.flagged = true
    this.problem(this.cells.length + 1, what)
  }

  private problem(cell: number, what: string): void {
    const finding = Issue.error("malformed-quote", null, `cell ${cell}: ${what}`)
    ;(this.problems ??= []).push({ ...finding, cell })
  }
}

/**
 * Makes a scanner for one input.
 *
 * **Details**
 * Records end at LF, CRLF or a lone CR outside quotes. An empty line is no record; `,,` is a
 * record of three empty cells; a last line without a line break is a record. Quoted cells may
 * hold the delimiter, line breaks and `""` for one quote.
 *
 * Quote problems are `malformed-quote` errors of the record they are in, and the text is kept:
 * a stray quote in an unquoted cell stays a literal character (`ab"c`); text after a closing
 * quote keeps the closing quote (`"ab"c` reads `ab"c`); an unclosed quote at the end of input
 * is reported with the line where it opened, then read as a literal character and the text
 * after it scanned again so the following lines are records again. Messages name the cell by
 * number and never quote its text, which may be a secret.
 *
 * @throws Error when the delimiter or quote is not one character, or they are the same.
 */
export const createScanner = (options: ScannerOptions): Scanner => new StateMachine(options)
