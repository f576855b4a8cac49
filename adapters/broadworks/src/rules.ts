/**
 * The schema rules of a BroadWorks command, checked before anything is sent.
 *
 * The reference SDK checks none of these itself (spec §5.0): a bad row fails at the server, or
 * aborts the whole file. Here each rule is a finding naming the user's own column and saying what
 * would be valid: lengths after XML whitespace collapse (`xs:token`), integer ranges, exact-case
 * choices, occurrences, required children of a filled group, the endpoint choice, and the alias,
 * contact, line/port and MAC syntaxes (spec §5.2, §5.3).
 */
import { Issue } from "@pbxport/core"
import { type Group, type Leaf, type Node, nodes, present } from "./command.js"
import type { Element } from "./columns.js"

/**
 * How a check reports.
 */
export interface CheckContext {
  /** Root elements the row must fill (beyond the schema's required children of groups). */
  readonly required: ReadonlyArray<string>
  /** Why a root element is required, for messages ("for user.create"). */
  readonly why: string
  /** The source column a name stands for (matched loosely), even when its cell was empty. */
  readonly source: (column: string) => { readonly at: string; readonly raw: string } | undefined
  /** Spells a path as the source would (camelCase for the sheet, snake_case for SDK JSON). */
  readonly spell: (path: string) => string
  /** The bulk sheet reports never-sent columns that are filled. */
  readonly sheet: boolean
  /** Paths (`accessDeviceEndpoint.useHotline`) whose schema requirement this source relaxes. */
  readonly optional?: ReadonlyArray<string>
}

/**
 * What a check found: the findings, and leaves rewritten to their canonical form (MAC addresses).
 */
export interface Checked {
  readonly findings: Array<Issue.Finding>
  readonly rewritten: Map<Leaf, string>
}

const collapse = (text: string): string => text.trim().replace(/\s+/g, " ")
const utf8 = new TextEncoder()
const lengthOf = (text: string, bytes: boolean): number => (bytes ? utf8.encode(text).length : [...text].length)
const isNone = (raw: string): boolean => raw.trim().toLowerCase() === "none"

