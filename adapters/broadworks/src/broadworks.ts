/**
 * The `broadworks` dialect: the bulk sheet of the BroadWorks SDK (mercury-ocip `user.create.csv`
 * and `user.modify.csv`), one user per row, the `operation` column choosing the request.
 *
 * Reading is schema-aware where the SDK is not (spec §3): booleans only in boolean columns,
 * integers only in integer columns, every problem a finding of its row, never a whole-file abort.
 * The vendor template's defects are handled: its type-hint row is skipped with a warning, its
 * repeated `accessDeviceEndpoint.portNumber` reads whichever copy is filled, and its
 * `accessDeviceEndpoint.status` (not an OCI-P element) is read but never written. See
 * docs/dialects/broadworks.md.
 */
import { Adapter, Issue, Table, type User } from "@pbxport/core"
import { format, resolve, snake } from "./command.js"
import { addCarries, addRequest, createTemplate, modifyRequest, sheetColumns } from "./columns.js"
import { type Cell, decodeRow, prepare, type Spelling } from "./sheet.js"

const spelling: Spelling = { dialect: "broadworks", spell: (path) => path, noun: "column" }

const typeWords = new Set(["string", "stirng", "integer", "boolean", "int", "bool", "str"])

/**
 * Tells whether a row is a template's type-hint row: an operation, then only type hints such as
 * `string`, `none | integer`, `none | Group | Service Provider` (spec §2, line 2 of the template).
 */
export const isHintRow = (cells: ReadonlyArray<string>, operationIndex: number): boolean => {
  if ((cells[operationIndex] ?? "").trim() === "") return false
  let typed = false
  for (let i = 0; i < cells.length; i++) {
    const t = cells[i]!.trim().toLowerCase()
    if (i === operationIndex || t === "") continue
    const parts = t.split("|").map((p) => p.trim())
    if (!parts.some((p) => p === "none" || typeWords.has(p))) return false
    if (parts.some((p) => typeWords.has(p))) typed = true
  }
  return typed
}

/** The element a header names, in either request, with its canonical spelling. */
const elementOf = (header: string): string | undefined => {
  const found = resolve(addRequest, header) ?? resolve(modifyRequest, header)
  return found === undefined ? undefined : format(found.steps)
}

/**
 * Checks a sheet's header: the `operation` column (a file-level error without it, spec §3.3),
 * columns that are no BroadWorks element, repeated columns, and spellings the SDK would not
 * recognise even though pbxport does.
 */
export const checkHeader = (header: ReadonlyArray<string>): { findings: Array<Issue.Finding>; operation: number } => {
  const findings: Array<Issue.Finding> = []
  const operation = header.findIndex((h) => Table.looseKey(h) === "operation")
  if (operation < 0) {
    findings.push(Issue.error("missing-column", "operation", "the sheet has no 'operation' column: add it as the first column and write user.create or user.modify in every row (the BroadWorks SDK cannot read a sheet without it)"))
  } else if (header[operation] !== "operation") {
    findings.push(Issue.warning("invalid-format", header[operation]!, `the operation column is headed '${header[operation]}': the BroadWorks SDK only finds it spelled exactly 'operation'; rename it`))
  }
  // columns spelled alike twice are the CSV engine's duplicate-column warning; this one is for
  // two spellings of one element (firstName, first_name)
  const seen = new Map<string, Array<number>>()
  header.forEach((h, i) => {
    if (i === operation) return
    const canonical = elementOf(h)
    if (canonical === undefined) {
      findings.push(Issue.warning("unknown-column", h, `column '${h}' is not an element of user.create or user.modify: rows that fill it are rejected (the BroadWorks SDK would pass it to the request and fail)`))
    } else if (snake(h) !== snake(canonical)) {
      findings.push(Issue.warning("invalid-format", h, `column '${h}' is read as '${canonical}', but the BroadWorks SDK would not recognise this spelling: rename it '${canonical}'`))
    }
    const key = canonical ?? h
    seen.set(key, [...(seen.get(key) ?? []), i])
  })
  for (const positions of seen.values()) {
    const spellings = [...new Set(positions.map((p) => header[p]!))]
    if (spellings.length < 2) continue
    findings.push(Issue.warning("duplicate-column", spellings[0]!, `${spellings.map((h) => `'${h}'`).join(" and ")} (columns ${positions.map((p) => p + 1).join(" and ")}) name the same element: pbxport reads the filled one and reports rows where they differ`))
  }
  return { findings, operation }
}

