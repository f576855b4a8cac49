/**
 * What the two BroadWorks sandboxes make on disk: TLS material for a run, an administrator
 * password, and the users kept between runs (`--state`).
 *
 * The state file holds the users' passwords (a sandbox must log them in and compare them as the
 * real platform would), so it is written with mode 0600, through a temporary file renamed into
 * place so a killed sandbox never leaves half a state.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Redacted } from "effect"
import type { User } from "@pbxport/core"
import type { Stored } from "./Sandbox.js"

/**
 * Makes a CA and a certificate for 127.0.0.1 and localhost with `openssl`, in `dir`; the CA's
 * key is deleted at once, so nothing else can ever be signed with it.
 */
export const tls = (dir: string): { readonly ca: string; readonly key: string; readonly cert: string } => {
  const at = (f: string) => path.join(dir, f)
  const run = (args: ReadonlyArray<string>) => execFileSync("openssl", args, { stdio: "pipe" })
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
  run(["req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.pem"), "-days", "7", "-subj", "/CN=pbxport BroadWorks sandbox CA"])
  run(["req", ...ec, "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=localhost"])
  fs.writeFileSync(at("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
  run(["x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at("server.pem"), "-days", "7", "-extfile", at("server.ext")])
  fs.rmSync(at("ca.key"))
  return { ca: at("ca.pem"), key: fs.readFileSync(at("server.key"), "utf8"), cert: fs.readFileSync(at("server.pem"), "utf8") }
}

/** A fresh administrator password for a sandbox run. */
export const password = (): string => `sandbox-${randomBytes(12).toString("base64url")}`

const secretMark = "$redacted"

const plain = (value: unknown): unknown =>
  Redacted.isRedacted(value) ? { [secretMark]: String(Redacted.value(value)) }
    : Array.isArray(value) ? value.map(plain)
      : value !== null && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
        : value

const revived = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(revived)
    : value !== null && typeof value === "object"
      ? secretMark in value ? Redacted.make(String((value as Record<string, unknown>)[secretMark]))
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revived(v)]))
      : value

/** Writes the users of a sandbox (mode 0600, atomically). */
export const save = (file: string, users: ReadonlyArray<Stored>): void => {
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, JSON.stringify(plain(users)), { mode: 0o600 })
  fs.renameSync(temp, file)
}

/** Reads the users a sandbox saved, or none when the file does not exist yet. */
export const load = (file: string | undefined): ReadonlyArray<Stored> => {
  if (file === undefined || !fs.existsSync(file)) return []
  const value = revived(JSON.parse(fs.readFileSync(file, "utf8")) as unknown)
  return Array.isArray(value) ? (value as Array<{ serviceProviderId: string; groupId: string; user: User.User }>) : []
}
