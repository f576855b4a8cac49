/**
 * One logged-in OCI-P session over TCP or TLS: documents out, documents back, one at a time.
 *
 * OCI-P has no length prefix: a document ends with `</BroadsoftDocument>` and the reader frames on
 * it (spec §6, as every public client does). The wire is ISO-8859-1; pbxport only ever sends
 * ASCII (everything else as character references), and reads the server's bytes as Latin-1. Each
 * session gets a fresh random session id. A session answers one document at a time: the server
 * answers the commands of a document in order, in one document.
 */
import { randomUUID } from "node:crypto"
import * as net from "node:net"
import * as tls from "node:tls"
import type { Redacted } from "effect"
import * as Ocip from "./Ocip.js"

/** How to reach and log in to an OCI-P server. */
export interface Options {
  readonly host: string
  readonly port: number
  readonly tls: boolean
  /** PEM of an extra certificate authority to trust (a private CA, the sandbox's). */
  readonly ca?: string
  /** Skip certificate verification (only ever from an explicit `insecure: true`). */
  readonly insecure?: boolean
  readonly username: string
  readonly password: Redacted.Redacted<string>
  /** Milliseconds to wait for the connection and the login (default 15 s). */
  readonly connectTimeout?: number
  /** Milliseconds to wait for the answer to a document (default 60 s). */
  readonly timeout?: number
}

/** Why a session failed; `refused` is the server's own answer to the login. */
export type Reason = "refused" | "unreachable" | "timeout" | "closed" | "protocol"

/** A session failure. The message never holds the password. */
export class SessionError extends Error {
  readonly reason: Reason
  constructor(reason: Reason, message: string) {
    super(message)
    this.name = "SessionError"
    this.reason = reason
  }
}

/** A logged-in session. */
export interface Session {
  readonly sessionId: string
  /**
   * Sends commands in one document (at most {@link Ocip.maxCommands}) and resolves with the
   * server's answers in order. Rejects with a {@link SessionError} when the connection drops or
   * the answer does not come in time: the commands may then have been applied.
   */
  readonly send: (commands: ReadonlyArray<string>, signal?: AbortSignal) => Promise<ReadonlyArray<Ocip.Command>>
  /** Logs out and closes the connection. */
  readonly close: () => Promise<void>
  /** Whether the connection is still open. */
  readonly alive: () => boolean
}

/**
 * Connects and logs in: `LoginRequest22V5` over TLS; over plain TCP `AuthenticationRequest`, then
 * `LoginRequest14sp4` with the signed password, so the password never crosses the wire in clear.
 */
