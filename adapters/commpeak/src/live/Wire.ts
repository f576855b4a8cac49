/**
 * The wire codecs of CommPeak Dialer's users API: canonical users to and from the JSON of
 * `GET /api/users/`, `POST /api/users` and `PUT /api/users/{id}`.
 *
 * The field lists are CommPeak's Core API reference (/work/shared/specs/commpeak.md §3). POST
 * creates a user with its login, roles, desks and skill groups; names, the virtual extension,
 * language, time zone and 2FA type are only taken by PUT, so a create is two requests
 * ({@link postBody}, then {@link putBody}). Where the reference says nothing (the shape of
 * `roles{}`, the values of `sip_option`, error bodies), the choices are the project's and are
 * listed in docs/live-commpeak.md. The codecs are pure: they neither read nor send anything.
 *
 * API fields without a canonical home (`max_session_time`, `member_all_desks`, ...) are kept in
 * `extras.commpeak` under their API names, so an export written in the `commpeak` dialect
 * keeps them as extra columns and a migration from that file sends them back.
 */
import { Field, Issue, type User } from "@pbxport/core"
import { Redacted } from "effect"

/**
 * One user as `GET /api/users/` lists it (the fields pbxport reads; others are ignored).
 */
export type ApiUser = Readonly<Record<string, unknown>>

/** The dialect id the extras of API-only fields are kept under. */
export const extrasId = "commpeak"

/** How an API-only field is typed on the wire, and which requests take it. */
interface Extra {
  readonly type: "bool" | "int" | "text"
  readonly post: boolean
  readonly put: boolean
}

/**
 * API fields with no canonical field, kept in `extras.commpeak` under these names. `is_clockedin`
 * and `auto_dial` are state the Dialer sets (GET only): exported, never sent.
 */
export const Extras: Readonly<Record<string, Extra>> = {
  member_all_desks: { type: "bool", post: true, put: true },
  use_extended_ip_acl: { type: "bool", post: true, put: true },
  user_route_caller_id: { type: "text", post: true, put: true },
  max_session_time: { type: "int", post: false, put: true },
  max_concurrent_sessions: { type: "int", post: false, put: true },
  is_deleted: { type: "bool", post: false, put: true },
  kerb_username: { type: "text", post: true, put: false },
  is_clockedin: { type: "bool", post: false, put: false },
  auto_dial: { type: "bool", post: false, put: false }
}

/**
 * The canonical paths the PUT request takes, with their API field.
 */
export const PutFields: Readonly<Record<string, string>> = {
  username: "username",
  email: "email",
  enabled: "is_active",
  firstName: "first_name",
  lastName: "last_name",
  "contactCenter.virtualExtension": "virtual_extension",
  extension: "virtual_extension",
  language: "default_language",
  timeZone: "timezone_id",
  "contactCenter.twoFactor": "twofa_type",
  "contactCenter.customUri": "sip_uri",
  "contactCenter.sipMode": "use_webrtc",
  "line.sipSecret": "registration_password"
}

/**
 * The canonical paths the POST request takes, with their API field.
 */
export const PostFields: Readonly<Record<string, string>> = {
  username: "username",
  email: "email",
  password: "password",
  enabled: "is_active",
  "contactCenter.sipMode": "sip_option",
  "contactCenter.customUri": "sip_uri",
  "contactCenter.role": "roles",
  "contactCenter.desks": "desks",
  "contactCenter.skillGroups": "skill_groups"
}

/**
 * Every canonical path the API carries when creating a user (POST then PUT).
 */
export const carries: ReadonlyArray<string> = [...new Set([...Object.keys(PostFields), ...Object.keys(PutFields), "contactCenter.pbxDomain", "contactCenter.pbxDevice"])]

/**
 * The canonical paths an update (`PUT /api/users/{id}`) can change.
 */
export const updates: ReadonlyArray<string> = Object.keys(PutFields)

/** Secrets the API never gives back: a difference in them is never a change to make. */
export const hidden: ReadonlyArray<string> = ["password"]

const text = (v: unknown): string | null | undefined =>
  v === undefined ? undefined : v === null ? null : typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined

