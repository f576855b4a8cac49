/**
 * The `broadworks-ocip` dialect (write only): each user as the OCI-P `UserConsolidatedAddRequest22`
 * command the bulk sheet's `user.create` row stands for, inside a `BroadsoftDocument` (spec §6).
 *
 * Elements follow schema order, not the template's (`lastName` before `firstName`, `deviceLevel`
 * before `deviceName`, spec §9.12). The document declares ISO-8859-1 and holds only ASCII: every
 * character above 0x7E is a numeric character reference (`&#x3058;`), so its bytes are the same
 * in ISO-8859-1 and in UTF-8 and hiragana names survive. The session id is derived from the batch
 * number, so identical input gives identical documents.
 */
import { Adapter, Issue, type User } from "@pbxport/core"
import { fromUser, type Group, type Leaf, type Node, nodes, present } from "./command.js"
import { addCarries, addRequest, type Element, schemaRequired } from "./columns.js"
import { check } from "./rules.js"

/** Commands per document: a failed document stays small and quick to resend (not a server limit). */
export const commandsPerDocument = 100

/**
 * Escapes text for an XML element of a document that must be pure ASCII.
 */
export const escapeXml = (text: string): string => {
  let out = ""
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (ch === "&") out += "&amp;"
    else if (ch === "<") out += "&lt;"
    else if (ch === ">") out += "&gt;"
    else if (cp > 0x7e || cp === 0x09 || cp === 0x0a || cp === 0x0d) out += `&#x${cp.toString(16).toUpperCase()};`
    else out += ch
  }
  return out
}

/** The first character XML 1.0 cannot carry at all (C0 controls but TAB, CR, LF; U+FFFE/U+FFFF; lone surrogates). */
const unrepresentable = (text: string): string | undefined => {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || cp === 0xfffe || cp === 0xffff || (cp >= 0xd800 && cp <= 0xdfff)) return ch
  }
  return undefined
}

const indent = (depth: number) => "  ".repeat(depth)

const leafXml = (element: Element, text: string, depth: number): string => {
  const name = element.name
  if (element.kind === "boolean") return `${indent(depth)}<${name}>${text.toLowerCase()}</${name}>\n`
  if (element.kind === "quantity") {
    // UnboundedPositiveInt: <quantity>n</quantity> or <unlimited>true</unlimited> (spec §6)
    const inner = /^unlimited$/i.test(text) ? "<unlimited>true</unlimited>" : `<quantity>${text}</quantity>`
    return `${indent(depth)}<${name}>${inner}</${name}>\n`
  }
  return `${indent(depth)}<${name}>${escapeXml(text)}</${name}>\n`
}

const opaqueXml = (name: string, node: Node, depth: number): string => {
  if (node.kind === "leaf") return `${indent(depth)}<${name}>${escapeXml(node.text)}</${name}>\n`
  let out = `${indent(depth)}<${name}>\n`
  for (const [child, slot] of node.fields) for (const n of Array.isArray(slot) ? slot : [slot]) out += opaqueXml(camel(child), n, depth + 1)
  return `${out}${indent(depth)}</${name}>\n`
}

/** Opaque parts read from snake_case JSON get their element names back (`access_device` -> `accessDevice`). */
const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

const groupXml = (group: Group, element: Element, depth: number, rewritten: ReadonlyMap<Leaf, string>, root: Group): string => {
  let out = ""
  for (const child of element.children ?? []) {
    for (const node of nodes(group, child.name)) {
      if (child.notSent) continue
      if (child.kind === "opaque") out += opaqueXml(child.name, node, depth)
      else if (node.kind === "leaf") {
        if (node.text !== "") out += leafXml(child, rewritten.get(node) ?? node.text, depth)
      } else if (present(node, child)) {
        const type = child.xsiType === undefined ? "" : ` xsi:type="${child.xsiType}"`
        out += `${indent(depth)}<${child.name}${type}>\n${child.xsiType ? departmentXml(node, child, depth + 1, root) : groupXml(node, child, depth + 1, rewritten, root)}${indent(depth)}</${child.name}>\n`
      }
    }
  }
  return out
}

/** A group department key: the department's own service provider and group, else the user's. */
const departmentXml = (node: Group, element: Element, depth: number, root: Group): string => {
  const text = (g: Group, name: string) => {
    const n = nodes(g, name)[0]
    return n?.kind === "leaf" && n.text !== "" ? n.text : undefined
  }
  let out = ""
  for (const child of element.children ?? []) {
    const value = text(node, child.name) ?? (child.name === "name" ? undefined : text(root, child.name))
    if (value !== undefined) out += leafXml(child, value, depth)
  }
  return out
}

