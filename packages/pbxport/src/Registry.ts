/**
 * Every dialect pbxport knows, by id.
 *
 * Adding a platform means writing one adapter package whose index exports `adapters`, and
 * listing that package here and in this package's dependencies.
 */
import type { Adapter } from "@pbxport/core"
import { adapters as broadworks } from "@pbxport/adapter-broadworks"
import { adapters as commpeak } from "@pbxport/adapter-commpeak"
import { adapters as jsonl } from "@pbxport/adapter-jsonl"
import { adapters as wazo } from "@pbxport/adapter-wazo"

/**
 * All dialects, in the order `pbxport dialects` lists them.
 */
export const all: ReadonlyArray<Adapter.Adapter> = [...jsonl, ...wazo, ...broadworks, ...commpeak]

/**
 * Finds a dialect by id.
 */
export const find = (id: string): Adapter.Adapter | undefined => all.find((a) => a.id === id)

/**
 * The ids of all dialects, for messages that say what would be valid.
 */
export const ids = (): Array<string> => all.map((a) => a.id)
