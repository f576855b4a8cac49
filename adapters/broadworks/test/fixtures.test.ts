/**
 * Golden tests over fixtures/broadworks: every case decodes to its `expected.jsonl` with its
 * `issues.json`, writes its `output.*`, and a written file reads back and writes again
 * byte-identical. `UPDATE_FIXTURES=1 npx vitest run adapters/broadworks` rewrites the goldens
 * (review the diff: a changed message is a reviewed change).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import type { Issue } from "@pbxport/core"
import { adapters } from "../src/index.js"
import { canonical, plain, read, write } from "./helpers.js"

const root = fileURLToPath(new URL("../../../fixtures/broadworks/", import.meta.url))
const update = process.env["UPDATE_FIXTURES"] === "1"
const ext = { csv: "csv", json: "json", jsonl: "jsonl", xml: "xml" } as const

const golden = (file: string, actual: string) => {
  if (update) fs.writeFileSync(file, actual)
  else expect(actual).toBe(fs.readFileSync(file, "utf8"))
}

/** The CSV engine's issues are listed without their message: the engine owns its wording. */
const engine = (i: Issue.Issue) => i.code === "ragged-row" || (i.code === "duplicate-column" && i.message.startsWith("the header names"))

const issuesJson = (issues: ReadonlyArray<Issue.Issue>): string =>
  `${JSON.stringify(issues.map((i) => (engine(i) ? { row: i.row, line: i.line, column: i.column, code: i.code, severity: i.severity } : i)), null, 2)}\n`

for (const name of fs.readdirSync(root).sort()) {
  const dir = path.join(root, name)
  const caseFile = path.join(dir, "case.json")
  const spec = (fs.existsSync(caseFile) ? JSON.parse(fs.readFileSync(caseFile, "utf8")) : {}) as { dialect?: string; writeDialect?: string; options?: Record<string, string> }
  const dialect = adapters.find((a) => a.id === (spec.dialect ?? "broadworks"))!
  const target = adapters.find((a) => a.id === (spec.writeDialect ?? dialect.id))!
  const input = fs.readdirSync(dir).find((f) => f.startsWith("input."))!

  describe(`fixtures/broadworks/${name}`, () => {
    const result = read(dialect, fs.readFileSync(path.join(dir, input), "utf8"), spec.options ?? {})
    const expected = result.users.map((u) => `${JSON.stringify(plain(u))}\n`).join("")

    it("has a README and an input", () => {
      expect(fs.existsSync(path.join(dir, "README.md"))).toBe(true)
      expect(dialect).toBeDefined()
    })

    it("decodes to expected.jsonl", () => golden(path.join(dir, "expected.jsonl"), expected))

    it("reports issues.json", () => golden(path.join(dir, "issues.json"), issuesJson(result.issues)))

    const outFile = path.join(dir, `output.${ext[target.format]}`)
    if (target.capabilities.write && result.users.length > 0) {
      it(`writes output.${ext[target.format]} from expected.jsonl`, () => {
        const users = fs.readFileSync(path.join(dir, "expected.jsonl"), "utf8").split("\n").filter((l) => l !== "").map((l) => canonical(JSON.parse(l)))
        const written = write(target, users)
        expect(written.issues.filter((i) => i.severity === "error")).toEqual([])
        golden(outFile, written.files.join(""))
        if (target.capabilities.read) {
          const again = read(target, written.files.join(""))
          expect(again.issues.filter((i) => i.severity === "error")).toEqual([])
          expect(write(target, again.users).files.join("")).toBe(written.files.join(""))
        }
      })
    } else {
      it("has no output (nothing valid to write)", () => {
        if (update && fs.existsSync(outFile)) fs.rmSync(outFile)
        expect(fs.existsSync(outFile)).toBe(false)
      })
    }
  })
}
