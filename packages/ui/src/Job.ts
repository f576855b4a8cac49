/**
 * What the page asks for, as one value: the source dialect and how to read the file, the
 * column mapping, the target and the fill options. The server turns it into the library's
 * options (the same ones `pbxport convert` builds from its flags) and into the equivalent
 * command line, so what was done on the page can be repeated in a script.
 *
 * A job arrives as JSON from the page; {@link parse} checks every field's type and says what
 * is wrong, since the page is only as trusted as the token that reached it.
 */
import type { ConvertOptions, Fill } from "pbxport"

/**
 * One conversion as the page describes it.
 *
 * **Details**
 * `map` holds `FIELD=COLUMN` lines, exactly the lines of a `--map-columns` file; `maps` the
 * contents of `--map-file` files by kind; `generatePasswords` a policy as `--generate-passwords=`
 * takes it (`default` for the bare flag), absent when nothing is generated; `to` null only checks
 * the rows (as `validate`).
 */
export interface Job {
  readonly from: string
  readonly to: string | null
  readonly encoding?: string
  readonly delimiter?: string
  readonly map?: ReadonlyArray<string>
  readonly set?: ReadonlyArray<readonly [string, string]>
  readonly setIfEmpty?: ReadonlyArray<readonly [string, string]>
  readonly extensions?: string
  readonly numbers?: string
  readonly generatePasswords?: string
  readonly maps?: Readonly<Record<string, string>>
  readonly translate?: boolean
  readonly fullTemplate?: boolean
  readonly targetOptions?: Readonly<Record<string, string>>
}

/**
 * A job the page sent that cannot be used.
 */
export class JobError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "JobError"
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u)

const str = (o: Record<string, unknown>, key: string, optional = true): string | undefined => {
  const v = o[key]
  if (v === undefined || v === null || (optional && v === "")) {
    if (optional) return undefined
    throw new JobError(`${key} is required`)
  }
  if (typeof v !== "string") throw new JobError(`${key} must be a string`)
  return v
}

const strings = (o: Record<string, unknown>, key: string): Array<string> | undefined => {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new JobError(`${key} must be a list of strings`)
  return v.filter((s: string) => s.trim() !== "")
}

const pairs = (o: Record<string, unknown>, key: string): Array<readonly [string, string]> | undefined => {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.some((p) => !Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string" || typeof p[1] !== "string")) {
    throw new JobError(`${key} must be a list of [column, template] pairs`)
  }
  return (v as Array<[string, string]>).filter(([c]) => c.trim() !== "").map(([c, t]) => [c.trim(), t] as const)
}

const table = (o: Record<string, unknown>, key: string): Record<string, string> | undefined => {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (!isRecord(v) || Object.values(v).some((s) => typeof s !== "string")) throw new JobError(`${key} must map names to strings`)
  const out: Record<string, string> = {}
  for (const [k, s] of Object.entries(v)) if (k !== "__proto__" && (s as string).trim() !== "") out[k] = s as string
  return out
}

const bool = (o: Record<string, unknown>, key: string): boolean | undefined => {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "boolean") throw new JobError(`${key} must be true or false`)
  return v
}

/**
 * Checks a job sent by the page.
 *
 * @throws JobError naming the field that is wrong.
 */
export const parse = (u: unknown): Job => {
  if (!isRecord(u)) throw new JobError("the job must be a JSON object")
  const to = u.to === null || u.to === "" || u.to === undefined ? null : str(u, "to", false)!
  const job: Record<string, unknown> = { from: str(u, "from", false)!, to }
  const add = (key: string, value: unknown) => {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0) && !(isRecord(value) && Object.keys(value).length === 0)) job[key] = value
  }
  add("encoding", str(u, "encoding"))
  add("delimiter", str(u, "delimiter"))
  add("map", strings(u, "map"))
  add("set", pairs(u, "set"))
  add("setIfEmpty", pairs(u, "setIfEmpty"))
  add("extensions", str(u, "extensions"))
  add("numbers", str(u, "numbers"))
  add("generatePasswords", str(u, "generatePasswords"))
  add("maps", table(u, "maps"))
  add("translate", bool(u, "translate"))
  add("fullTemplate", bool(u, "fullTemplate"))
  add("targetOptions", table(u, "targetOptions"))
  return job as unknown as Job
}

/**
 * The fill options of a job (`credentials` is where generated secrets go, when they are).
 */
