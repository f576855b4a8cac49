/**
 * The `wazo` adapter package: Wazo's user import, export and update CSVs, and the XiVO-era
 * import they grew from.
 */
import type { Adapter } from "@pbxport/core"
import { wazo } from "./wazo.js"
import { wazoExport } from "./wazo-export.js"
import { wazoUpdate } from "./wazo-update.js"
import { xivo } from "./xivo.js"

export { wazo } from "./wazo.js"
export { wazoExport } from "./wazo-export.js"
export { wazoUpdate } from "./wazo-update.js"
export { xivo } from "./xivo.js"

/** The dialects this package provides. */
export const adapters: ReadonlyArray<Adapter.Adapter> = [wazo, wazoExport, xivo, wazoUpdate]
