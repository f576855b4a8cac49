/**
 * The BroadWorks elements pbxport knows, as trees: the OCI-P `UserConsolidatedAddRequest22` that
 * a `user.create` row becomes, and the `UserConsolidatedModifyRequest22` of a `user.modify` row.
 *
 * One declaration serves every BroadWorks dialect: the bulk sheet's columns are the leaf paths in
 * dot and `[n]` notation, the SDK's JSON form is the same tree in snake_case, the OCI-P command
 * is the tree in schema order, and the rules (lengths, ranges, choices, occurrences, required
 * children) are the facets below. Facts are from the R25 XSD as recorded in
 * /work/shared/specs/broadworks.md §5 (cited as "spec §5.2"); the `user.modify` facets reuse the
 * add request's where the element is the same type.
 */
import { type Adapter, Table, User } from "@pbxport/core"

/** What a leaf holds; `group` has children, `opaque` is accepted and passed on unchecked. */
export type Kind = "text" | "secret" | "integer" | "boolean" | "choice" | "quantity" | "group" | "opaque"

/** Syntax rules beyond length (spec §5.2 alias rule, §5.3 linePort and contact). */
export type Syntax = "userId" | "alias" | "contact" | "linePort" | "sipUri" | "mac"

/**
 * One element of a command.
 *
 * **Details**
 * `target` is the canonical path the element carries: absolute, except inside a repeated group
 * where it is relative to the list item (`.` is the item itself: a service pack name). `repeat`
 * is the most occurrences (`Infinity` for unbounded); absent means the element occurs once.
 */
export interface Element {
  readonly name: string
  readonly kind: Kind
  readonly doc: string
  readonly required?: boolean
  readonly repeat?: number
  readonly length?: readonly [number, number]
  /** The length counts UTF-8 bytes (service provider ids are limited in bytes, spec §5.2). */
  readonly bytes?: boolean
  readonly range?: readonly [number, number]
  readonly choices?: ReadonlyArray<string>
  /** The only value the schema allows (`addPhoneNumberToGroup` is fixed to `true`). */
  readonly fixed?: string
  readonly syntax?: Syntax
  readonly target?: string
  readonly children?: ReadonlyArray<Element>
  /** In the vendor template but not in the schema: read, reported, never sent. */
  readonly notSent?: boolean
  /** Elements with the same value form an `xs:choice`: at most one of them. */
  readonly choiceOf?: string
  /** `xsi:type` the element carries in OCI-P (abstract department key). */
  readonly xsiType?: string
}

type Facets = Omit<Element, "name" | "kind" | "doc" | "length" | "range" | "choices" | "children">

const text = (name: string, length: readonly [number, number], doc: string, facets: Facets = {}): Element =>
  ({ name, kind: "text", length, doc, ...facets })
const secret = (name: string, length: readonly [number, number], doc: string, facets: Facets = {}): Element =>
  ({ name, kind: "secret", length, doc, ...facets })
const integer = (name: string, range: readonly [number, number], doc: string, facets: Facets = {}): Element =>
  ({ name, kind: "integer", range, doc, ...facets })
const bool = (name: string, doc: string, facets: Facets = {}): Element => ({ name, kind: "boolean", doc, ...facets })
const choice = (name: string, choices: ReadonlyArray<string>, doc: string, facets: Facets = {}): Element =>
  ({ name, kind: "choice", choices, doc, ...facets })
const quantity = (name: string, doc: string): Element => ({ name, kind: "quantity", doc })
const group = (name: string, children: ReadonlyArray<Element>, doc: string, facets: Facets = {}): Element =>
  ({ name, kind: "group", children, doc, ...facets })
const opaque = (name: string, doc: string, facets: Facets = {}): Element => ({ name, kind: "opaque", doc, ...facets })

/** The operations of the bulk sheet pbxport supports (spec §1). */
export const Operations = ["user.create", "user.modify"] as const
export type Operation = (typeof Operations)[number]

const streetAddress = (targets: boolean): ReadonlyArray<Element> => {
  const t = (path: string) => (targets ? { target: `address.${path}` } : {})
  return [
    text("addressLine1", [1, 80], "First street address line.", t("line1")),
    text("addressLine2", [1, 80], "Second street address line.", t("line2")),
    text("city", [1, 50], "City.", t("city")),
    text("stateOrProvince", [1, 50], "State or province.", t("stateOrProvince")),
    text("stateOrProvinceDisplayName", [1, 50], "State display name (BroadWorks ignores it on add)."),
    text("zipOrPostalCode", [1, 50], "ZIP or postal code.", t("postalCode")),
    text("country", [1, 50], "Country.", t("country"))
  ]
}

