/**
 * The flags of `pbxport convert` that fill what the target needs: `--set`, `--set-if-empty`,
 * `--generate-passwords`, `--credentials`, `--extensions`, `--numbers`, `--map-file`,
 * `--no-translate`, and `--preview`.
 *
 * The parser only collects strings; this module turns them into the library's
 * `Fill.FillOptions`, reading the map files. What can only be checked against the target (a
 * column it lacks, a template naming no field) is checked by the library before any row is read,
 * and reported here as a usage error (exit code 2).
 */
import * as fs from "node:fs"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Fill, Input, PreviewOptions } from "pbxport"
import { UsageError } from "./Exit.js"
import type * as Io from "./Io.js"
import * as Options from "./Options.js"
import { issueLine } from "./Validate.js"

/** The kinds `--map-file` takes (the library's Translate.MapKinds, listed here so help loads fast). */
export const mapKinds = ["context", "role", "desk", "skillGroup", "servicePack", "deviceType", "language"] as const

const repeatable = (name: string, metavar: string, description: string) =>
  Flag.String(name).pipe(Flag.withMetavar(metavar), Flag.withDescription(description), Flag.atLeast(0))

/**
 * The fill flags of `convert`.
 */
export const fillFlags = {
  set: repeatable(
    "set",
    "COLUMN=TEMPLATE",
    "set a target column for every row from a template of canonical fields: userId='{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com'; {{index}} is the row number; filters lower, upper, ascii, digits, slug, first:N, last:N (repeatable)"
  ),
  setIfEmpty: repeatable("set-if-empty", "COLUMN=TEMPLATE", "like --set, only where the user has no value (repeatable)"),
  generatePasswords: Flag.String("generate-passwords").pipe(
    Flag.withMetavar("POLICY"),
    Flag.withDescription(
      "generate missing passwords into --credentials; POLICY (after =) lists what to generate (password, sip-secret, voicemail-pin, passcode, all) and how: length=N, pin-length=N, classes=upper+lower+digit+symbol, digits. Example: --generate-passwords=password,voicemail-pin,length=20"
    ),
    Flag.withOptionalValue("default"),
    Flag.optional
  ),
  credentials: Flag.String("credentials").pipe(
    Flag.withMetavar("FILE"),
    Flag.withDescription("the file (owner-only) that receives every generated secret, with the user it belongs to; the only place they are shown"),
    Flag.optional
  ),
  extensions: Flag.String("extensions").pipe(
    Flag.withMetavar("RANGE"),
    Flag.withDescription("give users without an extension one from RANGE (1000-1999, or several: 100-199,300), skipping extensions used in the file"),
    Flag.optional
  ),
  numbers: Flag.String("numbers").pipe(
    Flag.withMetavar("RANGE"),
    Flag.withDescription("give users without a number (DID) one from RANGE (+15550100100-+15550100199), skipping numbers used in the file"),
    Flag.optional
  ),
  mapFile: repeatable("map-file", "KIND=FILE", `translate names through a file of from,to lines; KIND is one of ${mapKinds.join(", ")} (repeatable)`),
  translate: Flag.Boolean("translate").pipe(
    Flag.withDescription("translate languages into the target's words (French <-> fr_FR); --no-translate keeps them as read"),
    Flag.withDefault(true)
  ),
  preview: Flag.Int("preview").pipe(
    Flag.withMetavar("N"),
    Flag.withDescription("print the first N converted rows (default 10; --preview 5 or --preview=5) as a table, secrets masked, and write nothing"),
    Flag.withOptionalValue("10"),
    Flag.optional
  )
} as const

/**
 * The parsed values of {@link fillFlags}.
 */
export interface FillFlags {
  readonly set: ReadonlyArray<string>
  readonly setIfEmpty: ReadonlyArray<string>
  readonly generatePasswords: Option.Option<string>
  readonly credentials: Option.Option<string>
  readonly extensions: Option.Option<string>
  readonly numbers: Option.Option<string>
  readonly mapFile: ReadonlyArray<string>
  readonly translate: boolean
  readonly preview: Option.Option<number>
}

const readText = async (file: string, flag: string): Promise<string> => {
  try {
    return await fs.promises.readFile(file, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read the ${flag} file ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`)
  }
}

const assignments = (values: ReadonlyArray<string>, flag: string): Array<readonly [string, string]> =>
  values.map((v) => Options.pair(v, flag, "COLUMN=TEMPLATE"))

/**
 * Builds the library's fill options from the flags, reading the map files.
 *
 * @throws UsageError on a malformed value, an unknown map kind, a kind given twice, an
 * unreadable file, or `--credentials` without `--generate-passwords`.
 */
export const fillOptions = async (flags: FillFlags): Promise<Fill.FillOptions> => {
  const maps: Partial<Record<(typeof mapKinds)[number], string>> = {}
  for (const entry of flags.mapFile) {
    const [kind, file] = Options.pair(entry, "--map-file", "KIND=FILE")
    if (!(mapKinds as ReadonlyArray<string>).includes(kind)) throw new UsageError(`--map-file: unknown kind ${JSON.stringify(kind)}; use one of ${mapKinds.join(", ")}`)
    const k = kind as (typeof mapKinds)[number]
    if (maps[k] !== undefined) throw new UsageError(`--map-file ${kind} is given twice`)
    maps[k] = await readText(file, `--map-file ${kind}`)
  }
  if (Option.isSome(flags.credentials) && Option.isNone(flags.generatePasswords)) {
    throw new UsageError("--credentials receives generated secrets: add --generate-passwords")
  }
  const set = assignments(flags.set, "--set")
  const setIfEmpty = assignments(flags.setIfEmpty, "--set-if-empty")
  return {
    ...(set.length > 0 ? { set } : {}),
    ...(setIfEmpty.length > 0 ? { setIfEmpty } : {}),
    ...(Option.isSome(flags.generatePasswords) ? { generatePasswords: flags.generatePasswords.value } : {}),
    ...(Option.isSome(flags.credentials) ? { credentials: flags.credentials.value } : {}),
    ...(Option.isSome(flags.extensions) ? { extensions: flags.extensions.value } : {}),
    ...(Option.isSome(flags.numbers) ? { numbers: flags.numbers.value } : {}),
    ...(Object.keys(maps).length > 0 ? { maps } : {}),
    ...(flags.translate ? {} : { translate: false })
  }
}

/**
 * Tells whether an error is the library's usage error (a bad template, pool or policy), which
 * the command reports as its own usage error.
 */
export const isUsage = (e: unknown): e is Error =>
  e instanceof Error && (e as { reason?: { _tag?: unknown } }).reason?._tag === "Usage"

/**
 * Runs `convert --preview`: the first rows as a table on standard output, secrets masked, the
 * issues of the rows read on standard error; nothing is written. Exit code 1 when a row read
 * would be skipped.
 */
export const preview = async (
  io: Io.Io,
  rows: number,
  input: Input,
  options: PreviewOptions
): Promise<number> => {
  if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`--preview takes a number of rows from 1, not ${rows}`)
  const { preview: run, formatPreview } = await import("pbxport")
  const shown = await run(input, { ...options, rows })
  if (shown.rows.length > 0) io.stdout.write(formatPreview(shown))
  const lines = shown.issues.map(issueLine)
  lines.push(`previewed ${shown.rows.length} of the first ${shown.read} row${shown.read === 1 ? "" : "s"} read (${shown.skipped} would be skipped); nothing was written`)
  io.stderr.write(lines.join("\n") + "\n")
  return shown.skipped > 0 || shown.issues.some((i) => i.severity === "error") ? 1 : 0
}
