/**
 * What a platform package declares for live work: its profile fields, the dialects users are
 * exported in and created through, how users are matched, how many go in one request, what the
 * platform never reveals and what an update can change, and the two factories, `connect` and
 * `sandbox`.
 *
 * Shared code (the runner, the journal, profiles, the command line) reads these declarations
 * and never switches on a platform's name: adding a platform is one declaration in its package
 * (`adapters/<id>/src/live/`) and one line in the registry (`pbxport`'s `Connections.ts`).
 */
import type * as Connector from "./Connector.js"
import type * as Profile from "./Profile.js"

/**
 * What an update to the platform can change, declared.
 *
 * **Details**
 * `carries` lists the canonical paths an update can set; `why` explains, for a plan, why
 * another path cannot be changed; `clear` tells whether an update can empty a value.
 */
export interface UpdateCapability {
  readonly carries: ReadonlyArray<string>
  readonly clear: boolean
  readonly why: (path: string) => string
}

/**
 * Options of a connection.
 *
 * **Details**
 * `http` tunes the client (tests shorten the backoff); `warn` receives warnings for people
 * (an insecure profile); `batch` is the number of users per create request.
 */
export interface ConnectOptions {
  readonly signal?: AbortSignal
  readonly warn?: (message: string) => void
  readonly http?: { readonly timeout?: number; readonly retries?: number; readonly baseDelay?: number; readonly maxDelay?: number }
  readonly batch?: number
  readonly onRetry?: (info: { readonly request: string; readonly attempt: number; readonly delay: number; readonly why: string }) => void
}

/**
 * Options of a sandbox: a local server that behaves as the platform does, for rehearsals and
 * tests. It listens on 127.0.0.1 only.
 *
 * **Details**
 * `dir` is where it writes what it makes (its TLS CA, its password file). `state` keeps its
 * users in a file between runs. `faults` is the platform's own fault injection (latency, storms
 * of 429/503, expiring tokens, dropped connections), for tests.
 */
export interface SandboxOptions {
  readonly port?: number
  readonly tls?: boolean
  readonly state?: string
  readonly dir: string
  readonly faults?: unknown
}

/**
 * A running sandbox: its address, a ready profile (a JSON object to write to a file), and how
 * to stop it.
 */
export interface Sandbox {
  readonly url: string
  readonly profile: Readonly<Record<string, unknown>>
  readonly close: () => Promise<void>
}

/**
 * A platform's live declaration.
 */
export interface Platform {
  /** The `platform` of profiles and of `pbxport sandbox <platform>`. */
  readonly id: string
  readonly title: string
  /** The fields of its profiles, beyond the common ones. */
  readonly fields: ReadonlyArray<Profile.FieldSpec>
  /** The dialect `export` writes by default, and the one users are listed in. */
  readonly exportDialect: string
  /** The dialect whose words desired users are filled and translated into before a plan. */
  readonly createDialect: string
  /** Canonical paths users are matched by, in order of preference. */
  readonly naturalKeys: ReadonlyArray<string>
  /** Users per create request: the default, and the most the platform takes. */
  readonly batch: { readonly default: number; readonly max: number }
  /** Secret paths the platform never reveals: a plan cannot compare them and never changes them. */
  readonly hidden: ReadonlyArray<string>
  readonly update: UpdateCapability | null
  readonly connect: (profile: Profile.Profile, options: ConnectOptions) => Promise<Connector.Connector>
  readonly sandbox: (options: SandboxOptions) => Promise<Sandbox>
}
