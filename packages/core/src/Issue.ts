/**
 * Problems found in input or output, as values.
 *
 * Row problems are collected and reported with their row, line and column; only file-level
 * failures stop a run. Every code comes from one closed list, {@link IssueCodes}, which is also
 * the source of `docs/issues.md`, so the documentation cannot drift from what the code emits.
 */

/**
 * The closed list of issue codes, each with the sentence that documents it.
 */
export const IssueCodes = {
  "missing-column": "A column the dialect requires is not in the header (file-level error).",
  "missing-required": "A required value is empty or absent in this row.",
  "invalid-bool": "A boolean cell holds something other than the dialect's true/false tokens.",
  "invalid-integer": "An integer cell holds something other than ASCII digits.",
  "out-of-range": "A number is outside the range the platform accepts.",
  "too-long": "A value is longer than the platform accepts.",
  "too-short": "A value is shorter than the platform accepts.",
  "too-many": "A list holds more items than the platform accepts.",
  "invalid-format": "A value does not match the pattern the platform accepts (email, language, digits, ...).",
  "invalid-choice": "A value is not one of the platform's fixed choices.",
  conflict: "Two values in the same row contradict each other, or one needs another that is missing.",
  duplicate: "A value that must be unique in the file was already used by an earlier row.",
  "ragged-row": "A record has more or fewer cells than the header.",
  "malformed-quote": "A quote is unclosed or stands where CSV does not allow it.",
  encoding: "The bytes are not valid in the detected encoding, or the encoding was guessed.",
  delimiter: "The delimiter cannot be told from the header (ambiguous), or was not the expected one.",
  "unknown-column": "A header names a column the dialect does not know; its values are kept but not interpreted.",
  "ignored-column": "A header names a column the platform ignores (for example, removed in a newer release).",
  "duplicate-column": "The header names the same column twice.",
  "template-row": "A row is a template artefact (such as a type-hint row), not data; it is not read as a user.",
  "unknown-operation": "The row's operation is not one the dialect supports.",
  "too-many-rows": "The file holds more rows than the platform accepts in one upload.",
  formula: "A cell starts like a spreadsheet formula (=, @, or +/- not followed by a digit).",
  normalised: "A value was rewritten to the platform's canonical form (for example a MAC address).",
  "not-carried": "A field of the source cannot be written by the target dialect; it is reported as lost.",
  "unreadable-file": "The file cannot be opened or read (file-level error).",
  "unwritable-file": "An output file cannot be written (file-level error).",
  unsupported: "The dialect cannot be read, or cannot be written, as asked (file-level error).",
  usage: "The command or its options are wrong, for example an output that needs a file name (file-level error).",
  "empty-file": "The file has no header row (file-level error).",
  "unknown-dialect": "No dialect has the given id (file-level error).",
  "invalid-json": "A JSON document or line cannot be parsed, or has the wrong shape.",
  connection: "A live platform cannot be reached, refused the login, or lost an answer the run cannot get past (run-level error).",
  rejected: "A live platform refused a user; the message is the platform's own.",
} as const

/**
 * One code of the closed list.
 */
export type IssueCode = keyof typeof IssueCodes

/**
 * How bad an issue is: an error makes the row invalid, a warning does not.
 */
export type Severity = "error" | "warning"

/**
 * One problem, placed where a person can find it.
 *
 * **Details**
 * `row` is the 1-based data record after the header (blank lines are not counted), `line` the
 * 1-based physical line where the record starts (the header is line 1). Both are `null` for
 * file-level issues. `column` is the header name, or `null` when not about one column.
 * Messages never carry secret values.
 */
export interface Issue {
  readonly row: number | null
  readonly line: number | null
  readonly column: string | null
  readonly code: IssueCode
  readonly severity: Severity
  readonly message: string
}

/**
 * An issue without its position: what an adapter or codec reports about one value; the pipeline
 * adds row and line.
 */
export interface Finding {
  readonly column: string | null
  readonly code: IssueCode
  readonly severity: Severity
  readonly message: string
}

/**
 * Makes an error finding.
 */
export const error = (code: IssueCode, column: string | null, message: string): Finding => ({
  column,
  code,
  severity: "error",
  message
})

/**
 * Makes a warning finding.
 */
export const warning = (code: IssueCode, column: string | null, message: string): Finding => ({
  column,
  code,
  severity: "warning",
  message
})

/**
 * Places a finding at a row and line.
 */
export const at = (finding: Finding, row: number | null, line: number | null): Issue => ({
  row,
  line,
  column: finding.column,
  code: finding.code,
  severity: finding.severity,
  message: finding.message
})

/**
 * Tells whether any of the findings is an error.
 */
export const hasError = (findings: ReadonlyArray<Finding>): boolean =>
  findings.some((f) => f.severity === "error")

/**
 * Orders issues by row, then line, file-level issues first; stable otherwise.
 */
export const compare = (a: Issue, b: Issue): number => (a.row ?? 0) - (b.row ?? 0) || (a.line ?? 0) - (b.line ?? 0)
