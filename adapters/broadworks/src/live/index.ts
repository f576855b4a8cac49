/**
 * BroadWorks' two live declarations: `broadworks` (OCI-P itself, what the BroadWorks SDK drives)
 * and `odin` (Odin's REST API in front of BroadWorks). Each gives its profile fields, the dialect
 * users are listed and created in, how they are matched, how many go in one request, what
 * BroadWorks never shows, what an update can change, and its connector and sandbox factories.
 *
 * This is the only part of the adapter that does I/O; the dialects never import it.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Http, LiveError, type Platform, Profile } from "@pbxport/live"
import * as Connector from "./Connector.js"
import * as Ocip from "./Ocip.js"
import * as Odin from "./Odin.js"
import * as OdinSandbox from "./OdinSandbox.js"
import * as Sandbox from "./Sandbox.js"
import * as Session from "./Session.js"
import * as SandboxFiles from "./SandboxFiles.js"

export * as Connector from "./Connector.js"
export * as Ocip from "./Ocip.js"
export * as Odin from "./Odin.js"
export * as OdinSandbox from "./OdinSandbox.js"
export * as Sandbox from "./Sandbox.js"
export * as SandboxFiles from "./SandboxFiles.js"
export * as Session from "./Session.js"
export * as Xml from "./Xml.js"

/**
 * What `UserGetResponse22` never shows (R25 XSD), so a plan cannot compare it and never changes
 * it: secrets, the device's own attributes (they belong to the device, not the user), services,
 * SIP credentials and the external id.
 */
export const hidden: ReadonlyArray<string> = [
  "password", "passcode", "externalId", "line.sipUsername", "line.sipSecret", "servicePacks", "userServices",
  "device.type", "device.protocol", "device.macAddress", "device.serialNumber", "device.description", "device.physicalLocation",
  "device.netAddress", "device.port", "device.transport", "device.outboundProxy", "device.stunServer", "device.useCustomCredentials",
  "device.credentialsUserName", "device.credentialsPassword", "device.useHotline", "device.hotlineContact", "device.status",
  "trunk.physicalLocation"
]

const why = (pathName: string): string => {
  if (pathName === "userId") return "the user id names the user"
  if (pathName === "serviceProviderId" || pathName === "groupId") return "a user cannot move to another group with UserModifyRequest22"
  if (pathName === "passcode") return "the portal passcode is changed with UserPortalPasscodeModifyRequest, which pbxport does not send"
  if (pathName.startsWith("line.")) return "SIP credentials are changed with UserAuthenticationModifyRequest, which pbxport does not send"
  if (pathName === "servicePacks" || pathName === "userServices") return "services are assigned with UserServiceAssignListRequest, which pbxport does not send"
  if (pathName.startsWith("device.")) return "the device's own attributes belong to the device (GroupAccessDeviceModifyRequest), not to the user"
  return "BroadWorks has no field for it in UserModifyRequest22"
}

const text = (profile: Profile.Profile, name: string): string => Profile.text(profile, name)!

/** Maps the OCI-P layer's failures onto the live layer's. */
const lift = (target: string, e: unknown): unknown => {
  if (!(e instanceof Session.SessionError)) return e
  if (e.reason === "refused") return new LiveError.LiveError({ _tag: "Login", target, detail: e.message.replace(/^.* refused the login of [^:]*: /, "") })
  return new LiveError.LiveError({ _tag: "Unreachable", target, detail: e.message })
}

const guarded = <C extends object>(target: string, connector: C): C =>
  Object.fromEntries(Object.entries(connector).map(([k, v]) => [k, typeof v === "function" ? async (...args: Array<unknown>) => {
    try {
      return await (v as (...a: Array<unknown>) => unknown).apply(connector, args)
    } catch (e) {
      throw lift(target, e)
    }
  } : v])) as C

/** The sandbox's first administrator, group and domain. */
const sandboxGroup = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", domain: "example.com" }


