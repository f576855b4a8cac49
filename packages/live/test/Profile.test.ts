import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import * as LiveError from "../src/LiveError.js"
import * as Profile from "../src/Profile.js"

const platform = {
  id: "demo",
  fields: [
    { name: "url", type: "string", required: true, doc: "the front of the platform" },
    { name: "tenant", type: "string", required: false, doc: "the tenant" }
  ] as ReadonlyArray<Profile.FieldSpec>
}

const dirs: Array<string> = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const write = (value: unknown, mode = 0o600, name = "profile.json"): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-profile-"))
  dirs.push(dir)
  const file = path.join(dir, name)
  fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value))
  fs.chmodSync(file, mode)
  return file
}

const load = (file: string, env: Record<string, string> = {}) => Profile.resolve(file, Profile.read(file), platform, env)

const failure = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    expect(LiveError.is(e)).toBe(true)
    expect((e as LiveError.LiveError).issue.code).toBe("usage")
    return (e as Error).message
  }
  throw new Error("expected a failure")
}

const base = { platform: "demo", url: "https://pbx.example.com", username: "admin" }

describe("Profile", () => {
  it("reads an inline password from a mode 0600 file, holding it redacted", () => {
    const file = write({ ...base, password: "canary-inline-1", tenant: "t1" })
    const p = load(file)
    expect(p.username).toBe("admin")
    expect(Redacted.value(p.password)).toBe("canary-inline-1")
    expect(String(p.password)).not.toContain("canary")
    expect(JSON.stringify(p)).not.toContain("canary")
    expect(p.fields).toEqual({ url: "https://pbx.example.com", tenant: "t1" })
    expect(p.insecure).toBe(false)
  })

  it("refuses an inline password in a file others can read, naming the mode, as ssh does", () => {
    const file = write({ ...base, password: "canary-inline-2" }, 0o644)
    const message = failure(() => load(file))
    expect(message).toBe(`connection profile ${file}: holds a password but its mode is 0644, readable by others: run chmod 600 ${file}, or use passwordEnv or passwordFile`)
    expect(failure(() => load(write({ ...base, password: "x" }, 0o640)))).toContain("mode is 0640")
  })

  it("takes the password from an environment variable, and names it when unset", () => {
    const file = write({ ...base, passwordEnv: "DEMO_PASSWORD" }, 0o644)
    expect(Redacted.value(load(file, { DEMO_PASSWORD: "canary-env" }).password)).toBe("canary-env")
    expect(failure(() => load(file))).toBe(`connection profile ${file}: 'passwordEnv' names the environment variable DEMO_PASSWORD, which is not set`)
  })

  it("takes the password from a file relative to the profile, dropping one trailing newline", () => {
    const file = write({ ...base, passwordFile: "secret.txt" }, 0o644)
    fs.writeFileSync(path.join(path.dirname(file), "secret.txt"), "canary-file \n")
    expect(Redacted.value(load(file).password)).toBe("canary-file ")
    fs.rmSync(path.join(path.dirname(file), "secret.txt"))
    expect(failure(() => load(file))).toBe(`connection profile ${file}: 'passwordFile' ${path.join(path.dirname(file), "secret.txt")} cannot be read (no such file)`)
  })

  it("refuses two password sources, and none, naming the fields", () => {
    const two = write({ ...base, password: "a", passwordEnv: "X" })
    expect(failure(() => load(two))).toBe(`connection profile ${two}: gives the password more than once ('password' and 'passwordEnv'): keep one`)
    const none = write(base)
    expect(failure(() => load(none))).toContain("gives no password: add one of passwordEnv")
  })

  it("refuses an unknown field and a missing one, naming them", () => {
    const unknown = write({ ...base, password: "a", tennant: "t" })
    expect(failure(() => load(unknown))).toBe(`connection profile ${unknown}: unknown field 'tennant'; a demo profile takes platform, username, password, passwordEnv, passwordFile, ca, insecure, url, tenant`)
    const { url: _url, ...noUrl } = base
    const missing = write({ ...noUrl, password: "a" })
    expect(failure(() => load(missing))).toBe(`connection profile ${missing}: lacks 'url' (the front of the platform)`)
    const { username: _u, ...noUser } = base
    expect(failure(() => load(write({ ...noUser, password: "a" })))).toContain("lacks 'username'")
  })

  it("refuses a field of the wrong type without showing the value", () => {
    const file = write({ ...base, password: 12345678, insecure: "yes" })
    const message = failure(() => load(file))
    expect(message).toBe(`connection profile ${file}: 'password' must be a string`)
    expect(message).not.toContain("12345678")
    expect(failure(() => load(write({ ...base, password: "a", insecure: "yes" })))).toContain("'insecure' must be true or false")
  })

  it("reads the CA file relative to the profile, and insecure only when true", () => {
    const file = write({ ...base, passwordEnv: "P", ca: "ca.pem", insecure: true }, 0o644)
    fs.writeFileSync(path.join(path.dirname(file), "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    const p = load(file, { P: "x" })
    expect(p.ca).toContain("BEGIN CERTIFICATE")
    expect(p.caFile).toBe(path.join(path.dirname(file), "ca.pem"))
    expect(p.insecure).toBe(true)
    expect(Profile.insecureWarning(p)).toContain("insecure: true")
    fs.writeFileSync(path.join(path.dirname(file), "ca.pem"), "not a certificate")
    expect(failure(() => load(file, { P: "x" }))).toContain("holds no PEM certificate")
  })

  it("reports a file that is not JSON without quoting it", () => {
    const file = write('{"password": "canary-json", oops}')
    const message = failure(() => Profile.read(file))
    expect(message).toBe(`connection profile ${file}: is not valid JSON`)
    expect(failure(() => Profile.read(path.join(os.tmpdir(), "no-such-profile.json")))).toContain("no such file")
    expect(failure(() => Profile.read(write("[1]")))).toContain("must be a JSON object")
  })

  it("names the platforms a profile may give", () => {
    const file = write({ platform: "pbx9000" })
    expect(failure(() => Profile.platformOf(file, Profile.read(file).raw, ["demo", "other"]))).toBe(`connection profile ${file}: 'platform' must be one of demo, other, not "pbx9000"`)
  })
})
