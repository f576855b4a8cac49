/**
 * Checks the conventions that let a newcomer add a platform with one adapter folder and one
 * fixture folder: every adapter package is registered, has fixtures, and stays pure; the only
 * I/O an adapter may do is its live connection, under `src/live/`, which its dialects never
 * import; the shared live layer never names a platform.
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

  it("keeps adapters pure outside src/live/: no I/O, no process, no clock, no randomness", () => {
    for (const dir of adapterDirs) {
      const src = path.join(repo, "adapters", dir, "src")
      for (const file of sources(src)) {
        const text = fs.readFileSync(file, "utf8")
        const live = path.relative(src, file).startsWith(`live${path.sep}`)
        if (!live) {
          expect(text, file).not.toMatch(/from "node:(fs|child_process|net|http|https|os|dns|tls|dgram|crypto)"|from "undici"|process\.|Date\.now|Math\.random|console\.|setTimeout|fetch\(/)
          // the dialects never load the live code (which would load an HTTP client)
          expect(text, file).not.toMatch(/from "\.\/live|from "\.\.?\/live|import\("\.\/live/)
          expect(text, file).not.toMatch(/from "@pbxport\/live"/)
        }
        expect(text, file).not.toMatch(/from "(pbxport|@pbxport\/cli|@pbxport\/migrate)"/)
      }
    }
  })

  it("exposes each adapter's live code as the ./live subpath, declared in the registry", async () => {
    const { Connections } = await import("pbxport")
    for (const dir of adapterDirs) {
      const pkg = JSON.parse(fs.readFileSync(path.join(repo, "adapters", dir, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> }
      const hasLive = fs.existsSync(path.join(repo, "adapters", dir, "src", "live", "index.ts"))
      expect(Object.hasOwn(pkg.exports, "./live"), `${pkg.name} exports ./live`).toBe(hasLive)
    }
    for (const id of Connections.ids()) {
      const platform = await Connections.load(id)
      expect(platform?.id).toBe(id)
    }
  })

  it("keeps the shared live layer free of platform names", () => {
    // the runner, profiles, HTTP and the command line read declarations; they never switch on a platform
    const shared = [
      ...sources(path.join(repo, "packages", "live", "src")),
      path.join(repo, "packages", "migrate", "src", "Live.ts"),
      path.join(repo, "packages", "cli", "src", "Live.ts"),
      path.join(repo, "packages", "cli", "src", "Connection.ts"),
      path.join(repo, "packages", "cli", "src", "Export.ts"),
      path.join(repo, "packages", "cli", "src", "Sandbox.ts")
    ]
    for (const file of shared) {
      const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "").replace(/Flag\.withDescription\("[^"]*"\)|Command\.with\w+\([\s\S]*?\)\n/g, "")
      expect(code, file).not.toMatch(/["'`](wazo|broadworks|odin|commpeak)["'`]|=== "(wazo|broadworks|odin|commpeak)"/)
    }
  })

  it("keeps the core free of I/O and of the other packages", () => {
    for (const file of sources(path.join(repo, "packages", "core", "src"))) {
      expect(fs.readFileSync(file, "utf8"), file).not.toMatch(/from "(node:|@pbxport\/|pbxport)/)
    }
  })
})
