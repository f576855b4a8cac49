/**
 * docs/live-wazo.md cannot rot: every `sh` block runs, as written and in order, with the built
 * `pbxport` on the PATH, in a fresh folder where `fixtures/` is the repository's. The sandbox
 * block starts the sandbox in the background (the page says to run it in another terminal); it is
 * stopped with SIGTERM at the end, as Ctrl-C would stop it.
 */
import * as child from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { bin, tempDir } from "./support.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const page = fs.readFileSync(path.join(repo, "docs/live-wazo.md"), "utf8")
const commands = [...page.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
  .flatMap((m) => m[1]!.replace(/\\\n\s*/g, " ").split("\n"))
  .filter((l) => l.trim() !== "" && !l.startsWith("#"))

const env = (dir: string) => ({ ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, NO_COLOR: "1" })

const sh = (script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    child.execFile("sh", ["-eu", "-c", script], { cwd, env: env(cwd) }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    })
  })

describe("docs/live-wazo.md", () => {
  it("has the commands of every section", () => {
    expect(commands[0]).toMatch(/^pbxport sandbox wazo /)
    for (const c of ["pbxport export ", "pbxport plan ", "pbxport migrate ", "--update"]) expect(commands.some((l) => l.includes(c)), c).toBe(true)
  })

  it("runs every command as written against the sandbox", { timeout: 300_000 }, async () => {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npx tsc -b packages/cli first`)
    const dir = tempDir()
    fs.symlinkSync(path.join(repo, "fixtures"), path.join(dir, "fixtures"))
    fs.mkdirSync(path.join(dir, "bin"))
    fs.writeFileSync(path.join(dir, "bin", "pbxport"), `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`, { mode: 0o755 })
    const [server, ...rest] = commands
    const profile = path.join(dir, /--profile (\S+)/.exec(server!)![1]!)
    const sandbox = child.spawn("sh", ["-eu", "-c", `exec ${server}`], { cwd: dir, env: env(dir), stdio: ["ignore", "pipe", "pipe"] })
    const ended = new Promise<number | null>((r) => sandbox.on("close", (code) => r(code)))
    try {
      for (let i = 0; i < 300 && !fs.existsSync(profile); i++) await new Promise((r) => setTimeout(r, 100))
      expect(fs.existsSync(profile), "the sandbox wrote its profile").toBe(true)
      const outputs: Array<string> = []
      for (const command of rest) {
        const r = await sh(command, dir)
        expect(r, `${command}\n${r.stderr}`).toMatchObject({ code: 0, stderr: "" })
        outputs.push(r.stdout)
      }
      // what the page says the commands do
      const [exported, planned, migrated, resumed, , , updatePlan, updated] = outputs
      expect(exported).toMatch(/^exported 0 of 0 users/)
      expect(planned).toContain("  create     2\n")
      expect(migrated).toContain("2 users read, matched by email: 2 created")
      expect(resumed).toContain("0 created, 0 updated, 0 unchanged, 0 failed, 2 already done by an earlier run")
      expect(fs.readFileSync(path.join(dir, "current.csv"), "utf8")).toContain(",Ana,Lima,ana.lima@example.com,")
      expect(updatePlan).toContain('lastName "Lima" -> "Lima-Souza"')
      expect(updated).toContain("0 created, 1 updated, 1 unchanged, 0 failed")
    } finally {
      sandbox.kill("SIGTERM")
    }
    // stopped as by Ctrl-C (128 + the signal, as shells report it), its CA and password files removed
    expect([0, 130, 143]).toContain(await ended)
    const { ca } = JSON.parse(fs.readFileSync(profile, "utf8")) as { ca: string }
    expect(fs.existsSync(ca)).toBe(false)
  })
})
