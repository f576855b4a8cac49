/**
 * Helpers for the command's tests: run it in-process with captured streams, or spawn the built
 * binary; plus a small CSV dialect, registered for in-process runs only, that records the
 * options it is given.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Adapter, Codec, Issue, Table } from "@pbxport/core"
import { Registry } from "pbxport"
import { afterAll } from "vitest"
import type { Io } from "../src/Io.js"
import { run } from "../src/main.js"

/** What a run printed and the code it exited with. */
export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Standard output as bytes (converted data, templates). */
  readonly bytes: Buffer
}

const capture = (isTTY: boolean) => {
  const chunks: Array<Buffer> = []
  return {
    isTTY,
    write: (chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk))
      return true
    },
    bytes: () => Buffer.concat(chunks)
  }
}

/**
 * Runs the command in this process with captured output.
 */
export const cli = async (args: ReadonlyArray<string>, options: { readonly tty?: boolean; readonly stdin?: string } = {}): Promise<Outcome> => {
  const stdout = capture(false)
  const stderr = capture(options.tty ?? false)
  const stdin = options.stdin
  const io: Io = {
    stdout,
    stderr,
    stdin: stdin === undefined ? undefined : (async function* () { yield new TextEncoder().encode(stdin) })()
  }
  const code = await run(args, io)
  return { code, stdout: stdout.bytes().toString("utf8"), stderr: stderr.bytes().toString("utf8"), bytes: stdout.bytes() }
}

/** The built executable. */
export const bin = fileURLToPath(new URL("../dist/src/bin.js", import.meta.url))

/**
 * Spawns the built `pbxport` with Node (the runner's own `process.execPath`), standard input
 * closed, and resolves to what it printed and its exit code.
 */
export const spawn = (args: ReadonlyArray<string>, cwd: string): Promise<Outcome & { readonly ms: number }> => {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npx tsc -b packages/cli first`)
  const started = performance.now()
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd, encoding: "buffer", env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      const code = child.exitCode ?? (typeof error?.code === "number" ? error.code : -1)
      resolve({ code, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8"), bytes: stdout, ms: performance.now() - started })
    })
    child.stdin?.end()
  })
}

const made: Array<string> = []
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh temporary folder, removed after the test file. */
export const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-cli-test-"))
  made.push(dir)
  return dir
}

/** Writes a file in a folder and returns its path. */
export const file = (dir: string, name: string, content: string | Uint8Array): string => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return p
}

/** The options the test dialect was last given, as reader (source) and writer (target). */
export const seen: { source: Adapter.Options | undefined; target: Adapter.Options | undefined } = { source: undefined, target: undefined }

const spec: Table.Spec = {
  id: "clitest",
  empty: Table.emptyIsNull,
  match: "exact",
  columns: [
    { header: "first", description: "First name.", required: true, target: "firstName", codec: Codec.text },
    { header: "email", description: "Email.", required: false, target: "email", codec: Codec.text },
    { header: "ext", description: "Extension.", required: false, target: "extension", codec: Codec.text }
  ],
  checkHeader: (header) => (header.includes("first") ? [] : [Issue.error("missing-column", "first", "the header has no 'first' column, which clitest requires")]),
  rules: (user) =>
    user.email !== undefined && user.email !== null && !user.email.includes("@")
      ? [Issue.error("invalid-format", "email", `'email' must look like name@domain, not "${user.email}"`)]
      : []
}

/**
 * A CSV dialect for these tests: `;`, CRLF, a byte order mark; it cannot carry passwords.
 */
export const clitest: Adapter.Adapter = Adapter.make({
  id: "clitest",
  title: "CLI test dialect",
  description: "A semicolon CSV dialect the command's tests register.",
  format: "csv",
  syntax: { delimiter: ";", bom: true, newline: "\r\n" },
  columns: Table.columns(spec),
  capabilities: { carries: Table.carries(spec), maxRowsPerFile: 1000, update: { key: "email" } },
  template: { header: ["first", "email", "ext"], example: ["Ann", "ann@example.com", "0101"] },
  unique: [{ column: "email", label: "email", key: (u) => u.email?.toLowerCase() }],
  reader: (header, options) => {
    seen.source = options
    return Table.reader(spec)(header, options)
  },
  writer: (options) => {
    seen.target = options
    return Table.writer(spec)(options)
  }
})

/**
 * Adds the test dialect to the library's registry of this process (spawned binaries do not
 * have it).
 */
export const register = (): void => {
  const all = Registry.all as Array<Adapter.Adapter>
  if (!all.includes(clitest)) all.push(clitest)
}
