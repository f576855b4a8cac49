/**
 * `pbxport commpeak credentials` and `pbxport commpeak retry`: what to do with the two files
 * CommPeak gives back after a mass user creation (docs/dialects/commpeak.md).
 *
 * `credentials` joins the temporary passwords of the Success Details file back to the source
 * users and writes them to a file readable by its owner only; a password is never printed.
 * `retry` maps each row of the Error Details file back to its source row, prints CommPeak's
 * message, and writes the failed source rows, cells as read, for the next upload.
 *
 * The joins are the adapter's (`joinCredentials`, `joinFailures`); this module reads, prints
 * and writes.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Adapter, Issue, User } from "@pbxport/core"
import type { Credentials, Failures } from "@pbxport/adapter-commpeak"
import type { Input as SourceInput, ReadOptions } from "pbxport"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"
import * as Options from "./Options.js"
import { issueLine } from "./Validate.js"

const successFile = "Success Details"
const errorsFile = "Error Details"

/**
 * One data row of an input file, as the commands join and report it.
 */
export interface Row {
  readonly row: number
  readonly line: number
  /** Set when the row is valid; invalid rows take no part in the joins. */
  readonly user: User.User | undefined
  readonly cells: ReadonlyArray<string>
  readonly issues: ReadonlyArray<Issue.Issue>
}

/** A valid row, as the joins take it. */
type Entry = Row & { readonly user: User.User }

/**
 * A decoded input: its file-level facts and its data rows, in order.
 */
export interface Read {
  readonly name: string
  readonly header: ReadonlyArray<string> | null
  readonly delimiter: string | null
  readonly encoding: string | null
  readonly fileIssues: ReadonlyArray<Issue.Issue>
  readonly rows: ReadonlyArray<Row>
}

/**
 * Decodes a whole input. A file-level failure about the file's contents names the file, since
 * these commands read two.
 */
const readRows = async (input: SourceInput, options: ReadOptions & { readonly from: string; readonly options?: Adapter.Options }, label: string): Promise<Read> => {
  const { Decode, PbxportError } = await import("pbxport")
  try {
    const decoding = await Decode.decode(input, options)
    const rows: Array<Row> = []
    for await (const r of decoding.rows) {
      if (!r.skipped) rows.push({ row: r.row, line: r.line, user: r.user, cells: r.cells ?? [], issues: r.issues })
    }
    const { name, header, delimiter, encoding } = decoding.opened
    return { name, header, delimiter, encoding, fileIssues: decoding.fileIssues, rows }
  } catch (e) {
    if (e instanceof PbxportError && e.reason._tag === "BadInput") {
      throw new PbxportError({ _tag: "BadInput", issue: { ...e.reason.issue, message: `${label}: ${e.reason.issue.message}` } })
    }
    throw e
  }
}

const valid = (rows: ReadonlyArray<Row>): Array<Entry> => rows.filter((r): r is Entry => r.user !== undefined)
const invalid = (rows: ReadonlyArray<Row>): Array<Row> => rows.filter((r) => r.user === undefined)
const errorsOf = (read: Read): Array<Issue.Issue> => [...read.fileIssues, ...read.rows.flatMap((r) => r.issues)].filter((i) => i.severity === "error")
const allIssues = (read: Read): Array<Issue.Issue> => [...read.fileIssues, ...read.rows.flatMap((r) => r.issues)]

const count = (n: number, word: string, plural = `${word}s`): string => `${n.toLocaleString("en-US")} ${n === 1 ? word : plural}`
const place = (r: { readonly row: number; readonly line: number }): string => `row ${r.row} (line ${r.line})`
const keys = (user: User.User | undefined) => ({ username: user?.username ?? null, email: user?.email ?? null })

const lineOf = (rows: ReadonlyArray<Row>) => {
  const lines = new Map(rows.map((r) => [r.row, r.line]))
  return (row: number): number => lines.get(row) ?? row + 1
}

/**
 * Checks `-o`: given, a file, and none of the inputs (which it would replace).
 *
 * @throws UsageError saying why.
 */
const outputPath = (output: Option.Option<string>, inputs: ReadonlyArray<string>, why: string): string => {
  if (Option.isNone(output) || output.value === "-") throw new Exit.UsageError(`${why}: give the file to write with -o FILE`)
  const out = path.resolve(output.value)
  const clash = inputs.find((i) => i !== "-" && path.resolve(i) === out)
  if (clash !== undefined) throw new Exit.UsageError(`-o ${output.value} would replace the input ${clash}; write to another file`)
  return output.value
}

