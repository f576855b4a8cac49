/**
 * `pbxport detect <file>`: which dialect a file is written in, from its header: the candidates
 * best first, each with a score and the reasons for it.
 *
 * The reasons matter as much as the winner: a Wazo import and a Wazo export share most column
 * names, and a person choosing `--from` should see why one fits better.
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import type { Detection } from "pbxport"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"
import * as Options from "./Options.js"

/**
 * The parsed command line of `pbxport detect`.
 */
export interface Input extends Options.ReadFlags {
  readonly file: string
  readonly json: boolean
  readonly all: boolean
}

/** Candidates shown without `--all`. */
export const SHOWN = 3

const delimiterName = (d: string): string => (d === "\t" ? "tab" : d)

/**
 * Formats a detection for people: what was read, then the candidates with their reasons.
 */
export const text = (d: Detection, shown: number): string => {
  const facts = d.format === "csv"
    ? `${d.file}: CSV, ${d.encoding ?? "unknown encoding"}, delimiter ${delimiterName(d.delimiter ?? ",")}, ${d.header?.length ?? 0} columns, ${d.sampled} row${d.sampled === 1 ? "" : "s"} sampled`
    : `${d.file}: JSON, ${d.sampled} user${d.sampled === 1 ? "" : "s"} sampled`
  const lines = [facts]
  for (const c of d.candidates.slice(0, shown)) {
    lines.push(`${c.score.toFixed(2)}  ${c.dialect} - ${c.title}`)
    for (const why of c.why) lines.push(`      ${why}`)
  }
  const best = d.candidates[0]
  if (best !== undefined && best.score > 0) lines.push(`best: --from ${best.dialect}`)
  else lines.push("no dialect fits this file; map its columns (--map-columns) or start from pbxport template")
  return lines.join("\n") + "\n"
}

/**
 * Runs `pbxport detect`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  const read = Options.readOptions(input)
  const source = Options.source(input.file, io.stdin)
  const { detect } = await import("pbxport")
  const found = await detect(source, read)
  io.stdout.write(input.json ? JSON.stringify(found, null, 2) + "\n" : text(found, input.all ? found.candidates.length : SHOWN))
  return Exit.ok
}

/**
 * The `detect` command.
 */
export const command = Command.make(
  "detect",
  {
    file: Argument.String("file").pipe(Argument.withDescription("the file to look at; - reads standard input")),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the detection as JSON: file, format, encoding, delimiter, header, sampled, candidates"), Flag.withDefault(false)),
    all: Flag.Boolean("all").pipe(Flag.withDescription(`list every candidate, not only the best ${SHOWN}`), Flag.withDefault(false)),
    ...Options.readFlags
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Tell which dialect a file is written in, from its first 64 KiB: each readable dialect of the file's format is scored from 0 to 1 by the share of header cells it knows, its required columns present, the first rows that decode without an error, and the share of its columns the header has. Exit code: 0 when the file could be read, 2 when it could not (unreadable, empty, ambiguous delimiter)."
  ),
  Command.withShortDescription("Tell a file's dialect from its header"),
  Command.withExamples([
    { command: "pbxport detect users.csv", description: "the best candidates, with a score and why" },
    { command: "pbxport detect export.csv --json | jq -r '.candidates[0].dialect'", description: "the best dialect's id, for a script" },
    { command: "pbxport detect excel.csv --encoding windows-1252 --delimiter ';' --all", description: "every candidate, reading the file as told" }
  ])
)
