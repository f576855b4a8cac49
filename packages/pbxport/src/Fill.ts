/**
 * Filling what the target needs: the step between decoding a user and encoding it.
 *
 * A real conversion rarely has every value the target requires: a Wazo export has no BroadWorks
 * user id, nobody's export carries passwords. This step gives, per row and in this order:
 *
 * 1. extensions and numbers from pools, to users that have none (values used anywhere in the
 *    file are skipped, so the file is read once before it is converted);
 * 2. `setIfEmpty` values where the user has none, then `set` values, each from a template
 *    (templates see the values as read, the pool values, and what earlier templates gave);
 * 3. name maps (contexts, roles, desks, ...), then languages in the target's words
 *    (Translate.ts), whichever step gave the value;
 * 4. generated secrets, recorded in the credentials file once the row is written.
 *
 * Everything that can be checked before reading (a template naming no field, a column the target
 * does not have, a bad pool or policy) fails with a usage error before any row is read.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Redacted from "effect/Redacted"
import { type Adapter, Field, Issue, Table, type User } from "@pbxport/core"
import * as Decode from "./Decode.js"
import { PbxportError } from "./PbxportError.js"
import * as Pool from "./Pool.js"
import * as Secrets from "./Secrets.js"
import type * as Source from "./Source.js"
import * as Translate from "./Translate.js"
import * as ValueTemplate from "./ValueTemplate.js"

/**
 * Target columns (or canonical paths) and their templates: `{ userId: "{{email}}" }`, or pairs.
 */
export type Assignments = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>

/**
 * What to fill.
 */
export interface FillOptions {
  /** Sets a target column for every row (`--set COLUMN=TEMPLATE`). */
  readonly set?: Assignments
  /** Sets a target column where the user has no value (`--set-if-empty COLUMN=TEMPLATE`). */
  readonly setIfEmpty?: Assignments
  /** Generates missing secrets; a policy string (Secrets.parsePolicy) or true for the default. */
  readonly generatePasswords?: string | boolean
  /** The credentials file that receives every generated secret (required with generatePasswords). */
  readonly credentials?: string
  /** Pool of extensions for users without one (`1000-1999`). */
  readonly extensions?: string
  /** Pool of numbers (DIDs) for users without one (`+15550100100-+15550100199`). */
  readonly numbers?: string
  /** Name maps by kind: a map file's contents, or entries. */
  readonly maps?: Readonly<Partial<Record<Translate.MapKind, string | Readonly<Record<string, string>>>>>
  /** Translate languages into the target's words (default true). */
  readonly translate?: boolean
}

/**
 * How the step runs.
 */
export interface Mode {
  /** A scaffold (`fullTemplate`): a missing value is a warning and the row is still written. */
  readonly scaffold: boolean
  /** A preview: nothing is written, so no credentials file is needed or written. */
  readonly preview: boolean
  /** Where the users go (generated secrets may only go into a file). */
  readonly output?: { readonly path: string } | { readonly sink: unknown } | undefined
}

/**
 * Applies one per-row step (the fill step, a caller's transform) to a decoded user: its findings
 * are placed at the row and added to `issues`; an error finding drops the user.
 */
export const apply = (
  user: User.User | undefined,
  row: Decode.RowResult,
  step: ((user: User.User, row: Decode.RowResult) => { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> }) | undefined,
  issues: Array<Issue.Issue>
): User.User | undefined => {
  if (user === undefined || step === undefined) return user
  const t = step(user, row)
  issues.push(...t.findings.map((f) => Issue.at(f, row.row, row.line)))
  return Issue.hasError(t.findings) ? undefined : t.user
}

/**
 * A started fill step.
 */
