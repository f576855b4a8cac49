/**
 * Where a run of the command writes, and how a command handler hands back its exit code.
 *
 * Commands never touch `process` directly: they write through an {@link Io}, so tests can run
 * the whole command in-process and read what it printed and the code it would exit with.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "./Exit.js"

/**
 * A stream the command writes to (`process.stdout`, `process.stderr`, or a test buffer).
 */
export interface Stream {
  readonly write: (chunk: string | Uint8Array) => unknown
  /** Set when a person watches it; progress is shown only then. */
  readonly isTTY?: boolean | undefined
}

/**
 * The streams of one run.
 *
 * **Details**
 * `stdin` is read only when a command is given `-` as its file.
 */
export interface Io {
  readonly stdout: Stream
  readonly stderr: Stream
  readonly stdin?: AsyncIterable<Uint8Array> | undefined
}

/**
 * The streams of this process.
 *
 * **Gotchas**
 * A closed pipe on standard output (`pbxport convert ... | head`) is the reader's choice, not a
 * failure: the next write throws {@link Exit.OutputClosed}, so the library removes its temporary
 * files as after any failure, and the run ends quietly.
 */
export const node = (): Io => {
  let closed = false
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e
    closed = true
  })
  return {
    stdout: {
      isTTY: process.stdout.isTTY,
      write: (chunk) => {
        if (closed) throw new Exit.OutputClosed()
        return process.stdout.write(chunk)
      }
    },
    stderr: process.stderr,
    // opened only when asked for: touching process.stdin sets up a stream
    get stdin() {
      return process.stdin
    }
  }
}

/**
 * What a command handler needs from the run: its streams, and where to put its exit code.
 */
export class Run extends Context.Service<Run, {
  readonly io: Io
  readonly exit: (code: number) => void
}>()("@pbxport/cli/Run") {}

/**
 * Turns an async command body into an effect handler for `effect/cli`.
 *
 * **Details**
 * The body returns the exit code; it is expected to report its own failures, but anything it
 * throws is still caught and reported (exit code 2) rather than crashing the run.
 */
export const handler = <A>(body: (input: A, io: Io) => Promise<number>) => (input: A): Effect.Effect<void, never, Run> =>
  Effect.gen(function* () {
    const run = yield* Run
    const code = yield* Effect.promise(() =>
      body(input, run.io).catch((e: unknown) => Exit.report(run.io, e))
    )
    run.exit(code)
  })

/**
 * Shows a running count of rows on standard error, when it is a terminal.
 *
 * **Details**
 * `update` matches the library's `onProgress`; `clear` erases the line once the run is over, so
 * the progress never mixes with the report.
 */
export const progress = (io: Io): { readonly update: ((rows: number) => void) | undefined; readonly clear: () => void } => {
  if (io.stderr.isTTY !== true) return { update: undefined, clear: () => {} }
  let shown = false
  return {
    update: (rows) => {
      shown = true
      io.stderr.write(`\r${rows.toLocaleString("en-US")} rows…`)
    },
    clear: () => {
      if (shown) io.stderr.write("\r\x1b[K")
      shown = false
    }
  }
}
