/**
 * The flags that tune how a file is read: the source dialect's options (`--map`, `--default`,
 * `--id-map`, ...) and the CSV syntax overrides (`--encoding`, `--delimiter`).
 *
 * The parser only collects strings; this module turns them into the library's
 * `Adapter.Options` and `ReadOptions`, reading the files some flags name. Every mistake is a
 * {@link Exit.UsageError} whose message says what would be valid.
 */
import * as fs from "node:fs"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Adapter } from "@pbxport/core"
import { UsageError } from "./Exit.js"

/**
 * The kinds `--id-map KIND=FILE` accepts: lookup tables from names to platform ids.
 */
export const idKinds = ["role", "desk", "skillGroup"] as const

const repeatable = (name: string, metavar: string, description: string) =>
  Flag.String(name).pipe(Flag.withMetavar(metavar), Flag.withDescription(description), Flag.atLeast(0))

/**
 * Options of the source dialect (passed to its reader as `Adapter.Options`).
 */
export const dialectFlags = {
  map: repeatable("map", "FIELD=COLUMN", "read the dialect's FIELD from the column named COLUMN (repeatable)"),
  mapColumns: Flag.String("map-columns").pipe(
    Flag.withMetavar("FILE"),
    Flag.withDescription("a file of FIELD=COLUMN lines, added to --map (# comments and blank lines are ignored)"),
    Flag.optional
  ),
  default: repeatable("default", "FIELD=VALUE", "give FIELD the same VALUE for every user (repeatable)"),
  idMap: repeatable("id-map", "KIND=FILE", `a lookup file of platform ids; KIND is one of ${idKinds.join(", ")} (repeatable)`),
  generateExtensions: Flag.Boolean("generate-extensions").pipe(
    Flag.withDescription("let the dialect number the users that have no extension"),
    Flag.withDefault(false)
  ),
  option: repeatable("option", "KEY=VALUE", "any other option of the source dialect (repeatable)")
} as const

/**
 * The CSV syntax overrides of the input.
 */
export const readFlags = {
  encoding: Flag.String("encoding").pipe(
    Flag.withMetavar("ENCODING"),
    Flag.withDescription("the input's encoding (utf-8, windows-1252, utf-16le, ...); detected when absent"),
    Flag.optional
  ),
  delimiter: Flag.String("delimiter").pipe(
    Flag.withMetavar("DELIMITER"),
    Flag.withDescription("the input's delimiter: , ; | or tab; detected from the header when absent"),
    Flag.optional
  )
} as const

/**
 * The parsed values of {@link dialectFlags}.
 */
export interface DialectFlags {
  readonly map: ReadonlyArray<string>
  readonly mapColumns: Option.Option<string>
  readonly default: ReadonlyArray<string>
  readonly idMap: ReadonlyArray<string>
  readonly generateExtensions: boolean
  readonly option: ReadonlyArray<string>
}

/**
 * The parsed values of {@link readFlags}.
 */
export interface ReadFlags {
  readonly encoding: Option.Option<string>
  readonly delimiter: Option.Option<string>
}

/**
 * Splits `KEY=VALUE` at the first `=`; the key is trimmed and must not be empty.
 *
 * @throws UsageError naming the flag and the expected form.
 */
export const pair = (value: string, flag: string, form: string, options: { readonly emptyValue?: boolean } = {}): readonly [string, string] => {
  const at = value.indexOf("=")
  const key = at < 0 ? "" : value.slice(0, at).trim()
  const rest = at < 0 ? "" : value.slice(at + 1)
  if (at < 0 || key === "" || key === "__proto__" || (rest === "" && options.emptyValue !== true)) {
    throw new UsageError(`${flag} expects ${form}, got ${JSON.stringify(value)}`)
  }
  return [key, rest] as const
}

const readText = async (file: string, flag: string): Promise<string> => {
  try {
    return (await fs.promises.readFile(file, "utf8")).replace(/^\uFEFF/, "")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message
    throw new UsageError(`cannot read the ${flag} file ${file}: ${why}`)
  }
}

/**
 * Parses the lines of a `--map-columns` file into `FIELD=COLUMN` entries.
 *
 * **Details**
 * Lines are trimmed; blank lines and lines starting with `#` are skipped. Mistakes name the
 * file and line.
 */
export const mapLines = (text: string, file: string): Array<string> => {
  const out: Array<string> = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === "" || line.startsWith("#")) return
    const at = line.indexOf("=")
    const field = at < 0 ? "" : line.slice(0, at).trim()
    const column = at < 0 ? "" : line.slice(at + 1).trim()
    if (field === "" || column === "") {
      throw new UsageError(`${file} line ${i + 1}: expected FIELD=COLUMN, got ${JSON.stringify(line)}`)
    }
    out.push(`${field}=${column}`)
  })
  return out
}

