/**
 * The target of a migration: where users are created and updated, and where the users it
 * already has are read from.
 *
 * A target is the one thing that changes between writing import files (the file target, now)
 * and talking to a live platform (Wazo confd, CommPeak's API, BroadWorks OCI-P: later, one module
 * each). The runner only ever hands it numbered batches of changes and records what it answers,
 * user by user, so every target gets resumption for free. Every change carries an idempotency
 * key, the same in every run: after an interruption the runner may hand the same batch again,
 * and a target must then do nothing twice (a file target rewrites the same file with the same
 * bytes; an HTTP target sends the key as its `Idempotency-Key`, or looks the user up first).
 */
import type { Adapter, Issue, User } from "@pbxport/core"
import { PbxportError } from "pbxport"

/**
 * What a change does to the target.
 */
export type Operation = "create" | "update"

/**
 * Where a change came from: the row of the input, and a short non-secret name.
 */
export interface Origin {
  readonly row: number
  readonly line: number
  readonly label: string | null
}

/**
 * One user to create or update.
 *
 * **Details**
 * For a create, `user` is the whole user. For an update it holds the key that names the user
 * in the target (`capabilities.update.key`) and exactly the fields to change: a value sets the
 * field, `null` (or an empty list) clears it, an absent field is left as it is.
 */
export interface Change {
  /** The same for the same change in every run; targets use it to do nothing twice. */
  readonly key: string
  readonly operation: Operation
  readonly user: User.User
  readonly origin: Origin
}

/**
 * The changes handed to a target at once, numbered from 1 in the order of the run.
 *
 * **Details**
 * `of` is the number of batches of this operation when known in advance (a plan knows, a
 * streaming migration does not); a file target numbers its files only when there can be more
 * than one.
 */
export interface Batch {
  readonly number: number
  readonly of?: number
  readonly changes: ReadonlyArray<Change>
}

/**
 * What became of one change.
 *
 * **Details**
 * `done`: the target took it; `where` says where it went (a file name, a remote id).
 * `rejected`: the target refused it; `reason` says why (never with secret values). `issues`
 * carries the warnings (and, when rejected, the errors) about the user, without positions.
 * `lost` names the fields of the user the target could not carry.
 */
export type Result =
  | { readonly key: string; readonly status: "done"; readonly where: string; readonly issues: ReadonlyArray<Issue.Finding>; readonly lost: ReadonlyArray<string> }
  | { readonly key: string; readonly status: "rejected"; readonly reason: string; readonly issues: ReadonlyArray<Issue.Finding> }

/**
 * A file a batch wrote (file targets), with its number of users.
 */
export interface Written {
  readonly path: string
  readonly rows: number
}

/**
 * The answer to a batch: one result per change, in the order of the changes.
 */
export interface BatchResult {
  readonly results: ReadonlyArray<Result>
  readonly files: ReadonlyArray<Written>
}

/**
 * How a target updates users, declared.
 */
export interface UpdateCapability {
  /** The canonical path that names the user to update (`uuid` for Wazo, `userId` for BroadWorks). */
  readonly key: string
  /** The catalogue paths an update can change. */
  readonly carries: ReadonlyArray<string>
  /** Why the other paths cannot be changed, by path or `prefix.` (for plans and messages). */
  readonly why: (path: string) => string
  /** Whether an update can clear a value. */
  readonly clear: boolean
}

/**
 * What a target can do, declared rather than probed.
 */
export interface Capabilities {
  readonly create: boolean
  readonly update: UpdateCapability | null
  /** Whether the target can list the users it already has ({@link Target.current}). */
  readonly current: boolean
}

/**
 * How much a target takes at once.
 */
export interface Limits {
  /** The most changes in one batch (CommPeak takes 500 users per upload), or null for no limit. */
  readonly maxBatch: number | null
  /** The batch size when none is asked for. */
  readonly batch: number
}

/**
 * The users a target already has, read with their positions.
 */
export interface Current {
  readonly name: string
  readonly users: ReadonlyArray<{ readonly row: number; readonly line: number; readonly user: User.User }>
  /** Problems found reading them (invalid rows are not among the users). */
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * A target.
 *
 * **Details**
 * `write` applies a batch and resolves once the result is durable (a file target has fsynced its
 * files); the runner journals the results only then. `preview` answers what `write` would,
 * changing nothing (dry runs). Both may be called again with a batch already applied, and must
 * then give the same result without applying anything twice.
 */
export interface Target {
  /** What the target is, for reports (`files in out/ (wazo)`, later `wazo confd at host`). */
  readonly id: string
  readonly title: string
  /**
   * What decides how the target writes (dialects and their options, a base URL), as text; a
   * journal records it so that a resumed run cannot write differently from the first.
   */
  readonly settings: string
  /**
   * The dialect the target creates users with, whose words values are filled and translated
   * into (a language as `fr_FR` for Wazo, `French` for BroadWorks); null when it has none.
   */
  readonly dialect: Adapter.Adapter | null
  readonly capabilities: Capabilities
  readonly limits: Limits
  readonly current: () => Promise<Current>
  readonly write: (batch: Batch) => Promise<BatchResult>
  readonly preview: (batch: Batch) => Promise<BatchResult>
}

/**
 * Checks a batch size against a target's limit and returns the size to use (the target's
 * own when none is asked for); a size out of bounds is a usage error.
 */
export const batchSize = (target: Target, asked?: number): number => {
  const size = asked ?? target.limits.batch
  if (!Number.isInteger(size) || size < 1) {
    throw new PbxportError({ _tag: "Usage", detail: `the batch size must be a whole number of at least 1, not ${size}` })
  }
  if (target.limits.maxBatch !== null && size > target.limits.maxBatch) {
    throw new PbxportError({ _tag: "Usage", detail: `${target.title} takes at most ${target.limits.maxBatch} users at once: give a batch size of ${target.limits.maxBatch} or less, not ${size}` })
  }
  return size
}
