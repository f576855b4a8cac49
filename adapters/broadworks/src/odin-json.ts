/**
 * The `odin-json` dialect: the user object of the Odin (Rev.io) REST API, as `GET /users`
 * returns it and `POST /users` takes it (spec §7, seed 004).
 *
 * Odin mirrors OCI-P with its own shape: `aliases` and `contacts` are plural lists, the device's
 * attributes sit in `accessDevice`, and the object carries read-only extras (`timeZoneDisplayName`,
 * `domain`, ...), kept as they are. What Odin really returns is tolerated (spec §7.1): a single
 * alternate user id as an object, numbers for phone fields, booleans as strings, `""` for empty
 * (read as "given, empty"), and empty endpoint stubs (`{"contacts": []}`, read as no endpoint).
 */
import { Adapter, Issue, Table } from "@pbxport/core"
import { build, type Entry, flatten, format, fromUser, present, resolve, toUser } from "./command.js"
import { addRequest, type Element, leafPaths } from "./columns.js"
import { check, type CheckContext } from "./rules.js"

const deviceAttributes = [
  "deviceType", "protocol", "netAddress", "port", "outboundProxyServerNetAddress", "stunServerNetAddress", "macAddress",
  "serialNumber", "description", "physicalLocation", "transportProtocol", "useCustomUserNamePassword", "status"
]

/** Odin paths (`[]` for list items) and the OCI-P element paths they carry. */
const mapping: ReadonlyArray<readonly [string, string]> = [
  ...[
    "serviceProviderId", "groupId", "userId", "lastName", "firstName", "callingLineIdLastName", "callingLineIdFirstName",
    "hiraganaLastName", "hiraganaFirstName", "phoneNumber", "extension", "callingLineIdPhoneNumber", "password",
    "department.serviceProviderId", "department.groupId", "department.name", "language", "timeZone",
    "accessDeviceEndpoint.accessDevice.deviceName", "accessDeviceEndpoint.accessDevice.deviceLevel",
    "accessDeviceEndpoint.linePort", "accessDeviceEndpoint.privateIdentity", "accessDeviceEndpoint.portNumber",
    "accessDeviceEndpoint.useHotline", "accessDeviceEndpoint.hotlineContact",
    "trunkAddressing.trunkGroupDeviceEndpoint.name", "trunkAddressing.trunkGroupDeviceEndpoint.linePort",
    "trunkAddressing.enterpriseTrunkName", "trunkAddressing.alternateTrunkIdentity", "trunkAddressing.alternateTrunkIdentityDomain",
    "trunkAddressing.physicalLocation", "title", "pagerPhoneNumber", "mobilePhoneNumber", "emailAddress", "yahooId", "addressLocation",
    "address.addressLine1", "address.addressLine2", "address.city", "address.stateOrProvince", "address.stateOrProvinceDisplayName",
    "address.zipOrPostalCode", "address.country", "networkClassOfService",
    "alternateUserId[].alternateUserId", "alternateUserId[].description"
  ].map((p) => [p, p] as const),
  ["aliases[]", "alias[]"],
  ["accessDeviceEndpoint.contacts[]", "accessDeviceEndpoint.contact[]"],
  ["trunkAddressing.trunkGroupDeviceEndpoint.contacts[]", "trunkAddressing.trunkGroupDeviceEndpoint.contact[]"],
  ...deviceAttributes.map((a) => [`accessDeviceEndpoint.accessDevice.${a}`, `accessDeviceEndpoint.${a}`] as const),
  ["accessDeviceEndpoint.accessDevice.accessDeviceCredentials.userName", "accessDeviceEndpoint.accessDeviceCredentials.userName"],
  ["accessDeviceEndpoint.accessDevice.accessDeviceCredentials.password", "accessDeviceEndpoint.accessDeviceCredentials.password"]
]

const toCommand = new Map(mapping)
const toOdin = new Map(mapping.map(([o, c]) => [c, o]))

/** Lists Odin may collapse to a single object or value (spec §7.1). */
const lists = new Set(mapping.flatMap(([o]) => (o.includes("[]") ? [o.slice(0, o.indexOf("[]"))] : [])))

