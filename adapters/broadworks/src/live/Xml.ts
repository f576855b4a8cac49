/**
 * A small XML reader for OCI-P documents: elements, attributes, text and character references,
 * nothing more (no DTD, no external entities, so a hostile document cannot make it fetch or
 * expand anything).
 *
 * OCI-P documents are small, flat and namespace-light (spec §6): a `BroadsoftDocument` with a
 * `sessionId` and up to 15 `command` elements whose type is an `xsi:type` attribute. Names are
 * kept as written; {@link typeOf} strips the prefix a server may put on a type
 * (`xsi:type="c:ErrorResponse"`), as every public client does before dispatching.
 */

/** An element with its attributes, child elements and text (the concatenated character data). */
export interface Element {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<Element>
  readonly text: string
}

/** Why a document could not be read, with the character offset where it went wrong. */
export class XmlError extends Error {
  readonly offset: number
  constructor(message: string, offset: number) {
    super(`${message} at character ${offset}`)
    this.name = "XmlError"
    this.offset = offset
  }
}

const named: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

/**
 * Replaces entity and character references (`&amp;`, `&#x3058;`, `&#233;`) in text or an
 * attribute value.
 */
export const unescape = (text: string, offset = 0): string =>
  text.indexOf("&") < 0
    ? text
    : text.replace(/&([^;&\s]*);?/g, (whole, ref: string, at: number) => {
      if (!whole.endsWith(";")) throw new XmlError(`unterminated reference '${whole}'`, offset + at)
      if (ref.startsWith("#x") || ref.startsWith("#X")) return codePoint(ref.slice(2), 16, offset + at)
      if (ref.startsWith("#")) return codePoint(ref.slice(1), 10, offset + at)
      const value = named[ref]
      if (value === undefined) throw new XmlError(`unknown entity '&${ref};'`, offset + at)
      return value
    })

const codePoint = (digits: string, radix: number, at: number): string => {
  const n = digits === "" || !/^[0-9A-Fa-f]+$/.test(digits) ? NaN : parseInt(digits, radix)
  if (!Number.isInteger(n) || n < 1 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new XmlError(`invalid character reference '${digits}'`, at)
  return String.fromCodePoint(n)
}

const nameChar = /[^\s/>=]/

/**
 * Reads a document and returns its root element.
 *
 * **Gotchas**
 * Whitespace-only text between elements is dropped from `text` only when the element has
 * children; a leaf keeps its text exactly (the server collapses `xs:token` values itself).
 */
export const parse = (source: string): Element => {
  let i = 0
  const n = source.length
  const stack: Array<{ name: string; attributes: Record<string, string>; children: Array<Element>; text: string }> = []
  let root: Element | undefined
  const skip = (end: string, what: string) => {
    const at = source.indexOf(end, i)
    if (at < 0) throw new XmlError(`unterminated ${what}`, i)
    i = at + end.length
  }
  while (i < n) {
    const lt = source.indexOf("<", i)
    const chunk = lt < 0 ? source.slice(i) : source.slice(i, lt)
    if (chunk !== "") {
      if (stack.length === 0) {
        if (chunk.trim() !== "") throw new XmlError("text outside the root element", i)
      } else stack[stack.length - 1]!.text += unescape(chunk, i)
    }
    if (lt < 0) break
    i = lt
    if (source.startsWith("<?", i)) skip("?>", "declaration")
    else if (source.startsWith("<!--", i)) skip("-->", "comment")
    else if (source.startsWith("<![CDATA[", i)) {
      const end = source.indexOf("]]>", i)
      if (end < 0 || stack.length === 0) throw new XmlError("unterminated or misplaced CDATA section", i)
      stack[stack.length - 1]!.text += source.slice(i + 9, end)
      i = end + 3
    } else if (source.startsWith("<!", i)) throw new XmlError("document type declarations are not accepted", i)
    else if (source.startsWith("</", i)) {
      const end = source.indexOf(">", i)
      if (end < 0) throw new XmlError("unterminated end tag", i)
      const name = source.slice(i + 2, end).trim()
      const open = stack.pop()
      if (open === undefined || open.name !== name) throw new XmlError(`end tag '${name}' does not close '${open?.name ?? "nothing"}'`, i)
      const element: Element = { name, attributes: open.attributes, children: open.children, text: open.children.length > 0 && open.text.trim() === "" ? "" : open.text }
      if (stack.length === 0) root = element
      else stack[stack.length - 1]!.children.push(element)
      i = end + 1
    } else {
      i++
      let name = ""
      while (i < n && nameChar.test(source[i]!)) name += source[i++]
      if (name === "") throw new XmlError("element without a name", i)
      const attributes: Record<string, string> = {}
      for (;;) {
        while (i < n && /\s/.test(source[i]!)) i++
        if (i >= n) throw new XmlError(`unterminated start tag '${name}'`, i)
        if (source[i] === ">" || source.startsWith("/>", i)) break
        let attr = ""
        while (i < n && nameChar.test(source[i]!)) attr += source[i++]
        while (i < n && /\s/.test(source[i]!)) i++
        if (attr === "" || source[i] !== "=") throw new XmlError(`malformed attribute in '${name}'`, i)
        i++
        while (i < n && /\s/.test(source[i]!)) i++
        const quote = source[i]
        if (quote !== "\"" && quote !== "'") throw new XmlError(`unquoted attribute '${attr}'`, i)
        const end = source.indexOf(quote, i + 1)
        if (end < 0) throw new XmlError(`unterminated attribute '${attr}'`, i)
        attributes[attr] = unescape(source.slice(i + 1, end), i + 1)
        i = end + 1
      }
      if (stack.length === 0 && root !== undefined) throw new XmlError("a second root element", i)
      if (source.startsWith("/>", i)) {
        const element: Element = { name, attributes, children: [], text: "" }
        if (stack.length === 0) root = element
        else stack[stack.length - 1]!.children.push(element)
        i += 2
      } else {
        stack.push({ name, attributes, children: [], text: "" })
        i++
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`element '${stack[stack.length - 1]!.name}' is not closed`, n)
  if (root === undefined) throw new XmlError("no root element", 0)
  return root
}

/** The first child element of that name, if any. */
export const child = (element: Element, name: string): Element | undefined => element.children.find((c) => c.name === name)

/** Every child element of that name, in document order. */
export const childrenOf = (element: Element, name: string): ReadonlyArray<Element> => element.children.filter((c) => c.name === name)

/** The text of the first child of that name, if it exists. */
export const textOf = (element: Element, name: string): string | undefined => child(element, name)?.text

/** Tells whether an element says `xsi:nil="true"`. */
export const isNil = (element: Element): boolean =>
  Object.entries(element.attributes).some(([k, v]) => k.endsWith(":nil") && v === "true")

/**
 * The `xsi:type` of an element without any namespace prefix (`c:ErrorResponse` -> `ErrorResponse`),
 * or undefined. Unprefixed `type` attributes (`type="Error"` on error responses) are not types.
 */
export const typeOf = (element: Element): string | undefined => {
  for (const [k, v] of Object.entries(element.attributes)) {
    if (k.includes(":") && k.slice(k.indexOf(":") + 1) === "type") return v.includes(":") ? v.slice(v.indexOf(":") + 1) : v
  }
  return undefined
}
