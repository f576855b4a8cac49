/**
 * Every platform pbxport can talk to live, by id, and opening a connection from a profile.
 *
 * A platform's live code (connector, sandbox) lives in its adapter package under `src/live/`
 * and is loaded only when a live command runs, so `--help` and the file commands never load an
 * HTTP client. Adding a platform is one line here (and the dependency in package.json).
 */
import { type Connector, type Platform, Profile } from "@pbxport/live"

/**
 * The live platforms, loaded on demand.
 */
export const platforms: Readonly<Record<string, () => Promise<Platform.Platform>>> = {
  wazo: async () => (await import("@pbxport/adapter-wazo/live")).platform,
  broadworks: async () => (await import("@pbxport/adapter-broadworks/live")).broadworks,
  odin: async () => (await import("@pbxport/adapter-broadworks/live")).odin
}

/**
 * The ids of the live platforms, for messages that say what would be valid.
 */
export const ids = (): Array<string> => Object.keys(platforms)

/**
 * Loads a platform's declaration, or undefined for an unknown id.
 */
export const load = async (id: string): Promise<Platform.Platform | undefined> => (Object.hasOwn(platforms, id) ? platforms[id]!() : undefined)

/**
 * An open connection: the platform's declaration, the checked profile and the logged-in
 * connector.
 */
export interface Connection {
  readonly platform: Platform.Platform
  readonly profile: Profile.Profile
  readonly connector: Connector.Connector
}

/**
 * Reads and checks a profile file, without connecting.
 */
export const profile = async (file: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<{ readonly platform: Platform.Platform; readonly profile: Profile.Profile }> => {
  const read = Profile.read(file)
  const id = Profile.platformOf(file, read.raw, ids())
  const platform = (await load(id))!
  return { platform, profile: Profile.resolve(file, read, platform, env) }
}

/**
 * Reads a profile and logs in to its platform.
 *
 * @example
 * const connection = await Connections.connect("wazo.json", { warn: console.error })
 * const users = await connection.connector.list()
 * await connection.connector.close()
 */
export const connect = async (file: string, options: Platform.ConnectOptions & { readonly env?: Readonly<Record<string, string | undefined>> } = {}): Promise<Connection> => {
  const { platform, profile: checked } = await profile(file, options.env)
  const connector = await platform.connect(checked, options)
  return { platform, profile: checked, connector }
}
