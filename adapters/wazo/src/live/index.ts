/**
 * Wazo's live declaration: its profile fields (`url`, `tenant`), the dialects users are listed
 * and created in, how they are matched, how many go in one import request, what Wazo never
 * reveals, what an update can change, and the two factories (connector and sandbox).
 *
 * This is the only part of the adapter that does I/O; the dialects never import it.
 */
import type { Platform } from "@pbxport/live"
import * as Connector from "./Connector.js"
import * as Sandbox from "./Sandbox.js"
import * as Wire from "./Wire.js"

export * as Connector from "./Connector.js"
export * as Sandbox from "./Sandbox.js"
export * as Wire from "./Wire.js"

const updatable = Wire.userFields.map((f) => f.path)

/**
 * Why an update cannot change a path (for plans): wazo-auth fields, and the resources pbxport
 * does not update yet.
 */
const why = (path: string): string => {
  if (path === "username" || path === "password") return "it belongs to wazo-auth, which pbxport does not update; change it in Wazo's portal"
  if (path === "uuid") return "the uuid names the user"
  if (path === "extension" || path === "context" || path.startsWith("line.")) return "pbxport does not yet change lines and extensions of existing Wazo users; change them in Wazo's portal"
  if (path.startsWith("voicemail.") || path.startsWith("incalls") || path === "callPermissions") return "pbxport does not yet change voicemails, incoming calls or call permissions of existing Wazo users; change them in Wazo's portal"
  return "Wazo has no field for it"
}

/**
 * The Wazo platform.
 */
export const platform: Platform.Platform = {
  id: "wazo",
  title: "Wazo (wazo-auth and wazo-confd)",
  fields: [
    { name: "url", type: "string", required: true, doc: "the front of the Wazo stack, such as https://wazo.example.com" },
    { name: "tenant", type: "string", required: false, doc: "the tenant uuid, sent as Wazo-Tenant (default: the user's own tenant)" }
  ],
  exportDialect: "wazo-export",
  createDialect: "wazo",
  naturalKeys: ["email", "username"],
  batch: Connector.platformBatch,
  // the export has no user password since 18.04 (specs/wazo.md §9.2)
  hidden: ["password"],
  update: { carries: updatable, clear: true, why },
  connect: Connector.connect,
  sandbox: (options) => Sandbox.start(options)
}
