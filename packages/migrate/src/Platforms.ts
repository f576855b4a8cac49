/**
 * The files each platform takes: which dialect creates its users, which one updates them (or
 * which API request an update is listed for), by which key, and what an update can change.
 *
 * A plan reads the current users in some dialect of a platform (a Wazo export, a BroadWorks
 * sheet, a CommPeak file); the platform of that dialect decides the files the plan writes.
 */
import type { Adapter } from "@pbxport/core"
import { PbxportError, Registry } from "pbxport"
import * as Diff from "./Diff.js"
import type * as FileTarget from "./FileTarget.js"
import type * as Key from "./Key.js"

/**
 * The platforms a plan writes files for.
 */
export const Platforms = ["wazo", "xivo", "broadworks", "commpeak", "jsonl"] as const

/**
 * One of {@link Platforms}.
 */
export type Platform = (typeof Platforms)[number]

// every registered dialect of a family a plan writes files for, from the family it declares
const byDialect: Readonly<Record<string, Platform>> = Object.fromEntries(
  Registry.all.filter((a) => (Platforms as ReadonlyArray<string>).includes(a.family)).map((a) => [a.id, a.family as Platform])
)

/**
 * The dialects whose platform a plan can write files for.
 */
export const dialects: ReadonlyArray<string> = Object.keys(byDialect)

/**
 * The platform a dialect belongs to, or undefined.
 */
export const platformOf = (dialect: string): Platform | undefined => byDialect[dialect]

const adapter = (id: string): Adapter.Adapter => {
  const found = Registry.find(id)
  if (found === undefined) throw new PbxportError({ _tag: "UnknownDialect", id, known: Registry.ids() })
  return found
}

const allPaths = Diff.compared.map((c) => c.path)

const reasons = (table: ReadonlyArray<readonly [string, string]>, otherwise: string) => (path: string): string =>
  table.find(([p]) => path === p || (p.endsWith(".") && path.startsWith(p)))?.[1] ?? otherwise

const minus = (paths: ReadonlyArray<string>, out: ReadonlyArray<string>): Array<string> =>
  paths.filter((p) => !out.some((o) => p === o || (o.endsWith(".") && p.startsWith(o))))

// Wazo's update takes a line's protocol only for a user without a line, and drops SIP user name
// and secret (docs/dialects/wazo.md, "update by uuid"); the uuid names the user.
const wazoNot: ReadonlyArray<readonly [string, string]> = [
  ["uuid", "the uuid names the user to update"],
  ["line.protocol", "Wazo refuses to change the protocol of an existing line"],
  ["line.sipUsername", "Wazo's update ignores the SIP user name; change it through the endpoint's API"],
  ["line.sipSecret", "Wazo's update ignores the SIP secret; change it through the endpoint's API"]
]

// user.modify.csv has no placement, department, device or trunk columns (specs/broadworks.md §2.1).
const modifyNot: ReadonlyArray<readonly [string, string]> = [
  ["userId", "the userId names the user to update (renaming needs newUserId)"],
  ["serviceProviderId", "a user cannot move to another service provider by user.modify"],
  ["groupId", "a user cannot move to another group by user.modify"],
  ["department", "user.modify.csv has no department column"],
  ["device.", "user.modify.csv has no access device columns"],
  ["trunk.", "user.modify.csv has no trunk addressing columns"]
]

/**
 * The fields CommPeak's `PUT /api/users/{id}` takes (specs/commpeak.md §3), by canonical path.
 */
export const commpeakApi: FileTarget.Api = {
  request: "PUT /api/users/{id}",
  fields: {
    username: "username",
    email: "email",
    enabled: "is_active",
    firstName: "first_name",
    lastName: "last_name",
    extension: "virtual_extension",
    language: "default_language",
    "contactCenter.virtualExtension": "virtual_extension",
    "contactCenter.customUri": "sip_uri",
    "contactCenter.twoFactor": "twofa_type"
  }
}

/**
 * The files a platform takes, written to a folder.
 *
 * **Details**
 * `key` is the plan's key, used as the update key of platforms that have none of their own
 * (`jsonl`).
 */
export const files = (platform: Platform, dir: string, key: Key.Key): FileTarget.Config => {
  switch (platform) {
    case "wazo": {
      const carries = minus(adapter("wazo-update").capabilities.carries, wazoNot.map(([p]) => p))
      return {
        dir,
        platform,
        create: { dialect: "wazo", stem: "wazo-create" },
        update: {
          kind: "dialect",
          dialect: "wazo-update",
          stem: "wazo-update",
          byColumns: true,
          capability: { key: "uuid", carries, clear: true, why: reasons(wazoNot, "a wazo-update file has no column for it") }
        }
      }
    }
    case "xivo":
      return { dir, platform, create: { dialect: "xivo", stem: "xivo-create" } }
    case "broadworks": {
      const carries = minus(adapter("broadworks").capabilities.carries, modifyNot.map(([p]) => p))
      return {
        dir,
        platform,
        create: { dialect: "broadworks", options: { operation: "user.create" }, stem: "user.create" },
        update: {
          kind: "dialect",
          dialect: "broadworks",
          options: { operation: "user.modify" },
          stem: "user.modify",
          byColumns: false,
          capability: {
            key: "userId",
            carries,
            // the SDK drops empty and `none` cells, so a sheet cannot clear (specs/broadworks.md §2.1)
            clear: false,
            why: reasons(modifyNot, "a user.modify row has no column for it")
          }
        }
      }
    }
    case "commpeak":
      return {
        dir,
        platform,
        create: { dialect: "commpeak", stem: "commpeak-create" },
        update: {
          kind: "api",
          stem: "commpeak-updates",
          api: commpeakApi,
          capability: {
            key: "uuid",
            carries: Object.keys(commpeakApi.fields),
            clear: true,
            why: reasons([["uuid", "the CommPeak id names the user to update"]], `${commpeakApi.request} does not take it; change it in the Dialer`)
          }
        }
      }
    case "jsonl":
      return {
        dir,
        platform,
        create: { dialect: "jsonl", stem: "create" },
        update: {
          kind: "dialect",
          dialect: "jsonl",
          stem: "update",
          byColumns: false,
          capability: { key, carries: allPaths.filter((p) => p !== key && p !== "uuid"), clear: true, why: () => `the ${key} names the user to update` }
        }
      }
  }
}
