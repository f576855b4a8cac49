/**
 * The BroadWorks OCI-P connector: users of one group, read, created and updated over OCI-P.
 *
 * - Several sessions work in parallel (default 4), each sending documents of up to 15 commands
 *   (the schema's limit, spec §6); the server answers them in order, one answer per command.
 * - Create: `UserConsolidatedAddRequest22` as the `broadworks-ocip` dialect writes it (one
 *   serialiser); an `ErrorResponse` is that user's rejection, with BroadWorks' summary and detail.
 * - Update: `UserModifyRequest22` with only the fields that differ.
 * - List: `UserGetListInGroupRequest`, then `UserGetRequest22` per user.
 * - A dropped connection or a lost answer: the session is opened again and every command of the
 *   document in flight is looked up with `UserGetRequest22` by user id before anything is sent
 *   again. A user that is there was created; one that is not is sent again. Only when the server
 *   cannot be reached again is the outcome `unknown`, for the runner to reconcile on its next run.
 */
import type { User } from "@pbxport/core"
import { addCommand } from "../broadworks-ocip.js"
import * as Ocip from "./Ocip.js"
import * as Session from "./Session.js"

/** A user as BroadWorks has it: its user id, and the canonical user. */
export interface RemoteUser {
  readonly id: string
  readonly user: User.User
}

/** What became of one user (the shape of `@pbxport/live`'s `Connector.Outcome`). */
export type Outcome =
  | { readonly status: "done"; readonly id: string }
  | { readonly status: "rejected"; readonly message: string }
  | { readonly status: "unknown"; readonly message: string }

/** Where and how to connect. */
export interface Settings extends Session.Options {
  readonly serviceProviderId: string
  readonly groupId: string
  /** Sessions used at once (default 4). */
  readonly sessions?: number
  /** Commands per document, 1 to 15 (default 15). */
  readonly perDocument?: number
  /** Times a document is sent again after a dropped connection (default 3). */
  readonly attempts?: number
}

/** Sessions used at once when the profile does not say. */
export const defaultSessions = 4

