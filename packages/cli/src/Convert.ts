/**
 * `pbxport convert <file> --from <a> --to <b>`: reads users in one dialect and writes the valid
 * ones in another, through the canonical model.
 *
 * Rows that fail are skipped (and go to `--errors` so they can be fixed and fed back); fields
 * the target cannot carry are reported as lost. The converted users go to `-o` or standard
 * output; the human summary then goes to standard error so it never mixes with the data.
 */
import * as fs from "node:fs"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Issue } from "@pbxport/core"
import type { Conversion, ConversionReport } from "pbxport"
import * as Exit from "./Exit.js"
import * as Fill from "./Fill.js"
import * as Io from "./Io.js"
import * as Options from "./Options.js"
import { issueLine, severities } from "./Validate.js"

/**
 * The parsed command line of `pbxport convert`.
 */
export interface Input extends Options.ReadFlags, Options.DialectFlags, Fill.FillFlags {
  readonly file: string
  readonly from: string
  readonly to: string
  readonly output: Option.Option<string>
  readonly report: Option.Option<string>
  readonly errors: Option.Option<string>
  readonly json: boolean
  readonly fullTemplate: boolean
  readonly targetOption: ReadonlyArray<string>
}

const count = (n: number, word = "row"): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

/**
 * Formats a conversion report for people: the issues (lost fields aside), the row counts, the
 * files written and the fields lost, with counts.
 */
export const text = (report: ConversionReport): string => {
  const { read, written, skipped } = report.rows
  const lines = [
    ...report.issues.filter((i) => i.code !== "not-carried").map(issueLine),
    `${count(read)} read: ${written.toLocaleString("en-US")} written, ${skipped.toLocaleString("en-US")} skipped ${severities(report.issues)}`,
    ...report.outputs.map((o) => `wrote ${count(o.rows)} to ${o.path}`)
  ]
  if (report.errors !== null) lines.push(`wrote the ${count(skipped, "skipped row")} to ${report.errors}`)
  if (report.credentials !== undefined) lines.push(`wrote the generated ${report.credentials.fields.join(", ")} of ${count(report.credentials.rows, "user")} to ${report.credentials.path} (owner-only)`)
  if (report.emptyRequired !== undefined && report.emptyRequired.length > 0) {
    lines.push(`to complete: the ${report.to} dialect requires these columns, still empty:`)
    for (const e of report.emptyRequired) lines.push(`  ${e.column}: ${count(e.count)}`)
  }
  if (report.lost.length > 0) {
    lines.push(`lost: the ${report.to} dialect cannot carry these fields, which were not written:`)
    for (const l of report.lost) lines.push(`  ${l.field}: ${count(l.count)}`)
  }
  return lines.join("\n") + "\n"
}

/**
 * The report of a conversion that could not start or finish: no rows, the one issue.
 */
export const failure = (input: Input, issue: Issue.Issue): ConversionReport => ({
  file: input.file === "-" ? "<stdin>" : input.file,
  from: input.from,
  to: input.to,
  encoding: null,
  delimiter: null,
  rows: { read: 0, written: 0, skipped: 0 },
  outputs: [],
  errors: null,
  lost: [],
  issues: [issue]
})

/** The report without the converted bytes, which never go into a report or onto a terminal. */
const withoutData = (conversion: Conversion): ConversionReport =>
  Object.fromEntries(Object.entries(conversion).filter(([key]) => key !== "data")) as unknown as ConversionReport