export interface Step {
  /** The input to decode (a stream read twice is spooled to a temporary file). */
  readonly input: Source.Input
  /** Whether secrets are generated (the output files are then owner-only too). */
  readonly generatesSecrets?: boolean
  readonly transform: (user: User.User, row: Decode.RowResult) => { readonly user: User.User; readonly findings: ReadonlyArray<Issue.Finding> }
  /** Tells the step a row was written (its generated secrets go to the credentials file). */
  readonly written: (user: User.User, row: Decode.RowResult) => void
  /** Completes the credentials file; returns what the report says about it. */
  readonly finish: () => Promise<Credentials | undefined>
  readonly abort: () => Promise<void>
}

/**
 * What the report says about generated secrets (never their values).
 */
export interface Credentials {
  readonly path: string
  /** Rows with at least one generated secret. */
  readonly rows: number
  /** The generated secrets, by canonical field. */
  readonly fields: ReadonlyArray<string>
}

const usage = (detail: string): PbxportError => new PbxportError({ _tag: "Usage", detail })

const pairs = (a: Assignments | undefined): Array<readonly [string, string]> =>
  a === undefined ? [] : Array.isArray(a) ? [...(a as ReadonlyArray<readonly [string, string]>)] : Object.entries(a as Readonly<Record<string, string>>)

/** Where an assignment writes: a canonical path (indices allowed), or a kept column. */
interface Assignment {
  readonly flag: string
  readonly column: string
  readonly path: string | null
  readonly template: ValueTemplate.Template
  readonly ifEmpty: boolean
  readonly secret: boolean
}

const PATHLIKE = /^[A-Za-z][A-Za-z0-9]*(\[\d*\])?(\.[A-Za-z][A-Za-z0-9]*(\[\d*\])?)*$/

/**
 * Finds where a `--set` column writes: a column of the target (exactly, then ignoring case,
 * spaces, `_` and `-`, then by alias), or a canonical field the target carries.
 */
export const resolveColumn = (target: Adapter.Adapter, column: string, flag: string): { readonly column: string; readonly path: string | null } => {
  const key = Table.looseKey(column)
  const found = target.columns.find((c) => c.header === column)
    ?? target.columns.find((c) => Table.looseKey(c.header) === key)
    ?? target.columns.find((c) => c.aliases?.some((a) => Table.looseKey(a) === key))
  if (found) return { column: found.header, path: found.target === null ? null : found.target.replace(/\[\]/g, "[0]") }
  if (PATHLIKE.test(column)) {
    const field = Field.find(Table.cataloguePath(column.replace(/\[\]/g, "[0]")))
    if (field !== undefined) {
      if (!target.capabilities.carries.includes(field.path)) throw usage(`${flag} ${column}: the ${target.id} dialect cannot carry ${field.path}`)
      return { column: Translate.columnFor(target, field.path), path: column.replace(/\[\]/g, "[0]") }
    }
  }
  const headers = target.columns.map((c) => c.header)
  const list = headers.length === 0
    ? "it has no columns: name a canonical field, such as firstName (docs/canonical-model.md)"
    : headers.length <= 20
      ? `its columns are ${headers.join(", ")}`
      : `see its columns with pbxport template ${target.id}, or name a canonical field such as firstName`
  const near = ValueTemplate.suggest(column)
  throw usage(`${flag} ${column}: the ${target.id} dialect has no column '${column}'${near && target.capabilities.carries.includes(near) ? ` (did you mean the canonical field ${near}?)` : ""}; ${list}`)
}

type Converted = { readonly value: unknown } | { readonly code: Issue.IssueCode; readonly expected: string }

/**
 * Turns a rendered template into the canonical value of a path, by the field's kind.
 */
export const valueOf = (path: string, text: string): Converted => {
  const listed = Table.cataloguePath(path)
  const field = Field.find(listed)
  if (field === undefined) return { value: text }
  switch (field.kind) {
    case "text":
      return { value: text }
    case "secret":
      return { value: Redacted.make(text) }
    case "flag":
      if (/^(true|1|yes|on)$/i.test(text)) return { value: true }
      if (/^(false|0|no|off)$/i.test(text)) return { value: false }
      return { code: "invalid-bool", expected: "true or false (or 1/0, yes/no)" }
    case "count":
      return /^[0-9]{1,15}$/.test(text) ? { value: Number(text) } : { code: "invalid-integer", expected: "a whole number written with the digits 0-9" }
    case "choice": {
      const value = Translate.readChoice(listed, text)
      return value !== undefined ? { value } : { code: "invalid-choice", expected: `one of ${(field.choices ?? []).join(", ")}` }
    }
    case "texts":
      return /\[\d+\]$/.test(path) ? { value: text } : { value: text.split(";").map((s) => s.trim()).filter((s) => s !== "") }
  }
}

