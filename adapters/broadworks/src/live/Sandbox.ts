/**
 * A local OCI-P server that behaves as BroadWorks does for user provisioning, for rehearsals and
 * tests (`pbxport sandbox broadworks`).
 *
 * What it does, from /work/shared/specs/broadworks.md §5, §6 and the R25 XSD:
 * - frames documents on `</BroadsoftDocument>`, reads and writes ISO-8859-1, answers the commands
 *   of a document in order in one document (at most 15 commands, `OCISchemaBASE.xsd`);
 * - logs in with a nonce (`AuthenticationRequest`, `LoginRequest14sp4` with the signed password)
 *   or, over TLS only, `LoginRequest22V5`; a wrong password is `[Error 4962] Invalid password`
 *   (the text the spec records); every other command before a login is refused;
 * - checks `UserConsolidatedAddRequest22` as a schema-validating server would: element order,
 *   unknown and repeated elements, then the facets (lengths, ranges, choices, required children),
 *   through the same element table the writer uses; then the group exists, the user id, the
 *   number and the extension in the group are free;
 * - answers `UserGetListInGroupRequest` (a `userTable`), `UserGetRequest22` (only what BroadWorks
 *   shows: never a password, a device's attributes or its services), `UserModifyRequest22`;
 * - faults for tests: latency per document, and dropping the connection right after applying a
 *   chosen command, before answering (the answer is lost, the change is not).
 *
 * The error codes other than 4962 are the sandbox's own (spec §10: no public source records the
 * real texts for user add); their shape is the real one: `[Error N] summary`, and a detail.
 */
import { randomBytes } from "node:crypto"
import * as net from "node:net"
import * as tls from "node:tls"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import { build, type Entry, type Step, toUser } from "../command.js"
import { addRequest, type Element as Schema, schemaRequired } from "../columns.js"
import { check } from "../rules.js"
import * as Ocip from "./Ocip.js"
import * as Xml from "./Xml.js"

/** A group the sandbox has. */
export interface Group {
  readonly serviceProviderId: string
  readonly groupId: string
  /** The domain of its users' ids and default aliases. */
  readonly domain: string
}

/** An administrator who may log in. */
export interface Account {
  readonly username: string
  readonly password: string
}

/** Faults to inject, for tests; changeable while the server runs. */
export interface Faults {
  /** Milliseconds added before answering each document. */
  latency: number
  /**
   * Numbers of applied changes (creates and modifies, counted from 1 over the server's life) after
   * which the connection is dropped instead of answered.
   */
  dropAfter: Set<number>
  /**
   * Called around each change (create or modify), numbered from 1: `received` before it is
   * applied, `applied` after, both before the answer goes out (tests kill the client there).
   */
  hook?: (change: number, phase: "received" | "applied") => void | Promise<void>
  /** Called with every command received after the login, in order (tests look at what was sent). */
  seen?: (command: Ocip.Command) => void
}

/** How to start a sandbox. */
export interface Options {
  readonly port?: number
  /** A TLS key and certificate: the server then speaks OCI-P over TLS. */
  readonly tls?: { readonly key: string; readonly cert: string }
  readonly accounts: ReadonlyArray<Account>
  readonly groups: ReadonlyArray<Group>
  readonly latency?: number
  /** Users to start with (a state saved by {@link Server.snapshot}). */
  readonly users?: ReadonlyArray<Stored>
  /** Called with every user after each change (to keep a state file). */
  readonly onChange?: (users: ReadonlyArray<Stored>) => void
}

/** A user as the sandbox holds it. */
export interface Stored {
  readonly serviceProviderId: string
  readonly groupId: string
  readonly user: User.User
}

/** A running sandbox. */
export interface Server {
  readonly port: number
  readonly faults: Faults
  /** Users by user id. */
  readonly users: ReadonlyMap<string, Stored>
  /** Documents and commands received, the most commands in one document, changes applied, sessions (total and most at once). */
  readonly stats: { documents: number; commands: number; largest: number; applied: number; sessions: number; peakSessions: number }
  readonly snapshot: () => ReadonlyArray<Stored>
  readonly close: () => Promise<void>
}

