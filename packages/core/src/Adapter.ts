/**
 * The adapter contract: what a platform dialect declares and the two pure codecs it provides.
 *
 * An adapter is data plus pure functions: no I/O, no logging, no argv. It reads records that the
 * CSV engine (or a JSON reader) produced and writes records that a writer serialises; the
 * pipeline in the `pbxport` package does the I/O, positions, duplicates, batching and reports.
 * `make` fills defaults, so adding a capability never breaks an existing adapter.
 */
import type * as Issue from "./Issue.js"
import type * as User from "./User.js"

/**
 * How the records of a dialect are stored: CSV, one JSON value per line, one JSON array or
 * document, or XML documents (write only).
 */
export type Format = "csv" | "jsonl" | "json" | "xml"

/**
 * CSV syntax of a dialect (the `@pbxport/csv` package normalises it).
 */
export interface Syntax {
  readonly delimiter: string
  readonly newline: "\r\n" | "\n"
  readonly bom: boolean
  readonly encoding: string
  readonly quoting: "minimal" | "all"
}

/**
 * One column of a dialect.
 */
export interface Column {
  /** The header exactly as the dialect writes it. */
  readonly header: string
  readonly description: string
  /** What the cells hold, for people ("`0` or `1`", "integer from 0 to 10800"). */
  readonly type: string
  readonly required: boolean
  /** The cells are secrets: never shown in reports or previews. */
  readonly sensitive: boolean
  /** The canonical path the column carries (`voicemail.pin`, `aliases[1]`), or null. */
  readonly target: string | null
  /** Other header spellings accepted when reading. */
  readonly aliases?: ReadonlyArray<string>
}

/**
 * What a dialect can do, declared rather than probed.
 */
export interface Capabilities {
  readonly read: boolean
  readonly write: boolean
  /** Update by key: the canonical path of the key (Wazo update by `uuid`), or null. */
  readonly update: { readonly key: string } | null
  /** The most rows the platform takes in one file, or null for no limit. */
  readonly maxRowsPerFile: number | null
  /** The canonical field paths (catalogue paths, `incalls[].did`) the dialect carries. */
  readonly carries: ReadonlyArray<string>
  /** Whose kept columns (`extras`) it writes back: its own dialect's, every dialect's, or
   * those of the dialects listed (sibling dialects of one platform share their columns). */
  readonly extras: "own" | "all" | ReadonlyArray<string>
}

/**
 * The header and an example row people can start from.
 */
export interface Template {
  readonly header: ReadonlyArray<string>
  readonly example: ReadonlyArray<string>
}

/**
 * Options given to a dialect for one run (column mappings, same-for-all values, ...).
 */
export type Options = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * One record read from a file: CSV cells under a header, or a JSON value.
 */
export interface SourceRecord {
  readonly row: number
  readonly line: number
  readonly cells?: ReadonlyArray<string>
  readonly value?: unknown
}

/**
 * The result of decoding one record.
 *
 * **Details**
 * `user` is set when the record holds a user and has no error; `skip` marks a record that is
 * not data at all (a template's type-hint row) and is neither counted valid nor invalid.
 * `key` optionally tells which canonical fields were explicitly cleared or set (update dialects).
 */
export interface Decoded {
  readonly user?: User.User
  readonly findings: ReadonlyArray<Issue.Finding>
  readonly skip?: boolean
}

/**
 * The result of encoding one user: CSV cells by header (a missing key is a column this row
 * does not have), a JSON value, or an XML fragment.
 */
export interface Encoded {
  readonly cells?: Readonly<Record<string, string>>
  readonly value?: unknown
  readonly text?: string
  readonly findings: ReadonlyArray<Issue.Finding>
}

/**
 * Reads the records of one file, once its header is known.
 */
export interface RowReader {
  /** File-level findings about the header; an error among them stops the file. */
  readonly findings: ReadonlyArray<Issue.Finding>
  readonly decode: (record: SourceRecord) => Decoded
}

/**
 * Writes users of one output.
 */
export interface RowWriter {
  readonly encode: (user: User.User, index: number) => Encoded
  /** For CSV: the header to write given the columns the encoded rows used (default: the
   * dialect's columns in declaration order that any row used, then extra columns). */
  readonly header?: (used: ReadonlySet<string>) => ReadonlyArray<string>
  /** Text written before the first and after the last record of each file (JSON, XML). */
  readonly open?: (batch: number) => string
  readonly close?: (batch: number) => string
}

/**
 * A value that must be unique within a file.
 */
export interface UniqueRule {
  /** The column reported on the duplicate row. */
  readonly column: string
  /** What the value is, for messages ("email", "extension in context"). */
  readonly label: string
  readonly key: (user: User.User) => string | undefined
}

/**
 * A platform dialect.
 */
export interface Adapter {
  /** File name = adapter id = fixture folder = CLI value. */
  readonly id: string
  /** The platform family whose words for values the dialect uses (`wazo` for wazo-export and
   * wazo-update, `xivo`, `broadworks` for the sheet, JSON and OCI-P forms, ...); defaults to the
   * id. Translations and plans look dialects up by family, so a new dialect needs no table. */
  readonly family: string
  readonly title: string
  readonly description: string
  readonly format: Format
  readonly syntax: Syntax | undefined
  readonly columns: ReadonlyArray<Column>
  readonly capabilities: Capabilities
  readonly template: Template
  readonly unique: ReadonlyArray<UniqueRule>
  /** Starts reading a file; `header` is null for JSON formats. */
  readonly reader: (header: ReadonlyArray<string> | null, options: Options) => RowReader
  readonly writer: (options: Options) => RowWriter
}

const unsupported = (id: string, what: string) => () => {
  throw new Error(`the ${id} dialect cannot ${what}`)
}

/**
 * Tells whether a dialect writes back the kept columns of another dialect.
 */
export const keepsExtrasOf = (adapter: Adapter, dialect: string): boolean => {
  const extras = adapter.capabilities.extras
  return dialect === adapter.id || extras === "all" || (Array.isArray(extras) && extras.includes(dialect))
}

/**
 * Builds an adapter, filling defaults for what it does not declare.
 */
export const make = (spec: {
  readonly id: string
  readonly family?: string
  readonly title: string
  readonly description: string
  readonly format: Format
  readonly syntax?: Partial<Syntax>
  readonly columns?: ReadonlyArray<Column>
  readonly capabilities: Partial<Capabilities> & Pick<Capabilities, "carries">
  readonly template?: Template
  readonly unique?: ReadonlyArray<UniqueRule>
  readonly reader?: Adapter["reader"]
  readonly writer?: Adapter["writer"]
}): Adapter => {
  const columns = spec.columns ?? []
  return {
    id: spec.id,
    family: spec.family ?? spec.id,
    title: spec.title,
    description: spec.description,
    format: spec.format,
    syntax: spec.format === "csv"
      ? { delimiter: ",", newline: "\r\n", bom: false, encoding: "utf-8", quoting: "minimal", ...spec.syntax }
      : undefined,
    columns,
    capabilities: {
      read: spec.reader !== undefined,
      write: spec.writer !== undefined,
      update: null,
      maxRowsPerFile: null,
      extras: "own",
      ...spec.capabilities
    },
    template: spec.template ?? { header: columns.map((c) => c.header), example: columns.map(() => "") },
    unique: spec.unique ?? [],
    reader: spec.reader ?? unsupported(spec.id, "be read"),
    writer: spec.writer ?? unsupported(spec.id, "be written")
  }
}