const sipPrefix = /^sips?:/i
const aliasSyntax = /^[A-Za-z0-9\-_.!~*'()]+@[A-Za-z0-9\-_.!~*'()]+$/
const contactSyntax = /^[A-Za-z0-9&=+$,;?/\-_.!~*'():@]+$/
const linePortSyntax = /^\+?[A-Za-z0-9\-_.!~*'()@]+$/
const mac12 = /^[0-9A-Fa-f]{12}$/
const macSeparated = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}$/

/**
 * Checks one leaf; returns its findings and, for a MAC address with separators, the normalised text.
 */
export const checkLeaf = (element: Element, text: string, column: string): { findings: Array<Issue.Finding>; text?: string } => {
  const shown = element.kind === "secret" ? "" : `, not "${text}"`
  const fail = (code: Issue.IssueCode, message: string) => ({ findings: [Issue.error(code, column, message)] })
  switch (element.kind) {
    case "boolean": {
      const lower = text.toLowerCase()
      if (lower !== "true" && lower !== "false") return fail("invalid-bool", `'${column}' must be true or false (any case)${shown}`)
      if (element.fixed !== undefined && lower !== element.fixed) {
        return fail("invalid-choice", `'${column}' can only be ${element.fixed} (BroadWorks fixes it); leave the cell empty instead of "${text}"`)
      }
      return { findings: [] }
    }
    case "integer": {
      const [min, max] = element.range!
      if (!/^[0-9]+$/.test(text)) return fail("invalid-integer", `'${column}' must be a whole number from ${min} to ${max} written with digits 0-9${shown}`)
      const n = Number(text)
      if (n < min || n > max) {
        const hint = element.name === "portNumber" && n >= 1025 && n <= 65535
          ? ` (portNumber is the port of the line on the device; a SIP port such as 5060 goes in ${column.replace(/port_?number$/i, "port")})`
          : ""
        return fail("out-of-range", `'${column}' must be from ${min} to ${max}, not ${text}${hint}`)
      }
      return { findings: [] }
    }
    case "choice": {
      if (element.choices!.includes(text)) return { findings: [] }
      const near = element.choices!.find((c) => c.toLowerCase() === text.toLowerCase())
      return fail("invalid-choice", `'${column}' must be exactly one of ${element.choices!.join(", ")}${shown}${near ? ` (write "${near}", mind the case)` : ""}`)
    }
    case "quantity":
      return /^[1-9][0-9]*$/.test(text) || /^unlimited$/i.test(text)
        ? { findings: [] }
        : fail("invalid-format", `'${column}' must be a whole number from 1, or unlimited${shown}`)
    case "text":
    case "secret":
      break
    default:
      return { findings: [] }
  }
  let value = text
  const found: Array<Issue.Finding> = []
  if (element.syntax === "mac" && !mac12.test(value)) {
    if (!macSeparated.test(value)) return fail("invalid-format", `'${column}' must be 12 hex digits such as 001122AABBCC (":" or "-" between pairs are removed)${shown}`)
    value = value.replace(/[:-]/g, "")
    found.push(Issue.warning("normalised", column, `'${column}' "${text}" was written as ${value}: BroadWorks takes 12 hex digits without separators`))
  }
  const [min, max] = element.length!
  const n = lengthOf(collapse(value), element.bytes === true)
  const unit = element.bytes ? "bytes" : "characters"
  if (n < min) return fail("too-short", `'${column}' must be ${min} to ${max} ${unit}${element.kind === "secret" ? "" : `; "${text}" has ${n}`}`)
  if (n > max) return fail("too-long", `'${column}' must be at most ${max} ${unit}; it has ${n}`)
  const syntax = checkSyntax(element, value, column)
  if (syntax !== undefined) return { findings: [syntax] }
  return value === text ? { findings: found } : { findings: found, text: value }
}

const checkSyntax = (element: Element, text: string, column: string): Issue.Finding | undefined => {
  const bad = (message: string) => Issue.error("invalid-format", column, message)
  if (element.syntax === undefined || element.syntax === "mac") return undefined
  if (element.syntax === "userId") {
    const at = text.lastIndexOf("@")
    return at > 0 && at < text.length - 1 && !/\s/.test(text) ? undefined : bad(`'${column}' must be user@domain (BroadWorks needs the domain), not "${text}"`)
  }
  if (sipPrefix.test(text)) return bad(`'${column}' must not start with "${/^sips/i.test(text) ? "sips:" : "sip:"}": remove the prefix and write ${text.replace(sipPrefix, "")}`)
  if (element.syntax === "alias" && !aliasSyntax.test(text)) {
    return bad(`'${column}' must be a SIP alias user@host made of letters, digits and - _ . ! ~ * ' ( ), not "${text}"`)
  }
  if (element.syntax === "contact" && !contactSyntax.test(text)) {
    return bad(`'${column}' must be a SIP contact such as 0102@192.0.2.10:5060 made of letters, digits and & = + $ , ; ? / - _ . ! ~ * ' ( ) : @, not "${text}"`)
  }
  if (element.syntax === "linePort" && !linePortSyntax.test(text)) {
    return bad(`'${column}' must be a line/port such as 0102@sip.example.com made of letters, digits and - _ . ! ~ * ' ( ) @ (a leading + is allowed), not "${text}"`)
  }
  return undefined
}

/**
 * Checks a command against its tree.
 */
export const check = (doc: Group, root: Element, ctx: CheckContext): Checked => {
  const findings: Array<Issue.Finding> = []
  const rewritten = new Map<Leaf, string>()
  const missing = (group: Group, rel: string, element: Element, why: string) => {
    if (element.kind === "group") {
      for (const c of element.children ?? []) if (c.required) missing(group, `${rel}${element.name}.`, c, why)
      return
    }
    const spelled = ctx.spell(`${rel}${element.name}`)
    const candidate = group.at === "" ? spelled : `${group.at}.${spelled}`
    const source = ctx.source(candidate)
    const column = source?.at ?? candidate
    const none = source !== undefined && isNone(source.raw) ? ` (a cell holding "${source.raw.trim()}" counts as empty, as in the BroadWorks SDK)` : ""
    findings.push(Issue.error("missing-required", column, `'${column}' is required ${why} and ${source === undefined ? "is missing" : "is empty"}${none}`))
  }
  const walk = (group: Group, element: Element, isRoot: boolean, prefix: string) => {
    const children = element.children ?? []
    const filled = (c: Element) => nodes(group, c.name).some((n) => present(n, c))
    // xs:choice (spec §5.1): an access device endpoint or trunk addressing, not both
    const endpoints = isRoot ? children.filter((c) => c.choiceOf === "endpoint" && filled(c)) : []
    if (endpoints.length > 1) {
      findings.push(Issue.error("conflict", firstAt(nodes(group, endpoints[1]!.name)[0]!), "a row cannot have both an access device endpoint (accessDeviceEndpoint.*) and trunk addressing (trunkAddressing.*): BroadWorks takes one; empty the columns of the one you do not want"))
    }
    const externalId = isRoot ? children.find((c) => c.name === "groupExternalId") : undefined
    const external = externalId !== undefined && filled(externalId)
    if (external && children.some((c) => c.choiceOf === "group" && c !== externalId && filled(c))) {
      const at = nodes(group, "groupExternalId")[0]!
      findings.push(Issue.error("conflict", firstAt(at), "give either serviceProviderId and groupId, or groupExternalId, not both"))
    }
    for (const child of children) {
      const slot = group.fields.get(child.name)
      const required = isRoot
        ? ctx.required.includes(child.name) && !(external && child.choiceOf === "group")
        : child.required === true && !(ctx.optional ?? []).includes(`${prefix}${child.name}`)
      if (slot === undefined && !required) continue
      const items = slot === undefined ? [] : Array.isArray(slot) ? slot : [slot]
      if (required && !items.some((n) => present(n, child))) missing(group, "", child, isRoot ? ctx.why : `when the row fills ${group.at}.*`)
      if (child.repeat !== undefined && items.length > child.repeat) {
        findings.push(Issue.error("too-many", firstAt(items[child.repeat]!), `at most ${child.repeat} '${child.name}' entries are allowed; this row has ${items.length}`))
      }
      for (const node of items) {
        if (child.kind === "opaque") continue
        if (node.kind === "group") {
          if (present(node, child)) walk(node, child, false, `${prefix}${child.name}.`)
          continue
        }
        if (node.text === "") continue
        if (child.notSent) {
          if (ctx.sheet) findings.push(Issue.warning("ignored-column", node.at, `'${node.at}' is not an element of UserConsolidatedAddRequest22: pbxport reads it but never sends it (the BroadWorks SDK would reject the row)`))
          continue
        }
        const result = checkLeaf(child, node.text, node.at)
        findings.push(...result.findings)
        if (result.text !== undefined) rewritten.set(node, result.text)
      }
    }
  }
  walk(doc, root, true, "")
  return { findings, rewritten }
}

/** The column of the first value inside a node (for findings about a whole group). */
const firstAt = (node: Node): string => {
  if (node.kind === "leaf") return node.at
  for (const slot of node.fields.values()) {
    const first = Array.isArray(slot) ? slot[0] : slot
    if (first !== undefined) return firstAt(first)
  }
  return node.at
}