const fault = (code: number, summary: string, detail?: string): string =>
  `  <command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns="">${Ocip.leaf("errorCode", String(code))}${Ocip.leaf("summary", `[Error ${code}] ${summary}`)}${Ocip.leaf("summaryEnglish", `[Error ${code}] ${summary}`)}${detail === undefined ? "" : Ocip.leaf("detail", detail)}</command>\n`
const success = (): string => `  <command echo="" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>\n`
const answer = (type: string, children: ReadonlyArray<string>): string => `  <command echo="" xsi:type="${type}" xmlns="">${children.join("")}</command>\n`

/**
 * Reads a command element against its schema tree, in order: an element out of schema order, an
 * unknown one or one repeated too often is a validation error, as on a schema-validating server.
 */
const readOrdered = (xml: Xml.Element, schema: Schema, path: string, entries: Array<Entry>, prefix: ReadonlyArray<Step>, errors: Array<string>): void => {
  let last = -1
  const seen = new Map<string, number>()
  for (const c of xml.children) {
    const at = schema.children?.findIndex((s) => s.name === c.name) ?? -1
    const where = `${path}${c.name}`
    if (at < 0) {
      errors.push(`'${where}' is not an element of ${schema.name} here`)
      continue
    }
    const element = schema.children![at]!
    if (at < last) errors.push(`'${where}' is out of schema order (it comes before '${path}${schema.children![last]!.name}')`)
    const n = seen.get(c.name) ?? 0
    if (n >= (element.repeat ?? 1)) errors.push(`'${where}' occurs more than ${element.repeat ?? 1} time${(element.repeat ?? 1) === 1 ? "" : "s"}`)
    seen.set(c.name, n + 1)
    last = Math.max(last, at)
    if (element.kind === "opaque") continue
    const step: Step = element.repeat === undefined ? { name: c.name } : { name: c.name, index: n }
    const here = `${where}${element.repeat === undefined ? "" : `[${n}]`}`
    if (element.kind === "group") readOrdered(c, element, `${here}.`, entries, [...prefix, step], errors)
    else if (element.kind === "quantity") entries.push({ steps: [...prefix, step], text: Xml.textOf(c, "quantity") ?? (Xml.textOf(c, "unlimited") === "true" ? "unlimited" : ""), at: here })
    else entries.push({ steps: [...prefix, step], text: c.text.replace(/\s+/g, " ").trim(), at: here })
  }
}

/**
 * Starts a sandbox on 127.0.0.1.
 */