/** The ids of a list the API gives as numbers, strings, `{id}` objects, or an `{id: name}` object. */
export const idsOf = (v: unknown): Array<string> => {
  if (Array.isArray(v)) return v.flatMap((item) => {
    const id = item !== null && typeof item === "object" ? (item as Record<string, unknown>).id : item
    const s = text(id)
    return s === null || s === undefined || s === "" ? [] : [s]
  })
  // roles{}: the reference shows an object; read as `{ "<id>": "<name>" }`
  if (v !== null && typeof v === "object") return Object.keys(v)
  return []
}

const bool = (v: unknown): boolean | null | undefined =>
  v === undefined ? undefined : v === null ? null : v === true || v === 1 || v === "1" || v === "true" ? true : v === false || v === 0 || v === "0" || v === "false" ? false : undefined

/**
 * Reads one user of `GET /api/users/` into a canonical user.
 *
 * **Details**
 * The id is the `uuid`; the virtual extension is also the `extension` (as the `commpeak`
 * dialect reads it); `use_webrtc` and `sip_uri` give the SIP mode (`webrtc`, else `custom-uri`
 * with a URI, else `built-in-pbx`); `roles{}` gives the role (its first id: the canonical user
 * has one role); `groups[]` the skill groups; `registration_password` is redacted. Fields the
 * API does not send stay absent.
 */
export const fromApi = (api: ApiUser): User.User => {
  let u: Record<string, unknown> = {}
  const put = (path: string, value: unknown): void => {
    if (value !== undefined) u = Field.set(u as User.User, path, value) as Record<string, unknown>
  }
  put("uuid", text(api.id))
  put("username", text(api.username))
  put("email", text(api.email))
  put("firstName", text(api.first_name))
  put("lastName", text(api.last_name))
  put("enabled", bool(api.is_active))
  put("language", text(api.default_language))
  put("timeZone", text(api.timezone_id))
  const ve = text(api.virtual_extension)
  put("extension", ve)
  put("contactCenter.virtualExtension", ve)
  put("contactCenter.twoFactor", text(api.twofa_type))
  const uri = text(api.sip_uri)
  put("contactCenter.customUri", uri === "" ? null : uri)
  const webrtc = bool(api.use_webrtc)
  if (webrtc !== undefined && webrtc !== null) put("contactCenter.sipMode", webrtc ? "webrtc" : uri ? "custom-uri" : "built-in-pbx")
  if (api.roles !== undefined) {
    const roles = idsOf(api.roles)
    put("contactCenter.role", roles[0] ?? null)
  }
  if (api.desks !== undefined) put("contactCenter.desks", idsOf(api.desks))
  const groups = api.groups ?? api.skill_groups
  if (groups !== undefined) put("contactCenter.skillGroups", idsOf(groups))
  const secret = text(api.registration_password)
  if (secret !== undefined) put("line.sipSecret", secret === null || secret === "" ? null : Redacted.make(secret))
  const extras: Record<string, string> = {}
  for (const name of Object.keys(Extras)) {
    const value = text(api[name])
    if (value !== undefined && value !== null) extras[name] = value
  }
  if (Object.keys(extras).length > 0) u.extras = { [extrasId]: extras }
  return u as User.User
}

/** An API-only field from the extras, typed for the wire; undefined when unusable. */
const extraValue = (name: string, cell: string): unknown => {
  const type = Extras[name]!.type
  if (type === "bool") return bool(cell.trim().toLowerCase())
  if (type === "int") return /^[0-9]+$/.test(cell.trim()) ? Number(cell.trim()) : undefined
  return cell
}

/**
 * A body being built, with the findings about values that cannot be sent.
 */
export interface Body {
  readonly body: Record<string, unknown>
  readonly findings: ReadonlyArray<Issue.Finding>
}

