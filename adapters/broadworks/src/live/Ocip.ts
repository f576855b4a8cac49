/**
 * The OCI-P protocol as documents: the requests pbxport sends, the responses it reads, and the
 * mapping between a `UserGetResponse22` and the canonical user.
 *
 * No I/O here: {@link Session} (client) and {@link Sandbox} (server) move these documents over a
 * socket. Facts from /work/shared/specs/broadworks.md §6 (envelope, login, errors) and the R25
 * XSD (`UserGetResponse22`, `UserModifyRequest22`, `UserGetListInGroupRequest` element order).
 * `UserConsolidatedAddRequest22` is not written here: the `broadworks-ocip` dialect's serialiser
 * is the only one (`addCommand`).
 */
import { createHash } from "node:crypto"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { escapeXml } from "../broadworks-ocip.js"
import { build, type Entry, type Step, toUser } from "../command.js"
import { addRequest, type Element as Schema } from "../columns.js"
import * as Xml from "./Xml.js"

/** The most commands one document may carry (`OCISchemaBASE.xsd`, `command maxOccurs="15"`). */
export const maxCommands = 15

/** Wraps command elements in a `BroadsoftDocument` for a session (spec §6). */
export const document = (sessionId: string, commands: ReadonlyArray<string>): string =>
  `<?xml version="1.0" encoding="ISO-8859-1"?>\n<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n  <sessionId xmlns="">${escapeXml(sessionId)}</sessionId>\n${commands.join("")}</BroadsoftDocument>\n`

/** The end of every document: OCI-P over TCP frames documents by reading up to it (spec §6). */
export const terminator = "</BroadsoftDocument>"

/** One command of a received document: its type without prefix, and its element. */
export interface Command {
  readonly type: string
  readonly element: Xml.Element
}

/** A received document. */
export interface Document {
  readonly sessionId: string
  readonly commands: ReadonlyArray<Command>
}

/**
 * Reads a `BroadsoftDocument`; throws {@link Xml.XmlError} when it is not one.
 */
export const read = (text: string): Document => {
  const root = Xml.parse(text)
  if (root.name !== "BroadsoftDocument" && !root.name.endsWith(":BroadsoftDocument")) throw new Xml.XmlError(`the root element is '${root.name}', not BroadsoftDocument`, 0)
  return {
    sessionId: Xml.textOf(root, "sessionId") ?? "",
    commands: Xml.childrenOf(root, "command").map((element) => ({ type: Xml.typeOf(element) ?? "", element }))
  }
}

/** A leaf element with escaped text. */
export const leaf = (name: string, text: string): string => `<${name}>${escapeXml(text)}</${name}>`
/** A nil element (`xsi:nil="true"`): clears a value in a modify request. */
export const nil = (name: string): string => `<${name} xsi:nil="true"/>`

/** A command element of a type with its children. */
export const command = (type: string, children: ReadonlyArray<string>): string =>
  `  <command xsi:type="${type}" xmlns="">${children.join("")}</command>\n`

/**
 * Signs a password for `LoginRequest14sp4`: lowercase hex MD5 of `nonce:sha1hex(password)` (spec §6).
 */
export const signedPassword = (nonce: string, password: Redacted.Redacted<string>): string => {
  const sha = createHash("sha1").update(Redacted.value(password), "utf8").digest("hex")
  return createHash("md5").update(`${nonce}:${sha}`, "utf8").digest("hex")
}

/** `AuthenticationRequest`: asks for a nonce (plain TCP login, spec §6). */
export const authenticationRequest = (userId: string): string => command("AuthenticationRequest", [leaf("userId", userId)])
/** `LoginRequest14sp4` with the signed password. */
export const loginRequest14sp4 = (userId: string, signed: string): string =>
  command("LoginRequest14sp4", [leaf("userId", userId), leaf("signedPassword", signed)])
/** `LoginRequest22V5`: the password itself, only ever sent over TLS (spec §6). */
export const loginRequest22V5 = (userId: string, password: Redacted.Redacted<string>): string =>
  command("LoginRequest22V5", [leaf("userId", userId), leaf("password", Redacted.value(password))])
/** `LogoutRequest`. */
export const logoutRequest = (userId: string): string => command("LogoutRequest", [leaf("userId", userId), leaf("reason", "Client Logout")])
/** `UserGetRequest22`: one user as the server has it. */
export const userGetRequest = (userId: string): string => command("UserGetRequest22", [leaf("userId", userId)])
/**
 * `UserGetListInGroupRequest`: every user of a group. The R25 XSD spells the group element
 * `GroupId` with a capital G in this one request; the server checks the schema, so it is sent so.
 */
