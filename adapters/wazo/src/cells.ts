/**
 * Wazo's cell rules: the codecs of its bool and integer cells and the checks of its text cells,
 * each reporting Wazo's own message so a finding can be matched with what the server would say.
 *
 * Every message first says what would be valid, then quotes Wazo in parentheses: the quote is the
 * exact text of wazo-confd (docs/dialects/wazo.md, "Messages"), the first part is ours. Secret
 * cells are never echoed.
 */
import { Codec, Issue } from "@pbxport/core"

/**
 * Shows a cell in a message: quoted, shortened past 40 characters.
 */
export const show = (cell: string): string => JSON.stringify([...cell].length > 40 ? `${[...cell].slice(0, 37).join("")}...` : cell)

/** The length of a value as Python counts it (code points, not UTF-16 units). */
export const length = (value: string): number => {
  // counted without splitting the string: a pair of surrogates is one code point
  let n = value.length
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** Wazo's text for a schema error: the repr of the field -> messages dict. */
export const schema = (key: string, message: string): string => `{'${key}': ['${message}']}`

const wazo = (text: string): string => ` (Wazo: ${text})`

/**
 * Wazo's bool cell: exactly `1` or `0` (csvparse.py); `true`, `yes`, ` 1`, `01` are refused.
 */
export const bool: Codec.Codec<boolean> = {
  describe: "`1` or `0`",
  decode: (cell, column) =>
    cell === "1"
      ? { value: true }
      : cell === "0"
        ? { value: false }
        : Issue.error("invalid-bool", column, `'${column}' must be 1 (true) or 0 (false), not ${show(cell)}${wazo(`Input Error - '${column}' must be one of (0, 1)`)}`),
  encode: (value) => (value ? "1" : "0")
}

/**
 * Wazo's integer cell: ASCII digits only (Wazo uses Python's `isdigit`, which also lets through
 * digits such as `²` that then crash the server, so only 0-9 are accepted here), with the range
 * of the field's schema when it has one. Leading zeros are accepted, as Wazo accepts them; the
 * dialects report them as `normalised` (see {@link leadingZeros}).
 */
export const integer = (key: string, min: number, max: number, ranged: boolean): Codec.Codec<number> => ({
  describe: ranged ? `integer from ${min} to ${max}` : "integer",
  decode: (cell, column) => {
    if (!/^[0-9]+$/.test(cell)) {
      return Issue.error(
        "invalid-integer",
        column,
        `'${column}' must be a whole number written with the digits 0-9 only${ranged ? `, from ${min} to ${max}` : ""}, not ${show(cell)}${wazo(`Input Error - field '${column}': wrong type. Should be a integer`)}`
      )
    }
    const value = Number(cell)
    if (value < min || value > max) {
      return Issue.error(
        "out-of-range",
        column,
        `'${column}' must be from ${min} to ${max}, not ${cell.length > 12 ? `a ${cell.length}-digit number` : cell}${ranged ? wazo(schema(key, `Must be greater than or equal to ${min} and less than or equal to ${max}.`)) : " (the database column is a 32-bit integer)"}`
      )
    }
    return { value }
  },
  encode: (value) => String(value)
})

/**
 * An integer cell whose canonical value is text (XiVO's `entity_id`, a text id in the canonical
 * model): ASCII digits, kept as written.
 */
export const digits: Codec.Codec<string> = {
  describe: "digits",
  decode: (cell, column) =>
    /^[0-9]+$/.test(cell)
      ? { value: cell }
      : Issue.error("invalid-integer", column, `'${column}' must be a whole number written with the digits 0-9 only, not ${show(cell)}`),
  encode: (value) => value
}

/** The largest value of a 32-bit database integer: the bound of integers Wazo gives no range. */
export const INT32 = 2147483647

/**
 * Reports an integer cell written with leading zeros (`030`): Wazo reads it as 30, and so does
 * pbxport, which writes the number back without the zeros.
 */
export const leadingZeros = (cell: string, column: string): Issue.Finding | undefined =>
  /^0[0-9]/.test(cell)
    ? Issue.warning("normalised", column, `'${column}' ${cell} is read as the number ${Number(cell)}, as Wazo reads it; pbxport writes it as ${Number(cell)}`)
    : undefined

/**
 * A line protocol cell: the `accepted` canonical values; `shown` are those the message offers
 * (Wazo reads `custom` but cannot import it, a rule says so).
 */
export const protocol = (accepted: ReadonlyArray<Protocol>, shown: ReadonlyArray<Protocol>, why: string): Codec.Codec<Protocol> => ({
  describe: shown.map((p) => `\`${p}\``).join(", "),
  decode: (cell, column) =>
    (accepted as ReadonlyArray<string>).includes(cell)
      ? { value: cell as Protocol }
      : Issue.error("invalid-choice", column, `'${column}' must be ${orList(shown)}, not ${show(cell)}${why}`),
  encode: (value) => value
})

/** A canonical line protocol. */
export type Protocol = "sip" | "sccp" | "webrtc" | "custom"

/** Joins choices as "a, b or c". */
export const orList = (items: ReadonlyArray<string>): string =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`

/**
 * A check of one non-empty text cell.
 */
export type Check = (cell: string, column: string, secret: boolean) => Issue.Finding | undefined

/**
 * Checks a maximum length (marshmallow `Length(max=...)`), counted in characters.
 */
export const maxLength = (key: string, max: number): Check => (cell, column) =>
  // a string is never longer in code points than in UTF-16 units
  cell.length > max && length(cell) > max
    ? Issue.error("too-long", column, `'${column}' must be at most ${max} characters, not ${length(cell)}${wazo(schema(key, `Longer than maximum length ${max}.`))}`)
    : undefined

/**
 * Checks a pattern (marshmallow `Regexp`); `what` says in words what the pattern accepts, `says`
 * replaces the quoted Wazo message when the rule is not a Wazo schema rule.
 */
export const pattern = (key: string, re: RegExp, what: string, says?: string): Check => (cell, column, secret) =>
  re.test(cell)
    ? undefined
    : Issue.error("invalid-format", column, `'${column}' must be ${what}${secret ? "" : `, not ${show(cell)}`} (${says ?? `Wazo: ${schema(key, "String does not match expected pattern.")}`})`)

// marshmallow's Email validator (marshmallow/validate.py): a dot-atom or quoted local part, then
// a domain of labels, `localhost`, or an address literal; an international domain is checked in
// its punycode form. The quoted form admits control characters, as RFC 5321 and marshmallow do.
// oxlint-disable-next-line no-control-regex
const LOCAL = /^(?:[-!#$%&'*+/=?^`{}|~\p{L}\p{N}_]+(?:\.[-!#$%&'*+/=?^`{}|~\p{L}\p{N}_]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0d-\x7f])*")$/iu
const DOMAIN = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}(?<!-)$/i
const LITERAL = /^\[(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|IPv6:[0-9a-f:.]+)\]$/i

const domainOk = (domain: string): boolean => {
  if (domain === "localhost" || LITERAL.test(domain)) return true
  if (DOMAIN.test(domain)) return true
  if (/^\p{ASCII}*$/u.test(domain)) return false
  try {
    const ascii = new URL(`http://${domain}/`).hostname
    return DOMAIN.test(ascii)
  } catch {
    return false
  }
}

/**
 * Tells whether an address passes marshmallow's `Email` validator.
 */
export const isEmail = (value: string): boolean => {
  const at = value.lastIndexOf("@")
  if (at <= 0 || at === value.length - 1) return false
  return LOCAL.test(value.slice(0, at)) && domainOk(value.slice(at + 1))
}

/**
 * Checks an email address as Wazo's user schema does.
 */
export const email = (key: string): Check => (cell, column) =>
  isEmail(cell)
    ? undefined
    : Issue.error("invalid-format", column, `'${column}' must be an email address such as alice@example.com, not ${show(cell)}${wazo(schema(key, "Not a valid email address."))}`)

/**
 * Checks a SIP section name (the endpoint `name` a `sip_username` becomes).
 */
export const sectionName = (key: string): Check => (cell, column) =>
  /^[-_.a-zA-Z0-9]+$/.test(cell) && length(cell) <= 79 && cell !== "global" && cell !== "system"
    ? undefined
    : Issue.error(
        "invalid-format",
        column,
        `'${column}' must be 1 to 79 letters a-z, A-Z, digits, '-', '_' or '.', and not 'global' or 'system', not ${show(cell)}${wazo(schema(key, "Not a valid Asterisk section name"))}`
      )

/** The patterns of an internal extension (wazo-confd extension schema). */
export const EXTEN = /^(?:_[*#0-9_XxZzNn[\].!-]{1,39}|[*#0-9]{1,40})$/

/**
 * Checks an extension number: digits, `*` and `#`, or an `_` pattern.
 */
export const exten: Check = (cell, column) =>
  EXTEN.test(cell)
    ? undefined
    : Issue.error(
        "invalid-format",
        column,
        `'${column}' must be 1 to 40 digits, '*' or '#', or a pattern starting with '_', not ${show(cell)}${wazo("Input Error - exten: ['String does not match expected pattern.']")}`
      )

/**
 * Tells whether a cell holds a line break, which Wazo's parser would cut (it splits the body on
 * line feeds before parsing CSV).
 */
export const hasLineBreak = (cell: string): boolean => /[\r\n]/.test(cell)
