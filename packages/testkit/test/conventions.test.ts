/**
 * Checks the conventions that let a newcomer add a platform with one adapter folder and one
 * fixture folder: every adapter package is registered, has fixtures, and stays pure.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Registry } from "pbxport"

const repo = path.resolve(import.meta.dirname, "../../..")
const adapterDirs = fs.readdirSync(path.join(repo, "adapters"))

const sources = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : []
  })

describe("conventions", () => {
  it("registers every dialect of every adapter package, with unique ids", async () => {
    const ids = Registry.ids()
    expect(new Set(ids).size).toBe(ids.length)
    for (const dir of adapterDirs) {
      const pkg = JSON.parse(fs.readFileSync(path.join(repo, "adapters", dir, "package.json"), "utf8")) as { name: string }
      const mod = (await import(pkg.name)) as { adapters: ReadonlyArray<{ id: string }> }
      expect(mod.adapters.length, `${pkg.name} exports no dialects`).toBeGreaterThan(0)
      for (const a of mod.adapters) expect(ids).toContain(a.id)
    }
  })

  it("gives every adapter package a fixture folder", () => {
    for (const dir of adapterDirs) expect(fs.existsSync(path.join(repo, "fixtures", dir)), `fixtures/${dir}`).toBe(true)
  })

  it("keeps adapters pure: no I/O, no process, no clock, no randomness, outside their live connectors", () => {
    for (const dir of adapterDirs) {
      for (const file of sources(path.join(repo, "adapters", dir, "src"))) {
        const text = fs.readFileSync(file, "utf8")
        expect(text, file).not.toMatch(/from "(pbxport|@pbxport\/cli)"/)
        // src/live/ is the connector and sandbox: the one place an adapter talks to the network
        if (file.includes(`${path.sep}src${path.sep}live${path.sep}`)) continue
        expect(text, file).not.toMatch(/from "node:(fs|child_process|net|http|https|os|tls|crypto)"|process\.|Date\.now|Math\.random|console\./)
        expect(text, file).not.toMatch(/from "\.\.?\/live\//)
      }
    }
  })

  it("keeps the core free of I/O and of the other packages", () => {
    for (const file of sources(path.join(repo, "packages", "core", "src"))) {
      expect(fs.readFileSync(file, "utf8"), file).not.toMatch(/from "(node:|@pbxport\/|pbxport)/)
    }
  })
})
