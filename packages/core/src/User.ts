/**
 * The canonical user: every concept the supported platforms carry, in one Effect Schema.
 *
 * Every conversion is source -> canonical -> target, so n platforms need n adapters. Each leaf
 * field is optional and nullable, and the two are different: an absent key means "not given"
 * (a column the file does not have), `null` means "given, and empty" (an empty cell, which on an
 * update clears the value). Lists are never null: an empty list is "given, and empty".
 * Secrets (passwords, SIP secrets, PINs) are `Redacted`, so they print as `<redacted>` in logs,
 * errors and reports; only the data files a conversion writes hold their plain values.
 *
 * The schema is declared through the small builders below, which also record each field's kind
 * and documentation, so {@link Field.catalogue} (and docs/canonical-model.md) is derived from the
 * same declaration and cannot drift from it.
 */
import * as Schema from "effect/Schema"

/**
 * What kind of value a field holds; drives codecs, templates, diffs and documentation.
 */
export type Kind = "text" | "secret" | "flag" | "count" | "choice" | "texts" | "group" | "groups"

/**
 * What the builders record about one declared field.
 */
export interface Declaration {
  readonly kind: Kind
  readonly doc: string
  readonly choices?: ReadonlyArray<string>
  readonly fields?: Schema.Struct.Fields
}

/** Declarations by schema object; filled by the builders, read by Field.ts. */
export const declarations = new WeakMap<object, Declaration>()

const declare = <S extends object>(schema: S, declaration: Declaration): S => {
  declarations.set(schema, declaration)
  return schema
}

const text = (doc: string) => declare(Schema.optionalKey(Schema.NullOr(Schema.String)), { kind: "text", doc })
const secret = (doc: string) =>
  declare(Schema.optionalKey(Schema.NullOr(Schema.Redacted(Schema.String))), { kind: "secret", doc })
const flag = (doc: string) => declare(Schema.optionalKey(Schema.NullOr(Schema.Boolean)), { kind: "flag", doc })
const count = (doc: string) =>
  declare(Schema.optionalKey(Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))), { kind: "count", doc })
const choice = <const L extends ReadonlyArray<string>>(choices: L, doc: string) =>
  declare(Schema.optionalKey(Schema.NullOr(Schema.Literals(choices))), { kind: "choice", doc, choices })
const texts = (doc: string) => declare(Schema.optionalKey(Schema.Array(Schema.String)), { kind: "texts", doc })
const group = <const F extends Schema.Struct.Fields>(fields: F, doc: string) =>
  declare(Schema.optionalKey(Schema.Struct(fields)), { kind: "group", doc, fields })
const groups = <const F extends Schema.Struct.Fields>(fields: F, doc: string) =>
  declare(Schema.optionalKey(Schema.Array(Schema.Struct(fields))), { kind: "groups", doc, fields })

/** Line protocols a platform can give a user's line. */
export const LineProtocols = ["sip", "sccp", "webrtc", "custom"] as const
/** BroadWorks device levels (OCI-P `DeviceLevel`). */
export const DeviceLevels = ["System", "Service Provider", "Group"] as const
/** Transport protocols of a SIP device. */
export const TransportProtocols = ["UDP", "TCP", "TLS", "Unspecified"] as const
/** How a contact-centre agent's calls reach them (CommPeak "SIP Settings"). */
export const SipModes = ["webrtc", "classic-pbx", "custom-uri", "built-in-pbx"] as const
/** Second-factor authentication types (CommPeak `twofa_type`). */
export const TwoFactorTypes = ["default", "disabled", "email", "google"] as const

const Address = {
  line1: text("First street address line."),
  line2: text("Second street address line."),
  city: text("City."),
  stateOrProvince: text("State or province."),
  postalCode: text("ZIP or postal code."),
  country: text("Country.")
}

