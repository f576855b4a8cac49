/**
 * The column tables of the Wazo and XiVO dialects: header, canonical target, cell codec, Wazo's
 * internal field name (the key of its messages), checks and nullability, declared once.
 *
 * The import columns and their rules come from wazo-confd's `user_import` plugin and the
 * schemas it calls (docs/dialects/wazo.md cites each); the export order from
 * `wazo_confd/database/user_export.py`; the XiVO columns from the XiVO-era documentation.
 */
import { Codec, Issue } from "@pbxport/core"
import * as Cells from "./cells.js"

/**
 * One column of a Wazo or XiVO dialect.
 */
export interface WazoColumn {
  readonly header: string
  /** The canonical path, or null for a column handled by the dialect itself. */
  readonly target: string | null
  /** The path declared to readers of the contract when `target` is null (`incalls[].did`). */
  readonly carries?: string
  readonly description: string
  /** What the cells hold, for people. */
  readonly type: string
  // a table mixes codecs of several value types
  readonly codec: Codec.Codec<any>
  /** Wazo's internal field name, the key of its schema messages (`number` for voicemail_number). */
  readonly key: string
  readonly checks?: ReadonlyArray<Cells.Check>
  /**
   * When an empty cell is refused: on create and update (`always`), when a voicemail is being
   * created and on update (`voicemail`), or on update only (`update`, the non-nullable schema).
   */
  readonly notNull?: "always" | "voicemail" | "update"
  readonly required?: boolean
}

const text = Codec.text
const secret = Codec.secret
const bool = Cells.bool

const col = (header: string, target: string | null, codec: Codec.Codec<any>, type: string, description: string, more: Partial<WazoColumn> = {}): WazoColumn => ({
  header,
  target,
  codec,
  type,
  description,
  key: header,
  ...more
})

const flag = (header: string, target: string, description: string, more: Partial<WazoColumn> = {}) =>
  col(header, target, bool, "`1` or `0`", description, more)

const LANGUAGE = /^[a-z]{2}_[A-Z]{2}$/

/** Line protocols Wazo's import creates a line for. */
export const IMPORTED_PROTOCOLS = ["sip", "sccp", "webrtc"] as const

const importProtocol = Cells.protocol(["sip", "sccp", "webrtc", "custom"], IMPORTED_PROTOCOLS, " (Wazo creates no line for other values, and refuses an exten with them: Input Error - 'line_protocol' must be one of (sip, webrtc, sccp))")

/**
 * The columns of `POST /users/import`, in the order pbxport writes them.
 */
