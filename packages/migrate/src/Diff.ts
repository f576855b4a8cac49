/**
 * Field-level differences between the user one wants and the user a platform already has,
 * computed over the canonical catalogue (`Field.catalogue`), so every field of every kind is
 * compared the same way whatever the two dialects were.
 *
 * The canonical model's two kinds of "nothing" decide what a difference is:
 * - a field the desired user does not give (absent key) is left as it is: no change;
 * - a field the desired user gives empty (`null`, or an empty list) clears the current value;
 * - a field the current user does not show (absent key: the export has no such column, as a Wazo
 *   export has no password) is *unknown*: it cannot be compared, so it is listed, never guessed.
 *
 * Secrets (passwords, SIP secrets, PINs) are compared by value but a change to one carries no
 * value at all, neither old nor new: a plan says "voicemail.pin: changed", never what it was or
 * becomes. Effect's `Schema.toDifferJsonPatch` was not used: its patches hold the new values,
 * secrets included, and know nothing of "unknown".
 */
import { Field, type User } from "@pbxport/core"

/**
 * What a change does: gives a value to an empty field, empties a field, or replaces a value.
 */
export type Op = "set" | "clear" | "change"

/**
 * A value as a plan shows it: JSON, secrets never included.
 */
export type Value = string | number | boolean | null | ReadonlyArray<unknown>

/**
 * One field that differs.
 *
 * **Details**
 * `path` is a catalogue path (`voicemail.pin`), or the path of a whole list of groups
 * (`incalls`), which is compared and replaced as one value. `from` and `to` are absent for
 * secrets; for lists, `added` and `removed` name the items that differ.
 */
export interface Change {
  readonly path: string
  readonly kind: User.Kind
  readonly op: Op
  readonly secret: boolean
  readonly from?: Value
  readonly to?: Value
  readonly added?: ReadonlyArray<unknown>
  readonly removed?: ReadonlyArray<unknown>
}

/**
 * The differences between two users, and the fields that could not be compared.
 */
export interface Difference {
  readonly changes: ReadonlyArray<Change>
  /** Paths the desired user gives that the current user does not show. */
  readonly unknown: ReadonlyArray<string>
}

/**
 * One field the diff compares: a catalogue leaf outside lists, or a whole list of groups.
 */
export interface Compared {
  readonly path: string
  readonly kind: User.Kind
  readonly secret: boolean
}

const listsOfGroups: Array<Compared> = []
for (const field of Field.catalogue) {
  if (!field.repeated) continue
  const path = field.path.slice(0, field.path.indexOf("[]"))
  const known = listsOfGroups.find((l) => l.path === path)
  if (known === undefined) listsOfGroups.push({ path, kind: "groups", secret: field.secret })
  else if (field.secret && !known.secret) listsOfGroups[listsOfGroups.indexOf(known)] = { ...known, secret: true }
}

/**
 * Every field the diff compares, in catalogue order (lists of groups where their first field is).
 */
export const compared: ReadonlyArray<Compared> = Field.catalogue.flatMap((field): Array<Compared> => {
  if (!field.repeated) return [{ path: field.path, kind: field.kind, secret: field.secret }]
  const list = listsOfGroups.find((l) => field.path.startsWith(`${l.path}[]`))!
  return Field.catalogue.find((f) => f.path.startsWith(`${list.path}[]`)) === field ? [list] : []
})

/**
 * Paths the diff never reports: the uuid is the id a platform gave its user, which names the
 * user rather than describing it (two Wazo stacks give the same person different uuids).
 */
export const ignored: ReadonlyArray<string> = ["uuid"]

const plain = (value: unknown): unknown => {
  const revealed = Field.reveal(value)
  if (Array.isArray(revealed)) return revealed.map(plain)
  if (revealed !== null && typeof revealed === "object") {
    return Object.fromEntries(Object.entries(revealed).map(([k, v]) => [k, plain(v)]))
  }
  return revealed
}

const equalLeaf = (a: unknown, b: unknown): boolean => {
  const x = Field.reveal(a)
  const y = Field.reveal(b)
  if (!Field.isFilled(x) && !Field.isFilled(y)) return true
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i])
  return x === y
}

/**
 * Compares two items of a list of groups on the fields both show (a field the current item
 * does not show is unknown, not different).
 */
const equalItem = (desired: unknown, current: unknown): boolean => {
  const d = (desired ?? {}) as Record<string, unknown>
  const c = (current ?? {}) as Record<string, unknown>
  return Object.entries(d).every(([k, v]) => v === undefined || !(k in c) || c[k] === undefined || equalLeaf(v, c[k]))
}