export const userGetListInGroupRequest = (serviceProviderId: string, groupId: string): string =>
  command("UserGetListInGroupRequest", [leaf("serviceProviderId", serviceProviderId), leaf("GroupId", groupId)])

/** What an `ErrorResponse` says (spec §6). */
export interface Failure {
  readonly errorCode?: string
  readonly summary: string
  readonly detail?: string
}

/** Reads an `ErrorResponse`, or undefined for any other response. */
export const failureOf = (response: Command): Failure | undefined => {
  if (response.type !== "ErrorResponse") return undefined
  const e = response.element
  const code = Xml.textOf(e, "errorCode")
  const detail = Xml.textOf(e, "detail")
  return {
    summary: Xml.textOf(e, "summaryEnglish") || Xml.textOf(e, "summary") || "ErrorResponse without a summary",
    ...(code === undefined ? {} : { errorCode: code }),
    ...(detail === undefined || detail === "" ? {} : { detail })
  }
}

/** Writes a failure as one line: the summary, then the detail when there is one. */
export const describe = (failure: Failure): string => (failure.detail === undefined ? failure.summary : `${failure.summary}: ${failure.detail}`)

/**
 * Reads an `OCITable` (`colHeading`s then `row`s of `col`s) as records by heading.
 */
export const table = (element: Xml.Element | undefined): Array<Record<string, string>> => {
  if (element === undefined) return []
  const headings = Xml.childrenOf(element, "colHeading").map((h) => h.text)
  return Xml.childrenOf(element, "row").map((row) => {
    const cols = Xml.childrenOf(row, "col")
    return Object.fromEntries(headings.map((h, i) => [h, cols[i]?.text ?? ""]))
  })
}

