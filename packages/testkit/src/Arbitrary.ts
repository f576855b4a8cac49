/**
 * Canonical users made at random over the fields an adapter carries, for round-trip properties.
 *
 * Values follow what most platforms accept for a field (digits for numbers, `x@example.com`
 * for addresses), so a generated user is usually writable; the suite discards the ones a
 * dialect's own rules reject and checks that the rest survive a write and a read.
 */
import fc from "fast-check"
import * as Redacted from "effect/Redacted"
import { Field, Table, type Adapter, type User } from "@pbxport/core"

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/)
const digits = fc.stringMatching(/^[1-9][0-9]{1,5}$/)
const address = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example.com`)

const numeric = /(extension|directoryNumber|callerIdNumber|mobilePhone|pagerPhone|voicemail\.number|voicemail\.pin|callPermissionPassword|incalls\[\]\.did|virtualExtension|pbxDevice|desks|skillGroups|role|entityId)$/
const addresses = /(email|userId|linePort|customUri|aliases|contacts|hotlineContact)$/

/**
 * The generator of one field's value.
 */
export const valueOf = (field: Field.FieldInfo): fc.Arbitrary<unknown> => {
  const text = field.path === "language"
    ? fc.constantFrom("fr_FR", "en_US")
    : field.path.endsWith("macAddress")
      ? fc.stringMatching(/^[0-9A-F]{12}$/)
      : numeric.test(field.path)
        ? digits
        : addresses.test(field.path)
          ? address
          : word
  switch (field.kind) {
    case "secret":
      return (numeric.test(field.path) ? digits : word).map((s) => Redacted.make(s))
    case "flag":
      return fc.boolean()
    case "count":
      return field.path.endsWith("device.port") ? fc.integer({ min: 1025, max: 65535 }) : fc.integer({ min: 1, max: 10 })
    case "choice":
      return fc.constantFrom(...(field.choices ?? []))
    case "texts":
      return fc.array(text, { minLength: 1, maxLength: 2 })
    default:
      return text
  }
}

/**
 * Users holding a random subset of the carried fields (required columns' fields always).
 */
export const user = (adapter: Adapter.Adapter): fc.Arbitrary<User.User> => {
  const required = new Set(adapter.columns.filter((c) => c.required && c.target !== null).map((c) => Table.cataloguePath(c.target!)))
  const fields = Field.catalogue.filter((f) => adapter.capabilities.carries.includes(f.path))
  const record: Record<string, fc.Arbitrary<unknown>> = {}
  for (const f of fields) record[f.path] = required.has(f.path) ? valueOf(f) : fc.option(valueOf(f), { nil: undefined })
  // an endpoint is a device or a trunk, never both (OCI-P's choice)
  return fc.record({ values: fc.record(record), endpoint: fc.constantFrom("device", "trunk") }).map(({ values, endpoint }) => {
    let u: Record<string, unknown> = {}
    for (const [p, v] of Object.entries(values)) {
      if (v === undefined) continue
      if (p.startsWith(endpoint === "device" ? "trunk." : "device.")) continue
      if (p.includes("[].")) {
        const [list, rest] = p.split("[].") as [string, string]
        Table.setAt(u, `${list}[0].${rest}`, v)
      } else u = Field.set(u as User.User, p, v) as Record<string, unknown>
    }
    return u as User.User
  })
}
