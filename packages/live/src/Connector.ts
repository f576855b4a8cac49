/**
 * What a platform's connector implements: the users a platform has, looking some up, creating
 * and updating them. The migration runner drives connectors only through this interface, so
 * journaling, resumption, retries of lost answers and reports are written once for every
 * platform.
 *
 * Outcomes are values, one per user: a platform refusing a user is its answer, not an error.
 * `unknown` is the outcome of a request whose answer was lost: the user may or may not have been
 * created, and the runner looks it up (`find`) before sending anything again.
 */
import type { User } from "@pbxport/core"

/**
 * A user as the platform has it: the canonical user, and the platform's own id for it (a Wazo
 * uuid, a BroadWorks userId, a CommPeak id), which updates name.
 */
export interface RemoteUser {
  readonly id: string
  readonly user: User.User
}

/**
 * What became of one user sent to a platform.
 *
 * **Details**
 * `done` carries the platform's id of the user; `rejected` the platform's own message (mapped
 * to the user, never holding a secret); `unknown` says why the answer was lost.
 */
export type Outcome =
  | { readonly status: "done"; readonly id: string }
  | { readonly status: "rejected"; readonly message: string }
  | { readonly status: "unknown"; readonly message: string }

/**
 * One update: the platform's id of the user, and a user holding only the fields to change (a
 * value sets the field, `null` or an empty list clears it, an absent field is left as it is).
 */
export interface Update {
  readonly id: string
  readonly user: User.User
}

/**
 * A live connection to one platform, logged in.
 *
 * **Details**
 * `create` and `update` answer one outcome per user, in order. A connector sends a list in as
 * many requests as the platform needs (a refused import chunk is split so its good users still
 * go in). Every method stops with `LiveError` when nothing more can be done (login refused,
 * platform unreachable); `signal` stops it early.
 */
export interface Connector {
  /** What the connection is, for reports: `Wazo at https://pbx.example.com (tenant t)`. */
  readonly title: string
  /**
   * How many `create` or `update` calls the connector serves at once (BroadWorks: its OCI-P
   * sessions); the runner keeps that many batches in flight. Absent: one at a time.
   */
  readonly parallel?: number
  /** Every user in scope (the tenant, the group...). */
  list(signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  /** The users whose `key` (a canonical path: `email`, `username`, `userId`) is one of `values`. */
  find(key: string, values: ReadonlyArray<string>, signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  create(users: ReadonlyArray<User.User>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  update(changes: ReadonlyArray<Update>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  close(): Promise<void>
}
