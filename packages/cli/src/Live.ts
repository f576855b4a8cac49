/**
 * `pbxport migrate --connection` and `pbxport plan --connection`: the same commands against a
 * live platform instead of files. This module turns the flags into calls of the library's
 * `Live.migrate` and `Live.plan`, and their reports into text; all the work is in the library.
 */
import * as Option from "effect/Option"
import type { Live as LiveModule, Plan as PlanModule } from "@pbxport/migrate"
import * as Connection from "./Connection.js"
import * as Exit from "./Exit.js"
import * as Fill from "./Fill.js"
import type * as Io from "./Io.js"
import * as Options from "./Options.js"
import { issueLine, severities } from "./Validate.js"

/** The flags the live commands read. */
interface Flags extends Options.ReadFlags, Options.DialectFlags, Omit<Fill.FillFlags, "generatePasswords" | "credentials" | "preview"> {
  readonly file: string
  readonly from: string
  readonly connection: Option.Option<string>
  readonly key: Option.Option<string>
  readonly json: boolean
}

const count = (n: number, word = "user"): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

const keyOf = async (key: Option.Option<string>): Promise<PlanModule.Plan["key"] | undefined> => {
  if (Option.isNone(key)) return undefined
  const { Key } = await import("@pbxport/migrate")
  if (!Key.isKey(key.value)) throw new Exit.UsageError(`--key must be one of ${Key.Keys.join(", ")}, not ${JSON.stringify(key.value)}`)
  return key.value
}

const desiredOptions = async (input: Flags) => ({
  from: input.from,
  options: await Options.dialectOptions(input),
  ...Options.readOptions(input),
  fill: await Fill.fillOptions({ ...input, generatePasswords: Option.none(), credentials: Option.none(), preview: Option.none() })
})

const notCompared = (list: ReadonlyArray<LiveModule.NotCompared>, target: string): Array<string> =>
  list.map((n) => `not compared: ${n.path} of ${count(n.users)} (${n.hidden ? `${target} never reveals it` : `${target} does not show it`}); it is left as it is`)

/**
 * Formats a live migration's report for people: the issues of the source, each failed user with
 * its row, line and the platform's message, then the counts.
 */
export const text = (r: LiveModule.LiveReport): string => {
  const u = r.users
  const would = (word: string) => (r.dryRun ? `would be ${word}` : word)
  const lines = [
    ...r.issues.map(issueLine),
    ...r.failed.map((f) => `row ${f.row} (line ${f.line}${f.label === null ? "" : `, ${f.label}`}): ${f.operation === null ? "not sent" : `${f.operation} refused`}: ${f.message}`),
    ...notCompared(r.notCompared, r.target),
    `${r.target}: ${count(u.read)} read, matched by ${r.key}: ${u.created.toLocaleString("en-US")} ${would("created")}, ${u.updated.toLocaleString("en-US")} ${would("updated")}, ${u.unchanged.toLocaleString("en-US")} unchanged, ${u.failed.toLocaleString("en-US")} failed${u.done > 0 ? `, ${u.done.toLocaleString("en-US")} already done by an earlier run` : ""} ${severities(r.issues)}`,
    ...(u.notUpdated > 0 ? [`${count(u.notUpdated)} differ from what the platform has and ${u.notUpdated === 1 ? "was" : "were"} left as ${u.notUpdated === 1 ? "it is" : "they are"}: run again with --update to change them (pbxport plan --connection shows the differences)`] : []),
    ...(u.reconciled > 0 ? [`looked up ${count(u.reconciled)} on the platform after a lost answer or an interrupted run, so none was created twice`] : []),
    r.dryRun ? "dry run: nothing was sent, no journal was written" : `journal: ${r.journal}`
  ]
  return lines.join("\n") + "\n"
}

/**
 * Runs `pbxport migrate --connection`.
 */
export const run = async (
  input: Flags & { readonly journal: string; readonly update: boolean; readonly dryRun: boolean; readonly batchSize: Option.Option<number> },
  io: Io.Io
): Promise<number> => {
  const key = await keyOf(input.key)
  const desired = await desiredOptions(input)
  const connection = await Connection.open(Option.getOrThrow(input.connection), io, Option.isSome(input.batchSize) ? { batch: input.batchSize.value } : {})
  const shown = Connection.progress(io)
  try {
    const { Live } = await import("@pbxport/migrate")
    const report = await Live.migrate({ path: input.file }, {
      ...desired,
      connection,
      journal: input.journal,
      update: input.update,
      dryRun: input.dryRun,
      ...(key === undefined ? {} : { key }),
      ...(Option.isSome(input.batchSize) ? { batchSize: input.batchSize.value } : {}),
      ...(shown.update === undefined ? {} : { onProgress: shown.update })
    })
    shown.clear()
    io.stdout.write(input.json ? JSON.stringify(report, null, 2) + "\n" : text(report))
    return report.users.failed > 0 || report.issues.some((i) => i.severity === "error") ? Exit.rowsFailed : Exit.ok
  } finally {
    shown.clear()
    await connection.connector.close()
  }
}

/**
 * Runs `pbxport plan --connection`: the plan against the platform's users now.
 */
export const plan = async (input: Flags, io: Io.Io, describe: (r: LiveModule.LivePlan) => string): Promise<number> => {
  const key = await keyOf(input.key)
  const desired = await desiredOptions(input)
  const source = Options.source(input.file, io.stdin)
  const connection = await Connection.open(Option.getOrThrow(input.connection), io)
  try {
    const { Live } = await import("@pbxport/migrate")
    const report = await Live.plan(source, { ...desired, connection, ...(key === undefined ? {} : { key }) })
    io.stdout.write(input.json ? JSON.stringify(report, null, 2) + "\n" : describe(report) + notCompared(report.notCompared, report.target).map((l) => `${l}\n`).join(""))
    const invalid = report.desired.rows - report.desired.valid
    const blocked = report.update.filter((u) => u.blocked !== undefined).length
    return invalid + report.conflict.length + blocked > 0 || report.desired.issues.some((i) => i.severity === "error") ? Exit.rowsFailed : Exit.ok
  } finally {
    await connection.connector.close()
  }
}
