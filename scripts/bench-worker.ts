/**
 * One benchmark measurement in its own process (see scripts/bench.ts): prints rows, seconds and
 * peak memory as JSON.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parse } from "csv-parse"
import * as pbxport from "pbxport"

const [mode, file, outDir] = process.argv.slice(2) as [string, string, string]
const t0 = performance.now()
let rows = 0
if (mode === "csv-parse") {
  const parser = fs.createReadStream(file).pipe(parse({ relax_column_count: true }))
  for await (const record of parser) {
    void record
    rows++
  }
  rows-- // header
} else if (mode === "validate") {
  const report = await pbxport.validate({ path: file }, { from: "wazo" })
  rows = report.rows
} else {
  const report = await pbxport.convert({ path: file }, { from: "wazo", to: "jsonl", output: { path: path.join(outDir, `${path.basename(file, ".csv")}.jsonl`) } })
  rows = report.rows.read
}
const seconds = (performance.now() - t0) / 1000
process.stdout.write(JSON.stringify({ rows, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n")