type Segment = string | number

// paths are few and set on every row: parse each once
const parsed = new Map<string, ReadonlyArray<Segment>>()
const segments = (p: string): ReadonlyArray<Segment> => {
  let segs = parsed.get(p)
  if (segs === undefined) {
    segs = p.split(".").flatMap((part) => {
      const m = /^(\w+)\[(\d+)\]$/.exec(part)
      return m ? [m[1]!, Number(m[2])] : [part]
    })
    parsed.set(p, segs)
  }
  return segs
}

/**
 * Returns a copy of a user with a value at a path that may hold indices (`aliases[1]`,
 * `incalls[0].did`); an index past the end of a list adds an item, so lists keep no holes.
 */
export const setAt = (user: User.User, p: string, value: unknown): User.User => {
  const segs = segments(p)
  const put = (node: unknown, i: number): unknown => {
    if (i === segs.length) return value
    const seg = segs[i]!
    if (typeof seg === "number") {
      const list = Array.isArray(node) ? [...(node as ReadonlyArray<unknown>)] : []
      const at = Math.min(seg, list.length)
      list[at] = put(list[at], i + 1)
      return list
    }
    const obj = node !== null && typeof node === "object" && !Array.isArray(node) ? { ...(node as Record<string, unknown>) } : {}
    obj[seg] = put(obj[seg], i + 1)
    return obj
  }
  return put(user, 0) as User.User
}

const compile = (target: Adapter.Adapter, options: FillOptions): Array<Assignment> => {
  const out: Array<Assignment> = []
  const seen = new Map<string, string>()
  // gaps of the source are filled first, so that --set templates can use what they fill
  for (const [list, flag, ifEmpty] of [[options.setIfEmpty, "--set-if-empty", true], [options.set, "--set", false]] as const) {
    for (const [name, text] of pairs(list)) {
      const { column, path: p } = resolveColumn(target, name.trim(), flag)
      const where = p ?? `extras.${column}`
      const before = seen.get(where)
      if (before !== undefined) throw usage(`${flag} ${name}: ${before} already sets '${column}'; give each column once`)
      seen.set(where, `${flag} ${name}`)
      let template: ValueTemplate.Template
      try {
        template = ValueTemplate.parse(text)
      } catch (e) {
        throw usage(`${flag} ${name}: ${(e as Error).message}`)
      }
      const secret = p !== null && Field.find(Table.cataloguePath(p))?.secret === true
      if (p !== null && ValueTemplate.placeholders(template).length === 0) {
        const v = valueOf(p, text)
        if ("code" in v) throw usage(`${flag} ${name}: '${column}' takes ${v.expected}${secret ? "" : `, not "${text}"`}`)
      }
      out.push({ flag, column, path: p, template, ifEmpty, secret })
    }
  }
  return out
}

const isEmpty = (user: User.User, a: Assignment, target: Adapter.Adapter): boolean =>
  a.path === null ? (user.extras?.[target.id]?.[a.column] ?? "") === "" : !Field.isFilled(Table.getAt(user, a.path))

