/**
 * The `commpeak` adapter package: CommPeak Dialer's mass user creation file, and the Success
 * Details and Error Details files an upload gives back, with the joins that bring temporary
 * passwords and refusals back to the source users.
 */
import type { Adapter } from "@pbxport/core"
import { commpeak } from "./commpeak.js"
import { commpeakErrors } from "./errors.js"
import { commpeakSuccess } from "./success.js"

export { commpeak } from "./commpeak.js"
export * as Columns from "./columns.js"
export type { Entry, MatchedBy, Unmatched } from "./details.js"
export { commpeakErrors, type Failure, type Failures, joinFailures, messageOf } from "./errors.js"
export * as Options from "./options.js"
export { commpeakSuccess, type Credential, type Credentials, joinCredentials } from "./success.js"

/** The dialects this package provides. */
export const adapters: ReadonlyArray<Adapter.Adapter> = [commpeak, commpeakSuccess, commpeakErrors]