export const fillOptions = (job: Job, credentials?: string): Fill.FillOptions => ({
  ...(job.set ? { set: job.set } : {}),
  ...(job.setIfEmpty ? { setIfEmpty: job.setIfEmpty } : {}),
  ...(job.generatePasswords !== undefined ? { generatePasswords: job.generatePasswords, ...(credentials ? { credentials } : {}) } : {}),
  ...(job.extensions ? { extensions: job.extensions } : {}),
  ...(job.numbers ? { numbers: job.numbers } : {}),
  ...(job.maps ? { maps: job.maps as Fill.FillOptions["maps"] } : {}),
  ...(job.translate === false ? { translate: false } : {})
})

/**
 * The library options of a job, without where the files go: what `pbxport convert` builds from
 * the equivalent flags.
 */
export const convertOptions = (job: Job, to: string, credentials?: string): ConvertOptions => ({
  from: job.from,
  to,
  ...(job.encoding ? { encoding: job.encoding } : {}),
  ...(job.delimiter ? { delimiter: job.delimiter } : {}),
  options: job.map && job.map.length > 0 ? { map: job.map } : {},
  targetOptions: job.targetOptions ?? {},
  fullTemplate: job.fullTemplate === true,
  fill: fillOptions(job, credentials)
})

const EXTENSIONS: Readonly<Record<string, string>> = { csv: "csv", jsonl: "jsonl", json: "json", xml: "xml" }

/**
 * The names of the files a conversion produces, as the page offers them and as the equivalent
 * command line writes them.
 */
export interface Names {
  readonly output: string
  readonly errors: string
  readonly credentials: string
  readonly report: string
  readonly archive: string
  readonly mapColumns: string
  readonly mapFile: (kind: string) => string
}

/**
 * Names the files of a conversion of `source` to the `to` dialect (of format `format`).
 */
export const names = (source: string, sourceFormat: string, to: string, format: string): Names => {
  const base = (source.split(/[\\/]/).pop() ?? "users").replace(/\.[^.]*$/, "").replace(/[^\p{L}\p{N}._-]+/gu, "-") || "users"
  return {
    output: `${base}-${to}.${EXTENSIONS[format] ?? "txt"}`,
    errors: `${base}-errors.${sourceFormat === "csv" ? "csv" : "jsonl"}`,
    credentials: `${base}-credentials.csv`,
    report: `${base}-report.json`,
    archive: `${base}-${to}.zip`,
    mapColumns: `${base}-columns.txt`,
    mapFile: (kind) => `${base}-${kind}-map.csv`
  }
}

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/

/**
 * Quotes a word for a POSIX shell (single quotes, which keep everything literal).
 */
export const quote = (word: string): string => (word !== "" && SAFE.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`)

const delimiterWord = (d: string): string => (d === "\t" ? "tab" : d)

/**
 * The `pbxport convert` command line that does what the page did, with the files it names.
 *
 * **Details**
 * The mapping and the name maps are files the page offers to save under the names used here.
 * Generated secrets are never on the command line: only the policy and the credentials file.
 */
export const commandLine = (job: Job, source: string, n: Names): string => {
  const args = ["pbxport", "convert", source, "--from", job.from]
  if (job.to === null) return ["pbxport", "validate", source, "--from", job.from, ...(job.encoding ? ["--encoding", job.encoding] : []), ...(job.delimiter ? ["--delimiter", delimiterWord(job.delimiter)] : []), ...(job.map && job.map.length > 0 ? ["--map-columns", n.mapColumns] : [])].map(quote).join(" ")
  args.push("--to", job.to)
  if (job.encoding) args.push("--encoding", job.encoding)
  if (job.delimiter) args.push("--delimiter", delimiterWord(job.delimiter))
  if (job.map && job.map.length > 0) args.push("--map-columns", n.mapColumns)
  for (const [c, t] of job.set ?? []) args.push("--set", `${c}=${t}`)
  for (const [c, t] of job.setIfEmpty ?? []) args.push("--set-if-empty", `${c}=${t}`)
  if (job.extensions) args.push("--extensions", job.extensions)
  if (job.numbers) args.push("--numbers", job.numbers)
  for (const kind of Object.keys(job.maps ?? {})) args.push("--map-file", `${kind}=${n.mapFile(kind)}`)
  if (job.translate === false) args.push("--no-translate")
  if (job.generatePasswords !== undefined) {
    args.push(job.generatePasswords === "default" ? "--generate-passwords" : `--generate-passwords=${job.generatePasswords}`, "--credentials", n.credentials)
  }
  if (job.fullTemplate === true) args.push("--full-template")
  for (const [k, v] of Object.entries(job.targetOptions ?? {})) args.push("--target-option", `${k}=${v}`)
  args.push("-o", n.output, "--errors", n.errors, "--report", n.report)
  return args.map(quote).join(" ")
}
