/**
 * The `wazo` adapter package.
 */
import type { Adapter } from "@pbxport/core"

/** The dialects this package provides. */
export const adapters: ReadonlyArray<Adapter.Adapter> = []
