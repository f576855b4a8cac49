/**
 * The README's quick start and library example work as written (they cannot rot).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const repo = path.resolve(import.meta.dirname, "../../..")
const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8")
const blocks = (lang: string) => [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!)
const scratch = () => {
  const dir = path.join(repo, "tmp", `readme-${process.pid}-${Math.random().toString(36).slice(2)}`)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

describe("README", () => {
  it("quick start: the installed pbxport converts the shipped fixture as written", () => {
    const command = blocks("sh").flatMap((b) => b.split("\n")).find((l) => l.startsWith("npx pbxport convert"))!
    expect(command).toBeDefined()
    const args = command.replace(/^npx pbxport /, "").split(/\s+/)
    const dir = scratch()
    try {
      const out = execFileSync(process.execPath, [path.join(repo, "node_modules", ".bin", "pbxport"), ...args.map((a) => (a.startsWith("fixtures/") ? path.join(repo, a) : a))], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      expect(out).toMatch(/written/)
      const written = fs.readFileSync(path.join(dir, args[args.indexOf("-o") + 1]!), "utf8")
      expect(written.split("\r\n")[0]).toContain("firstname")
      expect(written.split("\r\n").length).toBeGreaterThan(2)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("library example: runs as written against a Wazo file", () => {
    const example = blocks("ts")[0]!
    const dir = scratch()
    try {
      fs.copyFileSync(path.join(repo, "fixtures", "wazo", "minimal", "input.csv"), path.join(dir, "users.csv"))
      fs.writeFileSync(path.join(dir, "example.ts"), example)
      const out = execFileSync(process.execPath, [path.join(dir, "example.ts")], { cwd: dir, encoding: "utf8" })
      expect(out).toMatch(/^1 of 1 rows are valid\n0 Zoë /)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