/** Odin's key order (odins_spear user.json, spec §7.1), for written objects. */
const odinOrder = [
  "serviceProviderId", "groupId", "userId", "lastName", "firstName", "callingLineIdLastName", "callingLineIdFirstName", "hiraganaLastName",
  "hiraganaFirstName", "phoneNumber", "extension", "callingLineIdPhoneNumber", "password", "department", "department.serviceProviderId",
  "department.groupId", "department.name", "departmentFullPath", "language", "timeZone", "timeZoneDisplayName", "defaultAlias",
  "accessDeviceEndpoint", "accessDeviceEndpoint.accessDevice", ...["deviceType", "protocol", "numberOfPorts", "numberOfAssignedPorts", "status",
    "configurationMode", "transportProtocol", "useCustomUserNamePassword", "version", "deviceName", "macAddress", "deviceLevel",
    "accessDeviceCredentials", "serviceProviderId", "groupId", "tags", "relatedServices"].map((k) => `accessDeviceEndpoint.accessDevice.${k}`),
  ...["linePort", "staticRegistrationCapable", "useDomain", "supportVisualDeviceManagement", "contacts"].map((k) => `accessDeviceEndpoint.${k}`),
  "trunkAddressing", "trunkAddressing.trunkGroupDeviceEndpoint",
  ...["name", "linePort", "staticRegistrationCapable", "useDomain", "isPilotUser", "contacts"].map((k) => `trunkAddressing.trunkGroupDeviceEndpoint.${k}`),
  "title", "pagerPhoneNumber", "mobilePhoneNumber", "emailAddress", "yahooId", "addressLocation", "address",
  ...["addressLine1", "addressLine2", "city", "stateOrProvince", "zipOrPostalCode", "country"].map((k) => `address.${k}`),
  "countryCode", "nationalPrefix", "phoneNumberActivated", "networkClassOfService", "allowVideo", "domain", "endpointType", "aliases",
  "alternateUserId", "alternateUserId.alternateUserId", "alternateUserId.description", "isEnterprise", "passwordExpiresDays"
]
const orderRank = new Map(odinOrder.map((p, i) => [p, i]))

/** Odin-only fields Odin returns as JSON booleans; other kept fields are written back as strings. */
const odinBooleans = new Set(["allowVideo", "phoneNumberActivated", "isEnterprise"])

const pattern = (path: string): { pattern: string; indices: Array<number> } => {
  const indices: Array<number> = []
  return { pattern: path.replace(/\[(\d+)\]/g, (_, n: string) => (indices.push(Number(n)), "[]")), indices }
}
const fill = (pattern: string, indices: ReadonlyArray<number>): string => {
  let i = 0
  return pattern.replace(/\[\]/g, () => `[${indices[i++] ?? 0}]`)
}
const translate = (map: ReadonlyMap<string, string>, path: string): string | undefined => {
  const p = pattern(path)
  const to = map.get(p.pattern)
  return to === undefined ? undefined : fill(to, p.indices)
}

const flattenOdin = (value: unknown, path: string, out: Array<{ at: string; raw: string }>): void => {
  if (value === null || value === undefined) return
  if (Array.isArray(value) || (lists.has(pattern(path).pattern) && path !== "")) {
    const items = Array.isArray(value) ? value : [value]
    items.forEach((item, i) => flattenOdin(item, `${path}[${i}]`, out))
    return
  }
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flattenOdin(v, path === "" ? k : `${path}.${k}`, out)
    return
  }
  out.push({ at: path, raw: String(value) })
}

const context = (source: ReadonlyMap<string, { at: string; raw: string }>): CheckContext => ({
  required: ["serviceProviderId", "groupId", "userId", "lastName", "firstName"],
  why: "in an Odin user",
  source: (column) => source.get(Table.looseKey(column)),
  spell: (path) => translate(toOdin, path) ?? path,
  sheet: false,
  // Odin's endpoint has no useHotline and never returns the device password (spec §7.1); the
  // OCI-P writer supplies the useHotline default and still requires the password
  optional: ["accessDeviceEndpoint.useHotline", "accessDeviceEndpoint.accessDeviceCredentials.password"]
})

/**
 * Reads Odin user objects.
 */