/** An OCI-P connector (the shape of `@pbxport/live`'s `Connector`). */
export interface Connector {
  readonly title: string
  list(signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  find(key: string, values: ReadonlyArray<string>, signal?: AbortSignal): Promise<ReadonlyArray<RemoteUser>>
  create(users: ReadonlyArray<User.User>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  update(changes: ReadonlyArray<{ readonly id: string; readonly user: User.User }>, signal?: AbortSignal): Promise<ReadonlyArray<Outcome>>
  close(): Promise<void>
  /** Sessions, so calls served at once: the runner keeps that many documents in flight. */
  readonly parallel: number
  /** Connections re-established after a drop, for reports and tests. */
  readonly reconnects: () => number
}

/** One command to send, and how to tell afterwards whether it was applied. */
interface Job {
  readonly text: string
  /** The user id a lost create is looked up by; undefined for reads and idempotent modifies. */
  readonly reconcile?: string
}

const chunks = <T>(items: ReadonlyArray<T>, size: number): Array<Array<T>> => {
  const out: Array<Array<T>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Connects and logs in (the first session), then returns the connector; a refused login or an
 * unreachable server fails here with a {@link Session.SessionError}.
 */
export const connect = async (settings: Settings, signal?: AbortSignal): Promise<Connector> => {
  const perDocument = settings.perDocument ?? Ocip.maxCommands
  if (!Number.isInteger(perDocument) || perDocument < 1 || perDocument > Ocip.maxCommands) {
    throw new RangeError(`an OCI-P document holds 1 to ${Ocip.maxCommands} commands, not ${perDocument}`)
  }
  const size = Math.max(1, settings.sessions ?? defaultSessions)
  const attempts = settings.attempts ?? 3
  const title = `BroadWorks OCI-P at ${settings.host}:${settings.port}${settings.tls ? " (TLS)" : ""}, group ${settings.groupId} of ${settings.serviceProviderId}`
  const idle: Array<Session.Session> = [await Session.open(settings, signal)]
  let open = 1
  let reconnects = 0
  const waiting: Array<(s: Session.Session | undefined) => void> = []

  /** A free session: an idle one, a new one while fewer than `size` are open, else the next released. */
  const acquire = async (): Promise<Session.Session> => {
    const s = idle.pop()
    if (s !== undefined) return s
    if (open < size) {
      open++
      try {
        return await Session.open(settings, signal)
      } catch (e) {
        open--
        throw e
      }
    }
    const next = await new Promise<Session.Session | undefined>((resolve) => waiting.push(resolve))
    return next ?? acquire()
  }
  const release = (s: Session.Session | undefined) => {
    if (s === undefined || !s.alive()) {
      open--
      const w = waiting.shift()
      w?.(undefined)
      return
    }
    const w = waiting.shift()
    if (w !== undefined) w(s)
    else idle.push(s)
  }

  /** Sends jobs as one document; after a drop, reconciles creates before sending again. */
  const sendDocument = async (jobs: ReadonlyArray<Job>): Promise<Array<Ocip.Command | Outcome>> => {
    const answers: Array<Ocip.Command | Outcome | undefined> = jobs.map(() => undefined)
    let pending = jobs.map((_, i) => i)
    let lastError = ""
    for (let attempt = 0; attempt <= attempts && pending.length > 0; attempt++) {
      let session: Session.Session | undefined
      try {
        session = await acquire()
      } catch (e) {
        if (e instanceof Session.SessionError && e.reason === "refused") throw e
        lastError = (e as Error).message
        continue
      }
      try {
        if (attempt > 0) {
          // the previous try lost its answer: a create that went through must not be sent again
          const creates = pending.filter((i) => jobs[i]!.reconcile !== undefined)
          if (creates.length > 0) {
            const found = await session.send(creates.map((i) => Ocip.userGetRequest(jobs[i]!.reconcile!)), signal)
            creates.forEach((i, k) => {
              if (found[k]!.type === "UserGetResponse22") answers[i] = { status: "done", id: jobs[i]!.reconcile! }
            })
            pending = pending.filter((i) => answers[i] === undefined)
          }
          if (pending.length === 0) break
        }
        const replies = await session.send(pending.map((i) => jobs[i]!.text), signal)
        pending.forEach((i, k) => (answers[i] = replies[k]!))
        pending = []
      } catch (e) {
        if (!(e instanceof Session.SessionError) || signal?.aborted) throw e
        lastError = e.message
        reconnects++
      } finally {
        release(session)
      }
    }
    return answers.map((a) => a ?? { status: "unknown", message: `the answer was lost (${lastError}) and the server could not be asked again` })
  }

  /** Sends many jobs, `perDocument` per document, over up to `size` sessions at once. */
  const run = async (jobs: ReadonlyArray<Job>, per = perDocument): Promise<Array<Ocip.Command | Outcome>> => {
    const docs = chunks(jobs.map((job, i) => ({ job, i })), per)
    const out: Array<Ocip.Command | Outcome> = Array.from({ length: jobs.length })
    let next = 0
    const worker = async () => {
      while (next < docs.length) {
        const doc = docs[next++]!
        const answers = await sendDocument(doc.map((d) => d.job))
        doc.forEach((d, k) => (out[d.i] = answers[k]!))
      }
    }
    await Promise.all(Array.from({ length: Math.min(size, docs.length) }, worker))
    return out
  }

  const outcome = (answer: Ocip.Command | Outcome, id: string): Outcome => {
    if ("status" in answer) return answer
    const failure = Ocip.failureOf(answer)
    if (failure !== undefined) return { status: "rejected", message: Ocip.describe(failure) }
    return { status: "done", id }
  }

  const getUsers = async (ids: ReadonlyArray<string>): Promise<Array<RemoteUser>> => {
    const answers = await run(ids.map((id) => ({ text: Ocip.userGetRequest(id) })))
    const out: Array<RemoteUser> = []
    answers.forEach((a, i) => {
      if ("status" in a) throw new Session.SessionError("closed", `reading ${ids[i]}: ${a.status === "unknown" ? a.message : "no answer"}`)
      if (a.type === "UserGetResponse22") out.push({ id: ids[i]!, user: Ocip.userFromResponse(ids[i]!, a.element) })
    })
    return out
  }

  const list = async (): Promise<ReadonlyArray<RemoteUser>> => {
    const [answer] = await run([{ text: Ocip.userGetListInGroupRequest(settings.serviceProviderId, settings.groupId) }])
    if (answer === undefined || "status" in answer) throw new Session.SessionError("closed", "the user list was not answered")
    const failure = Ocip.failureOf(answer)
    if (failure !== undefined) throw new Session.SessionError("protocol", `${title}: UserGetListInGroupRequest was refused: ${Ocip.describe(failure)}`)
    const ids = Ocip.table(answer.element.children.find((c) => c.name === "userTable")).map((r) => r["User Id"] ?? "").filter((id) => id !== "")
    return getUsers(ids)
  }

  return {
    title,
    parallel: size,
    reconnects: () => reconnects,
    list: () => list(),
    find: async (key, values) => {
      if (key === "userId") return getUsers(values)
      const wanted = new Set(values)
      return (await list()).filter((r) => {
        const v = (r.user as Record<string, unknown>)[key]
        return typeof v === "string" && wanted.has(key === "email" ? v.toLowerCase() : v)
      })
    },
    create: async (users) => {
      const outcomes: Array<Outcome | undefined> = users.map(() => undefined)
      const jobs: Array<Job & { readonly at: number }> = []
      users.forEach((user, at) => {
        const written = addCommand(user)
        const errors = written.findings.filter((f) => f.severity === "error")
        if (errors.length > 0) outcomes[at] = { status: "rejected", message: errors.map((f) => f.message).join("; ") }
        else if (!user.userId) outcomes[at] = { status: "rejected", message: "the user has no userId" }
        else jobs.push({ text: written.text, reconcile: user.userId, at })
      })
      const answers = await run(jobs)
      jobs.forEach((job, k) => (outcomes[job.at] = outcome(answers[k]!, job.reconcile!)))
      return outcomes.map((o) => o!)
    },
    update: async (changes) => {
      const scope = { serviceProviderId: settings.serviceProviderId, groupId: settings.groupId }
      const outcomes: Array<Outcome | undefined> = changes.map(() => undefined)
      const built = changes.map((c) => Ocip.userModifyRequest(c.id, c.user, undefined, scope))
      // a device's level and name, or both name-dialling names, go together: read the others
      const incomplete = changes.flatMap((c, i) => ("missing" in built[i]! ? [c.id] : []))
      const current = new Map((incomplete.length === 0 ? [] : await getUsers(incomplete)).map((r) => [r.id, r.user]))
      const jobs: Array<Job & { readonly at: number; readonly id: string }> = []
      changes.forEach((c, at) => {
        let b = built[at]!
        if ("missing" in b) b = Ocip.userModifyRequest(c.id, c.user, current.get(c.id), scope)
        if ("missing" in b) outcomes[at] = { status: "rejected", message: b.missing }
        // a modify sets values: sending it again after a lost answer changes nothing more
        else jobs.push({ text: b.text, at, id: c.id })
      })
      const answers = await run(jobs)
      jobs.forEach((job, k) => (outcomes[job.at] = outcome(answers[k]!, job.id)))
      return outcomes.map((o) => o!)
    },
    close: async () => {
      const all = idle.splice(0)
      await Promise.all(all.map((s) => s.close()))
    }
  }
}
