/**
 * Reads the fixture cases of `fixtures/<platform>/<case>/`.
 *
 * A case is a folder with an input file, optional `case.json` (dialect, options, encoding,
 * delimiter, writeDialect, targetOptions), `expected.jsonl` (golden decode), `issues.json` (every issue
 * validate reports) and optional `output.<ext>` or `output-NNN.<ext>` (golden encode).
 */
import * as fs from "node:fs"
import * as path from "node:path"

/**
 * One fixture case.
 */
export interface Case {
  readonly platform: string
  readonly name: string
  readonly dir: string
  readonly dialect: string
  readonly writeDialect: string
  readonly options: Readonly<Record<string, string | ReadonlyArray<string>>>
  /** Options of the written dialect (`targetOptions` in case.json). */
  readonly targetOptions: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly encoding: string | undefined
  readonly delimiter: string | undefined
  readonly input: string | undefined
  readonly expected: string | undefined
  readonly issues: string | undefined
  /** Golden outputs, sorted (one file, or numbered batch files). */
  readonly outputs: ReadonlyArray<string>
}

/**
 * Finds the repository's `fixtures` folder from a starting directory.
 */
export const root = (from: string): string => {
  let dir = path.resolve(from)
  for (;;) {
    const candidate = path.join(dir, "fixtures")
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no fixtures folder above ${from}`)
    dir = parent
  }
}

/**
 * Lists every case under a fixtures root.
 */
export const cases = (fixturesRoot: string): Array<Case> =>
  fs.readdirSync(fixturesRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((platform) => {
    const platformDir = path.join(fixturesRoot, platform.name)
    return fs.readdirSync(platformDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((c): Case => {
      const dir = path.join(platformDir, c.name)
      const files = fs.readdirSync(dir)
      const config = files.includes("case.json") ? JSON.parse(fs.readFileSync(path.join(dir, "case.json"), "utf8")) as Record<string, unknown> : {}
      const pick = (re: RegExp) => files.filter((f) => re.test(f)).sort().map((f) => path.join(dir, f))
      const dialect = typeof config.dialect === "string" ? config.dialect : platform.name
      return {
        platform: platform.name,
        name: c.name,
        dir,
        dialect,
        writeDialect: typeof config.writeDialect === "string" ? config.writeDialect : dialect,
        options: (config.options ?? {}) as Record<string, string | ReadonlyArray<string>>,
        targetOptions: (config.targetOptions ?? {}) as Record<string, string | ReadonlyArray<string>>,
        encoding: typeof config.encoding === "string" ? config.encoding : undefined,
        delimiter: typeof config.delimiter === "string" ? config.delimiter : undefined,
        input: pick(/^input\./)[0],
        expected: pick(/^expected\.jsonl$/)[0],
        issues: pick(/^issues\.json$/)[0],
        outputs: pick(/^output(-\d+)?\./)
      }
    })
  })
