/**
 * The CSV engine: dialects, a streaming reader with positions and encodings, a deterministic
 * writer, formula checks and dot-and-index column paths.
 */
export * as CsvError from "./CsvError.js"
export * as Dialect from "./Dialect.js"
export * as Formula from "./Formula.js"
export * as Path from "./Path.js"
export * as Reader from "./Reader.js"
export * as Writer from "./Writer.js"
