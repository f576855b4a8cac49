/**
 * `pbxport plan <desired> --from <a> --against <current> --against-dialect <b>`: compares the users
 * one wants with the users the target already has, and says what would be created, updated, left
 * unchanged or is in conflict; with `--out`, writes the files that apply it.
 *
 * The target platform is the one of `--against-dialect`: a Wazo export plans Wazo import and
 * update files, a BroadWorks sheet plans user.create and user.modify rows, a CommPeak file plans a
 * mass-creation file and the updates to send through its API.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import type { Issue } from "@pbxport/core"
import type { Diff, Plan as PlanModule, Target } from "@pbxport/migrate"
import * as Connection from "./Connection.js"
import * as Exit from "./Exit.js"
import * as Fill from "./Fill.js"
import * as Io from "./Io.js"
import * as Live from "./Live.js"
import * as Options from "./Options.js"
import { issueLine } from "./Validate.js"

/**
 * The parsed command line of `pbxport plan`.
 */
export interface Input extends Options.ReadFlags, Options.DialectFlags, Omit<Fill.FillFlags, "generatePasswords" | "credentials" | "preview"> {
  readonly file: string
  readonly from: string
  readonly against: Option.Option<string>
  readonly againstDialect: Option.Option<string>
  readonly connection: Option.Option<string>
  readonly againstOption: ReadonlyArray<string>
  readonly key: Option.Option<string>
  readonly out: Option.Option<string>
  readonly json: boolean
}

/**
 * The report of `pbxport plan --json` (also written to `plan.json` with `--out`): the two files,
 * the plan's buckets, and the files written. It holds no secret values.
 */
export interface PlanReport extends PlanModule.Plan {
  readonly desired: { readonly file: string; readonly dialect: string; readonly rows: number; readonly valid: number; readonly issues: ReadonlyArray<Issue.Issue> }
  readonly current: { readonly file: string; readonly dialect: string; readonly rows: number; readonly issues: ReadonlyArray<Issue.Issue> }
  readonly platform: string
  readonly files: ReadonlyArray<Target.Written>
  readonly rejected: PlanModule.Applied["rejected"]
}

/** How many entries of a long list the summary shows (all of them are in --json). */
const shown = 20

const count = (n: number, word: string): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

const name = (r: PlanModule.Ref): string => `row ${r.row}${r.label === null ? "" : `  ${r.label}`}`

const list = <A>(title: string, items: ReadonlyArray<A>, line: (a: A) => ReadonlyArray<string>, all = false): Array<string> => {
  if (items.length === 0) return []
  const visible = all ? items : items.slice(0, shown)
  const more = items.length - visible.length
  return ["", `${title}:`, ...visible.flatMap((a) => line(a).map((l, i) => `${i === 0 ? "  " : "    "}${l}`)), ...(more > 0 ? [`  ... and ${more.toLocaleString("en-US")} more (see --json)`] : [])]
}

const notApplied = (m: PlanModule.Matched): Array<string> => m.notApplied.map((n) => `${n.path} differs but is not applied: ${n.reason}`)

/**
 * Formats a plan report for people: the counts, then each bucket (updates and conflicts in full,
 * the other lists up to 20 entries), then the files written. `describe` words a change
 * (`Diff.describe`, which never shows a secret).
 */
