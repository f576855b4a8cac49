/**
 * What CommPeak's Success Details and Error Details files share: columns found by words in their
 * headers, and the matching of their rows to the source users they came from.
 *
 * After an upload CommPeak offers "Download Success Details" (temporary passwords, shown once)
 * and "Download Error Details" (failed rows); their column layout is not published (spec §1,
 * seed 002 step 10). So a column is the first whose header, ignoring case, spaces, `_` and `-`,
 * contains a word (`username`, `email`, `password`, `error`...), and rows are joined back to the
 * source by username, then email.
 */
import { type Adapter, Codec, Field, Issue, Table, type User } from "@pbxport/core"
import * as Columns from "./columns.js"

/** Header words of the username column. */
export const usernameWords: ReadonlyArray<string> = ["username", "login"]
/** Header words of the email column. */
export const emailWords: ReadonlyArray<string> = ["email"]

/**
 * Finds the first header (not taken yet) containing one of the words, trying the words in order.
 */
export const locate = (header: ReadonlyArray<string>, words: ReadonlyArray<string>, taken: ReadonlySet<number> = new Set()): number | undefined => {
  for (const word of words) {
    const i = header.findIndex((h, n) => !taken.has(n) && Table.looseKey(h).includes(word))
    if (i >= 0) return i
  }
  return undefined
}

/**
 * One column of a details file: the header pbxport writes, the words that find it when reading.
 */
export interface Located {
  readonly header: string
  readonly words: ReadonlyArray<string>
  readonly target: string
  readonly codec: Codec.Codec<any>
  readonly description: string
  readonly required: boolean
  /** Overrides the type text the codec gives. */
  readonly type?: string
}

/** The username and email columns every details file has. */
export const keyColumns: ReadonlyArray<Located> = [
  { header: "Username", words: usernameWords, target: "username", codec: Codec.text, description: "Login user name (a header containing \"username\" or \"login\").", required: false },
  { header: "Email", words: emailWords, target: "email", codec: Codec.text, description: "Email address (a header containing \"email\").", required: false }
]

const needsKey = (file: string, shown: (target: string) => string) => (user: User.User): Array<Issue.Finding> => {
  if (Field.isFilled(user.username) || Field.isFilled(user.email)) return []
  const c = shown("username")
  return [Issue.error("missing-required", c, `a ${file} row needs a username or an email, to be matched to the user it belongs to`)]
}

/**
 * The table of a details file as pbxport writes it (fixed headers).
 */
export const fixedSpec = (id: string, file: string, located: ReadonlyArray<Located>): Table.Spec => ({
  id,
  columns: located.map((l) => ({ header: l.header, target: l.target, codec: l.codec, description: l.description, required: l.required, ...(l.type ? { type: l.type } : {}) })),
  empty: Columns.empty,
  match: "loose",
  unknownColumn: () => undefined,
  rules: needsKey(file, (t) => located.find((l) => l.target === t)?.header ?? t)
})

/**
 * Makes the reader of a details file: locates the columns by their words, checks the file has
 * what it must (a key column, and `also`), and reads the other columns as kept cells, quietly.
 */
export const reader = (id: string, file: string, located: ReadonlyArray<Located>, also: (header: ReadonlyArray<string>) => Array<Issue.Finding>) =>
  (header: ReadonlyArray<string> | null, options: Adapter.Options): Adapter.RowReader => {
    const cols = header ?? []
    const taken = new Set<number>()
    const found = new Map<string, string>()
    for (const l of located) {
      const at = locate(cols, l.words, taken)
      if (at === undefined) continue
      taken.add(at)
      found.set(l.target, cols[at]!)
    }
    const findings: Array<Issue.Finding> = []
    if (!found.has("username") && !found.has("email")) {
      findings.push(Issue.error("missing-column", null, `no column of this file names a username or an email (a header containing "username", "login" or "email"); is it CommPeak's ${file} file? Its columns are ${cols.map((h) => `'${h}'`).join(", ")}`))
    }
    findings.push(...also(cols))
    const spec: Table.Spec = {
      id,
      columns: located.flatMap((l) => {
        const h = found.get(l.target)
        return h === undefined ? [] : [{ header: h, target: l.target, codec: l.codec, description: l.description, required: l.required }]
      }),
      empty: Columns.empty,
      match: "exact",
      unknownColumn: () => undefined,
      rules: needsKey(file, (t) => found.get(t) ?? t)
    }
    const table = Table.reader(spec)(header, options)
    return { findings: [...findings, ...table.findings], decode: table.decode }
  }

/**
 * One row of a file with the user it holds: a source row, or a details row.
 */
export interface Entry {
  readonly row: number
  readonly user: User.User
}

/**
 * A details row that matches no source user, and why.
 */
export interface Unmatched {
  readonly detail: Entry
  readonly reason: string
}

/**
 * How a details row was matched.
 */
export type MatchedBy = "username" | "email"

const clean = (s: string | null | undefined): string => (s ?? "").trim()

/**
 * Indexes source users for matching: by username (exactly, then ignoring case when that is
 * unambiguous), then by email ignoring case. The first source row wins a repeated key.
 */
export const matcher = <S extends Entry>(sources: ReadonlyArray<S>) => {
  const byUsername = new Map<string, S>()
  // a username that differs from another only by case is ambiguous (null) when ignoring case
  const byFolded = new Map<string, { readonly source: S; readonly username: string } | null>()
  const byEmail = new Map<string, S>()
  for (const s of sources) {
    const username = clean(s.user.username)
    if (username !== "") {
      if (!byUsername.has(username)) byUsername.set(username, s)
      const folded = byFolded.get(username.toLowerCase())
      if (folded === undefined) byFolded.set(username.toLowerCase(), { source: s, username })
      else if (folded !== null && folded.username !== username) byFolded.set(username.toLowerCase(), null)
    }
    const email = clean(s.user.email).toLowerCase()
    if (email !== "" && !byEmail.has(email)) byEmail.set(email, s)
  }
  return (detail: User.User): { readonly source: S; readonly by: MatchedBy } | string => {
    const username = clean(detail.username)
    const email = clean(detail.email).toLowerCase()
    const hit = byUsername.get(username) ?? byFolded.get(username.toLowerCase())?.source
    if (username !== "" && hit !== undefined) return { source: hit, by: "username" }
    const byMail = email === "" ? undefined : byEmail.get(email)
    if (byMail !== undefined) return { source: byMail, by: "email" }
    const keys = [username === "" ? null : `username '${username}'`, email === "" ? null : `email '${clean(detail.email)}'`].filter((k) => k !== null)
    return `no source user has ${keys.join(" or ")}`
  }
}