const names = (required: boolean): ReadonlyArray<Element> => [
  text("lastName", [1, 30], "Last name.", { target: "lastName", required }),
  text("firstName", [1, 30], "First name.", { target: "firstName", required }),
  text("callingLineIdLastName", [1, 30], "Last name shown as calling line id.", { target: "callerIdLastName", required }),
  text("callingLineIdFirstName", [1, 30], "First name shown as calling line id.", { target: "callerIdFirstName", required }),
  group("nameDialingName", [
    text("nameDialingLastName", [1, 30], "Last name used by name dialling.", { target: "dialingLastName", required: true }),
    text("nameDialingFirstName", [1, 30], "First name used by name dialling.", { target: "dialingFirstName", required: true })
  ], "Name dialling names (both or none)."),
  text("hiraganaLastName", [1, 30], "Phonetic (hiragana) last name.", { target: "phoneticLastName" }),
  text("hiraganaFirstName", [1, 30], "Phonetic (hiragana) first name.", { target: "phoneticFirstName" }),
  text("phoneNumber", [1, 23], "Directory number (DN), `+1-5135550100` or national digits.", { target: "directoryNumber" })
]

const alternateUserId = group("alternateUserId", [
  text("alternateUserId", [1, 161], "Alternate user id.", { target: "id", required: true }),
  text("description", [1, 80], "Description of the alternate user id.", { target: "description" })
], "Alternate user ids (at most 4).", { repeat: 4, target: "alternateUserIds" })

const servicePack = group("servicePack", [
  text("servicePackName", [1, 80], "Service pack name.", { target: ".", required: true }),
  quantity("authorizedQuantity", "Quantity to authorise: a whole number from 1, or `unlimited`.")
], "Service packs to assign.", { repeat: Infinity, target: "servicePacks" })

const userService = (name: string) => group(name, [
  text("userServiceName", [1, 80], "User service name, e.g. `Voice Messaging User` (BroadWorks checks the name).", { target: ".", required: true }),
  quantity("authorizedQuantity", "Quantity to authorise: a whole number from 1, or `unlimited`.")
], "User services to assign.", { repeat: Infinity, target: "userServices" })

const thirdPartyVoiceMail: ReadonlyArray<Element> = [
  choice("thirdPartyVoiceMailServerSelection", ["Group Mail Server", "User Specific Mail Server"], "Third-party voice mail server selection."),
  text("thirdPartyVoiceMailServerUserServer", [1, 161], "User-specific third-party voice mail server."),
  choice("thirdPartyVoiceMailServerMailboxIdType", ["User Or Group Phone Number", "URL"], "Third-party voice mail mailbox id type."),
  text("thirdPartyVoiceMailMailboxURL", [1, 161], "Third-party voice mail mailbox URL.")
]

const profile: ReadonlyArray<Element> = [
  text("title", [1, 50], "Job title.", { target: "title" }),
  text("pagerPhoneNumber", [1, 30], "Pager number (not validated by BroadWorks).", { target: "pagerPhone" }),
  text("mobilePhoneNumber", [1, 30], "Mobile number.", { target: "mobilePhone" }),
  text("emailAddress", [1, 80], "Email address.", { target: "email" }),
  text("yahooId", [1, 50], "Instant-messaging id.", { target: "yahooId" }),
  text("addressLocation", [1, 80], "Free text location.", { target: "addressLocation" }),
  group("address", streetAddress(true), "Street address."),
  text("networkClassOfService", [1, 40], "Network class of service.", { target: "networkClassOfService" })
]

