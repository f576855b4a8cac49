/**
 * pbxport: validate and convert user files between phone platforms (BroadWorks, Wazo/XiVO,
 * CommPeak) through one canonical user model.
 *
 * @example
 * import * as pbxport from "pbxport"
 * const report = await pbxport.validate({ path: "users.csv" }, { from: "wazo" })
 */
export { Adapter, Codec, Field, Issue, Table, User } from "@pbxport/core"
export * as Registry from "./Registry.js"
export { PbxportError, type Reason } from "./PbxportError.js"
export { validate, type ValidateOptions, type ValidationReport } from "./Validate.js"
export { convert, notCarried, type Conversion, type ConversionReport, type ConvertOptions, type Lost, type Transform } from "./Convert.js"
export { decode, decodeAll, decodeStream, encode, convertEffect, validateEffect, type EncodedRow, type Result } from "./Library.js"
export type { Input, ReadOptions } from "./Source.js"
export * as Output from "./Output.js"
export * as Decode from "./Decode.js"
export { detect, type Candidate, type Detection } from "./Detect.js"
export * as Detect from "./Detect.js"
export * as Inspect from "./Inspect.js"
export * as Source from "./Source.js"
export * as Docs from "./Docs.js"
export { preview, format as formatPreview, type Preview as PreviewResult, type PreviewOptions } from "./Preview.js"
export * as Fill from "./Fill.js"
export * as Pool from "./Pool.js"
export * as Preview from "./Preview.js"
export * as Scaffold from "./Scaffold.js"
export * as Secrets from "./Secrets.js"
export * as CredentialsSpool from "./CredentialsSpool.js"
export * as Translate from "./Translate.js"
export * as ValueTemplate from "./ValueTemplate.js"
export * as Connections from "./Connections.js"
