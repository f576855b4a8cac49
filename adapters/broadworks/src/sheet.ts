/**
 * The rows of the BroadWorks SDK's bulk operations, whichever way they are written: the CSV
 * sheet (`broadworks`) and the SDK's JSON data form (`broadworks-json`) are the same rows, with
 * the same `operation` selecting the command row by row (spec §1), the same "not given" cells and
 * the same rules; only the spelling of paths and the container differ.
 */
import { type Adapter, Field, Issue, Table, type User } from "@pbxport/core"
import { build, type Entry, fromUser, type Flat, flatten, format, loose, resolve, toUser } from "./command.js"
import { addCarries, leafPaths, type Operation, Operations, requestOf, sheetColumns, sheetRequired } from "./columns.js"
import { check } from "./rules.js"

/** The dialects whose rows these are; each reads the other's kept columns too. */
export type SheetDialect = "broadworks" | "broadworks-json"

const sibling = (id: SheetDialect): SheetDialect => (id === "broadworks" ? "broadworks-json" : "broadworks")
const other = (op: Operation): Operation => (op === "user.create" ? "user.modify" : "user.create")

/** One cell (or JSON value) of a row: where it is and what it holds. */
export interface Cell {
  readonly at: string
  readonly raw: string
  /** 1-based column number in a CSV header. */
  readonly position?: number
}

/** How one dialect spells and names things. */
export interface Spelling {
  readonly dialect: SheetDialect
  /** Spells an element path (`accessDeviceEndpoint.linePort` or `access_device_endpoint.line_port`). */
  readonly spell: (path: string) => string
  readonly noun: "column" | "key"
}

/**
 * Tells whether a cell means "not given": empty, spaces only, or `none` in any case, as the SDK
 * drops such cells (spec §3.2 step 2); a literal value "None" can therefore never be sent.
 */
export const notGiven = (raw: string): boolean => {
  const t = raw.trim()
  return t === "" || t.toLowerCase() === "none"
}

const declaredRank = new Map(sheetColumns.map((c, i) => [loose(c.header), i]))

/** Orders findings as the row reads: by the cell's position, then missing cells in template order. */
const order = (findings: Array<Issue.Finding>, cells: ReadonlyArray<Cell>): Array<Issue.Finding> => {
  const rank = new Map<string, number>()
  cells.forEach((c, i) => rank.has(c.at) || rank.set(c.at, c.position ?? i))
  const at = (f: Issue.Finding) => (f.column === null ? -1 : rank.get(f.column) ?? Number.MAX_SAFE_INTEGER)
  const declared = (f: Issue.Finding) => (f.column === null ? 0 : declaredRank.get(loose(f.column)) ?? Number.MAX_SAFE_INTEGER)
  return findings.map((f, i) => ({ f, i })).sort((a, b) => at(a.f) - at(b.f) || declared(a.f) - declared(b.f) || a.i - b.i).map((x) => x.f)
}

const operationOf = (cell: Cell | undefined, noun: string): Operation | Issue.Finding => {
  const column = cell?.at ?? "operation"
  const value = cell?.raw.trim() ?? ""
  if (value === "") {
    return Issue.error("missing-required", column, `'${column}' is required and ${cell === undefined ? `is missing: add the ${noun}` : "is empty"}; write user.create or user.modify`)
  }
  if ((Operations as ReadonlyArray<string>).includes(value)) return value as Operation
  const lower = value.toLowerCase()
  const hint = (Operations as ReadonlyArray<string>).includes(lower) ? ` (write "${lower}" in lower case)` : ""
  return Issue.error("unknown-operation", column, `'${column}' must be user.create or user.modify, not "${value}"${hint}`)
}

/**
 * Decodes one row: its operation, its cells into the command of that operation, the rules, and
 * the canonical user (cells without a canonical home are kept under the dialect's extras).
 */
