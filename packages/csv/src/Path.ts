/**
 * Column paths: `alternateUserId[1].description` names a value inside nested objects and arrays.
 *
 * Flat files carry nested users as one column per leaf. `nest` builds the nested value from
 * header/cell pairs and `flatten` takes it apart again; the two are inverses for plain JSON-like
 * values. Headers are user input, so nothing here throws: malformed brackets are literal names,
 * and paths that collide (`alias` and `alias[0]`) are returned as conflicts for callers to report.
 */

/**
 * One step of a path: an object key or an array index.
 */
export type Segment = string | number

/**
 * The largest array index a path may hold; a bigger one is read as a literal name, so a header
 * cannot make a reader allocate or walk a huge array.
 */
export const MAX_INDEX = 9999

const PART = /^([^[\]]*)((?:\[(?:0|[1-9]\d{0,3})\])*)$/
const INDEX = /\[(\d+)\]/g

/**
 * Splits a path at dots and `[n]` indices: `"a[1].b"` gives `["a", 1, "b"]`.
 *
 * **Details**
 * Each dot-separated part is a name (possibly empty) followed by zero or more `[n]` (n a decimal
 * integer without leading zeros, at most {@link MAX_INDEX}). A part that does not have that
 * shape, such as `alias[x]` or `alias[0]extra`, is kept whole as a literal name.
 */
export const parse = (path: string): Array<Segment> => {
  const out: Array<Segment> = []
  for (const part of path.split(".")) {
    const match = PART.exec(part)
    if (match === null) {
      out.push(part)
      continue
    }
    out.push(match[1]!)
    for (const index of match[2]!.matchAll(INDEX)) out.push(Number(index[1]))
  }
  return out
}

/**
 * Joins segments into a path: the inverse of {@link parse} on what `parse` returns.
 * Names are not escaped, so a name holding `.` or `[` does not survive a round trip.
 */
export const format = (segments: ReadonlyArray<Segment>): string => {
  let out = ""
  segments.forEach((segment, k) => {
    out += typeof segment === "number" ? `[${segment}]` : k === 0 ? segment : `.${segment}`
  })
  return out
}

/**
 * A path that could not be placed because another path already holds the place: a value and a
 * nested path at the same key (`alias` and `alias[0]`), an object and an array (`a.b` and
 * `a[0]`), or the same path twice. The first path placed wins.
 */
export interface Conflict {
  readonly path: string
  readonly existing: string
  readonly message: string
}

/**
 * A nested value with the paths that could not be placed.
 */
export interface Nested {
  readonly value: Record<string, unknown>
  readonly conflicts: Array<Conflict>
}

type Container = Record<string, unknown> | Array<unknown>

const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const has = (container: Container, key: Segment): boolean => Object.hasOwn(container, key)

const get = (container: Container, key: Segment): unknown => (container as Record<Segment, unknown>)[key]

/** Sets an own property; `__proto__` too, as data rather than as the prototype. */
const set = (container: Container, key: Segment, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true })
  else (container as Record<Segment, unknown>)[key] = value
}

/**
 * Builds a nested value from `[path, value]` entries, in order.
 *
 * **Details**
 * Numbers in paths make arrays; indices not given stay holes (`undefined`), which
 * {@link compact} removes. Conflicting paths are skipped and listed in `conflicts`, never thrown.
 * Values are placed as they are (a value that is itself an object is a leaf).
 */
export const nest = (entries: Iterable<readonly [path: string, value: unknown]>): Nested => {
  const root: Record<string, unknown> = {}
  const made = new WeakSet<object>([root])
  // Which entry first claimed each place, to name it in conflicts.
  const owners = new Map<string, string>()
  const conflicts: Array<Conflict> = []
  const conflict = (path: string, existing: string, why: string) =>
    conflicts.push({ path, existing, message: `column ${JSON.stringify(path)} conflicts with column ${JSON.stringify(existing)}: ${why}; it was ignored` })

  entries: for (const [path, value] of entries) {
    const segments = parse(path)
    let container: Container = root
    let place = ""
    for (let k = 0; k < segments.length; k++) {
      const key = segments[k]!
      place += typeof key === "number" ? `[${key}]` : k === 0 ? key : `.${key}`
      const last = k === segments.length - 1
      if (last) {
        if (has(container, key)) {
          const existing = get(container, key)
          const nested = typeof existing === "object" && existing !== null && made.has(existing)
          conflict(path, owners.get(place) ?? place, nested ? "that column has nested fields at this place, this one a value" : "both name the same place")
          continue entries
        }
        set(container, key, value)
        owners.set(place, path)
        continue
      }
      const wantArray = typeof segments[k + 1] === "number"
      if (!has(container, key)) {
        const child: Container = wantArray ? [] : {}
        made.add(child)
        set(container, key, child)
        owners.set(place, path)
        container = child
        continue
      }
      const existing = get(container, key)
      if (typeof existing !== "object" || existing === null || !made.has(existing)) {
        conflict(path, owners.get(place) ?? place, "that column holds a value at this place, this one nested fields")
        continue entries
      }
      if (Array.isArray(existing) !== wantArray) {
        conflict(path, owners.get(place) ?? place, wantArray ? "one makes a list, the other an object" : "one makes an object, the other a list")
        continue entries
      }
      container = existing as Container
    }
  }
  return { value: root, conflicts }
}

/** The compacted value, or undefined when it is a container that ends up empty, or a hole. */
const compactInner = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    for (let i = 0; i < value.length; i++) {
      const item = compactInner(value[i])
      if (item !== undefined) out.push(item)
    }
    return out.length === 0 ? undefined : out
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    let any = false
    for (const key of Object.keys(value)) {
      const item = compactInner(value[key])
      if (item === undefined) continue
      set(out, key, item)
      any = true
    }
    return any ? out : undefined
  }
  return value
}

/**
 * Removes holes and `undefined` values recursively, closing up array indices (`alias[1]` alone
 * becomes the first alias), and drops arrays and objects that end up empty. The value itself is
 * returned even when it ends up empty (as `[]` or `{}`). Returns new containers; the input is
 * not changed.
 */
export const compact = <A>(value: A): A => {
  const out = compactInner(value)
  if (out !== undefined) return out as A
  if (Array.isArray(value)) return [] as A
  if (isPlainObject(value)) return {} as A
  return value
}

/**
 * Takes a nested value apart into `[path, leaf]` pairs, objects in key order and arrays by index.
 *
 * **Details**
 * Leaves are values other than arrays and plain objects; an empty array or object is emitted as a
 * leaf so it survives. Array holes are skipped. `nest(flatten(v)).value` deep-equals `v` for plain
 * JSON-like values whose keys hold no `.`, `[` or `]`.
 */
export const flatten = (value: Record<string, unknown>): Array<[path: string, value: unknown]> => {
  const out: Array<[string, unknown]> = []
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push([path, []])
      for (let i = 0; i < v.length; i++) if (i in v) walk(v[i], `${path}[${i}]`)
      return
    }
    if (isPlainObject(v)) {
      const keys = Object.keys(v)
      if (keys.length === 0) out.push([path, {}])
      for (const key of keys) walk(v[key], `${path}.${key}`)
      return
    }
    out.push([path, v])
  }
  for (const key of Object.keys(value)) walk(value[key], key)
  return out
}