const assign = (user: User.User, a: Assignment, row: number, target: Adapter.Adapter, severity: Issue.Severity): { user: User.User; finding?: Issue.Finding } => {
  if (a.ifEmpty && !isEmpty(user, a, target)) return { user }
  const rendered = ValueTemplate.render(a.template, user, row)
  const finding = severity === "error" ? Issue.error : Issue.warning
  if ("empty" in rendered) {
    const what = rendered.empty.path === "index" ? "the row number" : rendered.empty.path
    const why = rendered.filtered ? `{{${rendered.empty.source}}} leaves nothing of ${what} in this row` : `${what} is empty in this row`
    return { user, finding: finding("missing-required", a.column, `'${a.column}' is built from '${a.template.text}' (${a.flag}), but ${why}${severity === "warning" ? "; it was left empty" : ""}`) }
  }
  if (a.path === null) {
    const extras = { ...user.extras, [target.id]: { ...user.extras?.[target.id], [a.column]: rendered.value } }
    return { user: { ...user, extras } }
  }
  const v = valueOf(a.path, rendered.value)
  if ("code" in v) {
    return { user, finding: finding(v.code, a.column, `'${a.column}' is built from '${a.template.text}' (${a.flag}), which gives ${a.secret ? "a value" : `"${rendered.value}"`} in this row; '${a.column}' takes ${v.expected}`) }
  }
  return { user: setAt(user, a.path, v.value) }
}

/** Paths whose values count as used extensions, and as used numbers. */
const EXTENSION_PATHS = ["extension", "contactCenter.virtualExtension"]
const NUMBER_PATHS = ["directoryNumber", "incalls[].did"]
const NUMBERISH = /^\+?[0-9 ().-]+$/

const valuesAt = (user: User.User, p: string): Array<string> => {
  if (p.includes("[].")) {
    const [list, rest] = p.split("[].") as [string, string]
    const items = Field.get(user, list)
    return Array.isArray(items) ? items.flatMap((i: Record<string, unknown>) => (typeof i[rest] === "string" ? [i[rest]] : [])) : []
  }
  const v = Field.get(user, p)
  return typeof v === "string" ? [v] : []
}

interface PoolUse {
  readonly flag: string
  readonly what: string
  readonly pool: Pool.Pool
  /** Where the pool's values go. */
  readonly path: string
  readonly usedPaths: ReadonlyArray<string>
  readonly used: Set<string>
  need: number
}

const poolOf = (flag: string, spec: string | undefined, what: string, target: Adapter.Adapter, fillPath: () => string | undefined, usedPaths: ReadonlyArray<string>): PoolUse | undefined => {
  if (spec === undefined) return undefined
  let pool: Pool.Pool
  try {
    pool = Pool.parse(spec)
  } catch (e) {
    throw usage(`${flag} ${spec}: ${(e as Error).message}`)
  }
  const p = fillPath()
  if (p === undefined) throw usage(`${flag}: the ${target.id} dialect has no ${what} to fill`)
  return { flag, what, pool, path: p, usedPaths, used: new Set(), need: 0 }
}

/**
 * An input that can be read twice: a byte stream is spooled to a temporary owner-only file,
 * in-memory rows are kept in an array.
 */
const replayable = async (input: Source.Input, twice: boolean): Promise<{ readonly open: () => Source.Input; readonly cleanup: () => Promise<void> }> => {
  if (!twice) return { open: () => input, cleanup: async () => {} }
  if ("rows" in input) {
    const rows = [...input.rows]
    return { open: () => ({ rows, ...(input.name ? { name: input.name } : {}) }), cleanup: async () => {} }
  }
  if (!("stream" in input)) return { open: () => input, cleanup: async () => {} }
  const temp = path.join(os.tmpdir(), `.pbxport-input-${process.pid}-${crypto.randomBytes(6).toString("hex")}.tmp`)
  const fd = fs.openSync(temp, "wx", 0o600)
  try {
    for await (const chunk of input.stream) fs.writeSync(fd, chunk)
  } finally {
    fs.closeSync(fd)
  }
  return {
    open: () => ({ stream: fs.createReadStream(temp), name: input.name ?? "<input>" }),
    cleanup: () => fs.promises.rm(temp, { force: true })
  }
}