/**
 * Writes one user as its `UserConsolidatedAddRequest22` command element, or the findings that
 * stop it; the live OCI-P connector sends the same text the file dialect writes.
 */
export const addCommand = (user: User.User): { readonly text: string; readonly findings: ReadonlyArray<Issue.Finding> } => {
    const findings: Array<Issue.Finding> = []
    const placed = fromUser(user, addRequest, [user.extras?.["broadworks"], user.extras?.["broadworks-json"]], (path) => path)
    const doc = placed.doc
    if ((user.extras?.["broadworks"]?.["operation"] ?? user.extras?.["broadworks-json"]?.["operation"]) === "user.modify") {
      findings.push(Issue.warning("not-carried", "operation", "the user was read from a user.modify row; it is written as a UserConsolidatedAddRequest22"))
    }
    const endpoint = doc.fields.get("accessDeviceEndpoint")
    const endpointElement = addRequest.children!.find((c) => c.name === "accessDeviceEndpoint")!
    if (endpoint !== undefined && !Array.isArray(endpoint) && endpoint.kind === "group" && present(endpoint, endpointElement)) {
      const hotline = nodes(endpoint, "useHotline")[0]
      if (hotline === undefined || (hotline.kind === "leaf" && hotline.text === "")) {
        // required by the schema; false is BroadWorks' default and the only value valid in XS mode (spec §8)
        endpoint.fields.set("useHotline", { kind: "leaf", text: "false", at: "accessDeviceEndpoint.useHotline" })
        findings.push(Issue.warning("normalised", "accessDeviceEndpoint.useHotline", "'accessDeviceEndpoint.useHotline' was not given: written as false, which the schema requires to be present"))
      }
    }
    const checked = check(doc, addRequest, { required: schemaRequired, why: "by UserConsolidatedAddRequest22", source: () => undefined, spell: (p) => p, sheet: false })
    findings.push(...checked.findings)
    for (const [leaf, element] of leaves(doc, addRequest)) {
      const bad = unrepresentable(leaf.text)
      if (bad === undefined) continue
      const which = element.kind === "secret" ? "a control character" : `the control character U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`
      findings.push(Issue.error("invalid-format", leaf.at, `'${leaf.at}' holds ${which}, which an OCI-P document cannot carry: remove it`))
    }
    if (Issue.hasError(findings)) return { text: "", findings }
    const body = groupXml(doc, addRequest, 2, checked.rewritten, doc)
    return { text: `  <command xsi:type="UserConsolidatedAddRequest22" xmlns="">\n${body}  </command>\n`, findings }
}

/**
 * Opens a `BroadsoftDocument` for a session (spec §6); {@link documentTail} closes it.
 */
export const documentHead = (sessionId: string): string =>
  `<?xml version="1.0" encoding="ISO-8859-1"?>\n<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n  <sessionId xmlns="">${escapeXml(sessionId)}</sessionId>\n`

/** Closes a `BroadsoftDocument`. */
export const documentTail = "</BroadsoftDocument>\n"

/**
 * Writes users as OCI-P commands.
 */
const writer = (): Adapter.RowWriter => ({
  encode: addCommand,
  open: (batch) => documentHead(`pbxport-${String(batch).padStart(3, "0")}`),
  close: () => documentTail
})

const leaves = (group: Group, element: Element): Array<readonly [Leaf, Element]> => {
  const out: Array<readonly [Leaf, Element]> = []
  const opaque = (node: Node, owner: Element) => {
    if (node.kind === "leaf") out.push([node, owner])
    else for (const slot of node.fields.values()) for (const n of Array.isArray(slot) ? slot : [slot]) opaque(n, owner)
  }
  for (const child of element.children ?? []) {
    for (const node of nodes(group, child.name)) {
      if (child.kind === "opaque") opaque(node, child)
      else if (node.kind === "leaf") out.push([node, child])
      else out.push(...leaves(node, child))
    }
  }
  return out
}

/**
 * The `broadworks-ocip` dialect.
 */
export const broadworksOcip: Adapter.Adapter = Adapter.make({
  id: "broadworks-ocip",
  family: "broadworks",
  title: "BroadWorks OCI-P documents",
  description: `UserConsolidatedAddRequest22 commands in BroadsoftDocument XML (ISO-8859-1, ASCII only), ${commandsPerDocument} per document, ready to send over OCI-P.`,
  format: "xml",
  capabilities: { carries: addCarries, extras: ["broadworks", "broadworks-json"], maxRowsPerFile: commandsPerDocument },
  template: { header: [], example: [] },
  writer
})