export const importColumns: ReadonlyArray<WazoColumn> = [
  col("firstname", "firstName", text, "text, at most 128 characters", "First name; required.", { checks: [Cells.maxLength("firstname", 128)], required: true, notNull: "update" }),
  col("lastname", "lastName", text, "text, at most 128 characters", "Last name.", { checks: [Cells.maxLength("lastname", 128)] }),
  col("email", "email", text, "email address, at most 254 characters", "Email address; unique among all Wazo users, compared without case.", {
    checks: [Cells.email("email"), Cells.maxLength("email", 254)]
  }),
  col("language", "language", text, "`xx_XX`, e.g. `fr_FR`", "Language: two lower-case letters, `_`, two upper-case letters.", {
    checks: [Cells.pattern("language", LANGUAGE, "a language such as fr_FR or en_US (two lower-case letters, '_', two upper-case letters)")]
  }),
  col("outgoing_caller_id", "outgoingCallerId", text, "text, at most 80 characters", "Caller id presented on outgoing calls.", { checks: [Cells.maxLength("outgoing_caller_id", 80)] }),
  col("mobile_phone_number", "mobilePhone", text, "digits, `*`, `#`, optional leading `+`; at most 80", "Mobile phone number.", {
    checks: [Cells.pattern("mobile_phone_number", /^\+?[0-9*#]+$/, "digits, '*' or '#', optionally after one leading '+'"), Cells.maxLength("mobile_phone_number", 80)]
  }),
  col("call_permission_password", "callPermissionPassword", secret, "1 to 16 digits, `*` or `#`", "Password that overrides the passwords of the user's call permissions.", {
    checks: [Cells.pattern("call_permission_password", /^[0-9#*]{1,16}$/, "1 to 16 digits, '*' or '#'")]
  }),
  col("userfield", "userField", text, "text, at most 128 characters", "Free field for the administrator.", { checks: [Cells.maxLength("userfield", 128)] }),
  flag("enabled", "enabled", "Whether the user is enabled (default 1).", { notNull: "update" }),
  flag("supervision_enabled", "callHandling.supervision", "Supervision enabled (default 1).", { notNull: "update" }),
  flag("call_transfer_enabled", "callHandling.transfer", "Call transfer by DTMF enabled (default 0).", { notNull: "update" }),
  flag("dtmf_hangup_enabled", "callHandling.dtmfHangup", "Hang up by DTMF enabled (default 0).", { notNull: "update" }),
  flag("call_record_outgoing_external_enabled", "callHandling.recordOutgoingExternal", "Record outgoing external calls (default 0); may not be empty.", { notNull: "always" }),
  flag("call_record_outgoing_internal_enabled", "callHandling.recordOutgoingInternal", "Record outgoing internal calls (default 0); may not be empty.", { notNull: "always" }),
  flag("call_record_incoming_external_enabled", "callHandling.recordIncomingExternal", "Record incoming external calls (default 0); may not be empty.", { notNull: "always" }),
  flag("call_record_incoming_internal_enabled", "callHandling.recordIncomingInternal", "Record incoming internal calls (default 0); may not be empty.", { notNull: "always" }),
  flag("online_call_record_enabled", "callHandling.onlineRecording", "On-demand call recording enabled (default 0).", { notNull: "update" }),
  col("ring_seconds", "callHandling.ringSeconds", Cells.integer("ring_seconds", 0, 10800, true), "integer from 0 to 10800", "Seconds a call rings the user (default 30).", { notNull: "update" }),
  col("simultaneous_calls", "callHandling.simultaneousCalls", Cells.integer("simultaneous_calls", 1, 20, true), "integer from 1 to 20", "Simultaneous calls (default 5).", { notNull: "update" }),
  col("subscription_type", "callHandling.subscriptionType", Cells.integer("subscription_type", 0, 10, true), "integer from 0 to 10", "Subscription type (default 0); may not be empty.", { notNull: "always" }),
  col("username", "username", text, "2 to 254 of `a-zA-Z0-9-._~!$&'()*+,;=%@`", "Login of the wazo-auth user (default: the email, else the uuid); unique.", {
    checks: [Cells.pattern("username", /^[a-zA-Z0-9\-._~!$&'()*+,;=%@]{2,254}$/, "2 to 254 letters a-z, A-Z, digits or -._~!$&'()*+,;=%@")]
  }),
  col("password", "password", secret, "4 to 64 of `a-zA-Z0-9-._~!$&'()*+,;=%`", "Password of the wazo-auth user (never exported).", {
    checks: [Cells.pattern("password", /^[a-zA-Z0-9\-._~!$&'()*+,;=%]{4,64}$/, "4 to 64 letters a-z, A-Z, digits or -._~!$&'()*+,;=% (no '@', no space)")]
  }),
  col("line_protocol", "line.protocol", importProtocol, "`sip`, `sccp` or `webrtc`", "Protocol of the line; a line is created when a context is given too."),
  col("context", "context", text, "context name", "Context of the line and of its extension; must exist in the tenant."),
  col("sip_username", "line.sipUsername", text, "1 to 79 of `a-zA-Z0-9-_.`", "SIP user name (and endpoint name); random when empty; an existing endpoint with this user name is reused.", {
    key: "name",
    checks: [Cells.sectionName("name")]
  }),
  col("sip_secret", "line.sipSecret", secret, "text", "SIP secret; random when empty."),
  col("exten", "extension", text, "1 to 40 digits, `*`, `#`, or an `_` pattern", "Internal extension; needs a context and a line protocol.", { checks: [Cells.exten] }),
  col("incall_exten", "incalls[0].did", text, "1 to 40 digits, `*`, `#`, or an `_` pattern", "Incoming number (DID) routed to the user.", { key: "exten", checks: [Cells.exten] }),
  col("incall_context", "incalls[0].context", text, "context name", "Context of the incoming number (an `incall` context)."),
  col("incall_ring_seconds", "incalls[0].ringSeconds", Cells.integer("ring_seconds", 0, Cells.INT32, false), "integer", "Seconds the incoming call rings the user."),
  col("voicemail_name", "voicemail.name", text, "text, at most 80 characters", "Voicemail name; required with a voicemail.", { key: "name", notNull: "voicemail", checks: [Cells.maxLength("name", 80)] }),
  col("voicemail_number", "voicemail.number", text, "1 to 40 digits", "Voicemail number; required with a voicemail.", {
    key: "number",
    notNull: "voicemail",
    checks: [Cells.pattern("number", /^[0-9]{1,40}$/, "1 to 40 digits")]
  }),
  col("voicemail_context", "voicemail.context", text, "context name", "Voicemail context; required with a voicemail.", { key: "context", notNull: "voicemail" }),
  col("voicemail_password", "voicemail.pin", secret, "1 to 80 digits", "Voicemail PIN.", {
    key: "password",
    checks: [Cells.pattern("password", /^[0-9]{1,80}$/, "1 to 80 digits, no '#' (XiVO accepted it, Wazo does not)")]
  }),
  col("voicemail_email", "voicemail.email", text, "text, at most 80 characters", "Address new messages are sent to.", { key: "email", checks: [Cells.maxLength("email", 80)] }),
  flag("voicemail_attach_audio", "voicemail.attachAudio", "Attach the audio to the email.", { key: "attach_audio" }),
  flag("voicemail_delete_messages", "voicemail.deleteAfterEmail", "Delete messages once emailed; needs voicemail_email and voicemail_attach_audio = 1.", {
    key: "delete_messages",
    notNull: "voicemail"
  }),
  flag("voicemail_ask_password", "voicemail.askPassword", "Ask for the PIN (default 1).", { key: "ask_password", notNull: "voicemail" }),
  col("call_permissions", "callPermissions", Codec.list(";"), "names separated by `;`", "Names of call permissions of the tenant; an empty cell is no permission.")
]

const byHeader = new Map(importColumns.map((c) => [c.header, c]))

/** An import column by header. */
export const importColumn = (header: string): WazoColumn => byHeader.get(header)!

/**
 * The columns of `GET /users/export`, in Wazo's exact order (39 columns).
 */
export const EXPORT_ORDER = [
  "uuid", "subscription_type", "firstname", "lastname", "email", "mobile_phone_number",
  "outgoing_caller_id", "language", "call_permission_password", "enabled", "ring_seconds",
  "simultaneous_calls", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled",
  "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled",
  "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled",
  "online_call_record_enabled", "userfield", "voicemail_name", "voicemail_number",
  "voicemail_context", "voicemail_password", "voicemail_email", "voicemail_attach_audio",
  "voicemail_delete_messages", "voicemail_ask_password", "line_protocol", "provisioning_code",
  "context", "sip_username", "sip_secret", "exten", "incall_exten", "incall_context",
  "call_permissions", "username"
] as const

/** Line protocols Wazo's export writes (`sip` covers webrtc lines). */
export const EXPORTED_PROTOCOLS = ["sip", "sccp", "custom"] as const

const uuid = col("uuid", "uuid", text, "user uuid", "The user's uuid.", { required: true })

/**
 * The export columns: the import columns' codecs, without their checks (an export holds what
 * Wazo stored, which an older release may have accepted), plus uuid and provisioning code;
 * the incall columns are parallel `;` lists the dialect reads itself.
 */
export const exportColumns: ReadonlyArray<WazoColumn> = EXPORT_ORDER.map((header): WazoColumn => {
  switch (header) {
    case "uuid":
      return uuid
    case "provisioning_code":
      return col("provisioning_code", "line.provisioningCode", text, "digits", "Provisioning code of the main line (not importable).")
    case "line_protocol":
      return col("line_protocol", "line.protocol", Cells.protocol(["sip", "sccp", "webrtc", "custom"], EXPORTED_PROTOCOLS, " (Wazo's export writes webrtc lines as sip)"), "`sip`, `sccp` or `custom`", "Protocol of the main line; `sip` also for webrtc lines.")
    case "incall_exten":
      return col("incall_exten", null, text, "DIDs separated by `;`", "Incoming numbers routed to the user, parallel to incall_context.", { carries: "incalls[].did" })
    case "incall_context":
      return col("incall_context", null, text, "contexts separated by `;`", "Contexts of the incoming numbers, parallel to incall_exten.", { carries: "incalls[].context" })
    default: {
      const c = importColumn(header)
      return { ...c, checks: [], notNull: undefined, required: false, description: c.description.replace(/; required\.$|; may not be empty\.$/, ".") } as WazoColumn
    }
  }
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Whether a uuid names a user is the server's knowledge (and `uuid` is also the key of other
// platforms), so an odd-looking one is a warning, not an error.
const uuidShape: Cells.Check = (cell, column) =>
  UUID.test(cell)
    ? undefined
    : Issue.warning("invalid-format", column, `'${column}' ${Cells.show(cell)} does not look like a Wazo user uuid (such as 6d1c0f2a-8d4e-4b7a-9c1e-0a2b3c4d5e6f), so it probably names no user (Wazo: Resource Not Found - UserFeatures was not found)`)

/** The column of a `wazo-update` file that names the user to update. */
export const updateKey: WazoColumn = col("uuid", "uuid", text, "user uuid", "The uuid of the user to update; required.", {
  required: true,
  checks: [uuidShape]
})

/** The columns of a `wazo-update` file: uuid, then the import columns (firstname not required). */
export const updateColumns: ReadonlyArray<WazoColumn> = [
  updateKey,
  ...importColumns.map((c) => (c.header === "firstname" ? { ...c, required: false, description: "First name." } : c))
]

/** The languages the XiVO web interface offered. */
export const XIVO_LANGUAGES = ["de_DE", "en_US", "es_ES", "fr_FR", "fr_CA"] as const

const xivoLanguage: Codec.Codec<string> = {
  describe: XIVO_LANGUAGES.map((l) => `\`${l}\``).join(", "),
  decode: (cell, column) =>
    (XIVO_LANGUAGES as ReadonlyArray<string>).includes(cell)
      ? { value: cell }
      : Issue.error("invalid-choice", column, `'${column}' must be one of ${XIVO_LANGUAGES.join(", ")} (the languages XiVO offers), not ${Cells.show(cell)}`),
  encode: (value) => value
}

const xivo = (header: string, more: Partial<WazoColumn>): WazoColumn => ({ ...importColumn(header), checks: [], notNull: undefined, ...more })

/**
 * The columns of the XiVO-era import (the seed document), in its order.
 */
export const xivoColumns: ReadonlyArray<WazoColumn> = [
  col("entity_id", "entityId", Cells.digits, "integer", "Entity id (Configuration > Management > Entities); required.", { required: true }),
  xivo("firstname", {}),
  xivo("lastname", {}),
  xivo("email", {}),
  col("language", "language", xivoLanguage, "`de_DE`, `en_US`, `es_ES`, `fr_FR` or `fr_CA`", "Language, one of the five XiVO offers."),
  xivo("mobile_phone_number", {}),
  xivo("outgoing_caller_id", {}),
  xivo("enabled", {}),
  xivo("supervision_enabled", {}),
  xivo("call_transfer_enabled", {}),
  xivo("dtmf_hangup_enabled", {}),
  xivo("simultaneous_calls", { codec: Cells.integer("simultaneous_calls", 0, Cells.INT32, false), type: "integer" }),
  xivo("ring_seconds", { codec: Cells.integer("ring_seconds", 0, Cells.INT32, false), type: "integer, a multiple of 5", description: "Seconds a call rings the user; a multiple of 5." }),
  xivo("call_permission_password", {}),
  flag("cti_profile_enabled", "cti.enabled", "Activates the XiVO Client account of the user."),
  xivo("username", { description: "XiVO Client login; required when cti_profile_enabled is 1.", type: "text" }),
  xivo("password", { description: "XiVO Client password; required when cti_profile_enabled is 1.", type: "text" }),
  col("cti_profile_name", "cti.profile", text, "profile name", "XiVO Client profile (Services > CTI server > Profiles); required when cti_profile_enabled is 1."),
  xivo("exten", { description: "Number for calling the user, inside the context's range." }),
  xivo("context", {}),
  col("line_protocol", "line.protocol", Cells.protocol(["sip", "sccp"], ["sip", "sccp"], " (XiVO has sip and sccp lines; webrtc came with Wazo 20.05: write --to wazo)"), "`sip` or `sccp`", "Line protocol."),
  xivo("sip_username", {}),
  xivo("sip_secret", {}),
  xivo("incall_exten", {}),
  xivo("incall_context", {}),
  xivo("incall_ring_seconds", {}),
  xivo("voicemail_name", {}),
  xivo("voicemail_number", {}),
  xivo("voicemail_context", {}),
  xivo("voicemail_password", {
    type: "digits or `#`",
    checks: [Cells.pattern("", /^[0-9#]+$/, "a sequence of digits or '#'", "XiVO: voicemail_password is a sequence of digits or #")]
  }),
  xivo("voicemail_email", {}),
  xivo("voicemail_attach_audio", {}),
  xivo("voicemail_delete_messages", { description: "Delete messages once emailed." }),
  xivo("voicemail_ask_password", {}),
  xivo("call_permissions", {})
]
