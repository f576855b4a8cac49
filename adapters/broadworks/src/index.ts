/**
 * The `broadworks` adapter package: the SDK's bulk sheet and its JSON data form, Odin's user
 * object, and OCI-P documents; all from one declaration of the BroadWorks requests (columns.ts).
 */
import type { Adapter } from "@pbxport/core"
import { broadworks } from "./broadworks.js"
import { broadworksJson } from "./broadworks-json.js"
import { broadworksOcip } from "./broadworks-ocip.js"
import { odinJson } from "./odin-json.js"

export { broadworks } from "./broadworks.js"
export { broadworksJson } from "./broadworks-json.js"
export { broadworksOcip, escapeXml } from "./broadworks-ocip.js"
export { odinJson } from "./odin-json.js"

/** The dialects this package provides. */
export const adapters: ReadonlyArray<Adapter.Adapter> = [broadworks, broadworksJson, odinJson, broadworksOcip]
