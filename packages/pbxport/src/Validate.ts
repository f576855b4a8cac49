/**
 * Validates a file against a dialect without writing anything.
 */
import type { Adapter, Issue } from "@pbxport/core"
import * as Decode from "./Decode.js"
import type * as Source from "./Source.js"

/**
 * The report of `pbxport validate --json`; later work and checks rely on this exact shape.
 */
export interface ValidationReport {
  readonly file: string
  readonly dialect: string
  readonly encoding: string | null
  readonly delimiter: string | null
  readonly rows: number
  readonly valid: number
  readonly invalid: number
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * Options of a validation.
 */
export interface ValidateOptions extends Source.ReadOptions {
  readonly from: string | Adapter.Adapter
  readonly options?: Adapter.Options
  /** Called every few thousand rows with the count read so far. */
  readonly onProgress?: (rows: number) => void
}

/**
 * Reads every row of an input and reports the issues; rows stay in no memory.
 */
export const validate = async (input: Source.Input, options: ValidateOptions): Promise<ValidationReport> => {
  const decoding = await Decode.decode(input, options)
  const issues: Array<Issue.Issue> = [...decoding.fileIssues]
  let rows = 0
  let valid = 0
  let invalid = 0
  for await (const result of decoding.rows) {
    issues.push(...result.issues)
    if (result.skipped) continue
    rows++
    if (result.user !== undefined) valid++
    else invalid++
    if (options.onProgress && rows % 5000 === 0) options.onProgress(rows)
  }
  return {
    file: decoding.opened.name,
    dialect: decoding.adapter.id,
    encoding: decoding.opened.encoding,
    delimiter: decoding.opened.delimiter,
    rows,
    valid,
    invalid,
    issues
  }
}