const secretsOf = (target: Adapter.Adapter, options: FillOptions, mode: Mode) => {
  if (options.generatePasswords === undefined || options.generatePasswords === false) return undefined
  let policy: Secrets.Policy
  try {
    policy = Secrets.parsePolicy(typeof options.generatePasswords === "string" ? options.generatePasswords : undefined)
  } catch (e) {
    throw usage(`--generate-passwords: ${(e as Error).message}`)
  }
  const vocabulary = Translate.vocabularyOf[target.id]
  for (const field of policy.fields) {
    const { path: p, label, pin } = Secrets.SecretFields[field]
    if (!target.capabilities.carries.includes(p)) {
      const commpeak = vocabulary === "commpeak" && field === "password"
        ? "; CommPeak generates passwords itself at upload (its option 'Generate user passwords with digits only' serves phones that take digits only) and gives them back in its Success Details file (--from commpeak-success)"
        : ""
      throw usage(`--generate-passwords: the ${target.id} dialect cannot carry a ${label} (${p})${commpeak}`)
    }
    const rule = Secrets.ruleOf(vocabulary, field)
    const length = pin ? policy.pinLength : policy.length
    if (length < rule.min || length > rule.max) {
      throw usage(`--generate-passwords: ${rule.says}; the policy asks for ${length} characters (${pin ? "pin-length" : "length"}=${rule.min}..${rule.max})`)
    }
  }
  if (!mode.preview) {
    if (options.credentials === undefined || options.credentials === "") {
      throw usage("--generate-passwords needs a credentials file (--credentials FILE): it is the only place the generated secrets are shown")
    }
    if (mode.output === undefined || !("path" in mode.output)) {
      throw usage("--generate-passwords writes secrets into files only: give an output file (-o FILE), never standard output")
    }
    if (path.resolve(mode.output.path) === path.resolve(options.credentials)) {
      throw usage("--credentials must be another file than the output")
    }
  }
  return { policy, vocabulary }
}

/**
 * Checks the fill options against the target, reads the file once when pools need it, and
 * returns the step.
 *
 * @throws PbxportError (Usage) on anything wrong with the options, or when a pool has too few
 * free values for the rows that need one (naming how many more are needed); nothing has been
 * written then.
 */
