/**
 * The `jsonl` dialect: canonical users as JSON Lines, one user per line.
 *
 * It carries every canonical field, so any conversion can be inspected, diffed and scripted
 * (`jq`), and it is the lossless middle step of a two-stage conversion. Secrets are written as
 * plain strings: a jsonl file is a data file, like any file a conversion writes.
 */
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { Adapter, Field, Issue, User } from "@pbxport/core"

type Fields = Record<string, unknown>

/** Wraps the secret fields of a JSON user in Redacted, following the schema's declarations. */
const wrapSecrets = (value: unknown, fields: Fields): unknown => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const declaration = User.declarations.get(fields[key] as object)
    if (declaration?.kind === "secret" && typeof v === "string") out[key] = Redacted.make(v)
    else if (declaration?.kind === "group") out[key] = wrapSecrets(v, declaration.fields ?? {})
    else if (declaration?.kind === "groups" && Array.isArray(v)) out[key] = v.map((item) => wrapSecrets(item, declaration.fields ?? {}))
    else out[key] = v
  }
  return out
}

/** Replaces Redacted values by their plain strings, recursively, keeping key order. */
const revealAll = (value: unknown): unknown => {
  if (Redacted.isRedacted(value)) return Redacted.value(value)
  if (Array.isArray(value)) return value.map(revealAll)
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = revealAll(v)
    return out
  }
  return value
}

/** Orders keys as the schema declares them, so identical users give identical bytes. */
const ordered = (value: unknown, fields: Fields): unknown => {
  if (value === null || typeof value !== "object" || Array.isArray(value) || Redacted.isRedacted(value)) return value
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of [...Object.keys(fields), ...Object.keys(source).filter((k) => !(k in fields)).sort()]) {
    if (!(key in source)) continue
    const declaration = User.declarations.get(fields[key] as object)
    const v = source[key]
    if (declaration?.kind === "group") out[key] = ordered(v, declaration.fields ?? {})
    else if (declaration?.kind === "groups" && Array.isArray(v)) out[key] = v.map((item) => ordered(item, declaration.fields ?? {}))
    else if (key === "extras" && v !== null && typeof v === "object") out[key] = sortDeep(v)
    else out[key] = v
  }
  return out
}

const sortDeep = (value: object): unknown =>
  Object.fromEntries(Object.keys(value).sort().map((k) => {
    const v = (value as Record<string, unknown>)[k]
    return [k, v !== null && typeof v === "object" && !Array.isArray(v) ? sortDeep(v) : v]
  }))

const decodeUser = Schema.decodeUnknownResult(User.User, { errors: "all", onExcessProperty: "error" })
const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Turns a parsed JSON value into a canonical user, or the findings that say why not.
 */
export const fromJson = (value: unknown): Adapter.Decoded => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { findings: [Issue.error("invalid-json", null, "each line must be a JSON object holding one user")] }
  }
  const result = decodeUser(wrapSecrets(value, User.User.fields))
  if (result._tag === "Success") return { user: result.success, findings: [] }
  // one finding per problem, naming the field path (values are never quoted: they may be secrets)
  return {
    findings: formatIssue(result.failure.issue).issues.map((i) =>
      Issue.error("invalid-json", null, `not a canonical user: ${i.path?.length ? `${i.path.map(String).join(".")}: ` : ""}${i.message.replace("Expected no excess property", "not a canonical field").replace("Expected Redacted", "Expected a string (a secret)")} (see docs/canonical-model.md)`)
    )
  }
}

/**
 * Turns a canonical user into plain JSON (secrets revealed), keys in schema order.
 */
export const toJson = (user: User.User): unknown => revealAll(ordered(user, User.User.fields))

/**
 * The jsonl dialect.
 */
export const jsonl: Adapter.Adapter = Adapter.make({
  id: "jsonl",
  title: "Canonical users as JSON Lines",
  description: "One canonical user per line, every field pbxport knows; lossless, for inspection and scripting.",
  format: "jsonl",
  capabilities: { carries: Field.catalogue.map((f) => f.path), extras: "all" },
  template: { header: [], example: [] },
  reader: () => ({ findings: [], decode: (record) => fromJson(record.value) }),
  writer: () => ({ encode: (user) => ({ value: toJson(user), findings: [] }) })
})
