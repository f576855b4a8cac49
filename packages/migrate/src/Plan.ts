/**
 * A plan: the users one wants compared with the users the target already has, each desired user
 * in exactly one bucket.
 *
 * - **create**: no current user has its key, and none of its unique values is taken;
 * - **update**: one current user has its key and differs in fields the target can change (a
 *   field-level diff; secrets shown as changed, never their values);
 * - **unchanged**: one current user has its key and nothing the target can change differs;
 * - **conflict**: never acted on, for a person to decide: the desired file gives the same unique
 *   value (email, username, extension, userId, uuid) to two users; the key matches several
 *   current users; two desired users match the same current user; or a unique value of the
 *   desired user belongs to another current user (an update or a create would make two users
 *   share it);
 * - and, listed but never acted on, the users **present only in the target**.
 *
 * A plan holds no user data beyond row numbers, short labels and the diff, so it can be printed
 * and stored; the changes to apply travel beside it ({@link Planned}).
 */
import * as Effect from "effect/Effect"
import { type Adapter, Field, Issue, type User } from "@pbxport/core"
import { Decode, Fill, PbxportError, type ReadOptions, type Source } from "pbxport"
import * as Diff from "./Diff.js"
import * as Key from "./Key.js"
import * as Target from "./Target.js"

/**
 * A user with the place it was read from.
 */
export interface Located {
  readonly row: number
  readonly line: number
  readonly user: User.User
}

/**
 * A user as a plan names it: its row and line, and a short non-secret label.
 */
export interface Ref {
  readonly row: number
  readonly line: number
  readonly label: string | null
}

/**
 * A difference the target cannot apply, and why.
 */
export interface NotApplied {
  readonly path: string
  readonly reason: string
}

/**
 * A desired user matched to one current user.
 *
 * **Details**
 * `unknown` lists the fields the desired user gives that the current file does not show (they
 * could not be compared). `blocked` says why an update cannot be written (the current user lacks
 * the id an update names it by, or the target cannot update).
 */
export interface Matched {
  readonly desired: Ref
  readonly current: Ref
  readonly changes: ReadonlyArray<Diff.Change>
  readonly notApplied: ReadonlyArray<NotApplied>
  readonly unknown: ReadonlyArray<string>
  readonly blocked?: string
}

/**
 * Why a desired user is in conflict.
 */
export type ConflictReason = "duplicate" | "ambiguous" | "shared" | "taken"

/**
 * A desired user that is not acted on, and why.
 */
export interface Conflict {
  readonly desired: Ref
  readonly current: ReadonlyArray<Ref>
  readonly reason: ConflictReason
  readonly message: string
}

/**
 * A plan, as printed with `--json`.
 */
export interface Plan {
  readonly key: Key.Key
  readonly counts: {
    readonly create: number
    readonly update: number
    readonly unchanged: number
    readonly conflict: number
    readonly presentOnly: number
  }
  readonly create: ReadonlyArray<Ref>
  readonly update: ReadonlyArray<Matched>
  readonly unchanged: ReadonlyArray<Matched>
  readonly conflict: ReadonlyArray<Conflict>
  readonly presentOnly: ReadonlyArray<Ref>
}

/**
 * A plan and the changes that carry it out: one create per created user, one update per
 * updated user that is not blocked, in the desired file's order.
 */
export interface Planned {
  readonly plan: Plan
  readonly changes: ReadonlyArray<Target.Change>
}

const refOf = (l: Located): Ref => ({ row: l.row, line: l.line, label: Key.label(l.user) })

const rows = (refs: ReadonlyArray<Ref>): string => {
  const list = refs.map((r) => r.row)
  return list.length === 1 ? `row ${list[0]}` : `rows ${list.join(", ")}`
}

const who = (r: Ref): string => (r.label === null ? `row ${r.row}` : `row ${r.row}, ${r.label}`)

const carried = (path: string, update: Target.UpdateCapability): boolean =>
  update.carries.includes(path) || update.carries.some((p) => p.startsWith(`${path}[]`))

/**
 * Splits a diff into what the target can apply and what it cannot.
 */
const applicable = (changes: ReadonlyArray<Diff.Change>, update: Target.UpdateCapability | null) => {
  const apply: Array<Diff.Change> = []
  const not: Array<NotApplied> = []
  for (const c of changes) {
    if (update === null) apply.push(c)
    else if (!carried(c.path, update)) not.push({ path: c.path, reason: update.why(c.path) })
    else if (c.op === "clear" && !update.clear) not.push({ path: c.path, reason: "an update to this platform cannot clear a value; clear it by hand" })
    else apply.push(c)
  }
  return { apply, not }
}

