/**
 * The `broadworks-json` dialect: the BroadWorks SDK's "create from data" form, one JSON object per
 * user with snake_case keys, nested objects and lists (`alias: ["a@example.com"]`), as the seed's
 * `users_data` example shows (spec §3.2 result, §4).
 *
 * It is the bulk sheet's rows in JSON: the same operations, cells, rules and canonical mapping
 * (see sheet.ts); booleans and integers are written as JSON booleans and numbers.
 */
import { Adapter, Issue, Table } from "@pbxport/core"
import { format, resolve, snake } from "./command.js"
import { addCarries, addRequest, modifyRequest, sheetColumns, type Element } from "./columns.js"
import { uniqueRules } from "./broadworks.js"
import { type Cell, decodeRow, prepare, type Spelling } from "./sheet.js"

const spelling: Spelling = { dialect: "broadworks-json", spell: snake, noun: "key" }

/** Flattens a JSON value into dotted paths with `[n]` indices; null means "not given". */
const flattenJson = (value: unknown, prefix: string, out: Array<Cell>): void => {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    value.forEach((item, i) => flattenJson(item, `${prefix}[${i}]`, out))
    return
  }
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flattenJson(v, prefix === "" ? k : `${prefix}.${k}`, out)
    return
  }
  out.push({ at: prefix, raw: String(value) })
}

/**
 * Reads the SDK's data form: each record one JSON object.
 */
const reader = (): Adapter.RowReader => {
  const warned = new Set<string>()
  return {
    findings: [],
    decode: (record) => {
      const value = record.value
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { findings: [Issue.error("invalid-json", null, "each user must be a JSON object with snake_case keys, as the BroadWorks SDK's create-from-data takes it")] }
      }
      const cells: Array<Cell> = []
      flattenJson(value, "", cells)
      const operation = cells.find((c) => Table.looseKey(c.at) === "operation")
      const rest = cells.filter((c) => c !== operation)
      // the SDK passes keys straight to the request: only its own snake_case spelling works
      const spellings: Array<Issue.Finding> = []
      for (const c of cells) {
        const found = resolve(addRequest, c.at) ?? resolve(modifyRequest, c.at)
        const expected = c === operation ? "operation" : found === undefined ? undefined : snake(format(found.steps))
        if (expected === undefined || expected === c.at || warned.has(c.at)) continue
        warned.add(c.at)
        spellings.push(Issue.warning("invalid-format", c.at, `key '${c.at}' is read as '${expected}', but the BroadWorks SDK only takes its snake_case spelling: rename it '${expected}'`))
      }
      const decoded = decodeRow(operation, rest, spelling)
      return { ...decoded, findings: [...spellings, ...decoded.findings] }
    }
  }
}

const rank = new Map(sheetColumns.map((c, i) => [c.header, i]))

const typed = (element: Element, text: string): unknown =>
  element.kind === "boolean" ? text.toLowerCase() === "true" : element.kind === "integer" ? Number(text) : text

/**
 * Writes users in the SDK's data form, keys in the template's order.
 */
const writer = (options: Adapter.Options): Adapter.RowWriter => {
  const back = reader()
  return {
    encode: (user) => {
      const prepared = prepare(user, options, spelling)
      if (!("operation" in prepared)) return { value: {}, findings: [prepared] }
      const value: Record<string, unknown> = { operation: prepared.operation }
      const values = prepared.values
        .filter((v) => v.text !== "")
        .map((v, i) => ({ v, i }))
        .sort((a, b) => (rank.get(a.v.path) ?? Infinity) - (rank.get(b.v.path) ?? Infinity) || a.i - b.i)
      for (const { v } of values) Table.setAt(value, snake(v.path), typed(v.element, v.text))
      for (const [k, v] of prepared.unknown) if (v !== "") Table.setAt(value, k, v)
      const errors = back.decode({ row: 0, line: 0, value }).findings.filter((f) => f.severity === "error")
      return { value, findings: [...prepared.findings, ...errors] }
    },
    open: () => "[\n",
    close: () => "\n]\n"
  }
}

/**
 * The `broadworks-json` dialect.
 */
export const broadworksJson: Adapter.Adapter = Adapter.make({
  id: "broadworks-json",
  family: "broadworks",
  title: "BroadWorks SDK data (JSON)",
  description: "The BroadWorks SDK's create-from-data form: a JSON array of users with snake_case keys, nested objects and lists, and an operation per user.",
  format: "json",
  capabilities: { carries: addCarries, extras: ["broadworks"] },
  template: { header: [], example: [] },
  unique: uniqueRules(snake),
  reader,
  writer
})
