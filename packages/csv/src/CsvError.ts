/**
 * File-level failures of the CSV engine, as one error class with a closed list of reasons.
 *
 * Row problems are issues on their records; only what stops the whole file is thrown. Each
 * error carries the `Issue.Issue` to show, whose message says what would be valid, so callers
 * can report it like any other issue.
 */
import { Issue } from "@pbxport/core"

/**
 * Why a file cannot be read.
 */
export type Reason =
  | { readonly _tag: "EmptyFile" }
  | { readonly _tag: "AmbiguousDelimiter"; readonly candidates: ReadonlyArray<{ readonly delimiter: string; readonly count: number }> }
  | { readonly _tag: "UnknownEncoding"; readonly name: string }
  | { readonly _tag: "InvalidDelimiter"; readonly delimiter: string }
  | { readonly _tag: "UnreadableFile"; readonly path: string }

const codeOf = (reason: Reason): Issue.IssueCode => {
  switch (reason._tag) {
    case "EmptyFile":
      return "empty-file"
    case "AmbiguousDelimiter":
    case "InvalidDelimiter":
      return "delimiter"
    case "UnknownEncoding":
      return "encoding"
    case "UnreadableFile":
      return "unreadable-file"
  }
}

/**
 * A file-level failure: `reason` says which, `issue` is what to show (row and column null;
 * line set when the failure is at a place in the file).
 */
export class CsvError extends Error {
  override readonly name = "CsvError"
  readonly reason: Reason
  readonly issue: Issue.Issue

  constructor(reason: Reason, message: string, options?: { readonly line?: number | null; readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.reason = reason
    this.issue = Issue.at(Issue.error(codeOf(reason), null, message), null, options?.line ?? null)
  }
}

/**
 * Tells whether a value is a {@link CsvError}.
 */
export const is = (u: unknown): u is CsvError => u instanceof CsvError
