/**
 * `pbxport dialects`: the dialects pbxport can read and write, and what each can do.
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import type { Adapter } from "@pbxport/core"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"

/**
 * One dialect as `pbxport dialects --json` prints it.
 */
export interface DialectInfo {
  readonly id: string
  readonly title: string
  readonly format: Adapter.Format
  readonly read: boolean
  readonly write: boolean
  /** The canonical path rows are matched on when updating, or null. */
  readonly update: string | null
  /** The most rows one file may hold, or null for no limit. */
  readonly maxRowsPerFile: number | null
  readonly description: string
}

/**
 * Describes a dialect from its declared capabilities.
 */
export const info = (a: Adapter.Adapter): DialectInfo => ({
  id: a.id,
  title: a.title,
  format: a.format,
  read: a.capabilities.read,
  write: a.capabilities.write,
  update: a.capabilities.update?.key ?? null,
  maxRowsPerFile: a.capabilities.maxRowsPerFile,
  description: a.description
})

const directions = (d: DialectInfo): string =>
  d.read && d.write ? "read, write" : d.read ? "read only" : d.write ? "write only" : "neither read nor write"

/**
 * Formats dialects for people: the id and title, the facts, then the description.
 */
export const text = (dialects: ReadonlyArray<DialectInfo>): string =>
  dialects
    .map((d) =>
      [
        `${d.id} - ${d.title}`,
        `  format ${d.format}; ${directions(d)}; update key: ${d.update ?? "none"}; rows per file: ${d.maxRowsPerFile === null ? "no limit" : d.maxRowsPerFile.toLocaleString("en-US")}`,
        `  ${d.description}`
      ].join("\n")
    )
    .join("\n\n") + "\n"

/**
 * Runs `pbxport dialects`.
 */
export const run = async (input: { readonly json: boolean }, io: Io.Io): Promise<number> => {
  const { Registry } = await import("pbxport")
  const dialects = Registry.all.map(info)
  io.stdout.write(input.json ? JSON.stringify(dialects, null, 2) + "\n" : text(dialects))
  return Exit.ok
}

/**
 * The `dialects` command.
 */
export const command = Command.make(
  "dialects",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print a JSON array"), Flag.withDefault(false)) },
  Io.handler(run)
).pipe(
  Command.withDescription("List the dialects pbxport reads and writes: format, direction, update key, rows-per-file limit."),
  Command.withShortDescription("List the dialects"),
  Command.withExamples([
    { command: "pbxport dialects", description: "what each dialect is and can do" },
    { command: "pbxport dialects --json | jq -r '.[] | select(.write) | .id'", description: "the ids of the dialects pbxport can write" }
  ])
)