const add = (map: Map<string, Array<number>>, value: string | undefined, i: number): void => {
  if (value === undefined || value === "") return
  const list = map.get(value)
  if (list === undefined) map.set(value, [i])
  else list.push(i)
}

/**
 * Finds the desired users that share a unique value: a key field (all of them named), or one of
 * the desired dialect's own unique rules (when no key field already pairs the two users).
 * Returns, per desired user, the other users it shares values with and the values, as shown.
 */
const duplicatesOf = (
  desired: ReadonlyArray<Located>,
  unique: ReadonlyArray<Adapter.UniqueRule>,
  shown: (field: Key.Key, user: User.User) => string
): Array<Map<number, Array<string>>> => {
  const duplicates = desired.map(() => new Map<number, Array<string>>())
  const pair = (i: number, j: number, what: (n: number) => string, always: boolean) => {
    for (const [a, b] of [[i, j], [j, i]] as const) {
      const known = duplicates[a]!.get(b)
      if (known === undefined) duplicates[a]!.set(b, [what(a)])
      else if (always) known.push(what(a))
    }
  }
  for (const field of Key.Keys) {
    const seen = new Map<string, Array<number>>()
    desired.forEach((d, i) => {
      const v = Key.valueOf(d.user, field)
      if (v === undefined) return
      for (const j of seen.get(v) ?? []) if (Key.same(field, d.user, desired[j]!.user)) pair(i, j, (n) => shown(field, desired[n]!.user), true)
      add(seen, v, i)
    })
  }
  for (const rule of unique) {
    const seen = new Map<string, Array<number>>()
    desired.forEach((d, i) => {
      const v = rule.key(d.user)
      if (v === undefined || v === "") return
      for (const j of seen.get(v) ?? []) pair(i, j, () => `${rule.label} '${v}'`, false)
      add(seen, v, i)
    })
  }
  return duplicates
}

/**
 * Plans the desired users against the current ones.
 *
 * **Details**
 * `update` is the target's update capability (null when it cannot update: the updates are then
 * planned but blocked). Emails are compared without case; an extension only matches within the
 * same context and group when both users have one (see {@link Key.same}). Desired users that
 * share a key value or break one of `unique` are all in conflict, none is acted on.
 *
 * @example
 * const { plan } = Plan.make(desired, current, { key: "email", update: target.capabilities.update })
 * plan.counts // { create: 1, update: 2, unchanged: 0, conflict: 1, presentOnly: 3 }
 */
