/**
 * A small CSV dialect for pipeline tests, declared like any adapter.
 */
import { Adapter, Codec, Issue, Table } from "@pbxport/core"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const spec: Table.Spec = {
  id: "demo",
  empty: Table.emptyIsNull,
  match: "exact",
  columns: [
    { header: "first", description: "First name.", required: true, target: "firstName", codec: Codec.text },
    { header: "email", description: "Email.", required: false, target: "email", codec: Codec.text },
    { header: "ext", description: "Extension.", required: false, target: "extension", codec: Codec.text },
    { header: "password", description: "Password.", required: false, target: "password", codec: Codec.secret },
    { header: "ring", description: "Ring seconds.", required: false, target: "callHandling.ringSeconds", codec: Codec.integer({ max: 60 }) }
  ],
  rules: (user) => (user.email !== undefined && user.email !== null && !user.email.includes("@") ? [Issue.error("invalid-format", "email", `'email' must look like name@domain, not "${user.email}"`)] : [])
}

export const demo: Adapter.Adapter = Adapter.make({
  id: "demo",
  title: "Demo",
  description: "A test dialect.",
  format: "csv",
  columns: Table.columns(spec),
  capabilities: { carries: Table.carries(spec), maxRowsPerFile: 3 },
  unique: [{ column: "email", label: "email", key: (u) => u.email?.toLowerCase() }],
  reader: Table.reader(spec),
  writer: Table.writer(spec)
})

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-test-"))
