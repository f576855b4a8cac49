/**
 * The version of the pbxport command, read from this package's `package.json` at run time.
 *
 * It imports nothing but `node:fs`, so `pbxport --version` can answer before the CLI framework
 * and the library are loaded.
 */
import * as fs from "node:fs"

let cached: string | undefined

/**
 * Reads the version of `@pbxport/cli`.
 *
 * **Details**
 * The module runs from `src/` under the test runner and from `dist/src/` once built, so the
 * `package.json` is one or two folders up; the first one named `@pbxport/cli` wins.
 */
export const read = (): string => {
  if (cached !== undefined) return cached
  for (const relative of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: unknown; version?: unknown }
      if (pkg.name === "@pbxport/cli" && typeof pkg.version === "string") return (cached = pkg.version)
    } catch {
      // not this folder: try the next one
    }
  }
  return (cached = "0.0.0")
}
