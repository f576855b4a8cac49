/**
 * `pbxport migrate <source> --from <a> --to <b> --out <dir> --journal <file>`: converts users and
 * writes the target's files in batches sized to its limit, journaling every user, so that an
 * interrupted run, run again with the same journal, finishes the job without writing any user
 * twice.
 */
import * as path from "node:path"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Migrate as MigrateModule } from "@pbxport/migrate"
import * as Connection from "./Connection.js"
import * as Exit from "./Exit.js"
import * as Fill from "./Fill.js"
import * as Io from "./Io.js"
import * as Live from "./Live.js"
import * as Options from "./Options.js"
import { issueLine, severities } from "./Validate.js"

/**
 * The parsed command line of `pbxport migrate`.
 */
export interface Input extends Options.ReadFlags, Options.DialectFlags, Omit<Fill.FillFlags, "generatePasswords" | "credentials" | "preview"> {
  readonly file: string
  readonly from: string
  readonly to: Option.Option<string>
  readonly out: Option.Option<string>
  readonly connection: Option.Option<string>
  readonly key: Option.Option<string>
  readonly update: boolean
  readonly journal: string
  readonly dryRun: boolean
  readonly batchSize: Option.Option<number>
  readonly targetOption: ReadonlyArray<string>
  readonly json: boolean
}

const count = (n: number, word = "user"): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

/**
 * Describes one batch for people: `batch 2: wrote 498 users to out/commpeak-002.csv, skipped 4`.
 */
export const batchLine = (b: MigrateModule.BatchReport, dry: boolean, out: string): string => {
  const skipped = b.skipped > 0 ? `, ${dry ? "would skip" : "skipped"} ${b.skipped}` : ""
  if (b.number === null) return `after the last batch: ${dry ? "would skip" : "skipped"} ${count(b.skipped)}`
  const files = b.files.map((f) => path.join(out, f.path)).join(", ")
  return `batch ${b.number}: ${dry ? "would write" : "wrote"} ${count(b.written)}${files === "" ? "" : ` to ${files}`}${skipped}`
}

/**
 * Formats the end of a migration for people: the issues (lost fields aside), the counts and
 * the fields lost. The batch lines are printed as the batches are done.
 */
export const text = (report: MigrateModule.MigrationReport): string => {
  const { read, written, skipped, done } = report.users
  const lines = [
    ...report.issues.filter((i) => i.code !== "not-carried").map(issueLine),
    ...(report.torn ? [`the last line of ${report.journal} was cut short by an interrupted run; it was ignored and that batch was done again`] : []),
    `${count(read)} read: ${written.toLocaleString("en-US")} ${report.dryRun ? "would be written" : "written"}, ${skipped.toLocaleString("en-US")} ${report.dryRun ? "would be skipped" : "skipped"}, ${done.toLocaleString("en-US")} already done by an earlier run ${severities(report.issues)}`,
    ...(report.users.done > 0 ? [`all runs: ${report.total.written.toLocaleString("en-US")} written, ${report.total.skipped.toLocaleString("en-US")} skipped`] : []),
    report.dryRun ? "dry run: nothing was written, not even the journal" : `journal: ${report.journal}`
  ]
  if (report.lost.length > 0) {
    lines.push(`lost: the ${report.to} dialect cannot carry these fields, which were not written:`)
    for (const l of report.lost) lines.push(`  ${l.field}: ${count(l.count)}`)
  }
  return lines.join("\n") + "\n"
}

