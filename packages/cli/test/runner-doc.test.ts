/**
 * docs/migrating-with-the-runner.md cannot rot: its `sh` blocks run in order, as written, with the
 * built `pbxport` on the PATH, in a fresh folder where `fixtures/` is the repository's; a `text`
 * block right after an `sh` block is what the commands print (`...` stands for any lines).
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { bin, tempDir } from "./support.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const page = fs.readFileSync(path.join(repo, "docs/migrating-with-the-runner.md"), "utf8")

const fences = [...page.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }))
const steps = fences.flatMap((f, i) => {
  if (f.lang !== "sh") return []
  const next = fences[i + 1]
  return [{ script: f.body, expected: next?.lang === "text" ? next.body : undefined }]
})

const sh = (script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = execFile("sh", ["-eu", "-c", script], { cwd, env: { ...process.env, PATH: `${path.join(cwd, "bin")}:${process.env.PATH}`, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode ?? (typeof error?.code === "number" ? error.code : -1), stdout, stderr })
    })
    child.stdin?.end()
  })

/** Tells whether printed lines match expected ones, where an expected `...` line stands for any lines. */
const matches = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>): boolean => {
  if (expected.length === 0) return actual.length === 0
  const [first, ...rest] = expected
  if (first === "...") return actual.some((_, i) => matches(actual.slice(i), rest)) || matches([], rest)
  return actual.length > 0 && actual[0] === first && matches(actual.slice(1), rest)
}

describe("docs/migrating-with-the-runner.md", () => {
  it("has commands, most with what they print", () => {
    expect(steps.length).toBeGreaterThanOrEqual(8)
    expect(steps.filter((s) => s.expected !== undefined).length).toBeGreaterThanOrEqual(6)
    expect(page).toContain("--against-dialect wazo-export")
    expect(page).toContain("--to broadworks")
  })

  it("runs every command as written and prints what the page says", { timeout: 60_000 }, async () => {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npx tsc -b packages/cli first`)
    const dir = tempDir()
    fs.symlinkSync(path.join(repo, "fixtures"), path.join(dir, "fixtures"))
    fs.mkdirSync(path.join(dir, "bin"))
    fs.writeFileSync(path.join(dir, "bin", "pbxport"), `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`, { mode: 0o755 })
    for (const { script, expected } of steps) {
      const r = await sh(script, dir)
      expect(r, `${script}\n${r.stderr}`).toMatchObject({ code: 0, stderr: "" })
      if (expected === undefined) continue
      // CSV files are CRLF; the page shows lines
      const printed = r.stdout.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n")
      const wanted = expected.replace(/\n$/, "").split("\n")
      expect(matches(printed, wanted), `${script}\nprinted:\n${r.stdout}\nthe page says:\n${expected}`).toBe(true)
    }
    // the generated passwords were never printed, and the journal holds none
    const credentials = fs.readFileSync(path.join(dir, "credentials.csv"), "utf8").trim().split("\r\n")
    const column = credentials[0]!.split(",").indexOf("password")
    const journals = fs.readFileSync(path.join(dir, "sheets.journal"), "utf8") + fs.readFileSync(path.join(dir, "update-pass", "plan.json"), "utf8")
    for (const row of credentials.slice(1)) expect(journals).not.toContain(row.split(",")[column])
    expect(fs.readFileSync(path.join(dir, "update-pass", "plan.json"), "utf8")).not.toContain("not-a-real-password")
  })
})
