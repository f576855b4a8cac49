/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made
 * with openssl in a temporary folder, for TLS tests against the sandboxes.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export interface Pki {
  readonly dir: string
  readonly ca: string
  readonly caFile: string
  readonly key: string
  readonly cert: string
  readonly remove: () => void
}

export const makePki = (): Pki => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-pki-"))
  const run = (...args: Array<string>) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" })
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=pbxport test CA")
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8")
  return { dir, ca: read("ca.pem"), caFile: path.join(dir, "ca.pem"), key: read("server.key"), cert: read("server.pem"), remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