const writeReport = async (file: string, report: ConversionReport): Promise<void> => {
  try {
    await fs.promises.writeFile(file, JSON.stringify(report, null, 2) + "\n")
  } catch (e) {
    const { PbxportError } = await import("pbxport")
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
}

/**
 * Runs `pbxport convert`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  if (input.json && Option.isNone(input.output)) {
    throw new Exit.UsageError("--json prints the report on standard output, so the users need a file: add -o FILE")
  }
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const targetOptions = Options.keyValues(input.targetOption, "--target-option")
  const fill = await Fill.fillOptions(input)
  const source = Options.source(input.file, io.stdin)
  if (Option.isSome(input.preview)) {
    try {
      return await Fill.preview(io, input.preview.value, source, { from: input.from, to: input.to, options, targetOptions, ...read, fullTemplate: input.fullTemplate, fill })
    } catch (e) {
      throw Fill.isUsage(e) ? new Exit.UsageError(e.message) : e
    }
  }
  const { convert } = await import("pbxport")
  const progress = Io.progress(io)
  const toStdout = Option.isNone(input.output)
  let report: ConversionReport
  try {
    // without -o the users stream to standard output as they are written, never held in memory
    report = withoutData(await convert(source, {
      from: input.from,
      to: input.to,
      options,
      targetOptions,
      ...read,
      output: Option.isSome(input.output) ? { path: input.output.value } : { sink: (bytes) => io.stdout.write(bytes) },
      ...(Option.isSome(input.errors) ? { errors: input.errors.value } : {}),
      fullTemplate: input.fullTemplate,
      fill,
      ...(progress.update ? { onProgress: progress.update } : {})
    }))
  } catch (e) {
    progress.clear()
    // a bad template, pool or policy is a mistake of the command line, found before any row is read
    if (Fill.isUsage(e)) throw new Exit.UsageError(e.message)
    const issue = Exit.fileIssue(e)
    if (issue === undefined || (!input.json && Option.isNone(input.report))) throw e
    const failed = failure(input, issue)
    if (Option.isSome(input.report)) await writeReport(input.report.value, failed)
    if (input.json) io.stdout.write(JSON.stringify(failed, null, 2) + "\n")
    else Exit.report(io, e)
    return Exit.failed
  }
  progress.clear()
  if (Option.isSome(input.report)) await writeReport(input.report.value, report)
  if (input.json) io.stdout.write(JSON.stringify(report, null, 2) + "\n")
  else (toStdout ? io.stderr : io.stdout).write(text(report))
  return Exit.ofRows(report.rows.skipped, report.issues)
}

const fileFlag = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withMetavar("FILE"), Flag.withDescription(description), Flag.optional)

/**
 * The `convert` command.
 */
export const command = Command.make(
  "convert",
  {
    file: Argument.String("file").pipe(Argument.withDescription("the file to convert; - reads standard input")),
    from: Flag.String("from").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the file (see pbxport dialects)")),
    to: Flag.String("to").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect to write")),
    output: fileFlag("output", "write the users to FILE (numbered FILE-001, FILE-002... past the dialect's rows-per-file limit); standard output when absent").pipe(
      Flag.withAlias("o")
    ),
    report: fileFlag("report", "write the conversion report as JSON to FILE"),
    errors: fileFlag("errors", "write the skipped rows to FILE, with their original columns and an error column"),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the conversion report as JSON (needs -o)"), Flag.withDefault(false)),
    fullTemplate: Flag.Boolean("full-template").pipe(
      Flag.withDescription("write every column of the target dialect, not only those the users fill"),
      Flag.withDefault(false)
    ),
    targetOption: Flag.String("target-option").pipe(
      Flag.withMetavar("KEY=VALUE"),
      Flag.withDescription("an option of the target dialect, such as operation=user.modify (repeatable)"),
      Flag.atLeast(0)
    ),
    ...Options.readFlags,
    ...Options.dialectFlags,
    ...Fill.fillFlags
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Convert users from one dialect to another through the canonical user model. Only valid rows are written; the others are reported (and written to --errors). Fields the target cannot carry are listed as lost. Languages are written in the target's words (docs/translations.md). --set, --extensions, --numbers, --map-file and --generate-passwords fill what the target needs; --full-template writes a scaffold to complete; --preview shows the first rows and writes nothing (docs/migrating.md). Exit code: 0 when every row was written, 1 when some rows were skipped, 2 when nothing could be converted (unreadable file, unknown dialect, missing required column) or the command line is wrong."
  ),
  Command.withShortDescription("Convert users between dialects"),
  Command.withExamples([
    { command: "pbxport convert users.csv --from broadworks --to wazo -o wazo-users.csv", description: "BroadWorks users to a Wazo import file" },
    { command: "pbxport convert users.csv --from wazo --to jsonl | jq .email", description: "canonical users on standard output, summary on standard error" },
    {
      command: "pbxport convert users.csv --from wazo --to commpeak --target-option 'default=Role=3' -o out.csv --errors failed.csv --report report.json",
      description: "one CommPeak role for every user; keep the skipped rows and a JSON report"
    },
    { command: "pbxport convert export.csv --from wazo --to broadworks --target-option operation=user.modify -o modify.csv", description: "an option of the target dialect" },
    {
      command: "pbxport convert people.csv --from commpeak --to jsonl --map-columns columns.txt --id-map role=roles.csv --generate-extensions -o users.jsonl",
      description: "read a spreadsheet's own column names, role names through a lookup file, number users without an extension"
    },
    {
      command:
        "pbxport convert export.csv --from wazo-export --to broadworks --set userId='{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com' --set serviceProviderId=ExampleSP --set groupId=ExampleGroup --extensions 1000-1999 -o users.csv",
      description: "fill BroadWorks user ids from names, and extensions from a range for users without one"
    },
    { command: "pbxport convert export.csv --from wazo-export --to commpeak --set Role=Agents --map-file role=roles.csv --preview", description: "check the first 10 rows before writing anything" },
    { command: "pbxport convert export.csv --from wazo-export --to broadworks --full-template -o to-complete.csv", description: "a scaffold: every BroadWorks column, filled where Wazo had the data" }
  ])
)