/**
 * The BroadWorks OCI-P platform.
 */
export const broadworks: Platform.Platform = {
  id: "broadworks",
  title: "BroadWorks (OCI-P)",
  fields: [
    { name: "host", type: "string", required: true, doc: "the OCI-P server (the Application Server's provisioning address)" },
    { name: "port", type: "integer", required: false, doc: "its port: 2208 plain, 2209 TLS (the default follows tls)" },
    { name: "tls", type: "boolean", required: false, doc: "true to speak OCI-P over TLS (LoginRequest22V5); false logs in with a nonce (default false)" },
    { name: "serviceProviderId", type: "string", required: true, doc: "the service provider (enterprise) of the group" },
    { name: "groupId", type: "string", required: true, doc: "the group users are read from and created in" },
    { name: "sessions", type: "integer", required: false, doc: `OCI-P sessions used at once (default ${Connector.defaultSessions})` }
  ],
  // Odin's user JSON carries everything UserGetResponse22 shows, and needs no password: a bulk
  // sheet row asks for the password BroadWorks never shows
  exportDialect: "odin-json",
  createDialect: "broadworks",
  naturalKeys: ["userId"],
  batch: { default: Ocip.maxCommands, max: Ocip.maxCommands },
  hidden,
  update: { carries: Ocip.modifiable, clear: true, why },
  connect: async (profile, options) => {
    const tls = profile.fields["tls"] === true
    const port = (profile.fields["port"] as number | undefined) ?? (tls ? 2209 : 2208)
    const host = text(profile, "host")
    if (profile.insecure) options.warn?.(Profile.insecureWarning(profile))
    const target = `BroadWorks OCI-P at ${host}:${port}`
    try {
      const c = await Connector.connect({
        host, port, tls, username: profile.username, password: profile.password,
        ...(profile.ca === undefined ? {} : { ca: profile.ca }), insecure: profile.insecure,
        serviceProviderId: text(profile, "serviceProviderId"), groupId: text(profile, "groupId"),
        ...(typeof profile.fields["sessions"] === "number" ? { sessions: profile.fields["sessions"] } : {}),
        ...(options.batch === undefined ? {} : { perDocument: options.batch }),
        ...(options.http?.timeout === undefined ? {} : { timeout: options.http.timeout })
      }, options.signal)
      return guarded(target, c)
    } catch (e) {
      throw lift(target, e)
    }
  },
  sandbox: async (options) => {
    const faults = (options.faults ?? {}) as { latency?: number; dropAfter?: ReadonlyArray<number> }
    const password = SandboxFiles.password()
    const passwordFile = path.join(options.dir, "password")
    fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
    const material = options.tls ? SandboxFiles.tls(options.dir) : undefined
    const server = await Sandbox.start({
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(material === undefined ? {} : { tls: { key: material.key, cert: material.cert } }),
      accounts: [{ username: "admin@example.com", password }],
      groups: [sandboxGroup],
      users: SandboxFiles.load(options.state),
      ...(options.state === undefined ? {} : { onChange: (users: ReadonlyArray<Sandbox.Stored>) => SandboxFiles.save(options.state!, users) }),
      latency: faults.latency ?? 0
    })
    for (const n of faults.dropAfter ?? []) server.faults.dropAfter.add(n)
    return {
      url: `${options.tls ? "ocip+tls" : "ocip"}://127.0.0.1:${server.port}`,
      profile: {
        platform: "broadworks", host: "127.0.0.1", port: server.port, tls: options.tls === true, username: "admin@example.com", passwordFile,
        ...(material === undefined ? {} : { ca: material.ca }), serviceProviderId: sandboxGroup.serviceProviderId, groupId: sandboxGroup.groupId
      },
      close: () => server.close()
    }
  }
}

/**
 * The Odin REST platform.
 */
