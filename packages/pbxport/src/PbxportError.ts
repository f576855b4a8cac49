/**
 * The one error of a run that cannot go on: a file-level failure, with a closed set of reasons.
 *
 * Row problems never become errors: they are issues in the report. This error is what makes
 * the command exit with code 2.
 */
import type { Issue } from "@pbxport/core"

/**
 * Why a run could not go on.
 */
export type Reason =
  | { readonly _tag: "UnknownDialect"; readonly id: string; readonly known: ReadonlyArray<string> }
  | { readonly _tag: "UnsupportedDirection"; readonly id: string; readonly direction: "read" | "write" }
  | { readonly _tag: "UnreadableFile"; readonly path: string; readonly cause: string }
  | { readonly _tag: "UnwritableFile"; readonly path: string; readonly cause: string }
  | { readonly _tag: "BadInput"; readonly issue: Issue.Issue }
  | { readonly _tag: "Usage"; readonly detail: string }

const describe = (reason: Reason): string => {
  switch (reason._tag) {
    case "UnknownDialect":
      return `unknown dialect '${reason.id}'; known dialects: ${reason.known.join(", ")}`
    case "UnsupportedDirection":
      return `the ${reason.id} dialect cannot be ${reason.direction === "read" ? "read" : "written"}`
    case "UnreadableFile":
      return `cannot read ${reason.path}: ${reason.cause}`
    case "UnwritableFile":
      return `cannot write ${reason.path}: ${reason.cause}`
    case "BadInput":
      return reason.issue.message
    case "Usage":
      return reason.detail
  }
}

const codes: Record<Exclude<Reason["_tag"], "BadInput">, Issue.IssueCode> = {
  UnknownDialect: "unknown-dialect",
  UnsupportedDirection: "unsupported",
  UnreadableFile: "unreadable-file",
  UnwritableFile: "unwritable-file",
  Usage: "usage"
}

/**
 * A file-level failure.
 */
export class PbxportError extends Error {
  readonly _tag = "PbxportError"
  constructor(readonly reason: Reason) {
    super(describe(reason))
    this.name = "PbxportError"
  }

  /** The failure as an issue of the report (row and line null). */
  get issue(): Issue.Issue {
    if (this.reason._tag === "BadInput") return this.reason.issue
    return {
      row: null,
      line: null,
      column: null,
      code: codes[this.reason._tag],
      severity: "error",
      message: this.message
    }
  }
}