const Device = {
  name: text("Device name (BroadWorks access device name)."),
  level: choice(DeviceLevels, "Level the device is defined at: System, Service Provider or Group."),
  type: text("Device type (model profile), used when the platform creates the device."),
  protocol: text("Signalling protocol of the device, e.g. `SIP 2.0`."),
  macAddress: text("MAC address, 12 hex digits when normalised."),
  serialNumber: text("Serial number of the device."),
  description: text("Free description of the device."),
  physicalLocation: text("Where the device is."),
  netAddress: text("Host name or IP address of the device."),
  port: count("SIP port of the device (1025-65535 on BroadWorks)."),
  portNumber: count("Port number of the line on the device (1-1024 on BroadWorks)."),
  transport: choice(TransportProtocols, "Transport protocol: UDP, TCP, TLS or Unspecified."),
  outboundProxy: text("Outbound proxy server address."),
  stunServer: text("STUN server address."),
  linePort: text("Line/port identity of the user on the device (user@host)."),
  privateIdentity: text("Private (IMS) identity of the line."),
  contacts: texts("SIP contacts of the line, without a `sip:` prefix."),
  useCustomCredentials: flag("Whether the device uses its own user name and password."),
  credentialsUserName: text("Device management user name."),
  credentialsPassword: secret("Device management password."),
  useHotline: flag("Whether the line is a hotline."),
  hotlineContact: text("Hotline destination (SIP URI without `sip:`)."),
  status: text("Device status as some templates carry it (not sent to BroadWorks).")
}

const Trunk = {
  group: text("Trunk group name."),
  linePort: text("Line/port identity of the user on the trunk group (user@host)."),
  contacts: texts("SIP contacts of the trunk endpoint."),
  enterpriseTrunk: text("Enterprise trunk name."),
  alternateIdentity: text("Alternate trunk identity."),
  alternateIdentityDomain: text("Domain of the alternate trunk identity."),
  physicalLocation: text("Physical location of the trunk endpoint.")
}

/**
 * The canonical user.
 */
