/**
 * A row as the command BroadWorks receives: a tree of elements built from flat paths.
 *
 * The bulk sheet writes a command as dotted paths (`accessDeviceEndpoint.contact[1]`), the SDK's
 * JSON form as nested snake_case objects, Odin as its own JSON, OCI-P as XML; all of them meet
 * here. Every value keeps where it came from (`at`: the user's own column or JSON path), so a
 * finding names what the user wrote even after indices were compacted (`alias[1]` alone is the
 * first alias, as in the SDK, spec §3.2 step 6).
 */
import * as Redacted from "effect/Redacted"
import { Table, type User } from "@pbxport/core"
import type { Element } from "./columns.js"

/** A value of the command, as text. */
export interface Leaf {
  readonly kind: "leaf"
  readonly text: string
  readonly at: string
}

/** An element holding other elements; repeated children are lists. */
export interface Group {
  readonly kind: "group"
  readonly at: string
  readonly fields: Map<string, Node | Array<Node>>
}

export type Node = Leaf | Group

/** One step of a path: an element name and, for a repeated element, its index. */
export interface Step {
  readonly name: string
  readonly index?: number
}

/** Splits a path on dots; `name[3]` gives an index, anything else is a plain name (spec §3.2 step 4). */
export const parse = (path: string): Array<Step> =>
  path.split(".").map((part) => {
    const m = /^(.+)\[(\d+)\]$/.exec(part)
    return m ? { name: m[1]!, index: Number(m[2]) } : { name: part }
  })

/** Writes steps back as a path. */
export const format = (steps: ReadonlyArray<Step>): string =>
  steps.map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join(".")

/**
 * Converts a name as the BroadWorks SDK does before building a command (spec §3.2 step 1):
 * `callingLineIdPhoneNumber` -> `calling_line_id_phone_number`, `address.addressLine1` ->
 * `address.address_line1`, `First Name` -> `first_name`.
 */
export const snake = (name: string): string =>
  name
    .trim()
    .replace(/\s+/g, "_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()

/** The highest list index a path may use (`alias[999]`); a larger one is no element, so a stray header cannot build a huge list. */
export const maxIndex = 999

const looseKeys = new Map<string, string>()

/** `Table.looseKey`, remembered: the same few hundred names come back on every row. */
export const loose = (name: string): string => {
  let key = looseKeys.get(name)
  if (key === undefined) {
    key = Table.looseKey(name)
    if (looseKeys.size < 10_000) looseKeys.set(name, key)
  }
  return key
}

/** A path resolved against a command tree. */
export interface Resolved {
  /** Steps with the elements' own names; inside an opaque element, the names as written. */
  readonly steps: ReadonlyArray<Step>
  /** The steps as a path (`alias[0]`), the element's identity in a row. */
  readonly key: string
  readonly element: Element
  /** True when the path ends inside an opaque element (passed on unchecked). */
  readonly opaque: boolean
}

/**
 * Finds the element a path names, matching names loosely (case, `_`, `-` and spaces ignored, so
 * the SDK's snake_case spelling works too). A repeated element written without an index is its
 * first occurrence. Returns undefined for a path that is not an element of the tree.
 */
export const resolve = (root: Element, path: string): Resolved | undefined => {
  let memo = resolved.get(root)
  if (memo === undefined) resolved.set(root, (memo = new Map()))
  if (memo.has(path)) return memo.get(path)
  const result = resolveUncached(root, path)
  // headers repeat on every row; bound the memo so JSON keys from a huge file cannot grow it forever
  if (memo.size < 10_000) memo.set(path, result)
  return result
}

const resolved = new WeakMap<Element, Map<string, Resolved | undefined>>()

const resolveUncached = (root: Element, path: string): Resolved | undefined => {
  const steps = parse(path)
  const out: Array<Step> = []
  let element = root
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!
    if (element.kind === "opaque") {
      const all = [...out, ...steps.slice(i)]
      return { steps: all, key: format(all), element, opaque: true }
    }
    const key = loose(step.name)
    const child = element.children?.find((c) => loose(c.name) === key)
    if (child === undefined) return undefined
    if (child.repeat === undefined && step.index !== undefined) return undefined
    if (step.index !== undefined && step.index > maxIndex) return undefined
    out.push(child.repeat === undefined ? { name: child.name } : { name: child.name, index: step.index ?? 0 })
    element = child
  }
  if (element.kind === "group") return undefined
  return { steps: out, key: format(out), element, opaque: element.kind === "opaque" }
}

/** One value to place in a command. */
export interface Entry {
  readonly steps: ReadonlyArray<Step>
  readonly text: string
  readonly at: string
}

const emptyGroup = (at: string): Group => ({ kind: "group", at, fields: new Map() })

/**
 * Builds a command from its values; lists are compacted afterwards (holes removed), as the SDK
 * does. `spell` names an intermediate group when the source path does not split like the steps.
 */
