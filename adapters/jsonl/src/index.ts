/**
 * The `jsonl` adapter package.
 */
import type { Adapter } from "@pbxport/core"
import { jsonl } from "./jsonl.js"

export { fromJson, jsonl, toJson } from "./jsonl.js"

/** The dialects this package provides. */
export const adapters: ReadonlyArray<Adapter.Adapter> = [jsonl]