/**
 * Runs `pbxport migrate`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  if (input.file === "-") throw new Exit.UsageError("migrate reads its source again when it resumes: give a file, not - (standard input)")
  if (Option.isSome(input.connection)) {
    if (Option.isSome(input.to) || Option.isSome(input.out)) throw new Exit.UsageError("--connection migrates into a live platform; --to and --out write files instead: give one or the other")
    return Live.run(input, io)
  }
  if (Option.isNone(input.to) || Option.isNone(input.out)) throw new Exit.UsageError("migrate needs --to DIALECT and --out DIR (files), or --connection FILE (a live platform)")
  if (Option.isSome(input.key) || input.update) throw new Exit.UsageError("--key and --update apply to a live migration (--connection)")
  const to = input.to.value
  const out = input.out.value
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const fill = await Fill.fillOptions({ ...input, generatePasswords: Option.none(), credentials: Option.none(), preview: Option.none() })
  const targetOptions = Options.keyValues(input.targetOption, "--target-option")
  const { FileTarget, Migrate } = await import("@pbxport/migrate")
  const target = FileTarget.make({ dir: out, create: { dialect: to, options: targetOptions, stem: to } })
  const report = await Migrate.migrate({ path: input.file }, {
    from: input.from,
    options,
    ...read,
    to,
    target,
    journal: input.journal,
    dryRun: input.dryRun,
    fill,
    ...(Option.isSome(input.batchSize) ? { batchSize: input.batchSize.value } : {}),
    ...(input.json ? {} : { onBatch: (b: MigrateModule.BatchReport) => io.stdout.write(`${batchLine(b, input.dryRun, out)}\n`) })
  })
  io.stdout.write(input.json ? JSON.stringify(report, null, 2) + "\n" : text(report))
  // the outcome of the whole migration: users skipped by an earlier run are still not migrated
  return Exit.ofRows(report.total.skipped, report.issues)
}

// generated secrets need a credentials file written once, which a plan or a resumable run cannot promise
const { generatePasswords: _generate, credentials: _credentials, preview: _preview, ...fillFlags } = Fill.fillFlags

/**
 * The `migrate` command.
 */
export const command = Command.make(
  "migrate",
  {
    file: Argument.String("source").pipe(Argument.withDescription("the users to migrate (a file: a resumed run reads it again)")),
    from: Flag.String("from").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the source (see pbxport dialects)")),
    to: Flag.String("to").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the files to write"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withMetavar("DIR"), Flag.withDescription("the folder the numbered files go to (DIALECT-001, DIALECT-002...)"), Flag.optional),
    connection: Connection.connectionFlag,
    key: Flag.String("key").pipe(
      Flag.withMetavar("FIELD"),
      Flag.withDescription("with --connection: how source users are matched to the platform's (uuid, email, username, extension, userId; default: the platform's natural key, for Wazo the email, then the username)"),
      Flag.optional
    ),
    update: Flag.Boolean("update").pipe(Flag.withDescription("with --connection: change the fields that differ on users the platform already has, sending only those fields"), Flag.withDefault(false)),
    journal: Flag.String("journal").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription("the journal of the run (JSON Lines): created when missing; give it again to resume an interrupted run")
    ),
    dryRun: Flag.Boolean("dry-run").pipe(Flag.withDescription("show what would be written, and write nothing (not even the journal)"), Flag.withDefault(false)),
    batchSize: Flag.Int("batch-size").pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("users per batch file, or per request with --connection (default: the target's limit, such as 500 for CommPeak, else 1000; Wazo: 250 per import)"),
      Flag.optional
    ),
    targetOption: Flag.String("target-option").pipe(
      Flag.withMetavar("KEY=VALUE"),
      Flag.withDescription("an option of the target dialect, such as operation=user.create (repeatable)"),
      Flag.atLeast(0)
    ),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the migration report as JSON"), Flag.withDefault(false)),
    ...Options.readFlags,
    ...Options.dialectFlags,
    ...fillFlags
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Convert users and write the target's files in batches sized to its limit (--to, --out), or create them in a live platform (--connection), recording every user's outcome in a journal that is flushed to disk before a batch is reported done (and, live, the users of each request before it is sent). Run the same command again after an interruption, even kill -9: users already done are skipped, no user is written or created twice. Live, users the platform already has are matched by --key and left alone, or changed in the fields that differ with --update. Exit code: 0 when every user was written, 1 when some were skipped or refused (each with its source row and the reason), 2 when nothing could be done (unreadable file, unknown dialect, a journal of another migration, bad profile, login refused, platform unreachable) or the command line is wrong."
  ),
  Command.withShortDescription("Convert in journaled, resumable batches"),
  Command.withExamples([
    { command: "pbxport migrate users.csv --from broadworks --to wazo --out out --journal run.jsonl", description: "Wazo import files in out/" },
    { command: "pbxport migrate users.csv --from broadworks --to wazo --out out --journal run.jsonl", description: "the same again after an interruption: it goes on where it stopped" },
    { command: "pbxport migrate agents.csv --from wazo-export --to commpeak --out out --journal run.jsonl --dry-run", description: "the batches it would write, of 500 users each" },
    { command: "pbxport migrate users.csv --from broadworks --connection wazo.json --journal run.jsonl", description: "create the users in a running Wazo" },
    { command: "pbxport migrate users.csv --from wazo --connection wazo.json --journal run2.jsonl --update", description: "and change the fields that differ on the users it has" }
  ])
)
