/**
 * The pbxport command tree and the run that returns an exit code.
 *
 * `effect/cli` parses the command line and prints help; the command handlers live in one file
 * each and load the library only when they run, so `--help` stays quick. A run never calls
 * `process.exit`: {@link run} returns the exit code, which lets tests run the command in-process.
 */
import * as Cause from "effect/Cause"
import * as CliConfig from "effect/cli/CliConfig"
import * as CliError from "effect/cli/CliError"
import * as CliOutput from "effect/cli/CliOutput"
import * as Command from "effect/cli/Command"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import * as Effect from "effect/Effect"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Commpeak from "./Commpeak.js"
import * as Convert from "./Convert.js"
import * as Detect from "./Detect.js"
import * as Dialects from "./Dialects.js"
import * as Exit from "./Exit.js"
import * as Export from "./Export.js"
import * as Io from "./Io.js"
import * as Migrate from "./Migrate.js"
import * as Plan from "./Plan.js"
import * as Sandbox from "./Sandbox.js"
import * as Template from "./Template.js"
import * as Ui from "./Ui.js"
import * as Validate from "./Validate.js"
import * as Version from "./Version.js"

/**
 * The `pbxport` command and its subcommands.
 */
export const root = Command.make("pbxport").pipe(
  Command.withDescription(
    "Move users between phone platforms (Wazo/XiVO, BroadWorks, CommPeak) through one canonical user model: check import files, convert them, plan against what the target has (a file or a live platform), migrate in resumable batches to files or into a running platform, export a platform's users, rehearse on a sandbox, start from templates. Exit codes: 0 everything is fine, 1 some rows are invalid or were skipped, 2 usage error or the file could not be read."
  ),
  Command.withSubcommands([Validate.command, Convert.command, Plan.command, Migrate.command, Export.command, Sandbox.command, Dialects.command, Detect.command, Template.command, Commpeak.command, Ui.command]),
  Command.withExamples([
    { command: "pbxport dialects", description: "the dialects pbxport knows" },
    { command: "pbxport detect users.csv", description: "tell a file's dialect from its header" },
    { command: "pbxport validate users.csv --from wazo", description: "check a file" },
    { command: "pbxport convert users.csv --from broadworks --to wazo -o wazo.csv", description: "convert a file" },
    { command: "pbxport migrate users.csv --from broadworks --to wazo --out out --journal run.jsonl", description: "convert in resumable batches" },
    { command: "pbxport template commpeak -o commpeak.csv", description: "an empty file to fill" },
    { command: "pbxport migrate users.csv --from broadworks --connection wazo.json --journal run.jsonl", description: "create the users in a running Wazo" },
    { command: "pbxport ui", description: "a local web page to convert a file step by step" }
  ])
)

/**
 * Shows what `effect/cli` has to say: help and version on standard output, command-line
 * mistakes on standard error as `pbxport: <message>` with a pointer to the help.
 */
export const presenter = (io: Io.Io): CliOutput.Presenter => {
  const formatter = CliOutput.defaultFormatter({
    colors: io.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    globalFlags: "summary"
  })
  return {
    present: (event) =>
      Effect.sync(() => {
        switch (event._tag) {
          case "Help":
            // the formatter leaves no blank line before EXAMPLES after the subcommand list
            io.stdout.write(formatter.formatHelpDoc(event.helpDoc).replace(/([^\n])\n(\S*EXAMPLES)/, "$1\n\n$2") + "\n")
            return
          case "Version":
            io.stdout.write(`${event.version}\n`)
            return
          case "InvalidInvocation":
            for (const error of event.errors) io.stderr.write(`pbxport: ${error.message}\n`)
            io.stderr.write(`Run '${event.commandPath.join(" ")} --help' for usage.\n`)
            return
        }
      })
  }
}

/** Flags whose value is optional: `--preview` alone, `--preview=5` or `--preview 5`. */
const optionalValued = new Set(["--preview"])

/**
 * Lets a flag with an optional value take it as the next word (`--preview 5`): the CLI framework
 * only reads `--preview=5`, so a following whole number is joined to the flag.
 */
export const joinOptionalValues = (argv: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    const next = argv[i + 1]
    if (optionalValued.has(word) && next !== undefined && /^[0-9]+$/.test(next)) {
      out.push(`${word}=${next}`)
      i++
    } else out.push(word)
  }
  return out
}

/**
 * Runs the command line `argv` (without the node and script paths) and returns the exit code.
 *
 * **Details**
 * Parse errors exit with 2 (the presenter has shown them); a handler sets its own code;
 * anything unexpected is reported and exits with 2. Interruption (Ctrl-C) is left to the
 * runtime.
 */
export const program = (argv: ReadonlyArray<string>, io: Io.Io): Effect.Effect<number> => {
  let code: number = Exit.ok
  return Command.runWith(root, { version: Version.read() })(joinOptionalValues(argv)).pipe(
    Effect.map(() => code),
    Effect.catchCause((cause) => {
      if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const error = Cause.squash(cause)
      return Effect.succeed(CliError.isCliError(error) ? Exit.failed : Exit.report(io, error))
    }),
    Effect.provideService(Io.Run, { io, exit: (c) => { code = c } }),
    Effect.provideService(CliOutput.Presenter, presenter(io)),
    Effect.provideService(CliConfig.CliConfig, CliConfig.make({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] })),
    Effect.provide(NodeServices.layer)
  )
}

/**
 * Runs the command line `argv` in this process and resolves to the exit code, without calling
 * `process.exit`.
 *
 * @example
 * const code = await run(["validate", "users.csv", "--from", "wazo", "--json"])
 */
export const run = (argv: ReadonlyArray<string>, io: Io.Io = Io.node()): Promise<number> => Effect.runPromise(program(argv, io))
