/**
 * `pbxport validate <file> --from <dialect>`: checks every row without writing anything.
 *
 * The exit code tells a script the outcome (0 fine, 1 some rows invalid, 2 the file could not
 * be checked); `--json` prints the library's `ValidationReport` exactly, even for a file-level
 * failure, so a pipeline always gets the same shape.
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import type { Issue } from "@pbxport/core"
import type { ValidationReport } from "pbxport"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"
import * as Options from "./Options.js"

/**
 * The parsed command line of `pbxport validate`.
 */
export interface Input extends Options.ReadFlags, Options.DialectFlags {
  readonly file: string
  readonly from: string
  readonly json: boolean
}

/**
 * Places an issue for people: `row 3 (line 4), column email: error invalid-format: ...`.
 */
export const issueLine = (i: Issue.Issue): string => {
  // a file-level issue about a column is about the header
  const where = i.row !== null
    ? `row ${i.row}${i.line !== null ? ` (line ${i.line})` : ""}${i.column !== null ? `, column ${i.column}` : ""}`
    : i.line !== null
      ? `line ${i.line}${i.column !== null ? `, column ${i.column}` : ""}`
      : i.column !== null ? `header, column ${i.column}` : "file"
  return `${where}: ${i.severity} ${i.code}: ${i.message}`
}

const plural = (n: number, word: string): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

/**
 * Counts errors and warnings: `(2 errors, 1 warning)`.
 */
export const severities = (issues: ReadonlyArray<Issue.Issue>): string => {
  const errors = issues.filter((i) => i.severity === "error").length
  return `(${plural(errors, "error")}, ${plural(issues.length - errors, "warning")})`
}

/**
 * Formats a validation report for people: one line per issue, then the summary line
 * `N rows: V valid, I invalid (E errors, W warnings)`.
 */
export const text = (report: ValidationReport): string =>
  [
    ...report.issues.map(issueLine),
    `${plural(report.rows, "row")}: ${report.valid.toLocaleString("en-US")} valid, ${report.invalid.toLocaleString("en-US")} invalid ${severities(report.issues)}`
  ].join("\n") + "\n"

/**
 * Writes text in pieces of about 64 KiB: a report of a hundred thousand issues is never one
 * string in memory, and standard output does not get one write per issue.
 */
const chunked = (write: (text: string) => void) => {
  let parts: Array<string> = []
  let size = 0
  return {
    add: (text: string) => {
      parts.push(text)
      size += text.length
      if (size >= 1 << 16) {
        write(parts.join(""))
        parts = []
        size = 0
      }
    },
    end: () => {
      if (size > 0) write(parts.join(""))
    }
  }
}

/**
 * Writes a report for people, as {@link text} formats it, one issue at a time.
 */
export const writeText = (report: ValidationReport, write: (text: string) => void): void => {
  const out = chunked(write)
  for (const issue of report.issues) out.add(issueLine(issue) + "\n")
  out.add(`${plural(report.rows, "row")}: ${report.valid.toLocaleString("en-US")} valid, ${report.invalid.toLocaleString("en-US")} invalid ${severities(report.issues)}\n`)
  out.end()
}

/**
 * Writes a report as JSON, byte for byte what `JSON.stringify(report, null, 2)` gives, one issue
 * at a time.
 */
export const writeJson = (report: ValidationReport, write: (text: string) => void): void => {
  const out = chunked(write)
  const entries = Object.entries(report).filter(([, v]) => v !== undefined)
  out.add("{")
  entries.forEach(([key, value], i) => {
    out.add(`${i === 0 ? "" : ","}\n  ${JSON.stringify(key)}: `)
    if (key !== "issues" || !Array.isArray(value) || value.length === 0) {
      out.add(JSON.stringify(value, null, 2).replace(/\n/g, "\n  "))
      return
    }
    out.add("[")
    value.forEach((issue: unknown, j: number) => out.add(`${j === 0 ? "" : ","}\n    ${JSON.stringify(issue, null, 2).replace(/\n/g, "\n    ")}`))
    out.add("\n  ]")
  })
  out.add(entries.length === 0 ? "}\n" : "\n}\n")
  out.end()
}

/**
 * The report of a file that could not be checked at all: no rows, the one issue.
 */
export const failure = (input: Input, issue: Issue.Issue): ValidationReport => ({
  file: input.file === "-" ? "<stdin>" : input.file,
  dialect: input.from,
  encoding: null,
  delimiter: null,
  rows: 0,
  valid: 0,
  invalid: 0,
  issues: [issue]
})

/**
 * Runs `pbxport validate`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const source = Options.source(input.file, io.stdin)
  const { validate } = await import("pbxport")
  const progress = Io.progress(io)
  let report: ValidationReport
  try {
    report = await validate(source, { from: input.from, options, ...read, ...(progress.update ? { onProgress: progress.update } : {}) })
  } catch (e) {
    progress.clear()
    const issue = Exit.fileIssue(e)
    if (!input.json || issue === undefined) throw e
    io.stdout.write(JSON.stringify(failure(input, issue), null, 2) + "\n")
    return Exit.failed
  }
  progress.clear()
  const write = (chunk: string) => void io.stdout.write(chunk)
  if (input.json) writeJson(report, write)
  else writeText(report, write)
  return Exit.ofRows(report.invalid, report.issues)
}

/**
 * The `validate` command.
 */
export const command = Command.make(
  "validate",
  {
    file: Argument.String("file").pipe(Argument.withDescription("the file to check; - reads standard input")),
    from: Flag.String("from").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the file (see pbxport dialects)")),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the report as JSON"), Flag.withDefault(false)),
    ...Options.readFlags,
    ...Options.dialectFlags
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Check every row of a file against a dialect, without writing anything. Prints one line per issue (row, line, column, severity, code, message) and a summary. Exit code: 0 when every row is valid (warnings allowed), 1 when some rows are invalid, 2 when the file cannot be checked (unreadable, unknown dialect, missing required column, ambiguous delimiter) or the command line is wrong."
  ),
  Command.withShortDescription("Check a file against a dialect"),
  Command.withExamples([
    { command: "pbxport validate users.csv --from wazo", description: "check a Wazo import file" },
    { command: "pbxport validate users.csv --from broadworks --json > report.json", description: "the report as JSON, for scripts" },
    { command: "pbxport validate export.csv --from commpeak --delimiter ';' --encoding windows-1252", description: "force the delimiter and encoding" },
    { command: "pbxport validate people.csv --from commpeak --map 'Virtual Extension=Ext' --default Role=3", description: "read a column under another name, give every user the same role" }
  ])
)
