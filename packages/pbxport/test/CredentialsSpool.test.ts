import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { commpeakSuccess } from "@pbxport/adapter-commpeak"
import * as CredentialsSpool from "../src/CredentialsSpool.js"
import * as Secrets from "../src/Secrets.js"
import { tempDir } from "./support.js"

const policy = Secrets.parsePolicy("length=20")
const ana = { username: "ana", email: "ana@example.com" }
const bo = { username: "bo", email: "bo@example.com" }
const cy = { username: "cy", email: "Cy@Example.com" }

describe("CredentialsSpool", () => {
  it("records a password before handing it out, keeps it across an interrupted run, and writes the created users' credentials 0600", async () => {
    const file = path.join(tempDir(), "credentials.csv")
    const first = await CredentialsSpool.open(file, commpeakSuccess, policy)
    const pa = first.passwordFor(ana)
    expect(pa).toHaveLength(20)
    expect(first.passwordFor(ana)).toBe(pa)
    const pb = first.passwordFor(bo)
    const pc = first.passwordFor(cy)
    first.created(ana, "1001")
    first.refused(bo)
    first.close() // killed: cy's answer was lost
    const spool = CredentialsSpool.spoolPath(file)
    expect(fs.statSync(spool).mode & 0o777).toBe(0o600)
    expect(fs.existsSync(file)).toBe(false)
    // a torn last line is dropped
    fs.appendFileSync(spool, `{"k":"u:dee","u":"dee","e":null,"p":"xx`)

    const second = await CredentialsSpool.open(file, commpeakSuccess, policy)
    expect(second.passwordFor(ana)).toBe(pa)
    expect(second.passwordFor(cy)).toBe(pc)
    // bo was refused: a new try gets a new password
    const pb2 = second.passwordFor(bo)
    expect(pb2).not.toBe(pb)
    second.created(bo, "1003")
    const rows = await second.finish((u) => u.username === "cy")
    expect(rows).toBe(3)
    expect(fs.existsSync(spool)).toBe(false)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(file, "utf8")).toBe(`Username,Email,Password\r\nana,ana@example.com,${pa}\r\nbo,bo@example.com,${pb2}\r\ncy,Cy@Example.com,${pc}\r\n`)

    // a later run keeps the file's users and adds its own
    const third = await CredentialsSpool.open(file, commpeakSuccess, policy)
    expect(third.passwordFor(ana)).toBe(pa)
    const pd = third.passwordFor({ username: "dee", email: null })
    third.created({ username: "dee" }, "1004")
    expect(await third.finish(() => false)).toBe(4)
    expect(fs.readFileSync(file, "utf8")).toContain(`\r\ndee,,${pd}\r\n`)
  })

  it("leaves out a user whose answer was lost and who does not exist", async () => {
    const file = path.join(tempDir(), "c.csv")
    const s = await CredentialsSpool.open(file, commpeakSuccess, policy)
    const p = s.passwordFor(ana)
    expect(await s.finish(() => false)).toBe(0)
    expect(fs.readFileSync(file, "utf8")).not.toContain(p)
  })

  it("refuses a spool readable by others, and a folder that cannot take the file, before anything is sent", async () => {
    const dir = tempDir()
    const file = path.join(dir, "c.csv")
    fs.writeFileSync(CredentialsSpool.spoolPath(file), "", { mode: 0o644 })
    fs.chmodSync(CredentialsSpool.spoolPath(file), 0o644)
    await expect(CredentialsSpool.open(file, commpeakSuccess, policy)).rejects.toThrow(/holds passwords and is readable by others \(mode 644\); run chmod 600 on it/)
    await expect(CredentialsSpool.open(path.join(dir, "missing", "c.csv"), commpeakSuccess, policy)).rejects.toThrow(/missing\/c\.csv/)
  })
})
