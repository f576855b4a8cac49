/**
 * How a user is recognised on both sides of a migration: the keys a plan matches users by, the
 * unique values no two users of a platform may share, and a short name for messages.
 *
 * Values are compared the way the platforms compare them: emails without case (Wazo's unique
 * check, CommPeak's), everything else exactly. An extension is only the same extension when the
 * two users' contexts (Wazo) and groups (BroadWorks) do not say otherwise, so `1000` in context
 * `default` and `1000` in context `sales` are two extensions, while `1000` with no context (a
 * BroadWorks sheet has none) matches either.
 */
import type { User } from "@pbxport/core"

/**
 * The fields a plan can match users by (`--key`).
 */
export const Keys = ["uuid", "email", "username", "extension", "userId"] as const

/**
 * One of {@link Keys}.
 */
export type Key = (typeof Keys)[number]

/**
 * Tells whether a string names a key.
 */
export const isKey = (value: string): value is Key => (Keys as ReadonlyArray<string>).includes(value)

const text = (value: string | null | undefined): string | undefined =>
  value === undefined || value === null || value === "" ? undefined : value

/**
 * The value of a key field in a user, normalised for comparison (emails in lower case), or
 * undefined when the user has none.
 */
export const valueOf = (user: User.User, key: Key): string | undefined => {
  const value = text(user[key])
  return key === "email" ? value?.toLowerCase() : value
}

const differ = (a: string | null | undefined, b: string | null | undefined): boolean =>
  text(a) !== undefined && text(b) !== undefined && a !== b

/**
 * Tells whether two users that have the same {@link valueOf} for a key really share it: always,
 * except extensions in different contexts or different BroadWorks groups.
 */
export const same = (key: Key, a: User.User, b: User.User): boolean =>
  key !== "extension" || !(differ(a.context, b.context) || differ(a.groupId, b.groupId) || differ(a.serviceProviderId, b.serviceProviderId))

/**
 * A short, non-secret name for a user in messages and journals: its first identity field, else
 * its name, else null.
 */
export const label = (user: User.User): string | null => {
  for (const key of ["userId", "email", "username", "uuid", "extension"] as const) {
    const value = text(user[key])
    if (value !== undefined) return value
  }
  const name = [text(user.firstName), text(user.lastName)].filter((s) => s !== undefined).join(" ")
  return name === "" ? null : name
}
