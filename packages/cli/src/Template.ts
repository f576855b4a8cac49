/**
 * `pbxport template <dialect>`: an empty file to start from, in the dialect's exact CSV syntax.
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"

/**
 * The parsed command line of `pbxport template`.
 */
export interface Input {
  readonly dialect: string
  readonly output: Option.Option<string>
}

/**
 * Runs `pbxport template`: the header and the example row (when the dialect has one), with the
 * dialect's delimiter, quoting, newline, encoding and byte order mark.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  const [{ PbxportError, Registry }, { Dialect, Writer }] = await Promise.all([import("pbxport"), import("@pbxport/csv")])
  const adapter = Registry.find(input.dialect)
  if (adapter === undefined) throw new PbxportError({ _tag: "UnknownDialect", id: input.dialect, known: Registry.ids() })
  if (adapter.format !== "csv" || adapter.syntax === undefined) {
    const csv = Registry.all.filter((a) => a.format === "csv").map((a) => a.id)
    throw new Exit.UsageError(
      `the ${adapter.id} dialect is not CSV (its format is ${adapter.format}), so it has no template${csv.length > 0 ? `; dialects with a template: ${csv.join(", ")}` : ""}`
    )
  }
  const syntax = Dialect.make(adapter.syntax)
  const { header, example } = adapter.template
  const rows = example.some((cell) => cell !== "") ? [example] : []
  if (Option.isNone(input.output)) {
    const writer = Writer.createWriter(syntax)
    io.stdout.write(writer.header(header))
    for (const row of rows) io.stdout.write(writer.record(row))
    return Exit.ok
  }
  const file = input.output.value
  try {
    await Writer.writeFile(file, header, rows, syntax)
  } catch (e) {
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
  io.stdout.write(`wrote ${file}: ${header.length} columns${rows.length > 0 ? ", 1 example row" : ""}\n`)
  return Exit.ok
}

/**
 * The `template` command.
 */
export const command = Command.make(
  "template",
  {
    dialect: Argument.String("dialect").pipe(Argument.withDescription("the dialect id (see pbxport dialects)")),
    output: Flag.String("output").pipe(
      Flag.withAlias("o"),
      Flag.withMetavar("FILE"),
      Flag.withDescription("write the template to FILE instead of standard output"),
      Flag.optional
    )
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Write a dialect's template: its header and an example row, in the dialect's own CSV syntax (delimiter, quoting, newline, encoding, byte order mark)."
  ),
  Command.withShortDescription("Write a dialect's empty template"),
  Command.withExamples([
    { command: "pbxport template wazo -o wazo-users.csv", description: "start a Wazo import file" },
    { command: "pbxport template broadworks", description: "print the BroadWorks template" }
  ])
)
