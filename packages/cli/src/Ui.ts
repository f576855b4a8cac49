/**
 * `pbxport ui`: starts the local web page over the library and opens it in the browser.
 *
 * The page is for people who will never type a conversion command; the command only starts
 * it, says where it is, and stops it on Ctrl-C (or SIGTERM), when the server forgets the file it
 * held and removes its temporary folder.
 */
import { spawn } from "node:child_process"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"

/**
 * The parsed command line of `pbxport ui`.
 */
export interface Input {
  readonly port: Option.Option<number>
  readonly noOpen: boolean
}

/**
 * The command that opens a URL in the default browser on this system, or undefined when there
 * is no display to open it on (a server over SSH, CI).
 */
export const opener = (platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ReadonlyArray<string> | undefined => {
  if (env.CI !== undefined && env.CI !== "" && env.CI !== "false") return undefined
  if (platform === "darwin") return ["open"]
  if (platform === "win32") return ["cmd", "/c", "start", ""]
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ["xdg-open"] : undefined
}

const open = (url: string, io: Io.Io): void => {
  const command = opener()
  if (command === undefined) {
    io.stderr.write("no display to open a browser on: open the address above yourself\n")
    return
  }
  try {
    const child = spawn(command[0]!, [...command.slice(1), url], { stdio: "ignore", detached: true })
    child.on("error", () => io.stderr.write("could not open a browser: open the address above yourself\n"))
    child.unref()
  } catch {
    io.stderr.write("could not open a browser: open the address above yourself\n")
  }
}

/**
 * Runs `pbxport ui` until SIGINT or SIGTERM.
 */
export const run = async (input: Input, io: Io.Io): Promise<number> => {
  const port = Option.getOrElse(input.port, () => 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Exit.UsageError(`--port takes a port number from 0 to 65535 (0 for a free one), not ${port}`)
  const { start } = await import("@pbxport/ui")
  let server: Awaited<ReturnType<typeof start>>
  try {
    server = await start({ port })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Exit.UsageError(code === "EADDRINUSE" ? `port ${port} is already in use: pick another with --port, or leave it out for a free one` : `cannot start the server: ${(e as Error).message}`)
  }
  io.stdout.write(`pbxport ui is running at ${server.url}\nThe address holds a one-time key: do not share it. Press Ctrl-C to stop.\n`)
  if (!input.noOpen) open(server.url, io)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
      resolve()
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })
  await server.close()
  return Exit.ok
}

/**
 * The `ui` command.
 */
export const command = Command.make(
  "ui",
  {
    port: Flag.Int("port").pipe(Flag.withMetavar("N"), Flag.withDescription("listen on port N of 127.0.0.1 (default: a free port)"), Flag.optional),
    noOpen: Flag.Boolean("no-open").pipe(Flag.withDescription("do not open a browser; only print the address"), Flag.withDefault(false))
  },
  Io.handler(run)
).pipe(
  Command.withDescription(
    "Start a local web page to convert a file step by step: drop it, check the detected dialect, map unknown columns, fill what the target needs, preview every row with its issues and fix rows in place, then download the same files pbxport convert writes, with the equivalent command line. The server listens on 127.0.0.1 only and needs the key in the printed address; the file stays in memory. Stop it with Ctrl-C (exit code 130, as any interrupted command); exit code 2 when it cannot start."
  ),
  Command.withShortDescription("A local web page to convert files"),
  Command.withExamples([
    { command: "pbxport ui", description: "start on a free port and open the browser" },
    { command: "pbxport ui --port 8750 --no-open", description: "a fixed port, and only print the address (over SSH: forward the port)" }
  ])
)
