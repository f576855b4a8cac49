/**
 * The migration runner: plan desired users against the users a platform already has, and apply
 * users in journaled, resumable batches to a target: files (`Migrate`, `FileTarget`) or a live
 * platform through its connector (`Live`).
 *
 * @example
 * import { FileTarget, Migrate } from "@pbxport/migrate"
 * const target = FileTarget.make({ dir: "out", create: { dialect: "wazo", stem: "wazo" } })
 * await Migrate.migrate({ path: "users.csv" }, { from: "broadworks", to: "wazo", target, journal: "run.jsonl" })
 */
export * as Diff from "./Diff.js"
export * as FileTarget from "./FileTarget.js"
export * as Journal from "./Journal.js"
export * as Key from "./Key.js"
export * as Live from "./Live.js"
export * as Migrate from "./Migrate.js"
export * as Plan from "./Plan.js"
export * as Platforms from "./Platforms.js"
export * as Target from "./Target.js"