const accessDeviceEndpoint = group("accessDeviceEndpoint", [
  group("accessDevice", [
    choice("deviceLevel", User.DeviceLevels, "Level the device is defined at (exact case).", { target: "device.level", required: true }),
    text("deviceName", [1, 40], "Device name; BroadWorks creates the device when it does not exist.", { target: "device.name", required: true })
  ], "The device the line is on.", { required: true }),
  text("linePort", [1, 161], "Line/port of the user on the device, `user@host`, no `sip:`.", { target: "device.linePort", required: true, syntax: "linePort" }),
  text("privateIdentity", [1, 161], "Private (IMS) identity of the line.", { target: "device.privateIdentity" }),
  text("contact", [1, 1020], "SIP contact of the line, no `sip:` prefix (at most 5).", { target: "device.contacts", repeat: 5, syntax: "contact" }),
  integer("portNumber", [1, 1024], "Port of the line on the device (1-1024; not the SIP port).", { target: "device.portNumber" }),
  text("deviceType", [1, 40], "Device type, used when the device is created.", { target: "device.type" }),
  text("protocol", [1, 20], "Signalling protocol, used when the device is created.", { target: "device.protocol" }),
  text("netAddress", [1, 80], "Host name or IP address of the device.", { target: "device.netAddress" }),
  integer("port", [1025, 65535], "SIP port of the device (1025-65535).", { target: "device.port" }),
  text("outboundProxyServerNetAddress", [1, 80], "Outbound proxy server.", { target: "device.outboundProxy" }),
  text("stunServerNetAddress", [1, 80], "STUN server.", { target: "device.stunServer" }),
  text("macAddress", [1, 12], "MAC address, 12 hex digits (`:` and `-` separators are removed).", { target: "device.macAddress", syntax: "mac" }),
  text("serialNumber", [1, 80], "Serial number.", { target: "device.serialNumber" }),
  text("description", [1, 80], "Description of the device.", { target: "device.description" }),
  text("physicalLocation", [1, 1024], "Where the device is.", { target: "device.physicalLocation" }),
  choice("transportProtocol", User.TransportProtocols, "Transport protocol (exact case).", { target: "device.transport" }),
  bool("useCustomUserNamePassword", "Whether the device uses its own management credentials.", { target: "device.useCustomCredentials" }),
  group("accessDeviceCredentials", [
    text("userName", [1, 161], "Device management user name.", { target: "device.credentialsUserName", required: true }),
    secret("password", [1, 60], "Device management password.", { target: "device.credentialsPassword", required: true })
  ], "Device management credentials (both or none)."),
  bool("useHotline", "Whether the line is a hotline (required in an endpoint).", { target: "device.useHotline", required: true }),
  text("hotlineContact", [1, 161], "Hotline destination, no `sip:` prefix.", { target: "device.hotlineContact", syntax: "sipUri" }),
  text("status", [1, 80], "Device status, in the vendor template only: not an OCI-P element, never sent.", { target: "device.status", notSent: true })
], "Access device endpoint; exclusive with trunk addressing.", { choiceOf: "endpoint" })

const trunkAddressing = group("trunkAddressing", [
  group("trunkGroupDeviceEndpoint", [
    text("name", [1, 30], "Trunk group name.", { target: "trunk.group", required: true }),
    text("linePort", [1, 161], "Line/port of the user on the trunk group, `user@host`.", { target: "trunk.linePort", required: true, syntax: "linePort" }),
    text("contact", [1, 1020], "SIP contact of the trunk endpoint, no `sip:` prefix (at most 5).", { target: "trunk.contacts", repeat: 5, syntax: "contact" })
  ], "Trunk group endpoint."),
  text("enterpriseTrunkName", [1, 30], "Enterprise trunk name.", { target: "trunk.enterpriseTrunk" }),
  text("alternateTrunkIdentity", [1, 80], "Alternate trunk identity.", { target: "trunk.alternateIdentity" }),
  text("alternateTrunkIdentityDomain", [1, 80], "Domain of the alternate trunk identity.", { target: "trunk.alternateIdentityDomain" }),
  text("physicalLocation", [1, 1024], "Physical location of the trunk endpoint.", { target: "trunk.physicalLocation" })
], "Trunk addressing; exclusive with an access device endpoint.", { choiceOf: "endpoint" })

/**
 * `UserConsolidatedAddRequest22` in schema order (spec §5.2, §5.3): the command of a
 * `user.create` row.
 */