/**
 * Reads the rows of a sheet once its header is known.
 */
const reader = (header: ReadonlyArray<string> | null): Adapter.RowReader => {
  const cols = header ?? []
  const { findings, operation } = checkHeader(cols)
  return {
    findings,
    decode: (record) => {
      const cells = record.cells ?? []
      if (cells.every((c) => c === "")) return { skip: true, findings: [] }
      if (isHintRow(cells, operation)) {
        return { skip: true, findings: [Issue.warning("template-row", null, "this is the template's type-hint row (string, none | integer, ...), not a user: it was skipped; delete it from the sheet (the BroadWorks SDK aborts the whole file on it)")] }
      }
      const row: Array<Cell> = []
      cols.forEach((at, i) => i !== operation && row.push({ at, raw: cells[i] ?? "", position: i + 1 }))
      const op = operation < 0 ? undefined : { at: cols[operation]!, raw: cells[operation] ?? "", position: operation + 1 }
      return decodeRow(op, row, spelling)
    }
  }
}

const declared = sheetColumns.map((c) => c.header)

/**
 * Writes users as sheet rows: `operation` first, then the template's columns in template order.
 */
const writer = (options: Adapter.Options): Adapter.RowWriter => {
  const readers = new Map<string, Adapter.RowReader>()
  const readBack = (cells: Readonly<Record<string, string>>): Array<Issue.Finding> => {
    const header = Object.keys(cells)
    const key = header.join("\u0000")
    let r = readers.get(key)
    if (r === undefined) readers.set(key, (r = reader(header)))
    return r.decode({ row: 0, line: 0, cells: header.map((h) => cells[h]!) }).findings.filter((f) => f.severity === "error")
  }
  return {
    encode: (user) => {
      const prepared = prepare(user, options, spelling)
      if (!("operation" in prepared)) return { cells: {}, findings: [prepared] }
      const cells: Record<string, string> = { operation: prepared.operation }
      for (const v of prepared.values) cells[v.path] = v.text
      for (const [k, v] of prepared.unknown) cells[k] = v
      return { cells, findings: [...prepared.findings, ...readBack(cells)] }
    },
    header: (used) => {
      const known = new Set(declared)
      return [...declared.filter((h) => used.has(h)), ...[...used].filter((h) => !known.has(h))]
    }
  }
}

const example: Readonly<Record<string, string>> = {
  operation: "user.create",
  serviceProviderId: "ExampleSP",
  groupId: "ExampleGroup",
  userId: "jdoe@example.com",
  firstName: "Jane",
  lastName: "Doe",
  callingLineIdFirstName: "Jane",
  callingLineIdLastName: "Doe",
  extension: "0102",
  password: "Example-Passw0rd",
  "accessDeviceEndpoint.accessDevice.deviceName": "jdoe-phone",
  "accessDeviceEndpoint.accessDevice.deviceLevel": "Group",
  "accessDeviceEndpoint.linePort": "jdoe@example.com",
  "accessDeviceEndpoint.useHotline": "false"
}

/** The in-file unique values: user ids, directory numbers, and extensions within a group. */
export const uniqueRules = (spell: (path: string) => string): ReadonlyArray<Adapter.UniqueRule> => [
  { column: spell("userId"), label: "userId", key: (u: User.User) => u.userId ?? undefined },
  { column: spell("phoneNumber"), label: "phoneNumber", key: (u: User.User) => u.directoryNumber ?? undefined },
  {
    column: spell("extension"),
    label: "extension in group",
    key: (u: User.User) => (u.extension && u.groupId ? `${u.serviceProviderId ?? ""}/${u.groupId}/${u.extension}` : undefined)
  }
]

/**
 * The `broadworks` dialect.
 */
export const broadworks: Adapter.Adapter = Adapter.make({
  id: "broadworks",
  family: "broadworks",
  title: "BroadWorks bulk sheet",
  description: "The BroadWorks SDK's bulk sheet (user.create.csv, user.modify.csv): one user per row, UserConsolidatedAddRequest22 or UserConsolidatedModifyRequest22 by the operation column.",
  format: "csv",
  syntax: { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal" },
  columns: sheetColumns,
  capabilities: { carries: addCarries, extras: ["broadworks-json"] },
  template: { header: createTemplate, example: createTemplate.map((h) => example[h] ?? "") },
  unique: uniqueRules((path) => path),
  reader,
  writer
})
