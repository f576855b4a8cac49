/**
 * Exit codes, and the one place that turns a failure into a message and a code.
 *
 * - 0: every row is fine (warnings allowed) / every row was written;
 * - 1: some rows are invalid / were skipped (the report says which);
 * - 2: nothing could be done: a usage error (bad flag, bad `--map`, unknown dialect) or a
 *   file-level failure (unreadable file, missing required column, ambiguous delimiter).
 */
import type { Issue } from "@pbxport/core"
import type { Io } from "./Io.js"

/** Every row is fine. */
export const ok = 0
/** Some rows are invalid or were skipped. */
export const rowsFailed = 1
/** Usage error or file-level failure. */
export const failed = 2

/**
 * A mistake on the command line that the parser cannot see (a `--map` without `=`, an
 * unreadable `--map-columns` file, `--json` without `-o`); it exits with code 2.
 */
export class UsageError extends Error {
  readonly _tag = "UsageError"
  constructor(message: string) {
    super(message)
    this.name = "UsageError"
  }
}

/**
 * Standard output was closed by its reader (`| head`): the run stops without a message.
 */
export class OutputClosed extends Error {
  readonly _tag = "OutputClosed"
  constructor() {
    super("standard output was closed")
    this.name = "OutputClosed"
  }
}

/**
 * Tells whether an error is a file-level failure of the library (`PbxportError`, or a CSV
 * engine error), which carries the issue to show in a JSON report.
 *
 * **Details**
 * Checked by shape rather than `instanceof`, so this module does not load the library.
 */
export const fileIssue = (e: unknown): Issue.Issue | undefined => {
  if (e === null || typeof e !== "object" || e instanceof UsageError || e instanceof OutputClosed) return undefined
  const issue = (e as { issue?: unknown }).issue
  return issue !== null && typeof issue === "object" && "code" in issue && "message" in issue ? (issue as Issue.Issue) : undefined
}

const messageOf = (e: unknown): string => {
  if (e instanceof UsageError || fileIssue(e) !== undefined) return (e as Error).message
  if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string") return e.message
  // not a failure pbxport knows: show where it came from, it is a bug to report
  return `unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`
}

/**
 * Writes a failure to standard error as `pbxport: <message>` and returns exit code 2; a closed
 * standard output ends the run quietly with code 0, as its reader wanted no more.
 */
export const report = (io: Io, e: unknown): number => {
  if (e instanceof OutputClosed) return ok
  io.stderr.write(`pbxport: ${messageOf(e)}\n`)
  return failed
}

/**
 * The exit code of a run that read every row: 1 when a row failed or any error was reported
 * (warnings do not count), else 0.
 */
export const ofRows = (failedRows: number, issues: ReadonlyArray<Issue.Issue>): number =>
  failedRows > 0 || issues.some((i) => i.severity === "error") ? rowsFailed : ok