export const addRequest: Element = group("UserConsolidatedAddRequest22", [
  text("serviceProviderId", [1, 30], "Service provider (enterprise) id, at most 30 bytes.", { target: "serviceProviderId", bytes: true, choiceOf: "group" }),
  text("groupId", [1, 30], "Group id.", { target: "groupId", choiceOf: "group" }),
  text("groupExternalId", [1, 36], "External id of the group, instead of serviceProviderId and groupId.", { choiceOf: "group" }),
  group("groupProperties", [
    text("defaultDomain", [1, 80], "Default domain of a group created by the request.", { required: true }),
    integer("userLimit", [1, 999999], "User limit of the created group.", { required: true }),
    text("groupName", [1, 80], "Name of the created group."),
    text("callingLineIdName", [1, 80], "Calling line id name of the created group."),
    text("timeZone", [1, 127], "Time zone of the created group."),
    text("locationDialingCode", [1, 15], "Location dialling code of the created group."),
    opaque("contact", "Contact of the created group (passed on unchecked)."),
    group("address", streetAddress(false), "Address of the created group."),
    text("networkClassOfService", [1, 40], "Network classes of service of the created group.", { repeat: Infinity }),
    text("defaultNetworkClassOfService", [1, 40], "Default network class of service of the created group."),
    opaque("groupService", "Group services of the created group (passed on unchecked).", { repeat: Infinity }),
    text("servicePolicy", [1, 80], "Service policy of the created group.")
  ], "Properties of a group the request creates (service provider administrators only)."),
  text("userId", [1, 161], "User id, `user@domain`.", { target: "userId", required: true, syntax: "userId" }),
  text("userExternalId", [1, 36], "External id of the user.", { target: "externalId" }),
  text("userPersonId", [1, 82], "Person id of the user (R25)."),
  bool("addPhoneNumberToGroup", "Add the phone number to the group first; only `true` is valid.", { fixed: "true" }),
  ...names(true),
  alternateUserId,
  text("extension", [2, 20], "Extension, 2 to 20 characters (the group's extension length rules apply).", { target: "extension" }),
  text("callingLineIdPhoneNumber", [1, 23], "Number shown as calling line id.", { target: "callerIdNumber" }),
  secret("password", [1, 60], "Web portal password (the group's password rules apply).", { target: "password" }),
  secret("passcode", [1, 30], "Portal passcode.", { target: "passcode" }),
  group("department", [
    text("serviceProviderId", [1, 30], "Service provider of the department (default: the user's).", { bytes: true }),
    text("groupId", [1, 30], "Group of the department (default: the user's)."),
    text("name", [1, 50], "Department name.", { target: "department", required: true })
  ], "Department (a group department key).", { xsiType: "GroupDepartmentKey" }),
  text("language", [1, 40], "Language, e.g. `English`.", { target: "language" }),
  text("timeZone", [1, 127], "Time zone key, e.g. `America/New_York`.", { target: "timeZone" }),
  text("alias", [1, 161], "SIP alias `user@host`, no `sip:` prefix (at most 3).", { target: "aliases", repeat: 3, syntax: "alias" }),
  accessDeviceEndpoint,
  trunkAddressing,
  opaque("sharedCallAppearanceAccessDeviceEndpoint", "Shared call appearance endpoints (passed on unchecked, at most 35).", { repeat: 35 }),
  ...profile,
  userService("userService"),
  servicePack,
  ...thirdPartyVoiceMail,
  group("sipAuthenticationData", [
    text("sipAuthenticationUserName", [1, 80], "SIP authentication user name.", { target: "line.sipUsername", required: true }),
    secret("sipAuthenticationPassword", [1, 60], "SIP authentication password.", { target: "line.sipSecret", required: true })
  ], "SIP authentication credentials (both or none)."),
  bool("isPlace", "Whether the user is a place (a room) rather than a person.")
], "Adds a user, and optionally its device, group, number and services.")

/**
 * `UserConsolidatedModifyRequest22` as the `user.modify` template has it (spec §2.1, v1.0.2
 * columns): the command of a `user.modify` row.
 */
