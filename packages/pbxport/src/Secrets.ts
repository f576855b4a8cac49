/**
 * Generated secrets: passwords, SIP secrets, voicemail PINs and portal passcodes for the users
 * that have none, from Node's cryptographically secure generator, meeting the target's rules and
 * a policy; and the credentials file that is the only place they are shown.
 *
 * This module does I/O and draws random numbers, so it lives in the pipeline, never in an
 * adapter. A generated secret stays `Redacted` in the user; the data file and the credentials
 * file (owner-only, 0600) are the only places its value is written. Reports, issues and previews
 * never hold it.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Field, type User } from "@pbxport/core"
import { Dialect, Formula, Writer } from "@pbxport/csv"
import { PbxportError } from "./PbxportError.js"
import type { Vocabulary } from "./Translate.js"

/**
 * The secrets pbxport can generate, with the canonical field each fills.
 */
export const SecretFields = {
  password: { path: "password", pin: false, label: "password" },
  "sip-secret": { path: "line.sipSecret", pin: false, label: "SIP secret" },
  "voicemail-pin": { path: "voicemail.pin", pin: true, label: "voicemail PIN" },
  passcode: { path: "passcode", pin: true, label: "portal passcode" }
} as const

/**
 * One generated secret.
 */
export type SecretField = keyof typeof SecretFields

/**
 * The character classes of a password.
 */
export const Classes = {
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  lower: "abcdefghijklmnopqrstuvwxyz",
  digit: "0123456789",
  // accepted by every target, including Wazo's `[a-zA-Z0-9-._~!$&'()*+,;=%]`; no quote, comma or
  // semicolon, which people copying from a CSV would trip on
  symbol: "-._~!$%*+="
} as const

/**
 * One character class.
 */
export type Class = keyof typeof Classes

/**
 * What to generate and how.
 */
export interface Policy {
  readonly fields: ReadonlyArray<SecretField>
  /** Length of passwords and SIP secrets. */
  readonly length: number
  /** Length of PINs and passcodes (always digits). */
  readonly pinLength: number
  /** Classes of passwords and SIP secrets; each appears at least once. */
  readonly classes: ReadonlyArray<Class>
}

/** The policy of a bare `--generate-passwords`. */
export const defaultPolicy: Policy = { fields: ["password"], length: 16, pinLength: 6, classes: ["upper", "lower", "digit"] }

/**
 * A policy that cannot be used.
 */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "PolicyError"
  }
}

const FIELDS = Object.keys(SecretFields) as Array<SecretField>
const CLASSES = Object.keys(Classes) as Array<Class>

const count = (item: string, value: string, min: number, max: number): number => {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new PolicyError(`'${item}': the length must be a whole number from ${min} to ${max}`)
  return Number(value)
}

/**
 * Parses a policy: comma-separated items, each a secret to generate (`password`, `sip-secret`,
 * `voicemail-pin`, `passcode`, or `all`), `length=N`, `pin-length=N`, `classes=A+B` (of `upper`,
 * `lower`, `digit`, `symbol`) or `digits` (passwords of digits only, for phones that take nothing
 * else). Without a secret named, only passwords are generated.
 *
 * @throws PolicyError naming the item and what would be valid.
 */
export const parsePolicy = (text: string | undefined): Policy => {
  const fields: Array<SecretField> = []
  let { length, pinLength, classes } = defaultPolicy
  for (const raw of (text ?? "").split(",")) {
    const item = raw.trim()
    if (item === "" || item === "default") continue
    const at = item.indexOf("=")
    const key = at < 0 ? item : item.slice(0, at).trim()
    const value = at < 0 ? "" : item.slice(at + 1).trim()
    if (at < 0 && (FIELDS as ReadonlyArray<string>).includes(key)) fields.push(key as SecretField)
    else if (at < 0 && key === "all") fields.push(...FIELDS)
    else if (at < 0 && key === "digits") classes = ["digit"]
    else if (key === "length") length = count(item, value, 1, 1024)
    else if (key === "pin-length") pinLength = count(item, value, 1, 1024)
    else if (key === "classes") {
      const list = value.split("+").map((c) => c.trim())
      const bad = list.find((c) => !(CLASSES as ReadonlyArray<string>).includes(c))
      if (bad !== undefined || list.length === 0) throw new PolicyError(`'${item}': classes are ${CLASSES.join(", ")}, joined with '+' (such as classes=upper+lower+digit)`)
      classes = [...new Set(list as Array<Class>)]
    } else {
      throw new PolicyError(`unknown policy item '${item}'; use ${FIELDS.join(", ")} or all (what to generate), length=N, pin-length=N, classes=upper+lower+digit+symbol, or digits`)
    }
  }
  if (classes.length === 1 && classes[0] === "symbol") throw new PolicyError("classes must include upper, lower or digit: a secret cannot start with a symbol")
  if (length < classes.length) throw new PolicyError(`length=${length} is too short for ${classes.length} classes, each of which appears at least once`)
  return { fields: fields.length === 0 ? defaultPolicy.fields : [...new Set(fields)], length, pinLength, classes }
}

/**
 * What a target accepts for one secret.
 */
export interface Rule {
  readonly min: number
  readonly max: number
  /** The rule in words, with where it comes from. */
  readonly says: string
  /** Which users get one (a voicemail PIN only for users with a voicemail). */
  readonly when?: (user: User.User) => boolean
}

const hasVoicemail = (u: User.User): boolean => Field.isFilled(u.voicemail?.number) || Field.isFilled(u.voicemail?.context)
const hasLine = (u: User.User): boolean => Field.isFilled(u.line?.protocol) || Field.isFilled(u.line?.sipUsername)
const hasSipUser = (u: User.User): boolean => Field.isFilled(u.line?.sipUsername)

