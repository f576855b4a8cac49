/**
 * The `commpeak-errors` dialect: CommPeak's Error Details file, with the rows an upload refused
 * and why, and the join that finds the source rows to fix for the next upload.
 *
 * CommPeak's advice is to "view and fix the errors, for example, remove duplicates. Then repeat
 * the upload" (seed 002 step 10): pbxport maps each error row back to the source row it came
 * from (by username, then email), so the fixed file holds exactly the failed users.
 */
import { Adapter, Issue, Table, type User } from "@pbxport/core"
import * as Details from "./details.js"

const id = "commpeak-errors"
const file = "Error Details"

/** Header words of the error column, best first ("Error Code, Error Message" reads the message). */
export const messageWords: ReadonlyArray<string> = ["message", "reason", "error"]

const needsMessage = (header: ReadonlyArray<string>): Array<Issue.Finding> => {
  const taken = new Set<number>()
  for (const l of Details.keyColumns) {
    const at = Details.locate(header, l.words, taken)
    if (at !== undefined) taken.add(at)
  }
  return Details.locate(header, messageWords, taken) === undefined
    ? [Issue.error("missing-column", "Error", `no column of this file holds the error (a header containing "error", "reason" or "message"); is it CommPeak's ${file} file? Its columns are ${header.map((h) => `'${h}'`).join(", ")}`)]
    : []
}

const fixed = Details.fixedSpec(id, file, Details.keyColumns)

/**
 * The `commpeak-errors` dialect (read only). The error text stays in the row's kept cells
 * (`extras["commpeak-errors"]`, under its own header); {@link messageOf} finds it.
 */
export const commpeakErrors: Adapter.Adapter = Adapter.make({
  id,
  family: "commpeak",
  title: "CommPeak Error Details (refused rows)",
  description:
    "The Error Details file CommPeak offers after an upload: the refused users with the reason, columns found by the words in their headers (username, email, and error, reason or message).",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Table.columns(fixed),
  capabilities: { carries: Table.carries(fixed) },
  reader: Details.reader(id, file, Details.keyColumns, needsMessage)
})

/**
 * The error text of an Error Details row, or "" when the row has none.
 */
export const messageOf = (user: User.User): string => {
  const kept = user.extras?.[id] ?? {}
  const keys = Object.keys(kept)
  const at = Details.locate(keys, messageWords)
  return at === undefined ? "" : kept[keys[at]!]!.trim()
}

/**
 * A source row CommPeak refused, with its reasons.
 */
export interface Failure<S extends Details.Entry> {
  readonly source: S
  readonly matchedBy: Details.MatchedBy
  /** The Error Details rows about this source row (CommPeak may report several errors). */
  readonly details: ReadonlyArray<Details.Entry>
  /** CommPeak's error texts, one per row, in file order ("" for a row with none). */
  readonly messages: ReadonlyArray<string>
  /** The texts joined with "; ", as `pbxport commpeak retry` prints them. */
  readonly message: string
}

/**
 * The outcome of joining an Error Details file to the source rows.
 */
export interface Failures<S extends Details.Entry> {
  /** In source order: the rows of the fixed file for the next upload. */
  readonly failed: ReadonlyArray<Failure<S>>
  /** Error Details rows that name no source user. */
  readonly unmatched: ReadonlyArray<Details.Unmatched & { readonly message: string }>
}

/**
 * Maps each Error Details row back to the source row it came from, by username then email.
 *
 * @example
 * const { failed, unmatched } = joinFailures(sourceRows, errorRows)
 * // pbxport commpeak retry writes failed.map((f) => f.source) (original cells) and prints f.message
 */
export const joinFailures = <S extends Details.Entry>(sources: ReadonlyArray<S>, errors: ReadonlyArray<Details.Entry>): Failures<S> => {
  const match = Details.matcher(sources)
  const found = new Map<S, { by: Details.MatchedBy; details: Array<Details.Entry> }>()
  const unmatched: Array<Details.Unmatched & { readonly message: string }> = []
  for (const detail of errors) {
    const m = match(detail.user)
    if (typeof m === "string") {
      unmatched.push({ detail, reason: m, message: messageOf(detail.user) })
      continue
    }
    const entry = found.get(m.source) ?? { by: m.by, details: [] }
    entry.details.push(detail)
    found.set(m.source, entry)
  }
  return {
    failed: sources.flatMap((source) => {
      const f = found.get(source)
      if (f === undefined) return []
      const messages = f.details.map((d) => messageOf(d.user))
      return [{ source, matchedBy: f.by, details: f.details, messages, message: messages.filter((m) => m !== "").join("; ") }]
    }),
    unmatched
  }
}
