/**
 * `pbxport sandbox <platform>`: a local stand-in for a platform on 127.0.0.1, to rehearse a
 * migration without touching the real one. It writes a ready connection profile and runs until
 * it is stopped (Ctrl-C).
 *
 * Fault injection for tests comes from the `PBXPORT_SANDBOX_FAULTS` environment variable (JSON,
 * the platform's own fault options), never from flags: it is not for people.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import * as Exit from "./Exit.js"
import * as Io from "./Io.js"

/**
 * The parsed command line of `pbxport sandbox`.
 */
export interface Input {
  readonly platform: string
  readonly port: Option.Option<number>
  readonly tls: boolean
  readonly state: Option.Option<string>
  readonly profile: Option.Option<string>
}

/**
 * Runs `pbxport sandbox` until SIGINT or SIGTERM (or `stop` resolves, in tests).
 */
export const run = async (input: Input, io: Io.Io, stop?: Promise<void>): Promise<number> => {
  const { Connections } = await import("pbxport")
  const platform = await Connections.load(input.platform)
  if (platform === undefined) throw new Exit.UsageError(`no sandbox for ${JSON.stringify(input.platform)}; platforms: ${Connections.ids().join(", ")}`)
  let faults: unknown
  const env = process.env.PBXPORT_SANDBOX_FAULTS
  if (env !== undefined && env !== "") {
    try {
      faults = JSON.parse(env)
    } catch {
      throw new Exit.UsageError("PBXPORT_SANDBOX_FAULTS must be JSON")
    }
  }
  if (Option.isSome(input.port) && (input.port.value < 0 || input.port.value > 65535)) throw new Exit.UsageError(`--port must be from 0 to 65535, not ${input.port.value}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pbxport-sandbox-${platform.id}-`))
  // the runtime may end the process on a signal before this function resumes: clean up on exit too
  const remove = () => fs.rmSync(dir, { recursive: true, force: true })
  process.once("exit", remove)
  const profileFile = Option.getOrElse(input.profile, () => `${platform.id}-sandbox.json`)
  let sandbox
  try {
    sandbox = await platform.sandbox({
      dir,
      tls: input.tls,
      ...(Option.isSome(input.port) ? { port: input.port.value } : {}),
      ...(Option.isSome(input.state) ? { state: path.resolve(input.state.value) } : {}),
      ...(faults === undefined ? {} : { faults })
    })
  } catch (e) {
    remove()
    process.off("exit", remove)
    throw e
  }
  fs.writeFileSync(profileFile, JSON.stringify(sandbox.profile, null, 2) + "\n", { mode: 0o600 })
  io.stdout.write(`${platform.title} sandbox listening on ${sandbox.url}\nprofile: ${profileFile}\nstop it with Ctrl-C\n`)
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done)
      process.off("SIGTERM", done)
      resolve()
    }
    process.once("SIGINT", done)
    process.once("SIGTERM", done)
    stop?.then(done)
  })
  await sandbox.close()
  remove()
  process.off("exit", remove)
  io.stdout.write("sandbox stopped\n")
  return Exit.ok
}

/**
 * The `sandbox` command.
 */
export const command = Command.make(
  "sandbox",
  {
    platform: Argument.String("platform").pipe(Argument.withDescription("the platform to stand in for (wazo, broadworks, odin)")),
    port: Flag.Int("port").pipe(Flag.withMetavar("N"), Flag.withDescription("the port to listen on, on 127.0.0.1 (default: any free port)"), Flag.optional),
    tls: Flag.Boolean("tls").pipe(Flag.withDescription("serve HTTPS with a certificate from a CA made for this run; the profile's ca names it"), Flag.withDefault(false)),
    state: Flag.String("state").pipe(Flag.withMetavar("FILE"), Flag.withDescription("keep the users (and the password) in FILE between runs (default: in memory)"), Flag.optional),
    profile: Flag.String("profile").pipe(Flag.withMetavar("OUT"), Flag.withDescription("where to write the ready connection profile (default: <platform>-sandbox.json)"), Flag.optional)
  },
  Io.handler((input: Input, io: Io.Io) => run(input, io))
).pipe(
  Command.withDescription(
    "Run a local stand-in for a platform on 127.0.0.1 that behaves as the real one does, errors included, and write a ready connection profile, to rehearse a migration. It runs until Ctrl-C. Exit code: 0 once stopped, 2 when it cannot start."
  ),
  Command.withShortDescription("Run a local stand-in for a platform"),
  Command.withExamples([
    { command: "pbxport sandbox wazo --profile wazo.json", description: "a Wazo on a free port; wazo.json is ready for --connection" },
    { command: "pbxport sandbox wazo --tls --state wazo-state.json", description: "over HTTPS, keeping its users between runs" },
    { command: "pbxport sandbox broadworks --tls --profile broadworks.json", description: "a BroadWorks OCI-P server over TLS (port 2209 style), for a broadworks profile" },
    { command: "pbxport sandbox odin --profile odin.json", description: "Odin's REST API for BroadWorks" }
  ])
)
