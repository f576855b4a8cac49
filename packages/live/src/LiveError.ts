/**
 * The one error of a live run that cannot go on: a bad profile, a refused login, a platform
 * that cannot be reached, an answer that was lost, with a closed set of reasons.
 *
 * Messages are built here from the reason's fields only, and no field ever holds a password, a
 * token, a request body or a response body: what a platform answers is reduced to its status
 * and, where the platform's words are needed, to a message the connector has cleaned of secrets.
 * A user the platform refuses is not an error: it is an outcome (`Connector.Outcome`).
 */
import type { Issue } from "@pbxport/core"

/**
 * Why a live run could not go on.
 *
 * **Details**
 * - `Profile`: the connection profile is wrong (unknown, missing or doubled field, a password
 *   file readable by others, an unset environment variable);
 * - `Login`: the platform refused the credentials or the tenant;
 * - `Unreachable`: no answer (refused connection, DNS, TLS verification, timeouts, retries
 *   exhausted);
 * - `Refused`: the platform answered a request with an error the run cannot get past;
 * - `Lost`: a request that changes something was sent and its answer was lost, so it may have
 *   been applied: the caller must look before sending it again;
 * - `Aborted`: the run was asked to stop.
 */
export type Reason =
  | { readonly _tag: "Profile"; readonly file: string; readonly detail: string }
  | { readonly _tag: "Login"; readonly target: string; readonly detail: string }
  | { readonly _tag: "Unreachable"; readonly target: string; readonly detail: string }
  | { readonly _tag: "Refused"; readonly target: string; readonly request: string; readonly status: number; readonly detail: string }
  | { readonly _tag: "Lost"; readonly target: string; readonly request: string; readonly detail: string }
  | { readonly _tag: "Aborted"; readonly target: string }

const describe = (reason: Reason): string => {
  switch (reason._tag) {
    case "Profile":
      return `connection profile ${reason.file}: ${reason.detail}`
    case "Login":
      return `${reason.target} refused the login: ${reason.detail}`
    case "Unreachable":
      return `cannot reach ${reason.target}: ${reason.detail}`
    case "Refused":
      return `${reason.target} refused ${reason.request} (HTTP ${reason.status})${reason.detail === "" ? "" : `: ${reason.detail}`}`
    case "Lost":
      return `${reason.target}: the answer to ${reason.request} was lost (${reason.detail}); it may have been applied`
    case "Aborted":
      return `the run against ${reason.target} was stopped`
  }
}

/**
 * A live run that cannot go on; the command exits with code 2.
 *
 * **Details**
 * It carries an `issue` (code `connection`, or `usage` for a bad profile) the way the library's
 * file-level errors do, so the command line reports it the same way.
 */
export class LiveError extends Error {
  readonly _tag = "LiveError"
  constructor(readonly reason: Reason) {
    super(describe(reason))
    this.name = "LiveError"
  }

  /** The failure as an issue of a report (row and line null). */
  get issue(): Issue.Issue {
    return {
      row: null,
      line: null,
      column: null,
      code: this.reason._tag === "Profile" ? "usage" : "connection",
      severity: "error",
      message: this.message
    }
  }
}

/**
 * Tells whether a value is a {@link LiveError}.
 */
export const is = (u: unknown): u is LiveError => u instanceof LiveError