const reader = (): Adapter.RowReader => ({
  findings: [],
  decode: (record) => {
    const value = record.value
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return { findings: [Issue.error("invalid-json", null, "each user must be a JSON object as Odin's /users endpoint returns it")] }
    }
    const cells: Array<{ at: string; raw: string }> = []
    flattenOdin(value, "", cells)
    const entries: Array<Entry> = []
    const extras: Record<string, string> = {}
    const source = new Map<string, { at: string; raw: string }>()
    for (const cell of cells) {
      source.set(Table.looseKey(cell.at), cell)
      const target = translate(toCommand, cell.at)
      const resolved = target === undefined ? undefined : resolve(addRequest, target)
      if (resolved === undefined) extras[cell.at] = cell.raw
      else entries.push({ steps: resolved.steps, text: cell.raw.trim(), at: cell.at })
    }
    const doc = build(entries, (steps) => translate(toOdin, format(steps)) ?? format(steps))
    const checked = check(doc, addRequest, context(source))
    if (Issue.hasError(checked.findings)) return { findings: checked.findings }
    const mapped = toUser(doc, addRequest, (_, leaf) => leaf.at, checked.rewritten)
    const all = { ...mapped.extras, ...extras }
    const user = Object.keys(all).length > 0 ? { ...mapped.user, extras: { "odin-json": all } } : mapped.user
    return { user, findings: checked.findings }
  }
})

const typed = (element: Element, text: string): unknown =>
  text === "" ? "" : element.kind === "boolean" ? text.toLowerCase() === "true" : element.kind === "integer" ? Number(text) : text

const ordered = (value: unknown, prefix: string): unknown => {
  if (Array.isArray(value)) return value.map((v) => ordered(v, prefix))
  if (value === null || typeof value !== "object") return value
  const keys = Object.keys(value).map((k, i) => ({ k, i, r: orderRank.get(`${prefix}${k}`) ?? Infinity }))
  keys.sort((a, b) => a.r - b.r || a.i - b.i)
  return Object.fromEntries(keys.map(({ k }) => [k, ordered((value as Record<string, unknown>)[k], `${prefix}${k}.`)]))
}

/**
 * Writes Odin user objects: the mapped fields, Odin's own kept fields, and `endpointType`.
 */
const writer = (): Adapter.RowWriter => ({
  encode: (user) => {
    const kept = user.extras?.["odin-json"] ?? {}
    const asCommand: Record<string, string> = {}
    const direct: Array<readonly [string, string]> = []
    for (const [k, v] of Object.entries(kept)) {
      const target = translate(toCommand, k)
      if (target === undefined) direct.push([k, v])
      else asCommand[target] = v
    }
    const spell = (path: string) => translate(toOdin, path) ?? path
    const placed = fromUser(user, addRequest, [asCommand], spell, true)
    const findings = check(placed.doc, addRequest, context(new Map())).findings
    if (Issue.hasError(findings)) return { value: {}, findings }
    const out: Record<string, unknown> = {}
    for (const v of flatten(placed.doc, addRequest)) {
      const at = translate(toOdin, v.path)
      if (at !== undefined) Table.setAt(out, at, typed(v.element, v.text))
    }
    for (const [k, v] of direct) {
      if (k === "endpointType") continue
      Table.setAt(out, k, odinBooleans.has(k) && /^(true|false)$/i.test(v) ? v.toLowerCase() === "true" : v)
    }
    const endpoint = ["accessDeviceEndpoint", "trunkAddressing"].find((name) => {
      const element = addRequest.children!.find((c) => c.name === name)!
      const node = placed.doc.fields.get(name)
      return node !== undefined && !Array.isArray(node) && present(node, element)
    })
    out["endpointType"] = endpoint ?? kept["endpointType"] ?? "none"
    return { value: ordered(out, ""), findings }
  },
  open: () => "[\n",
  close: () => "\n]\n"
})

/** The canonical paths Odin's object carries. */
const carries = [
  ...new Set(leafPaths(addRequest).flatMap((l) => {
    const odin = translate(toOdin, l.path)
    return l.target === null || odin === undefined ? [] : [Table.cataloguePath(l.target)]
  }))
]

/**
 * The `odin-json` dialect.
 */
export const odinJson: Adapter.Adapter = Adapter.make({
  id: "odin-json",
  family: "broadworks",
  title: "Odin (Rev.io) user objects",
  description: "Users as the Odin REST API returns and takes them (GET/POST /users): camelCase JSON with aliases, contacts and accessDevice objects.",
  format: "json",
  capabilities: { carries },
  template: { header: [], example: [] },
  unique: [
    { column: "userId", label: "userId", key: (u) => u.userId ?? undefined },
    { column: "phoneNumber", label: "phoneNumber", key: (u) => u.directoryNumber ?? undefined }
  ],
  reader,
  writer
})
