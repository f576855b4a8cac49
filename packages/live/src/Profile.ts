/**
 * Connection profiles: the JSON file (`--connection FILE`) that says which platform to talk to,
 * where, and as whom.
 *
 * Credentials never travel on the command line (they would show in `ps` and shell history): the
 * password comes from exactly one of `password` (inline, and then the file must be readable by
 * its owner only, as ssh insists for private keys), `passwordEnv` (the name of an environment
 * variable) or `passwordFile` (a file holding it). Relative paths resolve against the profile's
 * folder, so a profile and its files move together. Each platform declares the other fields it
 * takes (`Platform.fields`); a field nobody declared is refused rather than ignored, since a
 * misspelt `tenant` would otherwise silently talk to the wrong tenant.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Redacted } from "effect"
import { LiveError } from "./LiveError.js"

/**
 * A field a platform takes in its profiles.
 */
export interface FieldSpec {
  readonly name: string
  readonly type: "string" | "boolean" | "integer"
  readonly required: boolean
  readonly doc: string
}

/**
 * A profile, checked and resolved.
 *
 * **Details**
 * `password` is `Redacted`: it prints as `<redacted>`; `Redacted.value` is called only where
 * the login is sent. `ca` holds the PEM text of the extra trusted CA. `fields` holds the
 * platform's own fields, by name.
 */
export interface Profile {
  readonly file: string
  readonly platform: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly ca: string | undefined
  readonly caFile: string | undefined
  readonly insecure: boolean
  readonly fields: Readonly<Record<string, string | boolean | number>>
}

/**
 * The fields every profile may hold, whatever its platform.
 */
export const common: ReadonlyArray<FieldSpec> = [
  { name: "platform", type: "string", required: true, doc: "the platform: wazo, broadworks, odin or commpeak" },
  { name: "username", type: "string", required: true, doc: "the user name to log in with" },
  { name: "password", type: "string", required: false, doc: "the password, inline (the profile must then be mode 0600)" },
  { name: "passwordEnv", type: "string", required: false, doc: "the name of an environment variable holding the password" },
  { name: "passwordFile", type: "string", required: false, doc: "a file holding the password (a trailing newline is dropped)" },
  { name: "ca", type: "string", required: false, doc: "a PEM file of a CA to trust beside the system's" },
  { name: "insecure", type: "boolean", required: false, doc: "true skips TLS verification (warned about on every run)" }
]

const sources = ["password", "passwordEnv", "passwordFile"] as const

const fail = (file: string, detail: string): never => {
  throw new LiveError({ _tag: "Profile", file, detail })
}

/**
 * Reads a profile file as a JSON object, with its mode.
 */
export const read = (file: string): { readonly raw: Record<string, unknown>; readonly mode: number } => {
  let text: string
  let mode: number
  try {
    mode = fs.statSync(file).mode & 0o777
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return fail(file, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : `cannot be read (${code ?? "error"})`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""))
  } catch {
    // the parser's message may quote the text, which may hold the password
    return fail(file, "is not valid JSON")
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return fail(file, "must be a JSON object ({\"platform\": ..., \"username\": ..., ...})")
  return { raw: raw as Record<string, unknown>, mode }
}

/**
 * The platform a raw profile names.
 */
export const platformOf = (file: string, raw: Record<string, unknown>, known: ReadonlyArray<string>): string => {
  const p = raw.platform
  if (p === undefined) return fail(file, `lacks 'platform' (one of ${known.join(", ")})`)
  if (typeof p !== "string" || !known.includes(p)) return fail(file, `'platform' must be one of ${known.join(", ")}, not ${JSON.stringify(p)}`)
  return p
}

const typeName = (t: FieldSpec["type"]): string => (t === "string" ? "a string" : t === "boolean" ? "true or false" : "a whole number")

const matches = (value: unknown, t: FieldSpec["type"]): boolean =>
  t === "string" ? typeof value === "string" : t === "boolean" ? typeof value === "boolean" : typeof value === "number" && Number.isInteger(value)

