/**
 * The pbxport command, as a module: run a command line in-process and get its exit code.
 */
export { program, root, run } from "./main.js"
export type { Io, Stream } from "./Io.js"
export * as Exit from "./Exit.js"
export * as Options from "./Options.js"