export const modifyRequest: Element = group("UserConsolidatedModifyRequest22", [
  text("userId", [1, 161], "User id of the user to modify.", { target: "userId", required: true, syntax: "userId" }),
  bool("deleteExistingDevices", "Delete the user's devices when its endpoint changes."),
  choice("unassignPhoneNumbers", ["Group", "Service Provider"], "Where to return the user's numbers when they change."),
  bool("addPhoneNumberToGroup", "Add the new phone number to the group first."),
  text("newUserId", [1, 161], "New user id (renames the user).", { syntax: "userId" }),
  ...names(false),
  group("alternateUserIdList", [alternateUserId], "Replacement list of alternate user ids."),
  text("extension", [2, 20], "Extension, 2 to 20 characters.", { target: "extension" }),
  text("callingLineIdPhoneNumber", [1, 23], "Number shown as calling line id.", { target: "callerIdNumber" }),
  secret("oldPassword", [1, 60], "Current web portal password."),
  secret("newPassword", [1, 60], "New web portal password.", { target: "password" }),
  text("language", [1, 40], "Language.", { target: "language" }),
  text("timeZone", [1, 127], "Time zone key.", { target: "timeZone" }),
  group("sipAliasList", [
    text("sipAlias", [1, 161], "SIP alias `user@host`, no `sip:` prefix (at most 3).", { target: "aliases", repeat: 3, syntax: "alias" })
  ], "Replacement list of SIP aliases."),
  ...profile,
  group("userServiceList", [userService("userServiceServiceName")], "Replacement list of user services."),
  group("servicePackList", [servicePack], "Replacement list of service packs."),
  ...thirdPartyVoiceMail,
  text("sipAuthenticationUserName", [1, 80], "SIP authentication user name.", { target: "line.sipUsername" }),
  secret("newSipAuthenticationPassword", [1, 60], "New SIP authentication password.", { target: "line.sipSecret" }),
  secret("OldSipAuthenticationPassword", [1, 60], "Current SIP authentication password (capital O as in the XSD)."),
  secret("newPasscode", [1, 30], "New portal passcode.", { target: "passcode" }),
  secret("oldPasscode", [1, 30], "Current portal passcode."),
  secret("impPassword", [1, 60], "Integrated IMP password."),
  text("newUserExternalId", [1, 36], "New external id of the user.", { target: "externalId" })
], "Modifies a user.")

/** The command tree of an operation. */
export const requestOf = (operation: Operation): Element => (operation === "user.create" ? addRequest : modifyRequest)

/** The root elements a `user.create` sheet row must fill: the schema's plus, as the SDK's documentation table requires, extension and password (spec §5.0). */
export const sheetRequired: Readonly<Record<Operation, ReadonlyArray<string>>> = {
  "user.create": ["serviceProviderId", "groupId", "userId", "lastName", "firstName", "callingLineIdLastName", "callingLineIdFirstName", "extension", "password"],
  "user.modify": ["userId"]
}

/** The root elements the schema itself requires in `UserConsolidatedAddRequest22`. */
export const schemaRequired: ReadonlyArray<string> = ["serviceProviderId", "groupId", "userId", "lastName", "firstName", "callingLineIdLastName", "callingLineIdFirstName"]

/** `user.create.csv` as shipped (spec §2), the second `accessDeviceEndpoint.portNumber` removed. */
export const createTemplate: ReadonlyArray<string> = [
  "operation", "serviceProviderId", "groupId", "userId", "firstName", "lastName", "callingLineIdFirstName", "callingLineIdLastName",
  "hiraganaFirstName", "hiraganaLastName", "phoneNumber", "extension", "callingLineIdPhoneNumber", "password", "language", "timeZone",
  "title", "pagerPhoneNumber", "mobilePhoneNumber", "emailAddress", "yahooId", "addressLocation", "address.addressLine1",
  "address.addressLine2", "address.city", "address.stateOrProvince", "address.zipOrPostalCode", "address.country", "networkClassOfService",
  "accessDeviceEndpoint.accessDevice.deviceName", "accessDeviceEndpoint.accessDevice.deviceLevel", "accessDeviceEndpoint.protocol",
  "accessDeviceEndpoint.deviceType", "accessDeviceEndpoint.portNumber", "accessDeviceEndpoint.status", "accessDeviceEndpoint.transportProtocol",
  "accessDeviceEndpoint.macAddress", "accessDeviceEndpoint.useCustomUserNamePassword", "accessDeviceEndpoint.accessDeviceCredentials.userName",
  "accessDeviceEndpoint.accessDeviceCredentials.password", "accessDeviceEndpoint.linePort", "accessDeviceEndpoint.useHotline",
  "accessDeviceEndpoint.privateIdentity", "accessDeviceEndpoint.contact[0]", "accessDeviceEndpoint.contact[1]", "accessDeviceEndpoint.contact[2]",
  "accessDeviceEndpoint.hotlineContact", "trunkAddressing.trunkGroupDeviceEndpoint.name", "trunkAddressing.trunkGroupDeviceEndpoint.linePort",
  "alias[0]", "alias[1]", "alias[2]", "alternateUserId[0].alternateUserId", "alternateUserId[1].alternateUserId", "alternateUserId[2].alternateUserId",
  "servicePack[0].servicePackName", "servicePack[1].servicePackName", "servicePack[2].servicePackName"
]

