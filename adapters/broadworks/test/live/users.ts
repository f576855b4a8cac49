/**
 * Users and accounts the live tests share.
 */
import { Redacted } from "effect"
import type { User } from "@pbxport/core"

export const group = { serviceProviderId: "ExampleSP", groupId: "ExampleGroup", domain: "example.com" }
export const admin = { username: "admin@example.com", password: "not-a-real-admin-pw" }

/** A user with a device, leading-zero extension and accents; every tenth a trunk user, every seventh aliases. */
export const person = (i: number): User.User => {
  const n = String(i).padStart(4, "0")
  const base: User.User = {
    serviceProviderId: group.serviceProviderId,
    groupId: group.groupId,
    userId: `u${n}@example.com`,
    firstName: i % 3 === 0 ? "Zoë" : "Jean-Loïc",
    lastName: `Lefèvre ${n}`,
    callerIdFirstName: "Zoë",
    callerIdLastName: `Lefèvre ${n}`,
    extension: `0${n}`,
    password: Redacted.make(`Pw-${n}-not-real`),
    email: `u${n}@example.com`,
    ...(i % 7 === 0 ? { aliases: [`alias${n}@example.com`, `alt${n}@example.com`] } : {})
  }
  if (i % 10 === 0) return { ...base, trunk: { group: "ExampleTrunk", linePort: `+1555${n}@example.com` } }
  return { ...base, device: { name: `dev-${n}`, level: "Group", linePort: `u${n}@example.com`, type: "Polycom VVX 450", macAddress: `00:11:22:33:${n.slice(0, 2)}:${n.slice(2)}`, contacts: [`${n}@192.0.2.10`] } }
}