export const build = (entries: ReadonlyArray<Entry>, spell: (steps: ReadonlyArray<Step>) => string): Group => {
  const root = emptyGroup("")
  for (const entry of entries) {
    const atParts = entry.at.split(".")
    const aligned = atParts.length === entry.steps.length
    let node = root
    entry.steps.forEach((step, i) => {
      const last = i === entry.steps.length - 1
      const at = last ? entry.at : aligned ? atParts.slice(0, i + 1).join(".") : spell(entry.steps.slice(0, i + 1))
      const make = (): Node => (last ? { kind: "leaf", text: entry.text, at } : emptyGroup(at))
      const slot = node.fields.get(step.name)
      let next: Node
      if (step.index === undefined) {
        const current = slot === undefined || Array.isArray(slot) ? undefined : slot
        next = !last && current?.kind === "group" ? current : make()
        node.fields.set(step.name, next)
      } else {
        const list: Array<Node> = Array.isArray(slot) ? slot : []
        node.fields.set(step.name, list)
        const current = list[step.index]
        next = !last && current?.kind === "group" ? current : make()
        list[step.index] = next
      }
      if (next.kind === "group") node = next
    })
  }
  return compact(root)
}

const compact = (group: Group): Group => {
  for (const [name, slot] of group.fields) {
    if (Array.isArray(slot)) {
      const dense = slot.filter((n) => n !== undefined)
      dense.forEach((n) => n.kind === "group" && compact(n))
      group.fields.set(name, dense)
    } else if (slot.kind === "group") compact(slot)
  }
  return group
}

/** The nodes of one child, as a list (a single element is a list of one). */
export const nodes = (group: Group, name: string): ReadonlyArray<Node> => {
  const slot = group.fields.get(name)
  return slot === undefined ? [] : Array.isArray(slot) ? slot : [slot]
}

/** Tells whether a node holds a value that would be sent (an empty or never-sent leaf does not). */
export const present = (node: Node, element: Element): boolean => {
  if (node.kind === "leaf") return node.text !== "" && element.notSent !== true
  if (element.kind === "opaque") return [...node.fields.values()].some((s) => (Array.isArray(s) ? s : [s]).some((n) => present(n, element)))
  return (element.children ?? []).some((c) => nodes(node, c.name).some((n) => present(n, c)))
}

/** One value of a command in document order. */
export interface Flat {
  readonly path: string
  readonly element: Element
  readonly text: string
}

/** Lists the values of a command in schema order; opaque parts in the order they were given. */
export const flatten = (doc: Group, root: Element): Array<Flat> => {
  const out: Array<Flat> = []
  const opaqueWalk = (node: Node, path: string, element: Element) => {
    if (node.kind === "leaf") out.push({ path, element, text: node.text })
    else for (const [name, slot] of node.fields) {
      if (Array.isArray(slot)) slot.forEach((n, i) => opaqueWalk(n, `${path}.${name}[${i}]`, element))
      else opaqueWalk(slot, `${path}.${name}`, element)
    }
  }
  const walk = (group: Group, element: Element, prefix: string) => {
    for (const child of element.children ?? []) {
      nodes(group, child.name).forEach((node, i) => {
        const path = `${prefix}${child.name}${child.repeat === undefined ? "" : `[${i}]`}`
        if (child.kind === "opaque") opaqueWalk(node, path, child)
        else if (node.kind === "group") walk(node, child, `${path}.`)
        else out.push({ path, element: child, text: node.text })
      })
    }
  }
  walk(doc, root, "")
  return out
}

/** Decodes a checked leaf into its canonical value (`""` is null: given, and empty). */
const valueOf = (element: Element, text: string): unknown => {
  if (text === "") return null
  switch (element.kind) {
    case "boolean": return text.toLowerCase() === "true"
    case "integer": return Number(text)
    case "secret": return Redacted.make(text)
    default: return text
  }
}

/** Encodes a canonical value as the text of a leaf. */
export const textOf = (value: unknown): string =>
  value === null || value === undefined ? "" : Redacted.isRedacted(value) ? String(Redacted.value(value)) : typeof value === "boolean" ? (value ? "true" : "false") : String(value)

const parsed = new Map<string, ReadonlyArray<Step>>()
const stepsOf = (path: string): ReadonlyArray<Step> => {
  let steps = parsed.get(path)
  if (steps === undefined) parsed.set(path, (steps = parse(path)))
  return steps
}

/** Reads the value at a canonical path (`device.contacts[1]`); undefined when absent. */
const getPath = (value: unknown, path: string): unknown => {
  let node = value
  for (const step of stepsOf(path)) {
    if (node === null || typeof node !== "object") return undefined
    node = (node as Record<string, unknown>)[step.name]
    if (step.index !== undefined) node = Array.isArray(node) ? node[step.index] : undefined
  }
  return node
}