export const start = async (
  input: Source.Input,
  options: Source.ReadOptions & { readonly from: string | Adapter.Adapter; readonly options?: Adapter.Options },
  target: Adapter.Adapter,
  fill: FillOptions,
  mode: Mode
): Promise<Step> => {
  const severity: Issue.Severity = mode.scaffold ? "warning" : "error"
  const assignments = compile(target, fill)
  const maps: Array<Translate.NameMap> = []
  for (const [kind, source] of Object.entries(fill.maps ?? {})) {
    if (source === undefined) continue
    if (!Object.hasOwn(Translate.MapKinds, kind)) throw usage(`--map-file: unknown kind '${kind}'; kinds are ${Object.keys(Translate.MapKinds).join(", ")}`)
    try {
      maps.push(Translate.parseMap(kind as Translate.MapKind, source))
    } catch (e) {
      throw usage(`--map-file ${kind}: ${(e as Error).message}`)
    }
  }
  const secrets = secretsOf(target, fill, mode)
  const carries = (p: string) => target.capabilities.carries.includes(p)
  const pools = [
    poolOf("--extensions", fill.extensions, "extension", target, () => (carries("extension") ? "extension" : undefined), EXTENSION_PATHS),
    poolOf("--numbers", fill.numbers, "number", target, () => (carries("directoryNumber") ? "directoryNumber" : carries("incalls[].did") ? "incalls[0].did" : undefined), NUMBER_PATHS)
  ].filter((p) => p !== undefined)
  for (const p of pools) {
    const clash = assignments.find((a) => a.path !== null && Table.cataloguePath(a.path) === Table.cataloguePath(p.path) && !a.ifEmpty)
    if (clash) throw usage(`${clash.flag} ${clash.column} and ${p.flag} both give the ${p.what}; keep one`)
  }
  const source = await replayable(input, pools.length > 0)
  try {
    if (pools.length > 0) {
      const first = await Decode.decode(source.open(), options)
      for await (const r of first.rows) {
        if (r.user === undefined) continue
        for (const p of pools) {
          for (const up of p.usedPaths) for (const v of valuesAt(r.user, up)) if (NUMBERISH.test(v)) p.used.add(Pool.key(v))
          if (!Field.isFilled(Table.getAt(r.user, p.path))) p.need++
        }
      }
      for (const p of pools) {
        const free = Number(Pool.free(p.pool, p.used))
        if (p.need > free) {
          throw usage(`${p.flag} ${p.pool.spec}: ${p.need} row${p.need === 1 ? " has" : "s have"} no ${p.what}, but the pool has ${free} free value${free === 1 ? "" : "s"} (values used in the file are skipped): ${p.need - free} more ${p.need - free === 1 ? "is" : "are"} needed`)
        }
      }
    }
  } catch (e) {
    await source.cleanup()
    throw e
  }
  const allocators = pools.map((p) => ({ p, next: Pool.allocator(p.pool, p.used) }))
  const credentials = secrets && !mode.preview ? Secrets.credentialsFile(fill.credentials!, secrets.policy.fields) : undefined
  let pending: { readonly row: number; readonly fields: ReadonlyArray<Secrets.SecretField> } | undefined
  let credentialRows = 0
  return {
    input: source.open(),
    generatesSecrets: secrets !== undefined,
    transform: (input, result) => {
      const findings: Array<Issue.Finding> = []
      let user = input
      for (const { p, next } of allocators) {
        if (Field.isFilled(Table.getAt(user, p.path))) continue
        const value = next()
        if (value === undefined) findings.push(Issue.error("missing-required", Translate.columnFor(target, Table.cataloguePath(p.path)), `the ${p.what} pool ${p.pool.spec} has no free value left for this row`))
        else user = setAt(user, p.path, value)
      }
      for (const a of assignments) {
        const r = assign(user, a, result.row, target, severity)
        user = r.user
        if (r.finding) findings.push(r.finding)
      }
      if (maps.length > 0) {
        const r = Translate.applyMaps(user, maps, target, severity)
        user = r.user
        findings.push(...r.findings)
      }
      if (fill.translate !== false) {
        const r = Translate.translateLanguage(user, target, severity)
        user = r.user
        findings.push(...r.findings)
      }
      pending = undefined
      if (secrets) {
        const generated: Array<Secrets.SecretField> = []
        for (const field of secrets.policy.fields) {
          const { path: p } = Secrets.SecretFields[field]
          const rule = Secrets.ruleOf(secrets.vocabulary, field)
          if (Field.isFilled(Field.get(user, p)) || (rule.when !== undefined && !rule.when(user))) continue
          user = Field.set(user, p, Redacted.make(Secrets.generate(secrets.policy, field)))
          generated.push(field)
        }
        if (generated.length > 0) pending = { row: result.row, fields: generated }
      }
      return { user, findings }
    },
    written: (user, result) => {
      if (credentials === undefined || pending === undefined || pending.row !== result.row) return
      credentials.add(result.row, user, pending.fields)
      credentialRows++
      pending = undefined
    },
    finish: async () => {
      await source.cleanup()
      if (credentials === undefined || secrets === undefined) return undefined
      await credentials.finish()
      return { path: path.resolve(fill.credentials!), rows: credentialRows, fields: secrets.policy.fields.map((f) => Secrets.SecretFields[f].path) }
    },
    abort: async () => {
      await source.cleanup()
      await credentials?.abort()
    }
  }
}

/**
 * Tells whether any fill option is set (translation aside).
 */
export const isSet = (fill: FillOptions | undefined): boolean =>
  fill !== undefined && (pairs(fill.set).length > 0 || pairs(fill.setIfEmpty).length > 0 || (fill.generatePasswords !== undefined && fill.generatePasswords !== false) ||
    fill.extensions !== undefined || fill.numbers !== undefined || Object.keys(fill.maps ?? {}).length > 0)
