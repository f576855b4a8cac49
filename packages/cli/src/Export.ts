/**
 * `pbxport export --connection FILE -o OUT [--to DIALECT]`: a live platform's users as a file,
 * by default in the platform's own export form (for Wazo, exactly what `GET /users/export`
 * gives), so that every file command takes it.
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import * as Connection from "./Connection.js"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"
import * as Options from "./Options.js"
import { issueLine } from "./Validate.js"

/**
 * The parsed command line of `pbxport export`.
 */
export interface Input {
  readonly connection: Option.Option<string>
  readonly output: string
  readonly to: Option.Option<string>
  readonly targetOption: ReadonlyArray<string>
  readonly json: boolean
}

/**
 * Runs `pbxport export`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  if (Option.isNone(input.connection)) throw new Exit.UsageError("export needs --connection FILE, the profile of the platform to export from")
  const targetOptions = Options.keyValues(input.targetOption, "--target-option")
  const connection = await Connection.open(input.connection.value, io)
  try {
    const { Live } = await import("@pbxport/migrate")
    const report = await Live.exportUsers(connection, { output: input.output, ...(Option.isSome(input.to) ? { to: input.to.value } : {}), options: targetOptions })
    if (input.json) io.stdout.write(JSON.stringify(report, null, 2) + "\n")
    else {
      for (const i of report.issues) io.stdout.write(`${issueLine(i)}\n`)
      io.stdout.write(`exported ${report.written.toLocaleString("en-US")} of ${report.users.toLocaleString("en-US")} users of ${report.target} to ${report.file} (${report.dialect})\n`)
    }
    return report.written < report.users ? Exit.rowsFailed : Exit.ok
  } finally {
    await connection.connector.close()
  }
}

/**
 * The `export` command.
 */
export const command = Command.make(
  "export",
  {
    connection: Connection.connectionFlag,
    output: Flag.String("output").pipe(Flag.withAlias("o"), Flag.withMetavar("FILE"), Flag.withDescription("the file to write (it appears only once complete)")),
    to: Flag.String("to").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("write in this dialect instead of the platform's export form (see pbxport dialects)"), Flag.optional),
    targetOption: Flag.String("target-option").pipe(Flag.withMetavar("KEY=VALUE"), Flag.withDescription("an option of the --to dialect (repeatable)"), Flag.atLeast(0)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the report as JSON"), Flag.withDefault(false))
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Write every user of a live platform to a file: by default in the platform's own export form (for Wazo, exactly what GET /users/export gives), or in any writable dialect with --to. Exit code: 0 when every user was written, 1 when the --to dialect could not carry some users, 2 when nothing could be done (bad profile, login refused, platform unreachable)."
  ),
  Command.withShortDescription("Export a live platform's users to a file"),
  Command.withExamples([
    { command: "pbxport export --connection wazo.json -o users.csv", description: "a Wazo export, as Wazo writes it" },
    { command: "pbxport export --connection wazo.json -o users.jsonl --to jsonl", description: "the same users as canonical JSON Lines" }
  ])
)