export const open = async (options: Options, signal?: AbortSignal): Promise<Session> => {
  const where = `${options.host}:${options.port}`
  const socket = await connect(options, where, signal)
  const sessionId = randomUUID()
  let buffer = ""
  let closed: SessionError | undefined
  let pending: { resolve: (doc: Ocip.Document) => void; reject: (e: SessionError) => void } | undefined
  const fail = (error: SessionError) => {
    if (closed === undefined) closed = error
    const p = pending
    pending = undefined
    p?.reject(error)
  }
  socket.setEncoding("latin1")
  socket.on("data", (chunk: string) => {
    buffer += chunk
    for (;;) {
      const end = buffer.indexOf(Ocip.terminator)
      if (end < 0) break
      const text = buffer.slice(0, end + Ocip.terminator.length)
      buffer = buffer.slice(end + Ocip.terminator.length)
      const p = pending
      pending = undefined
      if (p === undefined) continue
      try {
        p.resolve(Ocip.read(text))
      } catch (e) {
        p.reject(new SessionError("protocol", `${where} sent a document pbxport cannot read: ${(e as Error).message}`))
      }
    }
  })
  socket.on("error", (e) => fail(new SessionError("closed", `the connection to ${where} failed: ${(e as NodeJS.ErrnoException).code ?? e.message}`)))
  socket.on("close", () => fail(new SessionError("closed", `${where} closed the connection`)))

  const exchange = (commands: ReadonlyArray<string>, timeout: number, signal?: AbortSignal): Promise<ReadonlyArray<Ocip.Command>> => {
    if (closed !== undefined) return Promise.reject(closed)
    if (pending !== undefined) return Promise.reject(new SessionError("protocol", "a session sends one document at a time"))
    if (commands.length < 1 || commands.length > Ocip.maxCommands) {
      return Promise.reject(new SessionError("protocol", `a document holds 1 to ${Ocip.maxCommands} commands, not ${commands.length}`))
    }
    return new Promise<ReadonlyArray<Ocip.Command>>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        fail(new SessionError("timeout", `${where} did not answer within ${Math.round(timeout / 1000)} s`))
      }, timeout)
      const onAbort = () => {
        socket.destroy()
        fail(new SessionError("closed", "interrupted"))
      }
      signal?.addEventListener("abort", onAbort, { once: true })
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener("abort", onAbort)
      }
      pending = {
        resolve: (doc) => {
          done()
          if (doc.commands.length !== commands.length) {
            socket.destroy()
            reject(new SessionError("protocol", `${where} answered ${doc.commands.length} commands to a document of ${commands.length}`))
          } else resolve(doc.commands)
        },
        reject: (e) => {
          done()
          reject(e)
        }
      }
      socket.write(Ocip.document(sessionId, commands), "latin1")
    })
  }

  const connectTimeout = options.connectTimeout ?? 15_000
  const login = async () => {
    const check = (answer: Ocip.Command | undefined, expected: string): Ocip.Command => {
      const failure = answer === undefined ? undefined : Ocip.failureOf(answer)
      if (failure !== undefined) throw new SessionError("refused", `${where} refused the login of ${options.username}: ${Ocip.describe(failure)}`)
      if (answer?.type !== expected) throw new SessionError("protocol", `${where} answered the login with ${answer?.type || "nothing"}, not ${expected}`)
      return answer
    }
    if (options.tls) {
      check((await exchange([Ocip.loginRequest22V5(options.username, options.password)], connectTimeout, signal))[0], "LoginResponse22V5")
    } else {
      const auth = check((await exchange([Ocip.authenticationRequest(options.username)], connectTimeout, signal))[0], "AuthenticationResponse")
      const nonce = auth.element.children.find((c) => c.name === "nonce")?.text ?? ""
      const signed = Ocip.signedPassword(nonce, options.password)
      check((await exchange([Ocip.loginRequest14sp4(options.username, signed)], connectTimeout, signal))[0], "LoginResponse14sp4")
    }
  }
  try {
    await login()
  } catch (e) {
    socket.destroy()
    throw e
  }
  return {
    sessionId,
    send: (commands, signal) => exchange(commands, options.timeout ?? 60_000, signal),
    alive: () => closed === undefined,
    close: async () => {
      if (closed === undefined) {
        // BroadWorks closes the connection on logout instead of answering (nigelm/broadworks_ocip's
        // fake server says as much), so the request is written and the socket ended without waiting
        socket.end(Ocip.document(sessionId, [Ocip.logoutRequest(options.username)]), "latin1")
        closed = new SessionError("closed", "the session was closed")
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (socket.destroy(), resolve()), 2_000)
          socket.once("close", () => (clearTimeout(timer), resolve()))
        })
      }
    }
  }
}

const connect = (options: Options, where: string, signal?: AbortSignal): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const timeout = options.connectTimeout ?? 15_000
    const socket = options.tls
      ? tls.connect({ host: options.host, port: options.port, servername: net.isIP(options.host) ? undefined : options.host, ...(options.ca === undefined ? {} : { ca: [...tls.rootCertificates, options.ca] }), rejectUnauthorized: options.insecure !== true })
      : net.connect({ host: options.host, port: options.port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new SessionError("unreachable", `${where} did not accept a connection within ${Math.round(timeout / 1000)} s`))
    }, timeout)
    const onAbort = () => {
      clearTimeout(timer)
      socket.destroy()
      reject(new SessionError("closed", "interrupted"))
    }
    signal?.addEventListener("abort", onAbort, { once: true })
    socket.once(options.tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer)
      signal?.removeEventListener("abort", onAbort)
      socket.removeAllListeners("error")
      resolve(socket)
    })
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      signal?.removeEventListener("abort", onAbort)
      reject(new SessionError("unreachable", `cannot reach OCI-P at ${where}: ${e.code === "ECONNREFUSED" ? "connection refused" : e.message}`))
    })
  })