const equalList = (desired: ReadonlyArray<unknown>, current: ReadonlyArray<unknown>): boolean =>
  desired.length === current.length && desired.every((item, i) => equalItem(item, current[i]))

const opOf = (from: unknown, to: unknown): Op =>
  !Field.isFilled(Field.reveal(from)) ? "set" : !Field.isFilled(Field.reveal(to)) ? "clear" : "change"

/** The items of `items` that match none of `others` (`same` compares a desired item with a current one). */
const missing = (items: ReadonlyArray<unknown>, others: ReadonlyArray<unknown>, same: (item: unknown, other: unknown) => boolean): Array<unknown> =>
  items.filter((item) => !others.some((other) => same(item, other)))

const change = (field: Compared, from: unknown, to: unknown): Change => {
  const base = { path: field.path, kind: field.kind, op: opOf(from, to), secret: field.secret }
  if (field.secret) return base
  const f = plain(from ?? null) as Value
  const t = plain(to ?? null) as Value
  if (Array.isArray(f) || Array.isArray(t)) {
    const fl = (Array.isArray(f) ? f : []) as ReadonlyArray<unknown>
    const tl = (Array.isArray(t) ? t : []) as ReadonlyArray<unknown>
    const same = field.kind === "groups" ? equalItem : (a: unknown, b: unknown) => a === b
    return { ...base, from: f, to: t, added: missing(tl, fl, same), removed: missing(fl, tl, (c, d) => same(d, c)) }
  }
  return { ...base, from: f, to: t }
}

/**
 * Compares the user one wants with the user the platform has, field by field.
 *
 * **Details**
 * Only what the desired user gives is compared; `ignore` adds paths not to compare (the update
 * key, fields of kept columns). Extras (kept columns of a source dialect) are not canonical
 * fields and are never compared.
 *
 * @example
 * const { changes } = Diff.diff({ firstName: "Alicia", lastName: null }, { firstName: "Alice", lastName: "Example" })
 * // [{ path: "firstName", op: "change", from: "Alice", to: "Alicia", ... }, { path: "lastName", op: "clear", ... }]
 */
export const diff = (desired: User.User, current: User.User, options: { readonly ignore?: ReadonlyArray<string> } = {}): Difference => {
  const skip = new Set([...ignored, ...(options.ignore ?? [])])
  const changes: Array<Change> = []
  const unknown: Array<string> = []
  for (const field of compared) {
    if (skip.has(field.path)) continue
    const to = Field.get(desired, field.path)
    if (to === undefined) continue
    const from = Field.get(current, field.path)
    if (from === undefined) {
      unknown.push(field.path)
      continue
    }
    const same = field.kind === "groups"
      ? equalList(to as ReadonlyArray<unknown>, from as ReadonlyArray<unknown>)
      : equalLeaf(to, from)
    if (!same) changes.push(change(field, from, to))
  }
  return { changes, unknown }
}

const show = (value: Value | undefined): string => (typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value ?? null))

/**
 * Describes a change for people, in one line; a secret's value is never shown.
 *
 * @example
 * Diff.describe({ path: "voicemail.pin", kind: "secret", op: "change", secret: true }) // "voicemail.pin changed (secret)"
 */
export const describe = (c: Change): string => {
  if (c.secret) return c.op === "set" ? `${c.path} set (secret)` : c.op === "clear" ? `${c.path} cleared (secret)` : `${c.path} changed (secret)`
  if (c.kind === "texts" && c.op === "change") {
    const parts = [...(c.added ?? []).map((v) => `+${String(v)}`), ...(c.removed ?? []).map((v) => `-${String(v)}`)]
    return `${c.path} ${parts.length > 0 ? parts.join(" ") : `${show(c.from)} -> ${show(c.to)}`}`
  }
  if (c.op === "set") return `${c.path} set to ${show(c.to)}`
  if (c.op === "clear") return `${c.path} cleared (was ${show(c.from)})`
  return `${c.path} ${show(c.from)} -> ${show(c.to)}`
}

/**
 * Builds the user an update sends: the key that names the current user, plus each changed
 * field with its desired value (a value to set, or null / an empty list to clear); every other
 * field is absent, so it is left as it is.
 */
export const patch = (desired: User.User, changes: ReadonlyArray<Change>, key: { readonly path: string; readonly value: string }): User.User => {
  let user = Field.set({}, key.path, key.value)
  for (const c of changes) user = Field.set(user, c.path, Field.get(desired, c.path))
  return user
}
