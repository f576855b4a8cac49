/**
 * The operations for people who script migrations: decode and encode users over a file, a
 * stream or in-memory rows, one result per row, with Promise and Effect entries.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Issue, type Adapter, type User } from "@pbxport/core"
import * as Convert from "./Convert.js"
import * as Decode from "./Decode.js"
import { PbxportError } from "./PbxportError.js"
import type * as Source from "./Source.js"
import * as Validate from "./Validate.js"

/**
 * One result per row: the user, or the issues of that row.
 */
export interface Result {
  readonly index: number
  readonly row: number
  readonly line: number
  readonly user: User.User | undefined
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * Decodes every row of an input with a dialect, as an async iterable of results.
 *
 * @example
 * for await (const r of pbxport.decode({ path: "users.csv" }, { from: "wazo" })) {
 *   if (r.user) console.log(r.user.firstName)
 * }
 */
export async function* decode(
  input: Source.Input,
  options: Source.ReadOptions & { readonly from: string | Adapter.Adapter; readonly options?: Adapter.Options }
): AsyncIterable<Result> {
  const decoding = await Decode.decode(input, options)
  for await (const r of decoding.rows) {
    if (r.skipped) continue
    yield { index: r.index, row: r.row, line: r.line, user: r.user, issues: r.issues }
  }
}

/**
 * Decodes every row into an array (for in-memory data).
 */
export const decodeAll = async (
  input: Source.Input,
  options: Source.ReadOptions & { readonly from: string | Adapter.Adapter; readonly options?: Adapter.Options }
): Promise<Array<Result>> => {
  const out: Array<Result> = []
  for await (const r of decode(input, options)) out.push(r)
  return out
}

/**
 * The encoded form of one user.
 */
export interface EncodedRow {
  readonly index: number
  /** CSV cells by header, for CSV dialects. */
  readonly cells: Readonly<Record<string, string>> | undefined
  /** The JSON value or XML text, for the other dialects. */
  readonly value: unknown
  readonly issues: ReadonlyArray<Issue.Issue>
}

/**
 * Encodes canonical users with a dialect, one result per user (row and line are null: the
 * issues are about users, not about a file).
 */
export const encode = (users: Iterable<User.User>, options: { readonly to: string | Adapter.Adapter; readonly options?: Adapter.Options }): Array<EncodedRow> => {
  const target = Decode.dialect(options.to, "write")
  const writer = target.writer(options.options ?? {})
  return [...users].map((user, index) => {
    const e = writer.encode(user, index)
    return {
      index,
      cells: e.cells,
      value: e.value ?? e.text,
      issues: e.findings.map((f) => Issue.at(f, null, null))
    }
  })
}

const attempt = <A>(f: () => Promise<A>): Effect.Effect<A, PbxportError> =>
  Effect.tryPromise({
    try: f,
    catch: (e) => (e instanceof PbxportError ? e : new PbxportError({ _tag: "Usage", detail: e instanceof Error ? e.message : String(e) }))
  })

/**
 * Effect entry of {@link Validate.validate}: fails with {@link PbxportError} on file-level problems.
 */
export const validateEffect = (input: Source.Input, options: Validate.ValidateOptions): Effect.Effect<Validate.ValidationReport, PbxportError> =>
  attempt(() => Validate.validate(input, options))

/**
 * Effect entry of {@link Convert.convert}.
 */
export const convertEffect = (input: Source.Input, options: Convert.ConvertOptions): Effect.Effect<Convert.Conversion, PbxportError> =>
  attempt(() => Convert.convert(input, options))

/**
 * Effect entry of {@link decode}: a stream of results.
 */
export const decodeStream = (
  input: Source.Input,
  options: Source.ReadOptions & { readonly from: string | Adapter.Adapter; readonly options?: Adapter.Options }
): Stream.Stream<Result, PbxportError> =>
  Stream.fromAsyncIterable(decode(input, options), (e) => (e instanceof PbxportError ? e : new PbxportError({ _tag: "Usage", detail: String(e) })))