const writeReport = async (file: string, report: unknown): Promise<void> => {
  try {
    await fs.promises.writeFile(file, JSON.stringify(report, null, 2) + "\n")
  } catch (e) {
    const { PbxportError } = await import("pbxport")
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
}

/**
 * The flags both commands share: the source dialect, its options, and the report.
 */
interface SourceFlags extends Options.ReadFlags, Options.DialectFlags {
  readonly file: string
  readonly from: string
  readonly output: Option.Option<string>
  readonly report: Option.Option<string>
}

/**
 * The parsed command line of `pbxport commpeak credentials`.
 */
export interface CredentialsInput extends SourceFlags {
  readonly success: string
}

/**
 * The report of `pbxport commpeak credentials --report`: counts, and the users and rows that
 * were not matched, by row and username. It never holds a password.
 */
export interface CredentialsReport {
  readonly file: string
  readonly from: string
  readonly success: string
  readonly output: string
  readonly users: { readonly source: number; readonly matched: number; readonly missing: number; readonly unmatched: number }
  /** Source users that got no password: no Success Details row names them, or their row is invalid. */
  readonly missing: ReadonlyArray<{ readonly row: number; readonly line: number; readonly username: string | null; readonly email: string | null; readonly reason: string }>
  /** Success Details rows naming no source user (or one already matched), or invalid. */
  readonly unmatched: ReadonlyArray<{ readonly row: number; readonly line: number; readonly username: string | null; readonly email: string | null; readonly reason: string }>
  readonly issues: { readonly source: ReadonlyArray<Issue.Issue>; readonly success: ReadonlyArray<Issue.Issue> }
}

const invalidRow = "the row is invalid (see its errors above), so it was not matched"

/**
 * Builds the credentials report from the join; no password goes in.
 */
export const credentialsReport = (input: CredentialsInput, output: string, source: Read, success: Read, join: Credentials<Entry>): CredentialsReport => {
  const successLine = lineOf(success.rows)
  const missing = [
    ...join.missing.map((s) => ({ row: s.row, line: s.line, ...keys(s.user), reason: `no ${successFile} row names this user` })),
    ...invalid(source.rows).map((r) => ({ row: r.row, line: r.line, username: null, email: null, reason: invalidRow }))
  ].sort((a, b) => a.row - b.row)
  const unmatched = [
    ...join.unmatched.map((u) => ({ row: u.detail.row, line: successLine(u.detail.row), ...keys(u.detail.user), reason: u.reason })),
    ...invalid(success.rows).map((r) => ({ row: r.row, line: r.line, username: null, email: null, reason: invalidRow }))
  ].sort((a, b) => a.row - b.row)
  return {
    file: source.name,
    from: input.from,
    success: input.success,
    output,
    users: { source: source.rows.length, matched: join.matched.length, missing: missing.length, unmatched: unmatched.length },
    missing,
    unmatched,
    issues: { source: errorsOf(source), success: allIssues(success) }
  }
}

/**
 * Formats the credentials report for people: the errors that kept rows out, one line per user
 * without a password and per unmatched row, then the counts. Names rows and usernames only.
 */
export const credentialsText = (report: CredentialsReport): string =>
  [
    ...report.issues.source.map((i) => `source ${issueLine(i)}`),
    ...report.issues.success.map((i) => `${successFile} ${issueLine(i)}`),
    ...report.missing.map((m) => `source ${place(m)}: no password for ${m.username ?? m.email ?? "this row"}: ${m.reason}`),
    ...report.unmatched.map((u) => `${successFile} ${place(u)}: matches no user: ${u.reason}`),
    `${count(report.users.source, "source user")}: ${report.users.matched.toLocaleString("en-US")} with a password, ${report.users.missing.toLocaleString("en-US")} without; ${count(report.users.unmatched, `${successFile} row`)} matching no user`,
    `wrote the credentials of ${count(report.users.matched, "user")} to ${report.output} (readable by its owner only; never printed)`
  ].join("\n") + "\n"

/**
 * Runs `pbxport commpeak credentials`.
 */
export const credentials = async (input: CredentialsInput, io: Io.Io): Promise<number> => {
  const output = outputPath(input.output, [input.file, input.success], "the credentials hold passwords, which pbxport never prints")
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const sourceInput = Options.source(input.file, io.stdin)
  const { Output } = await import("pbxport")
  const { commpeakSuccess, joinCredentials } = await import("@pbxport/adapter-commpeak")
  const source = await readRows(sourceInput, { from: input.from, options, ...read }, input.file)
  const success = await readRows({ path: input.success }, { from: commpeakSuccess.id }, input.success)
  const join = joinCredentials(valid(source.rows), valid(success.rows))
  // owner-only from the first byte: spooled and written with mode 0600, renamed into place
  const writer = commpeakSuccess.writer({})
  const out = Output.create(commpeakSuccess, writer, { path: output }, { mode: 0o600 })
  try {
    // a credential holds a Success Details row's valid password and username or email, so it
    // passes the dialect's own rules when written
    join.matched.forEach((m, index) => out.add(writer.encode(m.credentials, index)))
    await out.finish()
  } catch (e) {
    await out.abort()
    throw e
  }
  const report = credentialsReport(input, output, source, success, join)
  if (Option.isSome(input.report)) await writeReport(input.report.value, report)
  io.stdout.write(credentialsText(report))
  return report.users.missing + report.users.unmatched > 0 ? Exit.rowsFailed : Exit.ok
}

/**
 * The parsed command line of `pbxport commpeak retry`.
 */
export interface RetryInput extends SourceFlags {
  readonly errors: string
}

/**
 * The report of `pbxport commpeak retry --report`.
 */
export interface RetryReport {
  readonly file: string
  readonly from: string
  readonly errors: string
  /** The retry file, or null when nothing failed (no file is written then). */
  readonly output: string | null
  readonly rows: { readonly source: number; readonly failed: number; readonly unmatched: number }
  /** The source rows CommPeak refused, in source order, with CommPeak's messages. */
  readonly failed: ReadonlyArray<{ readonly row: number; readonly line: number; readonly username: string | null; readonly email: string | null; readonly matchedBy: string; readonly messages: ReadonlyArray<string> }>
  /** Error Details rows that name no valid source row, or are invalid. */
  readonly unmatched: ReadonlyArray<{ readonly row: number; readonly line: number; readonly username: string | null; readonly email: string | null; readonly reason: string; readonly message: string }>
  readonly issues: { readonly source: ReadonlyArray<Issue.Issue>; readonly errors: ReadonlyArray<Issue.Issue> }
}

/**
 * Builds the retry report from the join.
 */
export const retryReport = (input: RetryInput, output: string, source: Read, errors: Read, join: Failures<Entry>): RetryReport => {
  const errorsLine = lineOf(errors.rows)
  const unmatched = [
    ...join.unmatched.map((u) => ({ row: u.detail.row, line: errorsLine(u.detail.row), ...keys(u.detail.user), reason: u.reason, message: u.message })),
    ...invalid(errors.rows).map((r) => ({ row: r.row, line: r.line, username: null, email: null, reason: invalidRow, message: "" }))
  ].sort((a, b) => a.row - b.row)
  return {
    file: source.name,
    from: input.from,
    errors: input.errors,
    output: join.failed.length > 0 ? output : null,
    rows: { source: source.rows.length, failed: join.failed.length, unmatched: unmatched.length },
    failed: join.failed.map((f) => ({ row: f.source.row, line: f.source.line, ...keys(f.source.user), matchedBy: f.matchedBy, messages: f.messages })),
    unmatched,
    issues: { source: errorsOf(source), errors: allIssues(errors) }
  }
}

/**
 * Formats the retry report for people: `row N (line L): <CommPeak's message>` per failed source
 * row, a warning per unmatched Error Details row, then the counts and the file written.
 */
export const retryText = (report: RetryReport): string => {
  const message = (messages: ReadonlyArray<string>): string => messages.filter((m) => m !== "").join("; ") || "CommPeak gave no reason"
  const invalidSource = report.issues.source.filter((i) => i.row !== null).length
  return [
    ...report.issues.source.map((i) => `source ${issueLine(i)}`),
    ...report.issues.errors.map((i) => `${errorsFile} ${issueLine(i)}`),
    ...report.failed.map((f) => `${place(f)}: ${message(f.messages)}`),
    ...report.unmatched.map((u) => `warning: ${errorsFile} ${place(u)} matches no source row: ${u.reason}${u.message === "" ? "" : ` (CommPeak: ${u.message})`}`),
    report.rows.failed === 0
      ? `nothing to retry: no source row failed; no file written`
      : `${report.rows.failed.toLocaleString("en-US")} of ${count(report.rows.source, "source row")} failed; wrote ${report.rows.failed === 1 ? "it" : "them"} to ${report.output}: fix ${report.rows.failed === 1 ? "it" : "them"} and upload that file again`,
    ...(report.rows.unmatched > 0 ? [`${count(report.rows.unmatched, `${errorsFile} row`)} ${report.rows.unmatched === 1 ? "matches" : "match"} no source row`] : []),
    ...(invalidSource > 0 ? [`the source has invalid rows (errors above), which are not matched: check them with pbxport validate`] : [])
  ].join("\n") + "\n"
}

const loadBytes = async (file: string, stdin: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array> => {
  const { PbxportError } = await import("pbxport")
  if (file === "-") {
    if (stdin === undefined) throw new Exit.UsageError("'-' reads standard input, which this run does not have")
    const chunks: Array<Uint8Array> = []
    for await (const c of stdin) chunks.push(c)
    return Buffer.concat(chunks)
  }
  try {
    return await fs.promises.readFile(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PbxportError({ _tag: "UnreadableFile", path: file, cause: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message })
  }
}

/**
 * Tells the byte order mark and the newline of a CSV file's bytes, so the retry file keeps them.
 */
export const layoutOf = (bytes: Uint8Array, encoding: string): { readonly bom: boolean; readonly newline: "\r\n" | "\n" } => {
  const utf16 = /^utf-?16/i.test(encoding)
  const bom = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || (utf16 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)))
  // newlines are ASCII in every encoding pbxport reads but UTF-16, which TextDecoder knows
  const head = new TextDecoder(utf16 ? encoding.toLowerCase() : "latin1").decode(bytes.subarray(0, 64 * 1024))
  const nl = /\r?\n/.exec(head)
  return { bom, newline: nl === null || nl[0] === "\r\n" ? "\r\n" : "\n" }
}

/**
 * Runs `pbxport commpeak retry`.
 */
export const retry = async (input: RetryInput, io: Io.Io): Promise<number> => {
  const output = outputPath(input.output, [input.file, input.errors], "the failed rows go to a file for the next upload")
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const { Registry } = await import("pbxport")
  const dialect = Registry.find(input.from)
  if (dialect !== undefined && dialect.format !== "csv") {
    throw new Exit.UsageError(`--from ${input.from}: the retry file repeats the source rows as they were read, so the source must be a CSV dialect such as commpeak`)
  }
  const { commpeakErrors, joinFailures } = await import("@pbxport/adapter-commpeak")
  const { Dialect, Writer } = await import("@pbxport/csv")
  const bytes = await loadBytes(input.file, io.stdin)
  const name = input.file === "-" ? "<stdin>" : input.file
  const source = await readRows({ bytes, name }, { from: input.from, options, ...read }, name)
  const errors = await readRows({ path: input.errors }, { from: commpeakErrors.id }, input.errors)
  const join = joinFailures(valid(source.rows), valid(errors.rows))
  if (join.failed.length > 0) {
    const encoding = source.encoding ?? "utf-8"
    // the source's own syntax, cells exactly as read: only the quoting becomes minimal
    const syntax = Dialect.make({ delimiter: source.delimiter ?? ",", encoding, ...layoutOf(bytes, encoding) })
    try {
      await Writer.writeFile(output, source.header ?? [], join.failed.map((f) => f.source.cells), syntax)
    } catch (e) {
      const { PbxportError } = await import("pbxport")
      throw new PbxportError({ _tag: "UnwritableFile", path: output, cause: (e as Error).message })
    }
  }
  const report = retryReport(input, output, source, errors, join)
  if (Option.isSome(input.report)) await writeReport(input.report.value, report)
  io.stdout.write(retryText(report))
  return report.rows.failed + report.rows.unmatched > 0 ? Exit.rowsFailed : Exit.ok
}

const fileFlag = (name: string, description: string) => Flag.String(name).pipe(Flag.withMetavar("FILE"), Flag.withDescription(description))

const sourceFlags = {
  file: Argument.String("source").pipe(Argument.withDescription("the users that were uploaded (the file given to CommPeak, or the file it was converted from); - reads standard input")),
  from: Flag.String("from").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the source file, typically commpeak (see pbxport dialects)")),
  report: fileFlag("report", "write the report as JSON to FILE (counts, rows, usernames, messages; never a password)").pipe(Flag.optional)
}

/**
 * The `commpeak credentials` command.
 */
export const credentialsCommand = Command.make(
  "credentials",
  {
    file: sourceFlags.file,
    from: sourceFlags.from,
    success: fileFlag("success", "CommPeak's Success Details file (Download Success Details after the upload)"),
    output: fileFlag("output", "the credentials file to write (Username, Email, Password), created readable by its owner only").pipe(Flag.withAlias("o"), Flag.optional),
    report: sourceFlags.report,
    ...Options.readFlags,
    ...Options.dialectFlags
  },
  Io.handler(credentials)
).pipe(
  Command.withDescription(
    "Join the temporary passwords of CommPeak's Success Details file back to the source users (by username, then email) and write them to a credentials file (Username, Email, Password), created readable by its owner only. Passwords are never printed: the output names rows and usernames and gives counts. Exit code: 0 when every source user got a password, 1 when some did not or some Success Details rows match no user, 2 when a file cannot be read or the command line is wrong (-o is required)."
  ),
  Command.withShortDescription("Join CommPeak's Success Details to the source users"),
  Command.withExamples([
    { command: "pbxport commpeak credentials users.csv --from commpeak --success success-details.csv -o credentials.csv", description: "hand each uploaded user their first login" },
    { command: "pbxport commpeak credentials export.csv --from wazo-export --success success-details.csv -o credentials.csv --report report.json", description: "source users from the file the upload was converted from; a JSON report" }
  ])
)

/**
 * The `commpeak retry` command.
 */
export const retryCommand = Command.make(
  "retry",
  {
    file: sourceFlags.file,
    from: sourceFlags.from,
    errors: fileFlag("errors", "CommPeak's Error Details file (Download Error Details after the upload)"),
    output: fileFlag("output", "the file for the next upload: the failed source rows, with the source's header and cells as they were").pipe(Flag.withAlias("o"), Flag.optional),
    report: sourceFlags.report,
    ...Options.readFlags,
    ...Options.dialectFlags
  },
  Io.handler(retry)
).pipe(
  Command.withDescription(
    "Map each row of CommPeak's Error Details file back to its source row (by username, then email), print `row N (line L): <CommPeak's message>` for each failed row, and write the failed rows to a file for the next upload: the source's header and delimiter, cells exactly as read, no added column (CommPeak's messages are printed and in --report). Error Details rows naming no source row are warnings. Exit code: 0 when nothing failed (no file is written), 1 when some rows failed (the file is written) or some Error Details rows match no source row, 2 when a file cannot be read or the command line is wrong (-o is required)."
  ),
  Command.withShortDescription("The rows CommPeak refused, for the next upload"),
  Command.withExamples([
    { command: "pbxport commpeak retry users.csv --from commpeak --errors error-details.csv -o retry.csv", description: "the refused rows, to fix and upload again" },
    { command: "pbxport commpeak retry users.csv --from commpeak --errors error-details.csv -o retry.csv --report retry.json", description: "also CommPeak's messages per row as JSON" }
  ])
)

/**
 * The `commpeak` command: what to do with the files CommPeak gives back after an upload.
 */
export const command = Command.make("commpeak").pipe(
  Command.withDescription(
    "Work with the files CommPeak Dialer gives back after a mass user creation (Users > Create from file): join the Success Details to the source users, or turn the Error Details into the file for the next upload. See docs/dialects/commpeak.md."
  ),
  Command.withShortDescription("Use CommPeak's Success Details and Error Details files"),
  Command.withSubcommands([credentialsCommand, retryCommand]),
  Command.withExamples([
    { command: "pbxport commpeak credentials users.csv --from commpeak --success success-details.csv -o credentials.csv", description: "the first logins of the created users, owner-only" },
    { command: "pbxport commpeak retry users.csv --from commpeak --errors error-details.csv -o retry.csv", description: "the refused rows, for the next upload" }
  ])
)