export const text = (report: PlanReport, describe: (c: Diff.Change) => string): string => {
  const matched = (m: PlanModule.Matched): Array<string> => [
    `${name(m.desired)} -> current row ${m.current.row}${m.blocked === undefined ? "" : ` (not written: ${m.blocked})`}`,
    ...m.changes.map(describe),
    ...notApplied(m)
  ]
  const c = report.counts
  const lines = [
    ...report.desired.issues.map((i) => `${report.desired.file}: ${issueLine(i)}`),
    ...report.current.issues.map((i) => `${report.current.file}: ${issueLine(i)}`),
    `plan: ${count(report.desired.valid, "desired user")} (${report.desired.file}, ${report.desired.dialect}) against ${count(report.current.rows, "current user")} (${report.current.file}, ${report.current.dialect}), matched by ${report.key}`,
    `  create     ${c.create.toLocaleString("en-US")}`,
    `  update     ${c.update.toLocaleString("en-US")}`,
    `  unchanged  ${c.unchanged.toLocaleString("en-US")}`,
    `  conflict   ${c.conflict.toLocaleString("en-US")}`,
    `  only in the target: ${c.presentOnly.toLocaleString("en-US")} (left as they are)`,
    ...(report.desired.rows > report.desired.valid ? [`  invalid desired rows, not planned: ${(report.desired.rows - report.desired.valid).toLocaleString("en-US")}`] : []),
    ...list("create", report.create, (r) => [name(r)]),
    ...list("update", report.update, matched, true),
    ...list("unchanged", report.unchanged, (m) => [`${name(m.desired)} = current row ${m.current.row}`, ...notApplied(m)]),
    ...list("conflict (not acted on)", report.conflict, (k) => [`${name(k.desired)}: ${k.message}`], true),
    ...list("only in the target (left as they are)", report.presentOnly, (r) => [name(r)]),
    ...(report.rejected.length + report.files.length > 0 ? [""] : []),
    ...report.rejected.map((r) => `not written: ${r.operation} of row ${r.row}${r.label === null ? "" : ` (${r.label})`}: ${r.reason}`),
    ...report.files.map((f) => `wrote ${count(f.rows, "user")} to ${f.path}`)
  ]
  return lines.join("\n") + "\n"
}

const pickKey = async (input: Input, platform: string): Promise<string> => {
  const { Key } = await import("@pbxport/migrate")
  if (Option.isNone(input.key)) return platform === "broadworks" ? "userId" : "email"
  const key = input.key.value
  if (!Key.isKey(key)) throw new Exit.UsageError(`--key must be one of ${Key.Keys.join(", ")}, not ${JSON.stringify(key)}`)
  return key
}

/**
 * Runs `pbxport plan`.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  if (Option.isSome(input.connection)) {
    if (Option.isSome(input.against) || Option.isSome(input.againstDialect) || Option.isSome(input.out)) {
      throw new Exit.UsageError("--connection plans against a live platform; --against, --against-dialect and --out plan against a file: give one or the other")
    }
    const { Diff } = await import("@pbxport/migrate")
    return Live.plan(input, io, (r) =>
      text({ ...r, current: { file: r.target, dialect: r.platform, rows: r.current.rows, issues: [] }, files: [], rejected: [] }, Diff.describe))
  }
  if (Option.isNone(input.against) || Option.isNone(input.againstDialect)) {
    throw new Exit.UsageError("plan needs --against FILE and --against-dialect DIALECT (the target's users as a file), or --connection FILE (a live platform)")
  }
  const against = input.against.value
  const againstDialect = input.againstDialect.value
  const read = Options.readOptions(input)
  const options = await Options.dialectOptions(input)
  const fill = await Fill.fillOptions({ ...input, generatePasswords: Option.none(), credentials: Option.none(), preview: Option.none() })
  const againstOptions = Options.keyValues(input.againstOption, "--against-option")
  const source = Options.source(input.file, io.stdin)
  const { Diff, FileTarget, Plan, Platforms } = await import("@pbxport/migrate")
  const platform = Platforms.platformOf(againstDialect)
  if (platform === undefined) {
    throw new Exit.UsageError(`--against-dialect must be the dialect of a platform's users, one of ${Platforms.dialects.join(", ")}; not ${JSON.stringify(againstDialect)}`)
  }
  const key = (await pickKey(input, platform)) as PlanModule.Plan["key"]
  const out = Option.getOrElse(input.out, () => ".")
  const target = FileTarget.make({
    ...Platforms.files(platform, out, key),
    current: { input: { path: against }, dialect: againstDialect, options: againstOptions }
  })
  const planned = await Plan.plan(source, { from: input.from, options, ...read, key, target, fill })
  const applied = Option.isSome(input.out) ? await Plan.apply(planned.changes, target) : { files: [], rejected: [] }
  const report: PlanReport = {
    desired: planned.desired,
    current: { ...planned.current, dialect: againstDialect },
    platform,
    ...planned.plan,
    files: applied.files.map((f) => ({ path: path.join(out, f.path), rows: f.rows })),
    rejected: applied.rejected
  }
  const json = JSON.stringify(report, null, 2) + "\n"
  if (Option.isSome(input.out)) {
    try {
      await fs.promises.mkdir(out, { recursive: true })
      await fs.promises.writeFile(path.join(out, "plan.json"), json)
    } catch (e) {
      const { PbxportError } = await import("pbxport")
      throw new PbxportError({ _tag: "UnwritableFile", path: path.join(out, "plan.json"), cause: (e as Error).message })
    }
  }
  io.stdout.write(input.json ? json : text(report, Diff.describe))
  const invalid = report.desired.rows - report.desired.valid
  const blocked = report.update.filter((u) => u.blocked !== undefined).length
  return invalid + report.conflict.length + report.rejected.length + blocked > 0 || [...report.desired.issues, ...report.current.issues].some((i) => i.severity === "error")
    ? Exit.rowsFailed
    : Exit.ok
}

// generated secrets need a credentials file written once, which a plan or a resumable run cannot promise
const { generatePasswords: _generate, credentials: _credentials, preview: _preview, ...fillFlags } = Fill.fillFlags

/**
 * The `plan` command.
 */
