/**
 * The `commpeak-success` dialect: CommPeak's Success Details file, with the temporary passwords
 * of the users an upload created, and the join that hands each source user their credentials.
 *
 * CommPeak shows these passwords once (seed 002 step 10: otherwise "reset passwords one by one"),
 * so pbxport reads the file, joins it back to the source users by username (then email), and the
 * CLI writes a credentials file readable by its owner only, in this dialect, never echoing it.
 */
import { Adapter, Codec, Issue, Table, type User } from "@pbxport/core"
import * as Details from "./details.js"

const id = "commpeak-success"
const file = "Success Details"

const located: ReadonlyArray<Details.Located> = [
  ...Details.keyColumns,
  {
    header: "Password",
    words: ["password"],
    target: "password",
    codec: Codec.secret,
    description: "Temporary password CommPeak generated, shown once; when it is missing, reset the password on the Users page.",
    required: true,
    // the documentation marks secret columns itself
    type: "text"
  }
]

const needsPassword = (header: ReadonlyArray<string>): Array<Issue.Finding> =>
  Details.locate(header, ["password"]) === undefined
    ? [Issue.error("missing-column", "Password", `no column of this file names a password (a header containing "password"); is it CommPeak's ${file} file? Its columns are ${header.map((h) => `'${h}'`).join(", ")}`)]
    : []

const fixed = Details.fixedSpec(id, file, located)

/**
 * The `commpeak-success` dialect.
 */
export const commpeakSuccess: Adapter.Adapter = Adapter.make({
  id,
  family: "commpeak",
  title: "CommPeak Success Details (temporary passwords)",
  description:
    "The Success Details file CommPeak offers after an upload: username, email and temporary password, columns found by the words in their headers. pbxport writes credentials files in the same form.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: Table.columns(fixed),
  capabilities: { carries: Table.carries(fixed) },
  reader: Details.reader(id, file, located, needsPassword),
  writer: Table.writer(fixed)
})

/**
 * A source user and the credentials CommPeak gave them.
 */
export interface Credential<S extends Details.Entry> {
  readonly source: S
  /** The Success Details row. */
  readonly detail: Details.Entry
  readonly matchedBy: Details.MatchedBy
  /**
   * What to hand the user: CommPeak's username and email (the source's when the Success
   * Details row has none) and the temporary password (redacted).
   */
  readonly credentials: User.User
}

/**
 * The outcome of joining a Success Details file to the source users.
 */
export interface Credentials<S extends Details.Entry> {
  /** In source order. */
  readonly matched: ReadonlyArray<Credential<S>>
  /** Source users no Success Details row names: not created, or the file is incomplete. */
  readonly missing: ReadonlyArray<S>
  /** Success Details rows that name no source user, or one already matched. */
  readonly unmatched: ReadonlyArray<Details.Unmatched>
}

/**
 * Joins the rows of a Success Details file to the source users, by username then email.
 *
 * **Details**
 * Usernames match exactly, then ignoring case when that is unambiguous; emails ignoring case.
 * A second row for an already matched user is unmatched, and so is a row that names nobody.
 * Reasons never hold the password.
 *
 * @example
 * const { matched, missing, unmatched } = joinCredentials(sourceRows, successRows)
 * // write matched.map((m) => m.credentials) with the commpeak-success dialect, mode 0600
 */
export const joinCredentials = <S extends Details.Entry>(sources: ReadonlyArray<S>, success: ReadonlyArray<Details.Entry>): Credentials<S> => {
  const match = Details.matcher(sources)
  const found = new Map<S, Credential<S>>()
  const unmatched: Array<Details.Unmatched> = []
  for (const detail of success) {
    const m = match(detail.user)
    if (typeof m === "string") {
      unmatched.push({ detail, reason: m })
      continue
    }
    const earlier = found.get(m.source)
    if (earlier !== undefined) {
      unmatched.push({ detail, reason: `the source user of row ${m.source.row} already got credentials from ${file} row ${earlier.detail.row}` })
      continue
    }
    const username = detail.user.username ?? m.source.user.username
    const email = detail.user.email ?? m.source.user.email
    const credentials: User.User = {
      ...(username !== undefined ? { username } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(detail.user.password !== undefined ? { password: detail.user.password } : {})
    }
    found.set(m.source, { source: m.source, detail, matchedBy: m.by, credentials })
  }
  return {
    matched: sources.flatMap((s) => found.get(s) ?? []),
    missing: sources.filter((s) => !found.has(s)),
    unmatched
  }
}