export const make = (
  desired: ReadonlyArray<Located>,
  current: ReadonlyArray<Located>,
  options: {
    readonly key: Key.Key
    readonly update: Target.UpdateCapability | null
    /** The desired dialect's in-file unique rules, checked beside the keys. */
    readonly unique?: ReadonlyArray<Adapter.UniqueRule>
    /** The target's title, for messages. */
    readonly target?: string
  }
): Planned => {
  const key = options.key
  const index = new Map<Key.Key, Map<string, Array<number>>>()
  for (const field of Key.Keys) {
    const byValue = new Map<string, Array<number>>()
    current.forEach((c, i) => add(byValue, Key.valueOf(c.user, field), i))
    index.set(field, byValue)
  }
  const holders = (field: Key.Key, user: User.User): Array<number> => {
    const v = Key.valueOf(user, field)
    return v === undefined ? [] : (index.get(field)!.get(v) ?? []).filter((i) => Key.same(field, user, current[i]!.user))
  }
  const shown = (field: Key.Key, user: User.User) => `${field} '${user[field] ?? ""}'`
  const duplicates = duplicatesOf(desired, options.unique ?? [], shown)
  const matches = desired.map((d) => holders(key, d.user))
  const claims = new Map<number, Array<number>>()
  matches.forEach((m, i) => {
    if (m.length === 1 && duplicates[i]!.size === 0) claims.set(m[0]!, [...(claims.get(m[0]!) ?? []), i])
  })

  const plan = { create: [] as Array<Ref>, update: [] as Array<Matched>, unchanged: [] as Array<Matched>, conflict: [] as Array<Conflict> }
  const changes: Array<Target.Change> = []
  const touched = new Set<number>()

  desired.forEach((d, i) => {
    const ref = refOf(d)
    const conflict = (reason: ConflictReason, message: string, currents: ReadonlyArray<number>) => {
      for (const c of currents) touched.add(c)
      plan.conflict.push({ desired: ref, current: currents.map((c) => refOf(current[c]!)), reason, message })
    }
    const dup = duplicates[i]!
    if (dup.size > 0) {
      const parts = [...dup].map(([j, values]) => `${values.join(" and ")} ${values.length === 1 ? "is" : "are"} also given to desired row ${desired[j]!.row}`)
      return conflict("duplicate", `${parts.join("; ")}: each desired user must have its own`, matches[i]!)
    }
    const match = matches[i]!
    if (match.length > 1) {
      return conflict("ambiguous", `${shown(key, d.user)} matches ${match.length} current users (${rows(match.map((m) => refOf(current[m]!)))}): pbxport cannot tell which one to update`, match)
    }
    if (match.length === 1) {
      const m = match[0]!
      const others = (claims.get(m) ?? []).filter((j) => j !== i)
      if (others.length > 0) {
        return conflict("shared", `desired ${rows(others.map((j) => refOf(desired[j]!)))} ${others.length === 1 ? "matches" : "match"} the same current user (${who(refOf(current[m]!))}) by ${key}: only one desired user may update it`, [m])
      }
      for (const field of Key.Keys) {
        if (field === key) continue
        const taken = holders(field, d.user).filter((c) => c !== m)
        if (taken.length > 0) {
          return conflict("taken", `${shown(field, d.user)} belongs to another current user (${who(refOf(current[taken[0]!]!))}): updating ${who(refOf(current[m]!))} with it would give two users the same ${field}`, [m, ...taken])
        }
      }
      touched.add(m)
      const c = current[m]!
      const difference = Diff.diff(d.user, c.user)
      const { apply, not } = applicable(difference.changes, options.update)
      const entry: Matched = { desired: ref, current: refOf(c), changes: apply, notApplied: not, unknown: difference.unknown }
      if (apply.length === 0) {
        plan.unchanged.push(entry)
        return
      }
      const id = options.update === null ? undefined : Field.get(c.user, options.update.key)
      const blocked = options.update === null
        ? `${options.target ?? "the target"} cannot update users`
        : typeof id !== "string" || id === ""
          ? `the current user has no ${options.update.key}, which names the user to update`
          : undefined
      plan.update.push(blocked === undefined ? entry : { ...entry, blocked })
      if (blocked === undefined) {
        changes.push({ key: `update:${d.row}`, operation: "update", user: Diff.patch(d.user, apply, { path: options.update!.key, value: id as string }), origin: { row: d.row, line: d.line, label: ref.label } })
      }
      return
    }
    for (const field of Key.Keys) {
      const taken = holders(field, d.user)
      if (taken.length > 0) {
        const hint = field === key ? "" : ` (if it is the same person, match by ${field}: --key ${field})`
        return conflict("taken", `${shown(field, d.user)} already belongs to current user ${who(refOf(current[taken[0]!]!))}: creating this user would give two users the same ${field}${hint}`, taken)
      }
    }
    plan.create.push(ref)
    changes.push({ key: `create:${d.row}`, operation: "create", user: d.user, origin: { row: d.row, line: d.line, label: ref.label } })
  })

  const presentOnly = current.flatMap((c, i) => (touched.has(i) ? [] : [refOf(c)]))
  return {
    plan: {
      key,
      counts: { create: plan.create.length, update: plan.update.length, unchanged: plan.unchanged.length, conflict: plan.conflict.length, presentOnly: presentOnly.length },
      ...plan,
      presentOnly
    },
    changes
  }
}

/**
 * What was read to make a plan: the desired file and the current users.
 */
export interface Sides {
  readonly desired: { readonly file: string; readonly dialect: string; readonly rows: number; readonly valid: number; readonly issues: ReadonlyArray<Issue.Issue> }
  readonly current: { readonly file: string; readonly rows: number; readonly issues: ReadonlyArray<Issue.Issue> }
}

/**
 * Options of {@link plan}.
 */