/**
 * The rules of each vocabulary (docs/dialects/*.md and /work/shared/specs cite the sources).
 * A dialect outside these families takes any length from 1.
 */
export const Rules: Readonly<Record<Vocabulary, Partial<Record<SecretField, Rule>>>> = {
  wazo: {
    password: { min: 4, max: 64, says: "Wazo passwords are 4 to 64 of a-z A-Z 0-9 -._~!$&'()*+,;=%" },
    "sip-secret": { min: 1, max: 80, says: "Wazo SIP secrets are text", when: hasLine },
    "voicemail-pin": { min: 1, max: 80, says: "Wazo voicemail PINs are 1 to 80 digits", when: hasVoicemail }
  },
  xivo: {
    password: { min: 4, max: 64, says: "XiVO passwords are 4 to 64 of a-z A-Z 0-9 -._~!$&'()*+,;=%" },
    "sip-secret": { min: 1, max: 80, says: "XiVO SIP secrets are text", when: hasLine },
    "voicemail-pin": { min: 1, max: 80, says: "XiVO voicemail PINs are digits", when: hasVoicemail }
  },
  broadworks: {
    password: { min: 1, max: 60, says: "BroadWorks passwords are 1 to 60 characters (the group's password rules apply on the server)" },
    "sip-secret": { min: 1, max: 60, says: "BroadWorks SIP authentication passwords are 1 to 60 characters and need a SIP user name", when: hasSipUser },
    passcode: { min: 1, max: 30, says: "BroadWorks portal passcodes are 1 to 30 digits (the group's passcode rules apply on the server)" }
  },
  commpeak: {
    // only commpeak-success (pbxport's credentials file) carries a password
    password: { min: 1, max: 128, says: "CommPeak publishes no password rule (passwords appear only in its Success Details file); pbxport keeps them to 128 characters, and the policy item digits gives digits-only passwords for phones that take nothing else" }
  }
}

const any: Rule = { min: 1, max: 1024, says: "any length" }

/**
 * The rule of a target for one secret.
 */
export const ruleOf = (vocabulary: Vocabulary | undefined, field: SecretField): Rule =>
  vocabulary === undefined ? (field === "voicemail-pin" ? { ...any, when: hasVoicemail } : field === "sip-secret" ? { ...any, when: hasLine } : any) : (Rules[vocabulary][field] ?? any)

const pick = (alphabet: string): string => alphabet[crypto.randomInt(alphabet.length)]!

/**
 * Generates one secret with the policy: a PIN of digits, or a password of the policy's classes,
 * each class at least once, never starting with a symbol (a cell starting with `=`, `+`, `-`
 * or `@` reads as a spreadsheet formula).
 */
export const generate = (policy: Policy, field: SecretField): string => {
  if (SecretFields[field].pin) return Array.from({ length: policy.pinLength }, () => pick(Classes.digit)).join("")
  const all = policy.classes.map((c) => Classes[c]).join("")
  const chars = [...policy.classes.map((c) => pick(Classes[c])), ...Array.from({ length: policy.length - policy.classes.length }, () => pick(all))]
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1)
    ;[chars[i], chars[j]] = [chars[j]!, chars[i]!]
  }
  const start = chars.findIndex((c) => !Classes.symbol.includes(c))
  ;[chars[0], chars[start]] = [chars[start]!, chars[0]!]
  return chars.join("")
}

/**
 * The columns of a credentials file that say whose secrets a row holds.
 */
export const IdentityColumns = ["row", "userId", "username", "email", "extension", "firstName", "lastName"] as const

/**
 * A credentials file being written.
 */
export interface CredentialsFile {
  readonly add: (row: number, user: User.User, fields: ReadonlyArray<SecretField>) => void
  /** Renames the file into place (owner-only) and returns how many rows it holds. */
  readonly finish: () => Promise<number>
  readonly abort: () => Promise<void>
}

/**
 * Starts a credentials file: a CSV with the identity columns, then one column per generated
 * secret (named after its canonical field). It is created owner-only (0600) under a temporary
 * name and renamed into place only when the conversion completes.
 */
export const credentialsFile = (file: string, fields: ReadonlyArray<SecretField>): CredentialsFile => {
  const temp = path.join(path.dirname(path.resolve(file)), `.pbxport-credentials-${process.pid}-${crypto.randomBytes(6).toString("hex")}.tmp`)
  const dialect = Dialect.make({ delimiter: ",", newline: "\r\n" })
  let fd: number
  try {
    fd = fs.openSync(temp, "wx", 0o600)
  } catch (e) {
    throw new PbxportError({ _tag: "UnwritableFile", path: file, cause: (e as Error).message })
  }
  const header = [...IdentityColumns, ...fields.map((f) => SecretFields[f].path)]
  fs.writeSync(fd, Writer.formatRecord(header, dialect) + "\r\n")
  let rows = 0
  return {
    add: (row, user, generated) => {
      const identity = IdentityColumns.slice(1).map((c) => Formula.escapeFormula(String(Field.get(user, c) ?? "")))
      const secrets = fields.map((f) => (generated.includes(f) ? String(Field.reveal(Field.get(user, SecretFields[f].path)) ?? "") : ""))
      fs.writeSync(fd, Writer.formatRecord([String(row), ...identity, ...secrets], dialect) + "\r\n")
      rows++
    },
    finish: async () => {
      fs.closeSync(fd)
      await fs.promises.rename(temp, file)
      await fs.promises.chmod(file, 0o600)
      return rows
    },
    abort: async () => {
      try { fs.closeSync(fd) } catch { /* closed */ }
      await fs.promises.rm(temp, { force: true })
    }
  }
}
