/**
 * `pbxport ui`: a local web page over the pbxport library (drop a file, map its columns, fill
 * what the target needs, preview every row with its issues, fix rows in place, download the
 * command line's files), served on 127.0.0.1 with a per-run token.
 */
export { start, type StartOptions, type UiServer } from "./Server.js"
export * as Job from "./Job.js"
export * as Zip from "./Zip.js"
