/**
 * The one conformance suite every adapter passes, driven by `fixtures/<platform>/<case>/`.
 *
 * Per case: the issues validate reports (golden issues), the users decode yields (golden decode),
 * the bytes a write produces (golden encode), byte determinism, and that a file pbxport wrote
 * reads back and writes again byte-identical. Per adapter: a round-trip property over the fields
 * it declares it carries. Checks are gated by declared capabilities only.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Field, type Adapter, Table, type User } from "@pbxport/core"
import { toJson } from "@pbxport/adapter-jsonl"
import * as pbxport from "pbxport"
import * as Arbitrary from "./Arbitrary.js"
import type * as Fixtures from "./Fixtures.js"

const readJsonl = (file: string): Array<unknown> =>
  fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown)

const inputOf = (file: string): pbxport.Input => ({ path: file })

/**
 * Converts users (as jsonl text) to a dialect in a temp folder; returns the files' bytes by name.
 */
export const write = async (jsonl: string, to: string, ext: string, options: Adapter.Options = {}): Promise<Map<string, Buffer>> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-suite-"))
  try {
    const report = await pbxport.convert({ text: jsonl, name: "expected.jsonl" }, { from: "jsonl", to, targetOptions: options, output: { path: path.join(dir, `output${ext}`) } })
    const skipped = report.issues.filter((i) => i.severity === "error")
    if (skipped.length > 0) throw new Error(`writing ${to} failed: ${JSON.stringify(skipped, null, 1)}`)
    return new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Runs the golden checks of one fixture case.
 */
export const caseSuite = (c: Fixtures.Case): void => {
  const adapter = pbxport.Registry.find(c.dialect)
  describe(`${c.platform}/${c.name} (${c.dialect})`, () => {
    it("names a registered dialect", () => {
      expect(adapter, `case.json names unknown dialect ${c.dialect}`).toBeDefined()
    })
    it("has a provenance README", () => {
      expect(fs.existsSync(path.join(c.dir, "README.md"))).toBe(true)
    })
    const readOptions = { from: c.dialect, options: c.options, ...(c.encoding ? { encoding: c.encoding } : {}), ...(c.delimiter ? { delimiter: c.delimiter } : {}) }
    if (c.input !== undefined && adapter?.capabilities.read) {
      it("reports exactly the expected issues", async () => {
        const expected = c.issues ? JSON.parse(fs.readFileSync(c.issues, "utf8")) as Array<Record<string, unknown>> : []
        let actual: ReadonlyArray<Record<string, unknown>>
        try {
          actual = (await pbxport.validate(inputOf(c.input!), readOptions)).issues as unknown as Array<Record<string, unknown>>
        } catch (e) {
          if (!(e instanceof pbxport.PbxportError)) throw e
          actual = [e.issue as unknown as Record<string, unknown>]
        }
        const shape = (list: ReadonlyArray<Record<string, unknown>>, withMessage: ReadonlyArray<boolean>) =>
          list.map((i, n) => ({ row: i.row, line: i.line, column: i.column, code: i.code, severity: i.severity, ...(withMessage[n] ? { message: i.message } : {}) }))
        const withMessage = expected.map((i) => "message" in i)
        expect(shape(actual, withMessage)).toEqual(shape(expected, withMessage))
      })
      if (c.expected !== undefined) {
        it("decodes to the expected canonical users", async () => {
          let results: Array<pbxport.Result> = []
          try {
            results = await pbxport.decodeAll(inputOf(c.input!), readOptions)
          } catch (e) {
            if (!(e instanceof pbxport.PbxportError)) throw e
          }
          const users = results.flatMap((r) => (r.user ? [toJson(r.user)] : []))
          expect(users).toEqual(readJsonl(c.expected!))
        })
      }
    }
    const writer = pbxport.Registry.find(c.writeDialect)
    if (c.expected !== undefined && c.outputs.length > 0 && writer?.capabilities.write) {
      const ext = path.extname(c.outputs[0]!)
      const jsonl = fs.readFileSync(c.expected, "utf8")
      const targetOptions: Adapter.Options = c.targetOptions
      it(`writes the golden ${c.writeDialect} bytes, the same every time`, async () => {
        const first = await write(jsonl, c.writeDialect, ext, targetOptions)
        const golden = new Map(c.outputs.map((f) => [path.basename(f), fs.readFileSync(f)]))
        expect([...first.keys()]).toEqual([...golden.keys()])
        for (const [name, bytes] of golden) expect(first.get(name)!.toString("latin1"), name).toBe(bytes.toString("latin1"))
        const second = await write(jsonl, c.writeDialect, ext, targetOptions)
        expect(second).toEqual(first)
      })
      if (writer.capabilities.read && c.outputs.length === 1) {
        it("reads back what it wrote and writes it again byte-identical", async () => {
          const again = await pbxport.decodeAll({ path: c.outputs[0]! }, { from: c.writeDialect })
          expect(again.flatMap((r) => r.issues.filter((i) => i.severity === "error"))).toEqual([])
          const text = again.map((r) => JSON.stringify(toJson(r.user!))).join("\n") + "\n"
          const bytes = await write(text, c.writeDialect, ext, targetOptions)
          expect(bytes.get(path.basename(c.outputs[0]!))!.toString("latin1")).toBe(fs.readFileSync(c.outputs[0]!).toString("latin1"))
        })
      }
    }
  })
}

const projected = (user: User.User, carried: ReadonlyArray<string>): Array<[string, unknown]> =>
  Field.filledPaths(user).filter((p) => carried.includes(p)).map((p) => {
    if (!p.includes("[].")) return [p, toJson(Field.get(user, p) as User.User)]
    const [list, rest] = p.split("[].") as [string, string]
    return [p, (Field.get(user, list) as Array<User.User>).map((item) => toJson(Field.get(item, rest) as User.User))]
  })

/**
 * Runs the adapter-level checks: capabilities are coherent, and every carried field survives a
 * write and a read.
 */
export const adapterSuite = (adapter: Adapter.Adapter, cases: ReadonlyArray<Fixtures.Case>): void => {
  describe(`adapter ${adapter.id}`, () => {
    it("has at least one fixture case", () => {
      expect(cases.filter((c) => c.dialect === adapter.id || c.writeDialect === adapter.id).length).toBeGreaterThan(0)
    })
    it("carries only canonical fields, and its columns target them", () => {
      for (const p of adapter.capabilities.carries) expect(Field.find(p), p).toBeDefined()
      for (const c of adapter.columns) {
        if (c.target !== null) expect(Field.find(Table.cataloguePath(c.target)), `${c.header} -> ${c.target}`).toBeDefined()
      }
    })
    if (adapter.capabilities.read && adapter.capabilities.write && adapter.format === "csv") {
      it("keeps every carried field through a write and a read (property)", () => {
        const writer = adapter.writer({})
        let checked = 0
        fc.assert(
          fc.property(Arbitrary.user(adapter), (user) => {
            const encoded = writer.encode(user, 0)
            if (encoded.findings.some((f) => f.severity === "error")) return true
            const header = Object.keys(encoded.cells ?? {})
            const decoded = adapter.reader(header, {}).decode({ row: 1, line: 2, cells: header.map((h) => encoded.cells![h]!) })
            expect(decoded.findings.filter((f) => f.severity === "error")).toEqual([])
            const back = new Map(projected(decoded.user!, adapter.capabilities.carries))
            for (const [p, v] of projected(user, adapter.capabilities.carries)) {
              const got = back.get(p)
              // a dialect may put a list in its platform's order (Wazo's export sorts): the same
              // items must come back
              if (Array.isArray(v) && Array.isArray(got) && JSON.stringify(got) !== JSON.stringify(v)) {
                const sorted = (list: ReadonlyArray<unknown>) => list.map((x) => JSON.stringify(x)).sort()
                expect(sorted(got), `${p} (sorted)`).toEqual(sorted(v))
              } else expect(got, p).toEqual(v)
            }
            checked++
            return true
          }),
          { numRuns: 200 }
        )
        // a property that never reached its check proves nothing
        expect(checked).toBeGreaterThan(0)
      })
    }
  })
}