/** Writes an `OCITable`. */
export const tableXml = (name: string, headings: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  `<${name}>${headings.map((h) => leaf("colHeading", h)).join("")}${rows.map((r) => `<row>${r.map((c) => (c === "" ? "<col/>" : leaf("col", c))).join("")}</row>`).join("")}</${name}>`

/**
 * Maps a `UserGetResponse22` onto the canonical user, through the same element tree the bulk
 * sheet and the OCI-P writer use: a response element with the add request's name and place
 * carries the same canonical field. Elements only a response has (`timeZoneDisplayName`,
 * `defaultAlias`, `countryCode`, registration flags) carry nothing the canonical user holds.
 */
export const userFromResponse = (userId: string, response: Xml.Element): User.User => {
  const entries: Array<Entry> = []
  const walk = (xml: Xml.Element, schema: Schema, prefix: ReadonlyArray<Step>, at: string) => {
    const seen = new Map<string, number>()
    for (const c of xml.children) {
      const element = schema.children?.find((s) => s.name === c.name)
      if (element === undefined || element.kind === "opaque" || Xml.isNil(c)) continue
      const index = seen.get(c.name) ?? 0
      seen.set(c.name, index + 1)
      const step: Step = element.repeat === undefined ? { name: c.name } : { name: c.name, index }
      const path = `${at}${c.name}${element.repeat === undefined ? "" : `[${index}]`}`
      if (element.kind === "group") walk(c, element, [...prefix, step], `${path}.`)
      else entries.push({ steps: [...prefix, step], text: c.text.trim(), at: path })
    }
  }
  walk(response, addRequest, [], "")
  const doc = build(entries, (steps) => steps.map((s) => s.name).join("."))
  return { ...toUser(doc, addRequest, (path) => path).user, userId }
}

/** The canonical fields a `UserGetResponse22` shows, so a plan can compare them. */
export const revealed: ReadonlyArray<string> = [
  "userId", "serviceProviderId", "groupId", "lastName", "firstName", "callerIdLastName", "callerIdFirstName", "dialingLastName",
  "dialingFirstName", "phoneticLastName", "phoneticFirstName", "directoryNumber", "extension", "callerIdNumber", "department",
  "language", "timeZone", "aliases", "device.level", "device.name", "device.linePort", "device.privateIdentity", "device.contacts",
  "device.portNumber", "trunk.group", "trunk.linePort", "trunk.contacts", "trunk.enterpriseTrunk", "trunk.alternateIdentity",
  "trunk.alternateIdentityDomain", "title", "pagerPhone", "mobilePhone", "email", "yahooId", "addressLocation", "address.line1",
  "address.line2", "address.city", "address.stateOrProvince", "address.postalCode", "address.country", "networkClassOfService",
  "alternateUserIds"
]

const text = (value: unknown): string | null | undefined =>
  value === undefined ? undefined : value === null ? null : Redacted.isRedacted(value) ? String(Redacted.value(value)) : String(value)

type Fields = Readonly<Record<string, unknown>>

/** A scalar of a modify request: set, or cleared with nil where the schema allows it. */
const scalar = (name: string, value: unknown, nillable: boolean): string | undefined => {
  const t = text(value)
  if (t === undefined) return undefined
  if (t === null || t === "") return nillable ? nil(name) : undefined
  return leaf(name, t)
}

const listOf = (value: unknown): ReadonlyArray<string> | undefined => (Array.isArray(value) ? value.map(String) : undefined)

/**
 * The canonical paths {@link userModifyRequest} can change, in `UserModifyRequest22`'s terms.
 */
export const modifiable: ReadonlyArray<string> = [
  "lastName", "firstName", "callerIdLastName", "callerIdFirstName", "dialingLastName", "dialingFirstName", "phoneticLastName",
  "phoneticFirstName", "directoryNumber", "extension", "callerIdNumber", "password", "department", "language", "timeZone", "aliases",
  "device.level", "device.name", "device.linePort", "device.privateIdentity", "device.contacts", "device.portNumber", "device.useHotline",
  "device.hotlineContact", "trunk.group", "trunk.linePort", "trunk.contacts", "trunk.enterpriseTrunk", "trunk.alternateIdentity",
  "trunk.alternateIdentityDomain", "trunk.physicalLocation", "title", "pagerPhone", "mobilePhone", "email", "yahooId", "addressLocation",
  "address.line1", "address.line2", "address.city", "address.stateOrProvince", "address.postalCode", "address.country",
  "networkClassOfService", "alternateUserIds", "externalId"
]

/**
 * Writes the `UserModifyRequest22` that changes exactly the given fields of a user, in schema
 * order. `change` holds only the fields to change (`null` or `[]` clears); elements the schema
 * requires together (a device's level and name, both name-dialling names) are completed from
 * `current`, the user as the server has it. Returns the fields it could not write, if any.
 */
export const userModifyRequest = (
  userId: string,
  change: User.User,
  current: User.User | undefined,
  scope: { readonly serviceProviderId: string; readonly groupId: string }
): { readonly text: string } | { readonly missing: string } => {
  const c = change as Fields
  const out: Array<string> = [leaf("userId", userId)]
  const push = (x: string | undefined) => x !== undefined && out.push(x)
  push(scalar("lastName", c["lastName"], false))
  push(scalar("firstName", c["firstName"], false))
  push(scalar("callingLineIdLastName", c["callerIdLastName"], false))
  push(scalar("callingLineIdFirstName", c["callerIdFirstName"], false))
  if (c["dialingLastName"] !== undefined || c["dialingFirstName"] !== undefined) {
    const last = text(c["dialingLastName"] !== undefined ? c["dialingLastName"] : current?.dialingLastName)
    const first = text(c["dialingFirstName"] !== undefined ? c["dialingFirstName"] : current?.dialingFirstName)
    if (!last && !first) out.push(nil("nameDialingName"))
    else if (!last || !first) return { missing: "name dialling needs both dialingLastName and dialingFirstName" }
    else out.push(`<nameDialingName>${leaf("nameDialingLastName", last)}${leaf("nameDialingFirstName", first)}</nameDialingName>`)
  }
  push(scalar("hiraganaLastName", c["phoneticLastName"], false))
  push(scalar("hiraganaFirstName", c["phoneticFirstName"], false))
  push(scalar("phoneNumber", c["directoryNumber"], true))
  push(scalar("extension", c["extension"], true))
  push(scalar("callingLineIdPhoneNumber", c["callerIdNumber"], true))
  push(scalar("newPassword", c["password"], true))
  if (c["department"] !== undefined) {
    const name = text(c["department"])
    out.push(name
      ? `<department xsi:type="GroupDepartmentKey">${leaf("serviceProviderId", scope.serviceProviderId)}${leaf("groupId", scope.groupId)}${leaf("name", name)}</department>`
      : nil("department"))
  }
  push(scalar("language", c["language"], false))
  push(scalar("timeZone", c["timeZone"], false))
  const aliases = listOf(c["aliases"])
  if (aliases !== undefined) out.push(aliases.length === 0 ? nil("sipAliasList") : `<sipAliasList>${aliases.map((a) => leaf("sipAlias", a)).join("")}</sipAliasList>`)
  const endpoint = endpointModify(change, current)
  if (typeof endpoint === "object") return endpoint
  push(endpoint)
  push(scalar("title", c["title"], true))
  push(scalar("pagerPhoneNumber", c["pagerPhone"], true))
  push(scalar("mobilePhoneNumber", c["mobilePhone"], true))
  push(scalar("emailAddress", c["email"], true))
  push(scalar("yahooId", c["yahooId"], true))
  push(scalar("addressLocation", c["addressLocation"], true))
  const address = c["address"] as Fields | undefined
  if (address !== undefined) {
    const parts = [
      scalar("addressLine1", address["line1"], true), scalar("addressLine2", address["line2"], true), scalar("city", address["city"], true),
      scalar("stateOrProvince", address["stateOrProvince"], true), scalar("zipOrPostalCode", address["postalCode"], true), scalar("country", address["country"], true)
    ].filter((p) => p !== undefined)
    if (parts.length > 0) out.push(`<address>${parts.join("")}</address>`)
  }
  push(scalar("networkClassOfService", c["networkClassOfService"], false))
  const alternates = c["alternateUserIds"] as ReadonlyArray<{ id?: string | null; description?: string | null }> | undefined
  if (alternates !== undefined) {
    out.push(alternates.length === 0
      ? nil("alternateUserIdList")
      : `<alternateUserIdList>${alternates.map((a) => `<alternateUserId>${leaf("alternateUserId", a.id ?? "")}${a.description ? leaf("description", a.description) : ""}</alternateUserId>`).join("")}</alternateUserIdList>`)
  }
  push(scalar("newUserExternalId", c["externalId"], true))
  return { text: command("UserModifyRequest22", out) }
}

const endpointModify = (change: User.User, current: User.User | undefined): string | undefined | { readonly missing: string } => {
  const d = change.device as Fields | undefined
  const t = change.trunk as Fields | undefined
  if (d !== undefined && Object.keys(d).length > 0) {
    const parts: Array<string> = []
    if (d["level"] !== undefined || d["name"] !== undefined) {
      const level = text(d["level"] !== undefined ? d["level"] : current?.device?.level)
      const name = text(d["name"] !== undefined ? d["name"] : current?.device?.name)
      if (!level || !name) return { missing: "a device needs both device.level and device.name" }
      parts.push(`<accessDevice>${leaf("deviceLevel", level)}${leaf("deviceName", name)}</accessDevice>`)
    }
    const push = (x: string | undefined) => x !== undefined && parts.push(x)
    push(scalar("linePort", d["linePort"], false))
    push(scalar("privateIdentity", d["privateIdentity"], true))
    const contacts = listOf(d["contacts"])
    if (contacts !== undefined) parts.push(contacts.length === 0 ? nil("contactList") : `<contactList>${contacts.map((x) => `<contact>${leaf("sipContact", x)}</contact>`).join("")}</contactList>`)
    push(scalar("portNumber", d["portNumber"], false))
    push(scalar("useHotline", d["useHotline"], false))
    push(scalar("hotlineContact", d["hotlineContact"], true))
    return parts.length === 0 ? undefined : `<endpoint><accessDeviceEndpoint>${parts.join("")}</accessDeviceEndpoint></endpoint>`
  }
  if (t !== undefined && Object.keys(t).length > 0) {
    const inner: Array<string> = []
    const push = (list: Array<string>, x: string | undefined) => x !== undefined && list.push(x)
    push(inner, scalar("name", t["group"], false))
    push(inner, scalar("linePort", t["linePort"], false))
    const contacts = listOf(t["contacts"])
    if (contacts !== undefined) inner.push(contacts.length === 0 ? nil("contactList") : `<contactList>${contacts.map((x) => `<contact>${leaf("sipContact", x)}</contact>`).join("")}</contactList>`)
    const parts: Array<string> = inner.length === 0 ? [] : [`<trunkGroupDeviceEndpoint>${inner.join("")}</trunkGroupDeviceEndpoint>`]
    push(parts, scalar("enterpriseTrunkName", t["enterpriseTrunk"], true))
    push(parts, scalar("alternateTrunkIdentity", t["alternateIdentity"], true))
    push(parts, scalar("alternateTrunkIdentityDomain", t["alternateIdentityDomain"], true))
    push(parts, scalar("physicalLocation", t["physicalLocation"], true))
    return parts.length === 0 ? undefined : `<endpoint><trunkAddressing>${parts.join("")}</trunkAddressing></endpoint>`
  }
  return undefined
}