export const odin: Platform.Platform = {
  id: "odin",
  title: "Odin (Rev.io) REST API for BroadWorks",
  fields: [
    { name: "url", type: "string", required: true, doc: "the API base, such as https://odin.example.com/api/v2" },
    { name: "serviceProviderId", type: "string", required: true, doc: "the service provider (enterprise) of the group" },
    { name: "groupId", type: "string", required: true, doc: "the group users are read from and created in" },
    { name: "rate", type: "integer", required: false, doc: `requests per second at most (default ${Odin.defaultRate}; Odin sets no limit, a shared portal deserves one)` }
  ],
  exportDialect: "odin-json",
  // the words values are filled and translated into are BroadWorks' own (Odin passes them on)
  createDialect: "broadworks",
  naturalKeys: ["userId"],
  // POST /users takes one user: a batch is one request, journaled on its own
  batch: { default: 1, max: 1 },
  // Odin shows the device's attributes inside accessDevice (spec §7.1), but no secret, no
  // hotline and no services
  hidden: ["password", "passcode", "externalId", "line.sipUsername", "line.sipSecret", "servicePacks", "userServices", "device.credentialsPassword", "device.useHotline", "device.hotlineContact", "trunk.physicalLocation"],
  update: { carries: Odin.modifiable, clear: true, why: (p) => (p === "password" ? "Odin changes passwords with PUT /users/passwords, which pbxport does not send" : why(p)) },
  connect: async (profile, options) => {
    const url = text(profile, "url").replace(/\/+$/, "")
    if (!/^https?:\/\/[^/?#]+\/.+/.test(url)) {
      throw new LiveError.LiveError({ _tag: "Profile", file: profile.file, detail: `'url' must be Odin's API base, such as https://odin.example.com/api/v2, not ${JSON.stringify(url)}` })
    }
    if (profile.insecure) options.warn?.(Profile.insecureWarning(profile))
    const target = `Odin at ${url}`
    const http = Http.make({ base: url, name: target, ca: profile.ca, insecure: profile.insecure, ...options.http, ...(options.onRetry ? { onRetry: options.onRetry } : {}) })
    try {
      return await Odin.connect(http, {
        url, username: profile.username, password: profile.password,
        serviceProviderId: text(profile, "serviceProviderId"), groupId: text(profile, "groupId"),
        ...(typeof profile.fields["rate"] === "number" ? { rate: profile.fields["rate"] } : {})
      }, options.signal)
    } catch (e) {
      await http.close()
      if (e instanceof Odin.OdinError && e.reason === "login") throw new LiveError.LiveError({ _tag: "Login", target, detail: e.message.replace(/^.* refused the login of [^:]*: /, "") })
      throw e
    }
  },
  sandbox: async (options) => {
    const faults = (options.faults ?? {}) as { latency?: number; dropAfter?: ReadonlyArray<number>; tokenLifetime?: number }
    const password = SandboxFiles.password()
    const passwordFile = path.join(options.dir, "password")
    fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
    const material = options.tls ? SandboxFiles.tls(options.dir) : undefined
    const server = await OdinSandbox.start({
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(material === undefined ? {} : { tls: { key: material.key, cert: material.cert } }),
      accounts: [{ username: "odin-admin", password }],
      groups: [sandboxGroup],
      users: SandboxFiles.load(options.state),
      ...(options.state === undefined ? {} : { onChange: (users: ReadonlyArray<Sandbox.Stored>) => SandboxFiles.save(options.state!, users) }),
      ...(faults.tokenLifetime === undefined ? {} : { tokenLifetime: faults.tokenLifetime })
    })
    server.faults.latency = faults.latency ?? 0
    for (const n of faults.dropAfter ?? []) server.faults.dropAfter.add(n)
    return {
      url: server.url,
      profile: {
        platform: "odin", url: server.url, username: "odin-admin", passwordFile, ...(material === undefined ? {} : { ca: material.ca }),
        serviceProviderId: sandboxGroup.serviceProviderId, groupId: sandboxGroup.groupId, rate: 1000
      },
      close: () => server.close()
    }
  }
}
