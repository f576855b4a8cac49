/**
 * The generated documentation matches the declarations it is generated from.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Docs, Field, Issue } from "../src/index.js"

const repo = path.resolve(import.meta.dirname, "../../..")
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8")

describe("generated docs", () => {
  it("docs/canonical-model.md is up to date (npm run docs)", () => {
    expect(read("docs/canonical-model.md")).toBe(Docs.canonicalModel())
  })
  it("every platform's page in docs/dialects/ has its generated column tables up to date (npm run docs)", async () => {
    for (const dir of fs.readdirSync(path.join(repo, "adapters"))) {
      const page = `docs/dialects/${dir}.md`
      if (!fs.existsSync(path.join(repo, page))) continue
      const pkg = JSON.parse(read(`adapters/${dir}/package.json`)) as { name: string }
      const mod = (await import(pkg.name)) as { adapters: Parameters<typeof Docs.columnTables>[0] }
      const text = read(page)
      expect(text, page).toContain("<!-- columns -->")
      expect(text, page).toBe(Docs.fillColumns(text, Docs.columnTables(mod.adapters)))
    }
  })
  it("docs/issues.md is up to date (npm run docs)", () => {
    expect(read("docs/issues.md")).toBe(Docs.issues())
  })
  it("docs/translations.md is up to date (npm run docs)", () => {
    expect(read("docs/translations.md")).toBe(Docs.translations())
  })
  it("lists every canonical field and every issue code", () => {
    const model = Docs.canonicalModel()
    for (const f of Field.catalogue) expect(model).toContain(`| \`${f.path}\` |`)
    const issues = Docs.issues()
    for (const code of Object.keys(Issue.IssueCodes)) expect(issues).toContain(`| \`${code}\` |`)
  })
  it("fills a dialect page between its markers and keeps the rest", () => {
    const page = "# X\n\nintro\n\n<!-- columns -->\nold\n<!-- /columns -->\n\nrules\n"
    const filled = Docs.fillColumns(page, "TABLE\n")
    expect(filled).toContain("intro")
    expect(filled).toContain("TABLE")
    expect(filled).not.toContain("old")
    expect(filled.endsWith("\n\nrules\n")).toBe(true)
    expect(Docs.fillColumns(filled, "TABLE\n")).toBe(filled)
  })
})