/**
 * Checks a raw profile against the common fields and the platform's, and resolves the password
 * and the CA file.
 *
 * **Gotchas**
 * An inline `password` in a file that group or others can read is refused naming the mode,
 * before the password is even looked at. The environment is passed in so tests need not
 * change the process's.
 */
export const resolve = (
  file: string,
  read: { readonly raw: Record<string, unknown>; readonly mode: number },
  platform: { readonly id: string; readonly fields: ReadonlyArray<FieldSpec> },
  env: Readonly<Record<string, string | undefined>> = process.env
): Profile => {
  const { raw, mode } = read
  const specs = [...common, ...platform.fields]
  for (const key of Object.keys(raw)) {
    if (!specs.some((s) => s.name === key)) {
      fail(file, `unknown field '${key}'; a ${platform.id} profile takes ${specs.map((s) => s.name).join(", ")}`)
    }
  }
  for (const s of specs) {
    const value = raw[s.name]
    if (value === undefined) {
      if (s.required) fail(file, `lacks '${s.name}' (${s.doc})`)
      continue
    }
    // a password's value is never shown, not even its type's reason
    if (!matches(value, s.type)) fail(file, `'${s.name}' must be ${typeName(s.type)}`)
    if (s.type === "string" && value === "" && s.name !== "password") fail(file, `'${s.name}' is empty (${s.doc})`)
  }
  const given = sources.filter((s) => raw[s] !== undefined)
  if (given.length === 0) fail(file, "gives no password: add one of passwordEnv (an environment variable's name), passwordFile (a file) or password (inline, in a mode 0600 file)")
  if (given.length > 1) fail(file, `gives the password more than once (${given.map((g) => `'${g}'`).join(" and ")}): keep one`)
  const dir = path.dirname(path.resolve(file))
  const at = (p: string): string => path.resolve(dir, p)
  let password: string
  switch (given[0]!) {
    case "password":
      if ((mode & 0o077) !== 0) {
        fail(file, `holds a password but its mode is ${mode.toString(8).padStart(4, "0")}, readable by others: run chmod 600 ${file}, or use passwordEnv or passwordFile`)
      }
      password = raw.password as string
      break
    case "passwordEnv": {
      const name = raw.passwordEnv as string
      const value = env[name]
      if (value === undefined || value === "") fail(file, `'passwordEnv' names the environment variable ${name}, which is not set`)
      password = value!
      break
    }
    case "passwordFile": {
      const p = at(raw.passwordFile as string)
      try {
        password = fs.readFileSync(p, "utf8").replace(/\r?\n$/, "")
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        return fail(file, `'passwordFile' ${p} cannot be read (${code === "ENOENT" ? "no such file" : (code ?? "error")})`)
      }
      if (password === "") fail(file, `'passwordFile' ${p} is empty`)
      break
    }
  }
  let ca: string | undefined
  let caFile: string | undefined
  if (typeof raw.ca === "string") {
    caFile = at(raw.ca)
    try {
      ca = fs.readFileSync(caFile, "utf8")
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      fail(file, `'ca' ${caFile} cannot be read (${code === "ENOENT" ? "no such file" : (code ?? "error")})`)
    }
    if (!ca!.includes("-----BEGIN CERTIFICATE-----")) fail(file, `'ca' ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  }
  const fields: Record<string, string | boolean | number> = {}
  for (const s of platform.fields) {
    const value = raw[s.name]
    if (value !== undefined) fields[s.name] = value as string | boolean | number
  }
  return {
    file,
    platform: platform.id,
    username: raw.username as string,
    password: Redacted.make(password!),
    ca,
    caFile,
    insecure: raw.insecure === true,
    fields
  }
}

/**
 * The warning printed on every run of a profile with `insecure: true`.
 */
export const insecureWarning = (profile: Profile): string =>
  `warning: ${profile.file} sets insecure: true, so the server's certificate is not verified and anyone on the path can read the credentials; use 'ca' instead`

/**
 * A platform field of a profile as a string (declared fields have been checked already).
 */
export const text = (profile: Profile, name: string): string | undefined => {
  const v = profile.fields[name]
  return typeof v === "string" ? v : undefined
}
