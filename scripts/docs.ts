/**
 * Writes the generated documentation (`npm run docs`), or with `--check` fails when it is stale.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Docs, Registry } from "pbxport"

const repo = path.resolve(import.meta.dirname, "..")
const check = process.argv.includes("--check")
const files = new Map<string, string>([
  ["docs/canonical-model.md", Docs.canonicalModel()],
  ["docs/issues.md", Docs.issues()],
  ["docs/translations.md", Docs.translations()]
])
for (const dir of fs.readdirSync(path.join(repo, "adapters"))) {
  const page = path.join("docs", "dialects", `${dir}.md`)
  if (!fs.existsSync(path.join(repo, page))) continue
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, "adapters", dir, "package.json"), "utf8")) as { name: string }
  const mod = (await import(pkg.name)) as { adapters: ReadonlyArray<(typeof Registry.all)[number]> }
  files.set(page, Docs.fillColumns(fs.readFileSync(path.join(repo, page), "utf8"), Docs.columnTables(mod.adapters)))
}
let stale = 0
for (const [file, text] of files) {
  const full = path.join(repo, file)
  const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : ""
  if (current === text) continue
  if (check) {
    process.stderr.write(`stale: ${file} (run npm run docs)\n`)
    stale++
  } else {
    fs.mkdirSync(path.dirname(full), { recursive: true })
    fs.writeFileSync(full, text)
    process.stdout.write(`wrote ${file}\n`)
  }
}
process.exitCode = stale > 0 ? 1 : 0
