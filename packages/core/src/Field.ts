/**
 * The canonical fields as a flat catalogue of paths, derived from the User schema declaration.
 *
 * Paths use dots for groups and `[]` for lists of groups: `firstName`, `address.city`,
 * `voicemail.pin`, `incalls[].did`. Adapters declare which paths they carry, templates name
 * them (`{{firstName}}`), reports count the ones a target cannot carry, and the documentation
 * lists them; all from this one catalogue.
 */
import * as Redacted from "effect/Redacted"
import * as User from "./User.js"

/**
 * One canonical leaf field.
 */
export interface FieldInfo {
  readonly path: string
  readonly kind: Exclude<User.Kind, "group" | "groups">
  readonly doc: string
  /** The documentation of the groups the field sits in, outermost first. */
  readonly groupDocs: ReadonlyArray<string>
  readonly secret: boolean
  readonly choices?: ReadonlyArray<string>
  /** True when the field sits inside a list of groups (`incalls[].did`). */
  readonly repeated: boolean
}

const walk = (fields: Record<string, unknown>, prefix: string, groupDocs: ReadonlyArray<string>, repeated: boolean): Array<FieldInfo> =>
  Object.entries(fields).flatMap(([name, schema]): Array<FieldInfo> => {
    const declaration = User.declarations.get(schema as object)
    if (declaration === undefined) return [] // extras: not a field
    const path = prefix + name
    if (declaration.kind === "group" || declaration.kind === "groups") {
      const inner = declaration.kind === "groups" ? `${path}[].` : `${path}.`
      return walk(declaration.fields ?? {}, inner, [...groupDocs, declaration.doc], repeated || declaration.kind === "groups")
    }
    return [{
      path,
      kind: declaration.kind,
      doc: declaration.doc,
      groupDocs,
      secret: declaration.kind === "secret",
      repeated,
      ...(declaration.choices ? { choices: declaration.choices } : {})
    }]
  })

/**
 * Every canonical leaf field, in declaration order.
 */
export const catalogue: ReadonlyArray<FieldInfo> = walk(User.User.fields, "", [], false)

const byPath = new Map(catalogue.map((f) => [f.path, f]))

/**
 * Looks a field up by its path.
 */
export const find = (path: string): FieldInfo | undefined => byPath.get(path)

const keysOf = new Map<string, ReadonlyArray<string>>()

/**
 * Reads the value at a path that does not cross a list (`[]`); `undefined` when absent.
 */
export const get = (user: User.User, path: string): unknown => {
  let keys = keysOf.get(path)
  if (keys === undefined) {
    keys = path.split(".")
    keysOf.set(path, keys)
  }
  let value: unknown = user
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/**
 * Returns a copy of the user with the value set at a path that does not cross a list,
 * creating the groups on the way.
 */
export const set = (user: User.User, path: string, value: unknown): User.User => {
  const keys = path.split(".")
  const root: Record<string, unknown> = { ...user }
  let node = root
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    const copy = next !== null && typeof next === "object" ? { ...(next as Record<string, unknown>) } : {}
    node[key] = copy
    node = copy
  }
  node[keys[keys.length - 1]!] = value
  return root as User.User
}

/**
 * Tells whether a value counts as data: not absent, not null, not an empty string or list.
 */
export const isFilled = (value: unknown): boolean =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0)

const order = new Map(catalogue.map((f, i) => [f.path, i]))

/**
 * Lists the catalogue paths that hold data in a user (a `[]` path counts once if any item has
 * it), in catalogue order.
 *
 * **Details**
 * Walks the user's own keys rather than the whole catalogue: a user holds a few dozen fields
 * of the catalogue's hundreds, and this runs for every row a conversion writes.
 */
export const filledPaths = (user: User.User): Array<string> => {
  const found = new Set<string>()
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const key in node) {
      if (prefix === "" && key === "extras") continue
      const value = node[key]
      const path = prefix + key
      if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object" && !Redacted.isRedacted(v))) {
        for (const item of value) if (item !== null && typeof item === "object") walk(item as Record<string, unknown>, `${path}[].`)
      } else if (value !== null && typeof value === "object" && !Array.isArray(value) && !Redacted.isRedacted(value)) {
        walk(value as Record<string, unknown>, `${path}.`)
      } else if (isFilled(value) && order.has(path)) found.add(path)
    }
  }
  walk(user as Record<string, unknown>, "")
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!)
}

/**
 * Reveals a secret field's value (for writing data files only), or passes other values through.
 */
export const reveal = (value: unknown): unknown => (Redacted.isRedacted(value) ? Redacted.value(value) : value)