/**
 * Builds the source dialect's options from the flags, reading the files they name.
 *
 * **Details**
 * `--map` and `--map-columns` give `map` (flags first, then the file's lines), `--default` gives
 * `default`, `--id-map KIND=FILE` gives `ids.KIND` holding the file's text,
 * `--generate-extensions` gives `generateExtensions: "true"`, `--option KEY=VALUE` gives `KEY`.
 *
 * @throws UsageError on a malformed value, an unknown id kind, an unreadable file, or a key
 * given twice.
 */
export const dialectOptions = async (flags: DialectFlags): Promise<Adapter.Options> => {
  const out: Record<string, string | ReadonlyArray<string>> = {}
  const map = flags.map.map((m) => {
    const [field, column] = pair(m, "--map", "FIELD=COLUMN")
    return `${field}=${column}`
  })
  if (Option.isSome(flags.mapColumns)) map.push(...mapLines(await readText(flags.mapColumns.value, "--map-columns"), flags.mapColumns.value))
  if (map.length > 0) out.map = map
  const defaults = flags.default.map((d) => {
    const [field, value] = pair(d, "--default", "FIELD=VALUE", { emptyValue: true })
    return `${field}=${value}`
  })
  if (defaults.length > 0) out.default = defaults
  for (const entry of flags.idMap) {
    const [kind, file] = pair(entry, "--id-map", "KIND=FILE")
    if (!(idKinds as ReadonlyArray<string>).includes(kind)) {
      throw new UsageError(`--id-map: unknown kind ${JSON.stringify(kind)}; use one of ${idKinds.join(", ")}`)
    }
    if (Object.hasOwn(out, `ids.${kind}`)) throw new UsageError(`--id-map ${kind} is given twice`)
    out[`ids.${kind}`] = await readText(file, `--id-map ${kind}`)
  }
  if (flags.generateExtensions) out.generateExtensions = "true"
  Object.assign(out, keyValues(flags.option, "--option", out))
  return out
}

/**
 * Parses repeated `KEY=VALUE` flags (`--option`, `--target-option`) into options.
 *
 * @throws UsageError on a malformed value or a key already set (by another flag, or twice).
 */
export const keyValues = (values: ReadonlyArray<string>, flag: string, taken: Adapter.Options = {}): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const v of values) {
    const [key, value] = pair(v, flag, "KEY=VALUE", { emptyValue: true })
    if (Object.hasOwn(out, key) || Object.hasOwn(taken, key)) throw new UsageError(`${flag} ${key} is set twice`)
    out[key] = value
  }
  return out
}

const delimiters = new Map([[",", ","], [";", ";"], ["|", "|"], ["tab", "\t"], ["TAB", "\t"], ["\\t", "\t"], ["\t", "\t"]])

/**
 * Reads a `--delimiter` value: `,` `;` `|`, or `tab` / `\t` for a tab.
 *
 * @throws UsageError naming the accepted values.
 */
export const delimiter = (value: string): string => {
  const d = delimiters.get(value)
  if (d === undefined) throw new UsageError(`--delimiter must be one of , ; | tab, not ${JSON.stringify(value)}`)
  return d
}

/**
 * Builds the library's read options from `--encoding` and `--delimiter`.
 *
 * @throws UsageError on an unknown delimiter or an empty encoding.
 */
export const readOptions = (flags: ReadFlags): { encoding?: string; delimiter?: string } => {
  const out: { encoding?: string; delimiter?: string } = {}
  if (Option.isSome(flags.encoding)) {
    if (flags.encoding.value.trim() === "") throw new UsageError("--encoding needs a name, such as utf-8 or windows-1252")
    out.encoding = flags.encoding.value.trim()
  }
  if (Option.isSome(flags.delimiter)) out.delimiter = delimiter(flags.delimiter.value)
  return out
}

/**
 * The library input for a file argument: the file, or standard input for `-`.
 *
 * @throws UsageError when `-` is given and the run has no standard input.
 */
export const source = (file: string, stdin: AsyncIterable<Uint8Array> | undefined): { readonly path: string } | { readonly stream: AsyncIterable<Uint8Array>; readonly name: string } => {
  if (file !== "-") return { path: file }
  if (stdin === undefined) throw new UsageError("'-' reads standard input, which this run does not have")
  return { stream: stdin, name: "<stdin>" }
}