export const start = async (options: Options): Promise<Server> => {
  const users = new Map<string, Stored>((options.users ?? []).map((s) => [s.user.userId!, s]))
  const groups = new Map(options.groups.map((g) => [`${g.serviceProviderId}\u0000${g.groupId}`, g]))
  const accounts = new Map(options.accounts.map((a) => [a.username, a.password]))
  const faults: Faults = { latency: options.latency ?? 0, dropAfter: new Set() }
  const stats = { documents: 0, commands: 0, largest: 0, applied: 0, sessions: 0, peakSessions: 0 }
  const sockets = new Set<net.Socket>()
  const secure = options.tls !== undefined

  // indexes of the values that must be free: extensions per group, numbers system-wide
  const extensions = new Map<string, string>()
  const numbers = new Map<string, string>()
  const extensionKey = (s: { serviceProviderId: string; groupId: string }, extension: string) => `${s.serviceProviderId}\u0000${s.groupId}\u0000${extension}`
  const put = (stored: Stored) => {
    const previous = users.get(stored.user.userId!)
    if (previous?.user.extension) extensions.delete(extensionKey(previous, previous.user.extension))
    if (previous?.user.directoryNumber) numbers.delete(previous.user.directoryNumber)
    users.set(stored.user.userId!, stored)
    if (stored.user.extension) extensions.set(extensionKey(stored, stored.user.extension), stored.user.userId!)
    if (stored.user.directoryNumber) numbers.set(stored.user.directoryNumber, stored.user.userId!)
  }
  for (const s of Array.from(users.values())) put(s)
  const taken = (g: Group, extension: string, except?: string): string | undefined => {
    const owner = extensions.get(extensionKey(g, extension))
    return owner === except ? undefined : owner
  }

  const add = (element: Xml.Element): { reply: string; applied: boolean } => {
    const entries: Array<Entry> = []
    const errors: Array<string> = []
    readOrdered(element, addRequest, "", entries, [], errors)
    if (errors.length > 0) return { reply: fault(18011, "OCI XML Request validation error(s)", errors.join("; ")), applied: false }
    const doc = build(entries, (steps) => steps.map((s) => s.name).join("."))
    const checked = check(doc, addRequest, { required: schemaRequired, why: "by UserConsolidatedAddRequest22", source: () => undefined, spell: (p) => p, sheet: false })
    const bad = checked.findings.filter((f) => f.severity === "error")
    if (bad.length > 0) return { reply: fault(18011, "OCI XML Request validation error(s)", bad.map((f) => f.message).join("; ")), applied: false }
    const user = toUser(doc, addRequest, (p) => p, checked.rewritten).user
    const group = groups.get(`${user.serviceProviderId}\u0000${user.groupId}`)
    if (group === undefined) return { reply: fault(4004, `Group not found: ${user.groupId}`, `service provider ${user.serviceProviderId} has no group ${user.groupId}`), applied: false }
    if (users.has(user.userId!)) return { reply: fault(4200, `User already exists: ${user.userId}`), applied: false }
    if (!user.userId!.includes("@")) return { reply: fault(4207, `Invalid user id: ${user.userId}`, "a user id is user@domain"), applied: false }
    if (user.extension && taken(group, user.extension)) {
      return { reply: fault(4202, `Extension already assigned: ${user.extension}`, `the extension is used by ${taken(group, user.extension)}`), applied: false }
    }
    if (user.directoryNumber && numbers.has(user.directoryNumber)) {
      return { reply: fault(4203, `Phone number already assigned: ${user.directoryNumber}`), applied: false }
    }
    // group password rules: the default BroadWorks policy asks for 6 characters at least
    if (user.password !== undefined && user.password !== null && Redacted.value(user.password).length < 6) {
      return { reply: fault(4962, "Invalid password", "the password does not meet the group's password rules: at least 6 characters"), applied: false }
    }
    put({ serviceProviderId: group.serviceProviderId, groupId: group.groupId, user })
    return { reply: success(), applied: true }
  }

  const modify = (element: Xml.Element): { reply: string; applied: boolean } => {
    const userId = Xml.textOf(element, "userId") ?? ""
    const stored = users.get(userId)
    if (stored === undefined) return { reply: fault(4008, `User not found: ${userId}`), applied: false }
    const next = applyModify(stored.user, element)
    if (typeof next === "string") return { reply: fault(18011, "OCI XML Request validation error(s)", next), applied: false }
    const group = groups.get(`${stored.serviceProviderId}\u0000${stored.groupId}`)!
    if (next.extension && next.extension !== stored.user.extension && taken(group, next.extension, userId)) {
      return { reply: fault(4202, `Extension already assigned: ${next.extension}`), applied: false }
    }
    put({ ...stored, user: next })
    return { reply: success(), applied: true }
  }

  const list = (element: Xml.Element): string => {
    const sp = Xml.textOf(element, "serviceProviderId") ?? ""
    const gid = Xml.textOf(element, "GroupId")
    if (gid === undefined) return fault(18011, "OCI XML Request validation error(s)", "UserGetListInGroupRequest needs 'GroupId' (capital G, as the schema spells it)")
    if (!groups.has(`${sp}\u0000${gid}`)) return fault(4004, `Group not found: ${gid}`)
    const headings = ["User Id", "Last Name", "First Name", "Department", "Phone Number", "Phone Number Activated", "Email Address", "Hiragana Last Name", "Hiragana First Name", "In Trunk Group", "Extension", "Country Code", "National Prefix"]
    const rows = [...users.values()].filter((s) => s.serviceProviderId === sp && s.groupId === gid).map(({ user: u }) => [
      u.userId ?? "", u.lastName ?? "", u.firstName ?? "", u.department ?? "", u.directoryNumber ?? "", u.directoryNumber ? "true" : "false",
      u.email ?? "", u.phoneticLastName ?? u.lastName ?? "", u.phoneticFirstName ?? u.firstName ?? "", u.trunk ? "true" : "false", u.extension ?? "", "1", "1"
    ])
    return answer("UserGetListInGroupResponse", [Ocip.tableXml("userTable", headings, rows)])
  }

  const get = (element: Xml.Element): string => {
    const userId = Xml.textOf(element, "userId") ?? ""
    const stored = users.get(userId)
    if (stored === undefined) return fault(4008, `User not found: ${userId}`)
    return answer("UserGetResponse22", getResponse(stored, groups.get(`${stored.serviceProviderId}\u0000${stored.groupId}`)!))
  }

  const serve = (socket: net.Socket) => {
    sockets.add(socket)
    stats.sessions++
    stats.peakSessions = Math.max(stats.peakSessions, sockets.size)
    let buffer = ""
    let nonce: string | undefined
    let loggedIn: string | undefined
    let queue = Promise.resolve()
    socket.setEncoding("latin1")
    socket.on("error", () => socket.destroy())
    socket.on("close", () => sockets.delete(socket))
    const handle = async (text: string) => {
      let doc: Ocip.Document
      try {
        doc = Ocip.read(text)
      } catch (e) {
        socket.write(Ocip.document("", [fault(18011, "OCI XML Request validation error(s)", (e as Error).message)]), "latin1")
        return
      }
      stats.documents++
      stats.largest = Math.max(stats.largest, doc.commands.length)
      if (doc.commands.length > Ocip.maxCommands) {
        socket.write(Ocip.document(doc.sessionId, [fault(18011, "OCI XML Request validation error(s)", `a document holds at most ${Ocip.maxCommands} commands, not ${doc.commands.length}`)]), "latin1")
        return
      }
      if (faults.latency > 0) await new Promise((r) => setTimeout(r, faults.latency))
      const replies: Array<string> = []
      for (const c of doc.commands) {
        stats.commands++
        if (c.type === "LogoutRequest") {
          socket.end()
          return
        }
        if (c.type === "AuthenticationRequest") {
          nonce = randomBytes(12).toString("hex")
          replies.push(answer("AuthenticationResponse", [Ocip.leaf("userId", Xml.textOf(c.element, "userId") ?? ""), Ocip.leaf("nonce", nonce), Ocip.leaf("passwordAlgorithm", "MD5")]))
          continue
        }
        if (c.type === "LoginRequest14sp4" || c.type === "LoginRequest22V5") {
          const userId = Xml.textOf(c.element, "userId") ?? ""
          const password = accounts.get(userId)
          let ok = false
          if (c.type === "LoginRequest14sp4") {
            const signed = Xml.textOf(c.element, "signedPassword")
            ok = nonce !== undefined && password !== undefined && signed === Ocip.signedPassword(nonce, Redacted.make(password))
            nonce = undefined
          } else {
            if (!secure) {
              replies.push(fault(4961, "Plain text passwords are accepted over TLS only", "log in with AuthenticationRequest and LoginRequest14sp4"))
              continue
            }
            ok = password !== undefined && Xml.textOf(c.element, "password") === password
          }
          if (!ok) {
            replies.push(fault(4962, "Invalid password"))
            continue
          }
          loggedIn = userId
          const domain = userId.includes("@") ? userId.slice(userId.indexOf("@") + 1) : "example.com"
          replies.push(answer(c.type === "LoginRequest14sp4" ? "LoginResponse14sp4" : "LoginResponse22V5", [
            Ocip.leaf("loginType", "Provisioning"), Ocip.leaf("locale", "en_US"), Ocip.leaf("encoding", "ISO-8859-1"), Ocip.leaf("isEnterprise", "false"), Ocip.leaf("userDomain", domain)
          ]))
          continue
        }
        if (loggedIn === undefined) {
          replies.push(fault(4900, "Not logged in", `${c.type} needs a login first`))
          continue
        }
        faults.seen?.(c)
        let applied = false
        if (c.type === "UserConsolidatedAddRequest22" || c.type === "UserModifyRequest22") await faults.hook?.(stats.applied + 1, "received")
        switch (c.type) {
          case "UserConsolidatedAddRequest22": {
            const r = add(c.element)
            replies.push(r.reply)
            applied = r.applied
            break
          }
          case "UserModifyRequest22": {
            const r = modify(c.element)
            replies.push(r.reply)
            applied = r.applied
            break
          }
          case "UserGetListInGroupRequest":
            replies.push(list(c.element))
            break
          case "UserGetRequest22":
            replies.push(get(c.element))
            break
          default:
            replies.push(fault(4001, `Unsupported request: ${c.type || "command without xsi:type"}`, "the sandbox implements user provisioning only"))
        }
        if (applied) {
          options.onChange?.([...users.values()])
          stats.applied++
          await faults.hook?.(stats.applied, "applied")
          if (faults.dropAfter.has(stats.applied)) {
            faults.dropAfter.delete(stats.applied)
            socket.destroy()
            return
          }
        }
      }
      if (!socket.destroyed) socket.write(Ocip.document(doc.sessionId, replies), "latin1")
    }
    socket.on("data", (chunk: string) => {
      buffer += chunk
      for (;;) {
        const end = buffer.indexOf(Ocip.terminator)
        if (end < 0) break
        const text = buffer.slice(0, end + Ocip.terminator.length)
        buffer = buffer.slice(end + Ocip.terminator.length)
        queue = queue.then(() => handle(text)).catch(() => void socket.destroy())
      }
    })
  }

  const server = options.tls === undefined ? net.createServer(serve) : tls.createServer({ key: options.tls.key, cert: options.tls.cert }, serve)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    faults,
    users,
    stats,
    snapshot: () => [...users.values()],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

const opt = (name: string, value: string | null | undefined): string => (value === undefined || value === null || value === "" ? "" : Ocip.leaf(name, value))

/** `UserGetResponse22` children in schema order, showing only what BroadWorks shows. */
const getResponse = (stored: Stored, group: Group): Array<string> => {
  const u = stored.user
  const out = [
    Ocip.leaf("serviceProviderId", stored.serviceProviderId), Ocip.leaf("groupId", stored.groupId), Ocip.leaf("userId", u.userId ?? ""),
    Ocip.leaf("lastName", u.lastName ?? ""), Ocip.leaf("firstName", u.firstName ?? ""),
    Ocip.leaf("callingLineIdLastName", u.callerIdLastName ?? ""), Ocip.leaf("callingLineIdFirstName", u.callerIdFirstName ?? "")
  ]
  if (u.dialingLastName && u.dialingFirstName) out.push(`<nameDialingName>${Ocip.leaf("nameDialingLastName", u.dialingLastName)}${Ocip.leaf("nameDialingFirstName", u.dialingFirstName)}</nameDialingName>`)
  // BroadWorks fills the hiragana names with the Latin ones when none are given (spec §7.1)
  out.push(Ocip.leaf("hiraganaLastName", u.phoneticLastName ?? u.lastName ?? ""), Ocip.leaf("hiraganaFirstName", u.phoneticFirstName ?? u.firstName ?? ""))
  out.push(opt("phoneNumber", u.directoryNumber), opt("extension", u.extension), opt("callingLineIdPhoneNumber", u.callerIdNumber))
  if (u.department) {
    out.push(`<department xsi:type="GroupDepartmentKey">${Ocip.leaf("serviceProviderId", stored.serviceProviderId)}${Ocip.leaf("groupId", stored.groupId)}${Ocip.leaf("name", u.department)}</department>`)
    out.push(Ocip.leaf("departmentFullPath", `${u.department} (${stored.groupId})`))
  }
  out.push(Ocip.leaf("language", u.language ?? "English"), Ocip.leaf("timeZone", u.timeZone ?? "America/New_York"), Ocip.leaf("timeZoneDisplayName", `(GMT) ${u.timeZone ?? "America/New_York"}`))
  out.push(Ocip.leaf("defaultAlias", `${(u.userId ?? "").split("@")[0]}@${group.domain}`))
  for (const a of u.aliases ?? []) out.push(Ocip.leaf("alias", a))
  const d = u.device
  if (d?.name) {
    out.push(`<accessDeviceEndpoint><accessDevice>${Ocip.leaf("deviceLevel", d.level ?? "Group")}${Ocip.leaf("deviceName", d.name)}</accessDevice>${Ocip.leaf("linePort", d.linePort ?? "")}${opt("privateIdentity", d.privateIdentity)}${(d.contacts ?? []).map((c) => Ocip.leaf("contact", c)).join("")}<staticRegistrationCapable>false</staticRegistrationCapable><useDomain>true</useDomain>${opt("portNumber", d.portNumber === undefined || d.portNumber === null ? undefined : String(d.portNumber))}<supportVisualDeviceManagement>false</supportVisualDeviceManagement></accessDeviceEndpoint>`)
  } else if (u.trunk?.group) {
    const t = u.trunk
    out.push(`<trunkAddressing><trunkGroupDeviceEndpoint>${Ocip.leaf("name", t.group ?? "")}${Ocip.leaf("linePort", t.linePort ?? "")}${(t.contacts ?? []).map((c) => Ocip.leaf("contact", c)).join("")}<staticRegistrationCapable>false</staticRegistrationCapable><useDomain>true</useDomain><isPilotUser>false</isPilotUser></trunkGroupDeviceEndpoint>${opt("enterpriseTrunkName", t.enterpriseTrunk)}${opt("alternateTrunkIdentity", t.alternateIdentity)}${opt("alternateTrunkIdentityDomain", t.alternateIdentityDomain)}</trunkAddressing>`)
  }
  out.push(opt("title", u.title), opt("pagerPhoneNumber", u.pagerPhone), opt("mobilePhoneNumber", u.mobilePhone), opt("emailAddress", u.email), opt("yahooId", u.yahooId), opt("addressLocation", u.addressLocation))
  const a = u.address
  if (a && Object.values(a).some((v) => v)) {
    out.push(`<address>${opt("addressLine1", a.line1)}${opt("addressLine2", a.line2)}${opt("city", a.city)}${opt("stateOrProvince", a.stateOrProvince)}${opt("zipOrPostalCode", a.postalCode)}${opt("country", a.country)}</address>`)
  }
  out.push(Ocip.leaf("countryCode", "1"), Ocip.leaf("nationalPrefix", "1"), opt("networkClassOfService", u.networkClassOfService))
  for (const alt of u.alternateUserIds ?? []) out.push(`<alternateUserId>${Ocip.leaf("alternateUserId", alt.id ?? "")}${opt("description", alt.description)}</alternateUserId>`)
  return out.filter((s) => s !== "")
}

const modifyOrder = [
  "userId", "lastName", "firstName", "callingLineIdLastName", "callingLineIdFirstName", "nameDialingName", "hiraganaLastName", "hiraganaFirstName",
  "phoneNumber", "extension", "callingLineIdPhoneNumber", "oldPassword", "newPassword", "department", "language", "timeZone", "sipAliasList", "endpoint",
  "title", "pagerPhoneNumber", "mobilePhoneNumber", "emailAddress", "yahooId", "addressLocation", "address", "networkClassOfService", "officeZoneName",
  "primaryZoneName", "impId", "impPassword", "alternateUserIdList", "allowVideo", "newUserExternalId", "newUserPersonId"
]

/** Where a `UserModifyRequest22` scalar lands in the canonical user. */
const modifyTargets: Readonly<Record<string, string>> = {
  lastName: "lastName", firstName: "firstName", callingLineIdLastName: "callerIdLastName", callingLineIdFirstName: "callerIdFirstName",
  hiraganaLastName: "phoneticLastName", hiraganaFirstName: "phoneticFirstName", phoneNumber: "directoryNumber", extension: "extension",
  callingLineIdPhoneNumber: "callerIdNumber", language: "language", timeZone: "timeZone", title: "title", pagerPhoneNumber: "pagerPhone",
  mobilePhoneNumber: "mobilePhone", emailAddress: "email", yahooId: "yahooId", addressLocation: "addressLocation",
  networkClassOfService: "networkClassOfService", newUserExternalId: "externalId"
}

const lengths: Readonly<Record<string, readonly [number, number]>> = {
  lastName: [1, 30], firstName: [1, 30], callingLineIdLastName: [1, 30], callingLineIdFirstName: [1, 30], hiraganaLastName: [1, 30], hiraganaFirstName: [1, 30],
  phoneNumber: [1, 23], extension: [2, 20], callingLineIdPhoneNumber: [1, 23], newPassword: [1, 60], language: [1, 40], timeZone: [1, 127], title: [1, 50],
  pagerPhoneNumber: [1, 30], mobilePhoneNumber: [1, 30], emailAddress: [1, 80], yahooId: [1, 50], addressLocation: [1, 80], networkClassOfService: [1, 40]
}

/** Applies a `UserModifyRequest22` to a user; returns the validation error instead when it is not schema-valid. */
const applyModify = (user: User.User, element: Xml.Element): User.User | string => {
  const next = copy(user) as Record<string, unknown>
  let last = -1
  for (const c of element.children) {
    const at = modifyOrder.indexOf(c.name)
    if (at < 0) return `'${c.name}' is not an element of UserModifyRequest22`
    if (at <= last) return `'${c.name}' is out of schema order or repeated`
    last = at
    const text = c.text.replace(/\s+/g, " ").trim()
    const nil = Xml.isNil(c)
    const range = lengths[c.name]
    if (!nil && range !== undefined && ([...text].length < range[0] || [...text].length > range[1])) {
      return `'${c.name}' must be ${range[0]} to ${range[1]} characters, not ${[...text].length}`
    }
    const target = modifyTargets[c.name]
    if (target !== undefined) {
      if (nil) delete next[target]
      else next[target] = text
      continue
    }
    switch (c.name) {
      case "newPassword":
        if (nil) delete next["password"]
        else next["password"] = Redacted.make(text)
        break
      case "nameDialingName":
        if (nil) {
          delete next["dialingLastName"]
          delete next["dialingFirstName"]
        } else {
          next["dialingLastName"] = Xml.textOf(c, "nameDialingLastName")
          next["dialingFirstName"] = Xml.textOf(c, "nameDialingFirstName")
        }
        break
      case "department":
        if (nil) delete next["department"]
        else next["department"] = Xml.textOf(c, "name")
        break
      case "sipAliasList": {
        const aliases = Xml.childrenOf(c, "sipAlias").map((a) => a.text)
        if (aliases.length > 3) return "'sipAliasList' holds at most 3 aliases"
        next["aliases"] = nil ? [] : aliases
        break
      }
      case "alternateUserIdList":
        next["alternateUserIds"] = nil ? [] : Xml.childrenOf(c, "alternateUserId").map((a) => ({ id: Xml.textOf(a, "alternateUserId") ?? "", ...(Xml.textOf(a, "description") ? { description: Xml.textOf(a, "description") } : {}) }))
        break
      case "address": {
        const address = { ...(next["address"] as Record<string, unknown> | undefined) }
        const names: Record<string, string> = { addressLine1: "line1", addressLine2: "line2", city: "city", stateOrProvince: "stateOrProvince", zipOrPostalCode: "postalCode", country: "country" }
        for (const p of c.children) {
          const key = names[p.name]
          if (key === undefined) continue
          if (Xml.isNil(p)) delete address[key]
          else address[key] = p.text
        }
        next["address"] = address
        break
      }
      case "endpoint": {
        if (nil) {
          delete next["device"]
          delete next["trunk"]
          break
        }
        const ade = Xml.child(c, "accessDeviceEndpoint")
        const ta = Xml.child(c, "trunkAddressing")
        if (ade !== undefined) {
          const device = { ...(next["device"] as Record<string, unknown> | undefined) }
          const ad = Xml.child(ade, "accessDevice")
          if (ad !== undefined) {
            const level = Xml.textOf(ad, "deviceLevel") ?? ""
            if (!["System", "Service Provider", "Group"].includes(level)) return `'deviceLevel' must be System, Service Provider or Group, not "${level}"`
            device["level"] = level
            device["name"] = Xml.textOf(ad, "deviceName")
          }
          for (const [name, key] of [["linePort", "linePort"], ["privateIdentity", "privateIdentity"], ["hotlineContact", "hotlineContact"]] as const) {
            const p = Xml.child(ade, name)
            if (p === undefined) continue
            if (Xml.isNil(p)) delete device[key]
            else device[key] = p.text
          }
          const port = Xml.textOf(ade, "portNumber")
          if (port !== undefined) device["portNumber"] = Number(port)
          const hotline = Xml.textOf(ade, "useHotline")
          if (hotline !== undefined) device["useHotline"] = hotline === "true"
          const contacts = Xml.child(ade, "contactList")
          if (contacts !== undefined) device["contacts"] = Xml.isNil(contacts) ? [] : Xml.childrenOf(contacts, "contact").map((x) => Xml.textOf(x, "sipContact") ?? "")
          delete next["trunk"]
          next["device"] = device
        } else if (ta !== undefined) {
          const trunk = { ...(next["trunk"] as Record<string, unknown> | undefined) }
          const tg = Xml.child(ta, "trunkGroupDeviceEndpoint")
          if (tg !== undefined) {
            const name = Xml.textOf(tg, "name")
            const linePort = Xml.textOf(tg, "linePort")
            if (name !== undefined) trunk["group"] = name
            if (linePort !== undefined) trunk["linePort"] = linePort
            const contacts = Xml.child(tg, "contactList")
            if (contacts !== undefined) trunk["contacts"] = Xml.isNil(contacts) ? [] : Xml.childrenOf(contacts, "contact").map((x) => Xml.textOf(x, "sipContact") ?? "")
          }
          for (const [name, key] of [["enterpriseTrunkName", "enterpriseTrunk"], ["alternateTrunkIdentity", "alternateIdentity"], ["alternateTrunkIdentityDomain", "alternateIdentityDomain"], ["physicalLocation", "physicalLocation"]] as const) {
            const p = Xml.child(ta, name)
            if (p === undefined) continue
            if (Xml.isNil(p)) delete trunk[key]
            else trunk[key] = p.text
          }
          delete next["device"]
          next["trunk"] = trunk
        }
        break
      }
      default:
        // elements pbxport never sends (zones, IMP, video): accepted and ignored
        break
    }
  }
  return next as User.User
}

/** Copies a user deeply, keeping its secrets `Redacted` (structuredClone would drop their prototype). */
const copy = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(copy)
    : value !== null && typeof value === "object" && !Redacted.isRedacted(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]))
      : value
