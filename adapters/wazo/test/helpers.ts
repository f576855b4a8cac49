/**
 * Shortcuts for the Wazo adapter tests: read one row, write one user, look at the findings.
 */
import type { Adapter, Issue, User } from "@pbxport/core"

/**
 * Reads one data row of a header with a dialect's reader.
 */
export const read = (adapter: Adapter.Adapter, header: ReadonlyArray<string>, cells: ReadonlyArray<string>): Adapter.Decoded & { readonly header: ReadonlyArray<Issue.Finding> } => {
  const reader = adapter.reader(header, {})
  return { ...reader.decode({ row: 1, line: 2, cells }), header: reader.findings }
}

/**
 * Reads one row given as an object of header -> cell.
 */
export const readRow = (adapter: Adapter.Adapter, row: Readonly<Record<string, string>>) => read(adapter, Object.keys(row), Object.values(row))

/**
 * Writes one user as the first of a new output.
 */
export const write = (adapter: Adapter.Adapter, user: User.User): Adapter.Encoded => adapter.writer({}).encode(user, 0)

/**
 * The errors among findings.
 */
export const errors = (findings: ReadonlyArray<Issue.Finding>) => findings.filter((f) => f.severity === "error")

/**
 * The findings as `column code severity`, for compact assertions.
 */
export const codes = (findings: ReadonlyArray<Issue.Finding>) => findings.map((f) => `${f.column} ${f.code} ${f.severity}`)