export interface PlanOptions extends ReadOptions {
  /** The dialect of the desired users. */
  readonly from: string | Adapter.Adapter
  readonly options?: Adapter.Options
  readonly key: Key.Key
  /** The target: its current users are read, its update capability decides what can change. */
  readonly target: Target.Target
  /**
   * What to fill in the desired users, in the target's words, before they are compared (as
   * `convert` does: languages are translated unless `translate: false`). Generated secrets are
   * refused: a plan would write them with no record of what they are.
   */
  readonly fill?: Fill.FillOptions
}

/**
 * Reads the desired users and the target's current users, and plans.
 *
 * **Gotchas**
 * Invalid desired rows are left out of the plan and reported as issues; a file-level problem
 * of either file throws a `PbxportError`.
 */
export const plan = async (input: Source.Input, options: PlanOptions): Promise<Planned & Sides> => {
  // duplicates are the plan's to judge: every user involved goes to conflict, not only the later rows
  const dialect = Decode.dialect(options.from, "read")
  const read = { ...options, from: { ...dialect, unique: [] } }
  const fill = options.fill ?? {}
  if (fill.generatePasswords !== undefined && fill.generatePasswords !== false) {
    throw new PbxportError({ _tag: "Usage", detail: "a plan cannot generate passwords (it would write them with no record of them); generate them with pbxport convert first" })
  }
  const target = options.target.dialect
  const step = target === null ? undefined : await Fill.start(input, read, target, fill, { scaffold: false, preview: true })
  const desired: Array<Located> = []
  const issues: Array<Issue.Issue> = []
  let count = 0
  let decoding: Decode.Decoding
  try {
    decoding = await Decode.decode(step?.input ?? input, read)
    issues.push(...decoding.fileIssues)
    for await (const r of decoding.rows) {
      issues.push(...r.issues)
      if (r.skipped) continue
      count++
      if (r.user === undefined) continue
      const filled = step === undefined ? { user: r.user, findings: [] } : step.transform(r.user, r)
      issues.push(...filled.findings.map((f) => Issue.at(f, r.row, r.line)))
      if (!Issue.hasError(filled.findings)) desired.push({ row: r.row, line: r.line, user: filled.user })
    }
  } finally {
    await step?.finish()
  }
  const current = await options.target.current()
  const planned = make(desired, current.users, { key: options.key, update: options.target.capabilities.update, unique: dialect.unique, target: options.target.title })
  return {
    ...planned,
    desired: { file: decoding.opened.name, dialect: decoding.adapter.id, rows: count, valid: desired.length, issues },
    current: { file: current.name, rows: current.users.length, issues: current.issues }
  }
}

/**
 * Effect entry of {@link plan}: fails with `PbxportError` when a file cannot be read.
 */
export const planEffect = (input: Source.Input, options: PlanOptions): Effect.Effect<Planned & Sides, PbxportError> =>
  Effect.tryPromise({
    try: () => plan(input, options),
    catch: (e) => (e instanceof PbxportError ? e : new PbxportError({ _tag: "Usage", detail: e instanceof Error ? e.message : String(e) }))
  })

/**
 * What applying a plan's changes to a target gave: the files written and the changes refused.
 */
export interface Applied {
  readonly files: ReadonlyArray<Target.Written>
  readonly rejected: ReadonlyArray<{ readonly row: number; readonly operation: Target.Operation; readonly label: string | null; readonly reason: string }>
}

/**
 * Hands a plan's changes to a target, creates first, then updates, in batches of the target's
 * size; with `dry`, previews them instead (nothing is written).
 */
export const apply = async (changes: ReadonlyArray<Target.Change>, target: Target.Target, options: { readonly dry?: boolean; readonly batchSize?: number } = {}): Promise<Applied> => {
  const size = Target.batchSize(target, options.batchSize)
  const files: Array<Target.Written> = []
  const rejected: Array<Applied["rejected"][number]> = []
  for (const operation of ["create", "update"] as const) {
    const list = changes.filter((c) => c.operation === operation)
    const of = Math.ceil(list.length / size)
    for (let n = 0; n < of; n++) {
      const batch: Target.Batch = { number: n + 1, of, changes: list.slice(n * size, (n + 1) * size) }
      const result = options.dry ? await target.preview(batch) : await target.write(batch)
      files.push(...result.files)
      result.results.forEach((r, i) => {
        const c = batch.changes[i]!
        if (r.status === "rejected") rejected.push({ row: c.origin.row, operation, label: c.origin.label, reason: r.reason })
      })
    }
  }
  return { files, rejected }
}