const extrasInto = (user: User.User, body: Record<string, unknown>, findings: Array<Issue.Finding>, request: "post" | "put", secondStep = false): void => {
  const kept = user.extras?.[extrasId] ?? {}
  for (const [name, cell] of Object.entries(kept)) {
    const extra = Extras[name]
    if (extra === undefined || !extra[request] || (secondStep && extra.post)) continue
    if (cell.trim() === "") continue
    const value = extraValue(name, cell)
    if (value === undefined) {
      findings.push(Issue.error(extra.type === "bool" ? "invalid-bool" : "invalid-integer", name, `'${name}' must be ${extra.type === "bool" ? "true or false" : "a whole number"}, not "${cell}"`))
    } else body[name] = value
  }
}

/** A list of CommPeak ids as the API takes them: numbers. */
const numbers = (ids: ReadonlyArray<string>): Array<number | string> => ids.map((id) => (/^[0-9]{1,15}$/.test(id) ? Number(id) : id))

/**
 * Builds the body of `POST /api/users` for one user, with the password to give it (the
 * source's, or a generated one).
 *
 * **Details**
 * `sip_option` is the SIP mode (`webrtc` when none is given, CommPeak's default); a
 * `classic-pbx` user's `sip_uri` is its PBX device (or virtual extension) at its PBX domain, a
 * `custom-uri` user's its URI. `reset_password` is never sent: pbxport hands the password over
 * itself. Roles, desks and skill groups go as lists of numeric ids.
 */
export const postBody = (user: User.User, password: string | undefined): Body => {
  const body: Record<string, unknown> = {}
  const findings: Array<Issue.Finding> = []
  if (Field.isFilled(user.username)) body.username = user.username
  if (Field.isFilled(user.email)) body.email = user.email
  if (password !== undefined) body.password = password
  if (user.enabled !== undefined && user.enabled !== null) body.is_active = user.enabled
  const cc = user.contactCenter
  const mode = cc?.sipMode ?? "webrtc"
  body.sip_option = mode
  if (mode === "custom-uri" && Field.isFilled(cc?.customUri)) body.sip_uri = cc!.customUri
  if (mode === "classic-pbx") {
    const device = Field.isFilled(cc?.pbxDevice) ? cc!.pbxDevice : cc?.virtualExtension ?? user.extension
    if (Field.isFilled(cc?.pbxDomain) && Field.isFilled(device)) body.sip_uri = `${device}@${cc!.pbxDomain}`
  }
  if (Field.isFilled(cc?.role)) body.roles = numbers([cc!.role!])
  if (cc?.desks !== undefined && cc.desks.length > 0) body.desks = numbers(cc.desks)
  if (cc?.skillGroups !== undefined && cc.skillGroups.length > 0) body.skill_groups = numbers(cc.skillGroups)
  extrasInto(user, body, findings, "post")
  return { body, findings }
}

/**
 * Builds the body of `PUT /api/users/{id}` from the fields a user holds: for a create's second
 * step, what POST does not take; for an update, exactly the fields of the change.
 *
 * **Details**
 * A present field is sent (`null` or an empty string clears it); an absent one is not. With
 * `only: "second-step"`, the fields POST already set (username, email, activity, SIP URI) are
 * left out. An update sends the SIP mode as `use_webrtc`.
 */
export const putBody = (user: User.User, only: "second-step" | "all" = "all"): Body => {
  const body: Record<string, unknown> = {}
  const findings: Array<Issue.Finding> = []
  const skip = only === "second-step" ? new Set(["username", "email", "enabled", "contactCenter.customUri", "contactCenter.sipMode"]) : new Set<string>()
  for (const [path, name] of Object.entries(PutFields)) {
    if (skip.has(path)) continue
    const value = Field.get(user, path)
    if (value === undefined) continue
    if (path === "extension" && body.virtual_extension !== undefined) continue
    if (path === "contactCenter.sipMode") {
      // POST sets the mode (sip_option); an update says it as use_webrtc
      if (value !== null && only === "all") body.use_webrtc = value === "webrtc"
      continue
    }
    if (only === "second-step" && (value === null || value === "")) continue
    body[name] = Field.reveal(value)
  }
  extrasInto(user, body, findings, "put", only === "second-step")
  return { body, findings }
}

/**
 * Tells whether a PUT body has anything to send.
 */
export const isEmpty = (body: Body): boolean => Object.keys(body.body).length === 0
