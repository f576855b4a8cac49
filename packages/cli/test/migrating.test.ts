/**
 * docs/migrating.md cannot rot: every `sh` block of each walk-through runs, as written, with the
 * built `pbxport` on the PATH, in a fresh folder where `fixtures/` is the repository's.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Fill, Pool, Secrets, ValueTemplate } from "pbxport"
import { bin, tempDir } from "./support.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const page = fs.readFileSync(path.join(repo, "docs/migrating.md"), "utf8")

/** The walk-throughs: `## From X to Y` sections and their `sh` blocks. */
const sections = page.split(/^## /m).slice(1).flatMap((section) => {
  const title = section.slice(0, section.indexOf("\n")).trim()
  if (!title.startsWith("From ")) return []
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
  return [{ title, blocks }]
})

/** What the prose of each walk-through says the files hold. */
const claims: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  "From Wazo to BroadWorks": [
    ["broadworks-users.csv", "user.create,ExampleSP,ExampleGroup,carol.test@example.com,Carol,Test,Carol,Test,1002,"],
    ["broadworks-users.csv", ",French,"],
    ["broadworks-users.csv", ",alice1000,fake-secret-1000\r\n"]
  ],
  "From BroadWorks to Wazo": [["wazo-users.csv", "Ana,Lima,ana.lima@example.com,ana.lima@example.com,not-a-real-password-1,sip,default,0101,15550101,from-extern,Ana Lima,0101,default,"]],
  "From Wazo to CommPeak": [["commpeak-users.csv", "carol.test,carol.test@example.com,1002,3,Carol,Test,webrtc\r\n"], ["commpeak-users.csv", "bob.sample,bob@example.com,1001,3,"]],
  "From CommPeak to Wazo": [["wazo-agents.csv", ",tam.nguyen@example.com,tnguyen,"]],
  "From BroadWorks to CommPeak": [["commpeak-from-broadworks.csv", "ana.lima@example.com,ana.lima@example.com,0101,3,Ana,Lima\r\n"]],
  "From CommPeak to BroadWorks": [["broadworks-agents.csv", "user.create,ExampleSP,ExampleGroup,tnguyen@example.com,Tâm,tnguyen,Tâm,tnguyen,1004,"]]
}

const sh = (script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = execFile("sh", ["-eu", "-c", script], { cwd, env: { ...process.env, PATH: `${path.join(cwd, "bin")}:${process.env.PATH}`, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode ?? (typeof error?.code === "number" ? error.code : -1), stdout, stderr })
    })
    child.stdin?.end()
  })

const workspace = (): string => {
  const dir = tempDir()
  fs.symlinkSync(path.join(repo, "fixtures"), path.join(dir, "fixtures"))
  fs.mkdirSync(path.join(dir, "bin"))
  fs.writeFileSync(path.join(dir, "bin", "pbxport"), `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`, { mode: 0o755 })
  return dir
}

describe("docs/migrating.md", () => {
  it("walks through every direction among Wazo, BroadWorks and CommPeak", () => {
    const platforms = ["Wazo", "BroadWorks", "CommPeak"]
    const wanted = platforms.flatMap((a) => platforms.filter((b) => b !== a).map((b) => `From ${a} to ${b}`))
    expect(sections.map((s) => s.title).sort()).toEqual(wanted.sort())
    for (const s of sections) expect(s.blocks.length, s.title).toBeGreaterThan(0)
  })

  for (const { title, blocks } of sections) {
    it(`runs the commands of "${title}" as written`, { timeout: 60_000 }, async () => {
      if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npx tsc -b packages/cli first`)
      const dir = workspace()
      // each command on its own (continuation lines joined), so each one's files can be checked
      const commands = blocks.flatMap((b) => b.replace(/\\\n\s*/g, " ").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")))
      for (const command of commands) {
        const r = await sh(command, dir)
        expect(r, `${title}:\n${command}\n${r.stderr}`).toMatchObject({ code: 0 })
        // every output and credentials file a command names was written (credentials owner-only);
        // a preview writes nothing
        for (const m of command.matchAll(/(?:-o|--credentials) (\S+)/g)) {
          const written = path.join(dir, m[1]!)
          if (command.includes("--preview")) {
            expect(fs.existsSync(written), `${m[1]} was written by a preview`).toBe(false)
            continue
          }
          expect(fs.statSync(written).size, m[1]).toBeGreaterThan(0)
          if (m[0].startsWith("--credentials")) expect(fs.statSync(written).mode & 0o777).toBe(0o600)
        }
        // no generated secret is shown
        for (const m of command.matchAll(/--credentials (\S+)/g)) {
          const credentials = path.join(dir, m[1]!)
          if (!fs.existsSync(credentials)) continue
          const [head, ...rows] = fs.readFileSync(credentials, "utf8").trim().split("\r\n")
          const secretColumns = head!.split(",").flatMap((h, i) => (Object.values(Secrets.SecretFields).some((f) => f.path === h) ? [i] : []))
          for (const row of rows) {
            for (const i of secretColumns) {
              const secret = row.split(",")[i]
              if (secret) expect(r.stdout + r.stderr).not.toContain(secret)
            }
          }
        }
      }
      for (const [name, text] of claims[title] ?? []) expect(fs.readFileSync(path.join(dir, name), "utf8"), name).toContain(text)
    })
  }

  it("documents every filter and policy item the code knows", () => {
    for (const filter of Object.keys(ValueTemplate.Filters)) expect(page).toContain(`| \`${filter}\``)
    for (const field of Object.keys(Secrets.SecretFields)) expect(page).toContain(`\`${field}\``)
    for (const item of ["length=N", "pin-length=N", "classes=upper+lower+digit+symbol", "`digits`"]) expect(page).toContain(item)
    expect(typeof Fill.start).toBe("function")
    expect(Pool.parse("1000-1999").ranges).toHaveLength(1)
  })
})
