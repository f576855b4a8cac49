#!/usr/bin/env node
/**
 * The `pbxport` executable: runs the command line and sets the process exit code.
 *
 * `pbxport --version` answers before anything heavy is loaded (the CLI framework alone takes a
 * few hundred milliseconds to import); everything else goes through the command tree.
 */
import * as Module from "node:module"
import * as Version from "./Version.js"

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${Version.read()}\n`)
} else {
  // caches compiled code of the CLI framework and library between runs (Node 22.1+)
  Module.enableCompileCache?.()
  const [NodeRuntime, Effect, Main, Io] = await Promise.all([
    import("@effect/platform-node/NodeRuntime"),
    import("effect/Effect"),
    import("./main.js"),
    import("./Io.js")
  ])
  NodeRuntime.runMain(
    Effect.map(Main.program(argv, Io.node()), (code) => {
      process.exitCode = code
    }),
    { disableErrorReporting: true }
  )
}