export const User = Schema.Struct({
  // identity
  uuid: text("The platform's own unique id of the user (Wazo uuid, CommPeak id); the key of updates."),
  userId: text("BroadWorks user id, `user@domain`."),
  externalId: text("External id of the user (BroadWorks userExternalId)."),
  firstName: text("First name."),
  lastName: text("Last name."),
  callerIdFirstName: text("First name shown as calling line id."),
  callerIdLastName: text("Last name shown as calling line id."),
  phoneticFirstName: text("Phonetic (hiragana) first name."),
  phoneticLastName: text("Phonetic (hiragana) last name."),
  dialingFirstName: text("First name used by name dialling."),
  dialingLastName: text("Last name used by name dialling."),
  email: text("Email address."),
  username: text("Login user name (Wazo auth user, CommPeak username, XiVO CTI login)."),
  password: secret("Login (web portal / auth) password."),
  passcode: secret("Portal passcode (BroadWorks)."),
  language: text("Language as the source wrote it (Wazo `fr_FR`, BroadWorks `French`, CommPeak `en_US`)."),
  timeZone: text("Time zone key, e.g. `America/New_York`."),
  title: text("Job title."),
  mobilePhone: text("Mobile phone number."),
  pagerPhone: text("Pager phone number."),
  yahooId: text("Instant-messaging id (BroadWorks yahooId)."),
  addressLocation: text("Free text location (BroadWorks addressLocation)."),
  address: group(Address, "Street address."),
  department: text("Department name."),
  userField: text("Free field for the administrator's own use (Wazo userfield)."),
  // placement
  serviceProviderId: text("BroadWorks service provider (enterprise) id."),
  groupId: text("BroadWorks group id."),
  tenant: text("Tenant (Wazo tenant, CommPeak tenant)."),
  entityId: text("XiVO entity id (removed in Wazo 19.05)."),
  context: text("Dialplan context of the line and its extension (Wazo)."),
  // numbers
  extension: text("Internal extension."),
  directoryNumber: text("Directory number (DID / BroadWorks phoneNumber)."),
  callerIdNumber: text("Number presented as calling line id."),
  outgoingCallerId: text("Outgoing caller id as the platform writes it (Wazo outgoing_caller_id)."),
  // line
  line: group(
    {
      protocol: choice(LineProtocols, "Line protocol: sip, sccp, webrtc or custom."),
      sipUsername: text("SIP authentication user name."),
      sipSecret: secret("SIP authentication secret."),
      provisioningCode: text("Provisioning code of the line (exported by Wazo, not importable)."),
    },
    "The user's main line."
  ),
  device: group(Device, "Access device endpoint (BroadWorks); exclusive with `trunk`."),
  trunk: group(Trunk, "Trunk group endpoint (BroadWorks trunk addressing); exclusive with `device`."),
  voicemail: group(
    {
      name: text("Voicemail box name."),
      number: text("Voicemail box number."),
      context: text("Voicemail context."),
      pin: secret("Voicemail PIN (password)."),
      email: text("Email address voicemail is sent to."),
      attachAudio: flag("Attach the audio to the email."),
      deleteAfterEmail: flag("Delete messages once emailed."),
      askPassword: flag("Ask for the PIN when consulting."),
    },
    "Voicemail box."
  ),
  incalls: groups(
    {
      did: text("Incoming number (DID)."),
      context: text("Incoming-call context."),
      ringSeconds: count("Seconds the incoming call rings the user.")
    },
    "Incoming calls (DIDs) routed to the user."
  ),
  cti: group(
    {
      enabled: flag("CTI client enabled (XiVO cti_profile_enabled)."),
      profile: text("CTI profile name."),
    },
    "CTI (XiVO-era client) settings."
  ),
  callPermissions: texts("Names of call permissions granted to the user."),
  callPermissionPassword: secret("Password that unlocks call permissions."),
  contactCenter: group(
    {
      role: text("Role (CommPeak role id)."),
      desks: texts("Desks (CommPeak desk ids)."),
      skillGroups: texts("Skill groups (CommPeak skill group ids)."),
      tags: texts("Tags."),
      virtualExtension: text("Virtual extension in the dialer."),
      sipMode: choice(SipModes, "How calls reach the agent: webrtc, classic-pbx, custom-uri or built-in-pbx."),
      pbxDomain: text("PBX domain for classic-pbx mode."),
      pbxDevice: text("PBX device (extension) for classic-pbx mode."),
      customUri: text("SIP URI for custom-uri mode (user@domain)."),
      twoFactor: choice(TwoFactorTypes, "Second-factor authentication: default, disabled, email or google."),
    },
    "Contact-centre (dialer) settings."
  ),
  callHandling: group(
    {
      ringSeconds: count("Seconds a call rings the user."),
      simultaneousCalls: count("Simultaneous calls allowed."),
      supervision: flag("Supervision (BLF) enabled."),
      transfer: flag("Call transfer enabled."),
      dtmfHangup: flag("Hang up by DTMF enabled."),
      recordOutgoingExternal: flag("Record outgoing external calls."),
      recordOutgoingInternal: flag("Record outgoing internal calls."),
      recordIncomingExternal: flag("Record incoming external calls."),
      recordIncomingInternal: flag("Record incoming internal calls."),
      onlineRecording: flag("On-demand (online) call recording enabled."),
      subscriptionType: count("Subscription type (Wazo, 0-10).")
    },
    "Call handling settings."
  ),
  aliases: texts("SIP aliases (user@host)."),
  alternateUserIds: groups(
    { id: text("Alternate user id."), description: text("Its description.") },
    "Alternate user ids."
  ),
  servicePacks: texts("Service pack names."),
  userServices: texts("User service names."),
  networkClassOfService: text("Network class of service."),
  enabled: flag("Whether the user is enabled."),
  extras: Schema.optionalKey(Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.String))).annotate({
    description:
      "Cells of a source dialect that have no canonical home, by dialect id then column name, so that reading and writing the same dialect loses nothing."
  })
})

/**
 * A canonical user.
 */
export type User = typeof User.Type

/**
 * Checks a value against the canonical schema; returns the error text or undefined.
 */
export const check = (value: unknown): string | undefined => {
  const result = Schema.decodeUnknownExit(User, { errors: "all", onExcessProperty: "error" })(value)
  return result._tag === "Success" ? undefined : String(result.cause)
}