/** One leaf of a tree with the path of its first occurrences (`alias[0]`). */
export interface LeafPath {
  readonly path: string
  readonly element: Element
  /** Canonical target with indices (`aliases[0]`, `alternateUserIds[1].id`), or null. */
  readonly target: string | null
}

/**
 * Lists the leaves of a tree as column paths: bounded repeats up to their limit, unbounded ones
 * three times (as the template does); opaque elements have no fixed columns.
 */
export const leafPaths = (root: Element): Array<LeafPath> => {
  const out: Array<LeafPath> = []
  const walk = (element: Element, prefix: string, base: string | null, inItem: boolean) => {
    for (const child of element.children ?? []) {
      if (child.kind === "opaque") continue
      const times = child.repeat === undefined ? 1 : Number.isFinite(child.repeat) ? child.repeat : 3
      for (let i = 0; i < times; i++) {
        const path = `${prefix}${child.name}${child.repeat === undefined ? "" : `[${i}]`}`
        const absolute = child.target === undefined ? null : inItem ? (child.target === "." ? base : `${base}.${child.target}`) : child.target
        if (child.kind === "group") {
          const itemBase = child.repeat !== undefined && absolute !== null ? `${absolute}[${i}]` : base
          walk(child, `${path}.`, itemBase, inItem || (child.repeat !== undefined && absolute !== null))
        } else {
          out.push({ path, element: child, target: absolute === null ? null : child.repeat === undefined ? absolute : `${absolute}[${i}]` })
        }
      }
    }
  }
  walk(root, "", null, false)
  return out
}

const describe = (e: Element): string => {
  switch (e.kind) {
    case "integer": return `integer from ${e.range![0]} to ${e.range![1]}`
    case "boolean": return e.fixed ? "`true` only" : "`true` or `false` (any case)"
    case "choice": return `one of ${e.choices!.map((c) => `\`${c}\``).join(", ")}`
    case "quantity": return "whole number from 1, or `unlimited`"
    case "secret": return `text (secret), ${e.length![0]}-${e.length![1]} characters`
    default: return `text, ${e.length![0]}-${e.length![1]} ${e.bytes ? "bytes" : "characters"}`
  }
}

const column = (leaf: LeafPath, required: boolean, note = ""): Adapter.Column => ({
  header: leaf.path,
  description: `${leaf.element.doc}${note}`,
  type: describe(leaf.element),
  required,
  sensitive: leaf.element.kind === "secret",
  target: leaf.target
})

const operationColumn: Adapter.Column = {
  header: "operation",
  description: "`user.create` or `user.modify`: the request the row becomes.",
  type: "`user.create` or `user.modify`",
  required: true,
  sensitive: false,
  target: null
}

/**
 * The bulk sheet's columns in declaration order: `operation`, the `user.create` template's
 * columns in template order, the other add-request elements in schema order, then the columns
 * only a `user.modify` row has.
 */
export const sheetColumns: ReadonlyArray<Adapter.Column> = (() => {
  const create = leafPaths(addRequest)
  const byPath = new Map(create.map((l) => [l.path, l]))
  const required = new Set(sheetRequired["user.create"])
  const template = createTemplate.slice(1).map((h) => column(byPath.get(h)!, required.has(h)))
  const declared = new Set(createTemplate)
  const others = create.filter((l) => !declared.has(l.path)).map((l) => column(l, false))
  for (const l of create) declared.add(l.path)
  const modify = leafPaths(modifyRequest).filter((l) => !declared.has(l.path)).map((l) => column(l, l.path === "userId", " (user.modify rows)"))
  return [operationColumn, ...template, ...others, ...modify]
})()

/** The catalogue paths the add request carries when written (everything but the never-sent ones). */
export const addCarries: ReadonlyArray<string> = [
  ...new Set(leafPaths(addRequest).flatMap((l) => (l.target === null || l.element.notSent ? [] : [Table.cataloguePath(l.target)])))
]
