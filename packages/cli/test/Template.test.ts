import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { cli, register, tempDir } from "./support.js"

beforeAll(register)

describe("pbxport template", () => {
  it("prints the header and example row in the dialect's CSV syntax", async () => {
    const r = await cli(["template", "clitest"])
    expect(r.code).toBe(0)
    expect(r.bytes.toString("latin1")).toBe("\xef\xbb\xbffirst;email;ext\r\nAnn;ann@example.com;0101\r\n")
  })

  it("writes the template to -o", async () => {
    const dir = tempDir()
    const out = path.join(dir, "t.csv")
    const r = await cli(["template", "clitest", "-o", out])
    expect(r).toMatchObject({ code: 0, stdout: `wrote ${out}: 3 columns, 1 example row\n`, stderr: "" })
    expect(fs.readFileSync(out, "latin1")).toBe("\xef\xbb\xbffirst;email;ext\r\nAnn;ann@example.com;0101\r\n")
  })

  it("exits 2 for an unknown dialect, listing the known ones", async () => {
    const r = await cli(["template", "nope"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: unknown dialect 'nope'; known dialects: jsonl, .*clitest\n$/)
  })

  it("exits 2 for a dialect that is not CSV", async () => {
    const r = await cli(["template", "jsonl"])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: the jsonl dialect is not CSV \(its format is jsonl\), so it has no template; dialects with a template: .*clitest\n$/)
  })

  it("exits 2 when the file cannot be written", async () => {
    const dir = tempDir()
    const r = await cli(["template", "clitest", "-o", path.join(dir, "no", "such", "dir.csv")])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^pbxport: cannot write .*dir\.csv: /)
  })
})