export const decodeRow = (operationCell: Cell | undefined, cells: ReadonlyArray<Cell>, how: Spelling): Adapter.Decoded => {
  const op = operationOf(operationCell, how.noun)
  const all = operationCell === undefined ? cells : [operationCell, ...cells]
  if (typeof op !== "string") return { findings: [op] }
  const tree = requestOf(op)
  const findings: Array<Issue.Finding> = []
  const unknown: Record<string, string> = {}
  const kept = new Map<string, { cell: Cell; text: string; entry: Entry }>()
  for (const cell of cells) {
    const resolved = resolve(tree, cell.at)
    if (resolved === undefined) {
      const elsewhere = resolve(requestOf(other(op)), cell.at) !== undefined
      // an empty cell of the other operation's column is simply not this row's; unknown columns are kept
      if (!elsewhere) unknown[cell.at] = cell.raw
      if (notGiven(cell.raw)) continue
      findings.push(Issue.error("unknown-column", cell.at, elsewhere
        ? `'${cell.at}' is a ${other(op)} ${how.noun}: a ${op} row cannot fill it; empty it or move the row to a ${other(op)} operation`
        : `'${cell.at}' is not an element of ${tree.name} (${op}): the BroadWorks SDK rejects a row that fills it; empty it or remove the ${how.noun}`))
      continue
    }
    if (notGiven(cell.raw)) continue
    const key = resolved.key
    const text = cell.raw.trim()
    const prior = kept.get(key)
    if (prior === undefined) {
      kept.set(key, { cell, text, entry: { steps: resolved.steps, text, at: cell.at } })
      continue
    }
    if (prior.text === text) continue
    const secret = resolved.element.kind === "secret"
    const values = secret ? "different values" : `different values "${prior.text}" and "${text}"`
    findings.push(Issue.error("conflict", cell.at, prior.cell.at === cell.at && prior.cell.position !== undefined && cell.position !== undefined
      ? `'${cell.at}' appears twice in the header (columns ${prior.cell.position} and ${cell.position}) with ${values}: keep one (the BroadWorks SDK silently reads only the last)`
      : `'${prior.cell.at}' and '${cell.at}' name the same element with ${values}: keep one`))
  }
  let source: Map<string, Cell> | undefined
  const sourceOf = (column: string) => {
    if (source === undefined) {
      source = new Map()
      for (const c of cells) if (!source.has(loose(c.at))) source.set(loose(c.at), c)
    }
    return source.get(loose(column))
  }
  const doc = build([...kept.values()].map((k) => k.entry), (steps) => how.spell(format(steps)))
  const checked = check(doc, tree, {
    required: sheetRequired[op],
    why: `for ${op}`,
    source: sourceOf,
    spell: how.spell,
    sheet: true
  })
  findings.push(...checked.findings)
  const sorted = order(findings, all)
  if (Issue.hasError(sorted)) return { findings: sorted }
  const mapped = toUser(doc, tree, (path) => path, checked.rewritten)
  const extras: Record<string, string> = { ...mapped.extras, ...unknown }
  if (op === "user.modify") extras["operation"] = op
  const user = Object.keys(extras).length > 0 ? { ...mapped.user, extras: { [how.dialect]: extras } } : mapped.user
  return { user, findings: sorted }
}

const modifyCarries = new Set(leafPaths(requestOf("user.modify")).flatMap((l) => (l.target === null ? [] : [Table.cataloguePath(l.target)])))

/** A user prepared for writing as a row. */
export interface Prepared {
  readonly operation: Operation
  readonly values: ReadonlyArray<Flat>
  /** Kept cells of this dialect that are no BroadWorks element (written back as they were). */
  readonly unknown: ReadonlyArray<readonly [string, string]>
  readonly findings: ReadonlyArray<Issue.Finding>
}

/**
 * Prepares a user for a row: chooses the operation (the `operation` option, else the one the user
 * was read with, else `user.create`), places the user in that command, and warns about what the
 * command cannot carry.
 */
export const prepare = (user: User.User, options: Adapter.Options, how: Spelling): Prepared | Issue.Finding => {
  const own = user.extras?.[how.dialect]
  const theirs = user.extras?.[sibling(how.dialect)]
  const option = options["operation"]
  const chosen = typeof option === "string" ? option.trim() : own?.["operation"] ?? theirs?.["operation"] ?? "user.create"
  if (!(Operations as ReadonlyArray<string>).includes(chosen)) {
    return Issue.error("unknown-operation", "operation", `the operation option must be user.create or user.modify, not "${chosen}"`)
  }
  const op = chosen as Operation
  const tree = requestOf(op)
  const placed = fromUser(user, tree, [own, theirs], how.spell)
  const findings: Array<Issue.Finding> = []
  if (op === "user.modify") {
    const dropped = Field.filledPaths(user).filter((p) => addCarries.includes(p) && !modifyCarries.has(p))
    if (dropped.length > 0) findings.push(Issue.warning("not-carried", null, `a user.modify row cannot carry ${dropped.join(", ")}: not written`))
  }
  const otherTree = requestOf(other(op))
  const misplaced = placed.foreign.filter(([k]) => k !== "operation" && resolve(otherTree, k) !== undefined).map(([k]) => k)
  if (misplaced.length > 0) findings.push(Issue.warning("not-carried", null, `a ${op} row cannot carry ${misplaced.join(", ")} (${other(op)} ${how.noun}s): not written`))
  const unknown = Object.entries(own ?? {}).filter(([k]) => k !== "operation" && resolve(tree, k) === undefined && resolve(otherTree, k) === undefined)
  const values = flatten(placed.doc, tree)
  for (const v of values) {
    if (v.text !== "" && notGiven(v.text)) {
      const shown = v.element.kind === "secret" ? "a value" : `"${v.text}"`
      findings.push(Issue.warning("not-carried", how.spell(v.path), `'${how.spell(v.path)}' is ${shown} that the BroadWorks SDK reads as an empty cell: it will not be sent`))
    }
  }
  return { operation: op, values, unknown, findings }
}
