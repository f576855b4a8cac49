import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { Job, start, Zip, type UiServer } from "../src/index.js"
import { fixture, tempDir } from "./support.js"

const servers: Array<UiServer> = []
const dirs: Array<string> = []
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const server = async (): Promise<{ base: string; token: string; s: UiServer }> => {
  const s = await start({ port: 0 })
  servers.push(s)
  const url = new URL(s.url)
  return { base: `http://127.0.0.1:${s.port}`, token: url.searchParams.get("token")!, s }
}

const post = (base: string, token: string, route: string, body: unknown) =>
  fetch(`${base}${route}`, { method: "POST", headers: { "x-pbxport-token": token, "content-type": "application/json" }, body: JSON.stringify(body) })

describe("the ui server", () => {
  it("listens on 127.0.0.1 only, with a long random token in its URL", async () => {
    const a = await server()
    const b = await server()
    expect(a.s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
    expect(a.token).not.toBe(b.token)
  })

  it("refuses a request without the token, with a wrong one, or naming another host", async () => {
    const { base, token } = await server()
    expect((await fetch(`${base}/`)).status).toBe(403)
    expect((await fetch(`${base}/?token=${token.slice(1)}x`)).status).toBe(403)
    expect((await fetch(`${base}/api/meta`)).status).toBe(403)
    expect((await fetch(`${base}/api/meta`, { headers: { "x-pbxport-token": "nope" } })).status).toBe(403)
    // DNS rebinding: a page of another site resolved to 127.0.0.1 sends its own Host
    const http = await import("node:http")
    const status = await new Promise<number>((resolve) => {
      http.get(`${base}/?token=${token}`, { headers: { host: "attacker.example:80" } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
    })
    expect(status).toBe(421)
    const page = await fetch(`${base}/?token=${token}`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
    expect(page.headers.get("referrer-policy")).toBe("no-referrer")
    expect(page.headers.get("x-frame-options")).toBe("DENY")
    expect(await page.text()).toContain(`<meta name="pbxport-token" content="${token}">`)
    expect((await fetch(`${base}/app.js?token=${token}`)).status).toBe(200)
  })

  it("never sends a secret cell of the file to the page", async () => {
    const { base, token } = await server()
    const bytes = fs.readFileSync(fixture("wazo/export/input.csv"))
    const up = await fetch(`${base}/api/source`, { method: "POST", headers: { "x-pbxport-token": token, "x-file-name": "export.csv" }, body: bytes })
    expect(up.status).toBe(200)
    const rows = await post(base, token, "/api/rows", { job: { from: "wazo-export", to: "wazo" }, offset: 0, limit: 10 })
    const text = await rows.text()
    expect(rows.status).toBe(200)
    expect(bytes.toString("utf8")).toContain("fake-secret-1000")
    expect(text).not.toContain("fake-secret-1000")
    expect(text).toContain("••••")
  })

  it("answers a bad request with a message, and a file-level failure with the library's message", async () => {
    const { base, token } = await server()
    expect(await (await post(base, token, "/api/rows", { job: { from: "wazo" } })).json()).toEqual({ error: "no file yet: drop or pick a file, or start from a template", issue: null })
    await fetch(`${base}/api/source`, { method: "POST", headers: { "x-pbxport-token": token }, body: "firstname\nZoë\n" })
    const bad = await post(base, token, "/api/convert", { from: "wazo", to: 3 })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: "to must be a string", issue: null })
    const unknown = await post(base, token, "/api/convert", { from: "nope", to: "wazo" })
    expect(unknown.status).toBe(422)
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^unknown dialect 'nope'; known dialects: /)
    const template = await post(base, token, "/api/convert", { from: "wazo", to: "broadworks", set: [["noSuchColumn", "x"]] })
    expect(template.status).toBe(422)
    expect(((await template.json()) as { error: string }).error).toContain("noSuchColumn")
  })

  it("gives the credentials file once, and keeps no temporary folder", async () => {
    const temp = tempDir()
    dirs.push(temp)
    const s = await start({ port: 0, tempDir: temp })
    servers.push(s)
    const base = `http://127.0.0.1:${s.port}`
    const token = new URL(s.url).searchParams.get("token")!
    await fetch(`${base}/api/source`, { method: "POST", headers: { "x-pbxport-token": token, "x-file-name": "export.csv" }, body: fs.readFileSync(fixture("wazo/export/input.csv")) })
    const res = await post(base, token, "/api/convert", {
      from: "wazo-export",
      to: "broadworks",
      set: [["userId", "{{firstName|lower}}@example.com"], ["serviceProviderId", "SP"], ["groupId", "G"], ["callingLineIdFirstName", "{{firstName}}"], ["callingLineIdLastName", "{{lastName}}"]],
      extensions: "1000-1999",
      generatePasswords: "default"
    })
    const answer = (await res.json()) as { downloads: Array<{ id: string; kind: string }>; command: string }
    expect(res.status).toBe(200)
    expect(answer.command).toContain("--generate-passwords --credentials export-credentials.csv")
    const credentials = answer.downloads.find((d) => d.kind === "credentials")!
    const first = await fetch(`${base}/api/download/${credentials.id}`, { headers: { "x-pbxport-token": token } })
    expect(first.status).toBe(200)
    expect(first.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''export-credentials.csv")
    expect((await first.text()).split("\r\n")[0]).toContain("password")
    const second = await fetch(`${base}/api/download/${credentials.id}`, { headers: { "x-pbxport-token": token } })
    expect(second.status).toBe(404)
    expect(fs.readdirSync(temp)).toEqual([])
  })

  it("puts the numbered files of a target that splits into one archive", async () => {
    const { base, token } = await server()
    const lines = ["Username,Email,Virtual Extension,Role,First Name,Last Name"]
    for (let i = 1; i <= 501; i++) lines.push(`user${i},user${i}@example.com,${1000 + i},3,User,${i}`)
    await fetch(`${base}/api/source`, { method: "POST", headers: { "x-pbxport-token": token, "x-file-name": "agents.csv" }, body: lines.join("\n") + "\n" })
    const res = await post(base, token, "/api/convert", { from: "commpeak", to: "commpeak" })
    const answer = (await res.json()) as { downloads: Array<{ id: string; kind: string; name: string }> }
    const output = answer.downloads.find((d) => d.kind === "output")!
    expect(output.name).toBe("agents-commpeak.zip")
    const bytes = new Uint8Array(await (await fetch(`${base}/api/download/${output.id}`, { headers: { "x-pbxport-token": token } })).arrayBuffer())
    const dir = tempDir()
    dirs.push(dir)
    fs.writeFileSync(path.join(dir, "out.zip"), bytes)
    const listing = execFileSync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print('\\n'.join(f'{i.filename} {i.file_size}' for i in z.infolist()))", path.join(dir, "out.zip")], { encoding: "utf8" })
    expect(listing.trim().split("\n").map((l) => l.split(" ")[0])).toEqual(["agents-commpeak-001.csv", "agents-commpeak-002.csv"])
  })
})

describe("Zip", () => {
  it("writes a stored archive any unzip reads back byte for byte", () => {
    const dir = tempDir()
    dirs.push(dir)
    const files = [{ name: "a.csv", bytes: new TextEncoder().encode("x,y\r\n1,2\r\n") }, { name: "é.txt", bytes: new Uint8Array([0, 255, 10]) }]
    fs.writeFileSync(path.join(dir, "t.zip"), Zip.zip(files))
    const out = execFileSync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(','.join(z.read(n).hex() + ':' + n for n in z.namelist()))", path.join(dir, "t.zip")], { encoding: "utf8" })
    expect(out.trim()).toBe(`${Buffer.from("x,y\r\n1,2\r\n").toString("hex")}:a.csv,00ff0a:é.txt`)
    expect(Zip.crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926)
  })
})

describe("Job", () => {
  it("checks what the page sends and names what is wrong", () => {
    expect(() => Job.parse(null)).toThrow("the job must be a JSON object")
    expect(() => Job.parse({ to: "wazo" })).toThrow("from is required")
    expect(() => Job.parse({ from: "wazo", to: null, map: "x" })).toThrow("map must be a list of strings")
    expect(() => Job.parse({ from: "wazo", to: null, set: [["a"]] })).toThrow("set must be a list of [column, template] pairs")
    expect(Job.parse({ from: "wazo", to: "", encoding: "", map: [], set: [["", "x"]], maps: { role: "" } })).toEqual({ from: "wazo", to: null })
  })

  it("writes the equivalent command line, quoted for a shell, with no secret in it", () => {
    const job = Job.parse({ from: "commpeak", to: "wazo", delimiter: "\t", map: ["Username=Agent Login"], set: [["context", "it's {{index}}"]], maps: { role: "a,b\n" }, translate: false, generatePasswords: "voicemail-pin,pin-length=8" })
    const n = Job.names("Équipe Nord.csv", "csv", "wazo", "csv")
    expect(Job.commandLine(job, "Équipe Nord.csv", n)).toBe(
      "pbxport convert 'Équipe Nord.csv' --from commpeak --to wazo --delimiter tab --map-columns 'Équipe-Nord-columns.txt' --set 'context=it'\"'\"'s {{index}}' --map-file 'role=Équipe-Nord-role-map.csv' --no-translate --generate-passwords=voicemail-pin,pin-length=8 --credentials 'Équipe-Nord-credentials.csv' -o 'Équipe-Nord-wazo.csv' --errors 'Équipe-Nord-errors.csv' --report 'Équipe-Nord-report.json'"
    )
    expect(Job.commandLine(Job.parse({ from: "wazo", to: null }), "u.csv", Job.names("u.csv", "csv", "report", "json"))).toBe("pbxport validate u.csv --from wazo")
  })
})