/** Sets a value at a canonical path (`device.contacts[1]`), creating groups and lists. */
const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const steps = stepsOf(path)
  let node: Record<string | number, unknown> = target
  steps.forEach((step, i) => {
    const last = i === steps.length - 1
    const slot = step.index === undefined ? step.name : step.index
    if (step.index !== undefined) {
      if (!Array.isArray(node[step.name])) node[step.name] = []
      node = node[step.name] as Record<number, unknown>
    }
    if (last) node[slot] = value
    else {
      if (node[slot] === null || typeof node[slot] !== "object") node[slot] = {}
      node = node[slot] as Record<string, unknown>
    }
  })
}

const dropHoles = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null).map(dropHoles)
  if (value !== null && typeof value === "object" && !Redacted.isRedacted(value)) {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = dropHoles(v)
  }
  return value
}

/**
 * Maps a checked command onto the canonical user; values without a canonical home go to the
 * returned extras under `keyOf(path, leaf)`.
 */
export const toUser = (
  doc: Group,
  root: Element,
  keyOf: (path: string, leaf: Leaf) => string,
  rewritten: ReadonlyMap<Leaf, string> = new Map()
): { user: User.User; extras: Record<string, string> } => {
  const user: Record<string, unknown> = {}
  const extras: Record<string, string> = {}
  const opaqueWalk = (node: Node, path: string) => {
    if (node.kind === "leaf") extras[keyOf(path, node)] = node.text
    else for (const [name, slot] of node.fields) {
      if (Array.isArray(slot)) slot.forEach((n, i) => opaqueWalk(n, `${path}.${name}[${i}]`))
      else opaqueWalk(slot, `${path}.${name}`)
    }
  }
  const walk = (group: Group, element: Element, prefix: string, base: string | null, inItem: boolean) => {
    for (const child of element.children ?? []) {
      const absolute = child.target === undefined ? null : inItem ? (child.target === "." ? base : `${base}.${child.target}`) : child.target
      nodes(group, child.name).forEach((node, i) => {
        const path = `${prefix}${child.name}${child.repeat === undefined ? "" : `[${i}]`}`
        if (child.kind === "opaque") opaqueWalk(node, path)
        else if (node.kind === "group") {
          const item = child.repeat !== undefined && absolute !== null
          walk(node, child, `${path}.`, item ? `${absolute}[${i}]` : base, inItem || item)
        } else {
          const text = rewritten.get(node) ?? node.text
          if (absolute === null) extras[keyOf(path, node)] = text
          else setPath(user, child.repeat === undefined ? absolute : `${absolute}[${i}]`, valueOf(child, text))
        }
      })
    }
  }
  walk(doc, root, "", null, false)
  return { user: dropHoles(user) as User.User, extras }
}

/** What a canonical user gives for a command. */
export interface Placed {
  readonly doc: Group
  /** Extras that are not elements of the command, by key. */
  readonly foreign: Array<readonly [string, string]>
}

/**
 * Builds the command a canonical user stands for: its canonical fields at their elements, then
 * the kept extras (first source wins) at theirs. `spell` writes the path a value is reported at;
 * never-sent elements (the template's `status`) are left out unless `notSent` is true.
 */
export const fromUser = (
  user: User.User,
  root: Element,
  extras: ReadonlyArray<Readonly<Record<string, string>> | undefined>,
  spell: (path: string) => string,
  notSent = false
): Placed => {
  const entries: Array<Entry> = []
  const add = (steps: ReadonlyArray<Step>, value: unknown) => entries.push({ steps, text: textOf(value), at: spell(format(steps)) })
  const walk = (element: Element, prefix: ReadonlyArray<Step>, source: unknown, inItem: boolean) => {
    for (const child of element.children ?? []) {
      if (child.kind === "opaque" || (child.target === undefined && child.kind !== "group") || (child.notSent && !notSent)) continue
      const lookup = (target: string) => (inItem ? (target === "." ? source : getPath(source, target)) : getPath(user, target))
      const step = (i?: number): Array<Step> => [...prefix, i === undefined ? { name: child.name } : { name: child.name, index: i }]
      if (child.kind === "group") {
        if (child.repeat !== undefined && child.target !== undefined) {
          const list = lookup(child.target)
          if (Array.isArray(list)) list.forEach((item, i) => walk(child, step(i), item, true))
        } else walk(child, step(), source, inItem)
        continue
      }
      const value = lookup(child.target!)
      if (child.repeat !== undefined) {
        if (Array.isArray(value)) value.forEach((v, i) => add(step(i), v))
      } else if (value !== undefined) add(step(), value)
    }
  }
  walk(root, [], user, false)
  const foreign: Array<readonly [string, string]> = []
  const seen = new Set<string>()
  for (const source of extras) {
    for (const [key, text] of Object.entries(source ?? {})) {
      if (seen.has(key)) continue
      seen.add(key)
      const resolved = resolve(root, key)
      if (resolved === undefined || (resolved.element.target !== undefined && resolved.element.kind !== "opaque")) {
        if (resolved === undefined) foreign.push([key, text])
        continue
      }
      entries.push({ steps: resolved.steps, text, at: spell(format(resolved.steps)) })
    }
  }
  return { doc: build(entries, (steps) => spell(format(steps))), foreign }
}