export const command = Command.make(
  "plan",
  {
    file: Argument.String("desired").pipe(Argument.withDescription("the users you want the target to have; - reads standard input")),
    from: Flag.String("from").pipe(Flag.withMetavar("DIALECT"), Flag.withDescription("the dialect of the desired users (see pbxport dialects)")),
    against: Flag.String("against").pipe(Flag.withMetavar("FILE"), Flag.withDescription("the users the target has now (an export of the target)"), Flag.optional),
    againstDialect: Flag.String("against-dialect").pipe(
      Flag.withMetavar("DIALECT"),
      Flag.withDescription("the dialect of --against; its platform decides the files a plan writes (wazo-export: Wazo import and update files; broadworks: user.create and user.modify sheets; commpeak: a mass-creation file and the API updates)"),
      Flag.optional
    ),
    connection: Connection.connectionFlag,
    againstOption: Flag.String("against-option").pipe(Flag.withMetavar("KEY=VALUE"), Flag.withDescription("an option of the --against dialect (repeatable)"), Flag.atLeast(0)),
    key: Flag.String("key").pipe(
      Flag.withMetavar("FIELD"),
      Flag.withDescription("how desired and current users are matched: uuid, email, username, extension or userId (default userId for BroadWorks, else email; with --connection, the platform's natural key)"),
      Flag.optional
    ),
    out: Flag.String("out").pipe(Flag.withMetavar("DIR"), Flag.withDescription("write the files that apply the plan, and plan.json, to DIR"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the plan as JSON"), Flag.withDefault(false)),
    ...Options.readFlags,
    ...Options.dialectFlags,
    ...fillFlags
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Compare the users you want with the users the target already has (a file with --against, or a live platform with --connection). Each desired user is in one bucket: create, update (with the fields that change; secrets are shown as changed, never their values), unchanged, or conflict (a unique value shared or taken, a key matching several users), never acted on; users only the target has are listed and left alone. With --out, writes the files that apply the plan. Exit code: 0 when everything can be applied, 1 when some users are in conflict, invalid or cannot be written, 2 when a file cannot be read or the command line is wrong."
  ),
  Command.withShortDescription("Plan creates and updates against the target's current users"),
  Command.withExamples([
    { command: "pbxport plan wanted.csv --from broadworks --against export.csv --against-dialect wazo-export --key email", description: "what Wazo would need" },
    { command: "pbxport plan wanted.csv --from wazo --against export.csv --against-dialect wazo-export --out plan/", description: "write wazo-create.csv and wazo-update.csv" },
    { command: "pbxport plan wanted.csv --from broadworks --against current.csv --against-dialect broadworks --json | jq .counts", description: "the plan as JSON" },
    { command: "pbxport plan wanted.csv --from wazo --connection wazo.json", description: "against a running Wazo, now" }
  ])
)
