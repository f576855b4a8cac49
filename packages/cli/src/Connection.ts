/**
 * What the live commands share: the `--connection` flag, opening a connection with warnings on
 * standard error, and progress (users done / total, rate, time left) on standard error when it
 * is a terminal.
 *
 * Nothing here knows a platform: the profile names it, and its declaration says the rest.
 */
import * as Flag from "effect/cli/Flag"
import type { Connections } from "pbxport"
import type * as Io from "./Io.js"

/**
 * `--connection FILE`: the connection profile.
 */
export const connectionFlag = Flag.String("connection").pipe(
  Flag.withMetavar("FILE"),
  Flag.withDescription("a connection profile (JSON: platform, url, username, and passwordEnv, passwordFile or an inline password in a mode 0600 file); see docs/live-wazo.md"),
  Flag.optional
)

/**
 * Opens the connection a profile describes: reads and checks it, then logs in.
 */
export const open = async (file: string, io: Io.Io, options: { readonly batch?: number } = {}): Promise<Connections.Connection> => {
  const { Connections } = await import("pbxport")
  return Connections.connect(file, {
    warn: (message) => io.stderr.write(`pbxport: ${message}\n`),
    ...(options.batch === undefined ? {} : { batch: options.batch })
  })
}

/**
 * Shows `done / total users, rate, time left` on standard error when it is a terminal, at most
 * a few times a second; `clear` erases the line before the report is printed.
 */
export const progress = (io: Io.Io): { readonly update: ((p: { readonly done: number; readonly total: number }) => void) | undefined; readonly clear: () => void } => {
  if (io.stderr.isTTY !== true) return { update: undefined, clear: () => {} }
  const began = Date.now()
  let shown = false
  let last = 0
  return {
    update: ({ done, total }) => {
      const now = Date.now()
      if (now - last < 200 && done < total) return
      last = now
      const seconds = Math.max(0.001, (now - began) / 1000)
      const rate = done / seconds
      const eta = rate > 0 && done < total ? ` ETA ${Math.ceil((total - done) / rate)} s` : ""
      shown = true
      io.stderr.write(`\r\x1b[K${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} users, ${Math.round(rate).toLocaleString("en-US")}/s${eta}`)
    },
    clear: () => {
      if (shown) io.stderr.write("\r\x1b[K")
      shown = false
    }
  }
}
