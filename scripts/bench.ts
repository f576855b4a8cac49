/**
 * `npm run bench`: measures pbxport against Python's csv reader and the platforms' own parsers.
 *
 * Every measurement is a whole process timed by `/usr/bin/time` (wall seconds and maximum
 * resident set size), so start-up, reading and writing all count and peak memory is the
 * process's own. Absolute times drift 20-40 % between runs on a shared machine, so each file's
 * numbers are read as ratios to Python's `csv.DictReader` over the same file in the same run
 * (the fixed reference), and the peers (Wazo confd's import parser, mercury-ocip's bulk sheet
 * parser) are timed the same way on the same file when a local checkout is given; they are never
 * downloaded here. Writes docs/benchmarks.md with the machine, the load and the date.
 *
 * Usage: `npm run bench -- [--rows 100000,1000000] [--file F --from wazo|broadworks]
 * [--peer wazo=DIR] [--peer mercury=DIR] [--repeat N] [--no-write]`; `--rows 100000,1000000:wazo`
 * limits the million-row run to the Wazo file.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const repo = path.resolve(import.meta.dirname, "..")
const outDir = path.join(repo, "bench-out")
fs.mkdirSync(outDir, { recursive: true })
const bin = path.join(repo, "packages", "cli", "dist", "src", "bin.js")

const argv = process.argv.slice(2)
const values = (flag: string): Array<string> => argv.flatMap((a, i) => (a === flag && argv[i + 1] !== undefined ? [argv[i + 1]!] : []))
// `100000,1000000:wazo`: sizes, each optionally limited to some kinds of file (joined by +)
const sizes = (values("--rows")[0] ?? "100000,1000000").split(",").map((entry) => {
  const [n, only] = entry.split(":")
  return { rows: Number(n), kinds: only === undefined ? undefined : only.split("+") }
})
const repeat = Number(values("--repeat")[0] ?? "1")
const write = !argv.includes("--no-write")
const peers = new Map(values("--peer").map((p) => [p.slice(0, p.indexOf("=")), path.resolve(p.slice(p.indexOf("=") + 1))] as const))
const given = values("--file")[0]
const givenFrom = values("--from")[0] ?? "wazo"

// --- the files -------------------------------------------------------------------------------
// Deterministic and valid on every row: accents, a quoted comma per row, `+` numbers. Both have
// 20 columns, the width of a typical real import.

const first = ["Zoë", "Jean-François", "Ana", "Åsa", "Łukasz", "Hiro", "Nuñez", "Chloé"]
const wazoHeader = ["firstname", "lastname", "email", "language", "mobile_phone_number", "outgoing_caller_id", "enabled", "ring_seconds", "username", "password", "line_protocol", "context", "sip_username", "sip_secret", "exten", "voicemail_name", "voicemail_number", "voicemail_context", "incall_exten", "incall_context"]
const wazoRow = (i: number): string => {
  const f = first[i % first.length]!
  const ext = String(100000 + i)
  const did = `+1555${String(i).padStart(7, "0")}`
  return [f, `Test${i}`, `user${i}@example.com`, i % 2 ? "fr_FR" : "en_US", did, `"${f} Test${i}, Sales"`, "1", "30", `user${i}`, `fakePass${i}`, "sip", "default", `sip${i}`, `fakeSecret${i}`, ext, `"Test${i}, ${f}"`, ext, "default", did.slice(1), "from-extern"].join(",")
}
const broadworksHeader = ["operation", "serviceProviderId", "groupId", "userId", "firstName", "lastName", "callingLineIdFirstName", "callingLineIdLastName", "phoneNumber", "extension", "callingLineIdPhoneNumber", "password", "language", "timeZone", "title", "mobilePhoneNumber", "emailAddress", "address.addressLine1", "address.city", "address.country"]
const broadworksRow = (i: number): string => {
  const f = first[i % first.length]!
  const did = `+1555${String(i).padStart(7, "0")}`
  return ["user.create", "BenchSP", "BenchGroup", `user${i}@example.com`, f, `Test${i}`, f, `Test${i}`, did, String(100000 + i), did, `fakePass${i}!`, "English", "America/New_York", `"Sales, EMEA"`, `+1666${String(i).padStart(7, "0")}`, `user${i}@example.com`, `"${i} Rue de l'Église, Bât. B"`, "Montréal", "Canada"].join(",")
}

const generate = (kind: "wazo" | "broadworks", rows: number): string => {
  const file = path.join(outDir, `${kind}-${rows}.csv`)
  if (fs.existsSync(file)) return file
  const header = kind === "wazo" ? wazoHeader : broadworksHeader
  const row = kind === "wazo" ? wazoRow : broadworksRow
  const fd = fs.openSync(`${file}.tmp`, "w")
  fs.writeSync(fd, header.join(",") + "\r\n")
  let chunk: Array<string> = []
  for (let i = 1; i <= rows; i++) {
    chunk.push(row(i))
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join("\r\n") + "\r\n")
      chunk = []
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, chunk.join("\r\n") + "\r\n")
  fs.closeSync(fd)
  fs.renameSync(`${file}.tmp`, file)
  return file
}

// --- the programs ----------------------------------------------------------------------------

const dictReader = `
import csv, sys
n = 0
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        n += 1
print(n)
`

// Wazo confd reads an import as `request.data.decode(charset).split("\\n")` into its CsvParser
// and calls `parse()` on every row (wazo_confd/plugins/user_import/csvparse.py): the same here,
// on the checkout's own file. Its imports of the web framework and the DAO's error helpers are
// stubbed, since neither is reached on a valid file.
const wazoPeer = `
import importlib.util, sys, types
root, file = sys.argv[1], sys.argv[2]
flask = types.ModuleType("flask"); flask.request = None; sys.modules["flask"] = flask
for name in ("xivo_dao", "xivo_dao.helpers", "xivo_dao.helpers.errors"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["xivo_dao.helpers"].errors = sys.modules["xivo_dao.helpers.errors"]
spec = importlib.util.spec_from_file_location("csvparse", root + "/wazo_confd/plugins/user_import/csvparse.py")
csvparse = importlib.util.module_from_spec(spec); spec.loader.exec_module(csvparse)
with open(file, "rb") as f:
    lines = f.read().decode("utf-8").split("\\n")
n = 0
for row in csvparse.CsvParser(lines):
    row.parse()
    n += 1
print(n)
`

// mercury-ocip reads a bulk sheet with FileHandler.read_csv_to_dict and turns each row into the
// nested request data with BaseBulkOperations._parse_csv (src/mercury_ocip/bulk): the same here,
// on the checkout's own files. Its client, command and type modules are stubbed: building the
// OCI-P request objects needs the generated commands module and a live client.
const mercuryPeer = `
import importlib.util, sys, types
root, file = sys.argv[1] + "/src/mercury_ocip", sys.argv[2]
def package(name, where):
    m = types.ModuleType(name); m.__path__ = [where]; sys.modules[name] = m
package("mercury_ocip", root); package("mercury_ocip.utils", root + "/utils")
package("mercury_ocip.bulk", root + "/bulk"); package("mercury_ocip.commands", root + "/commands"); package("mercury_ocip.libs", root + "/libs")
client = types.ModuleType("mercury_ocip.client"); client.BaseClient = object; sys.modules["mercury_ocip.client"] = client
base = types.ModuleType("mercury_ocip.commands.base_command"); base.OCICommand = object; base.ErrorResponse = object
sys.modules["mercury_ocip.commands.base_command"] = base
types_ = types.ModuleType("mercury_ocip.libs.types"); types_.OCIResponse = object; sys.modules["mercury_ocip.libs.types"] = types_
from mercury_ocip.utils.file_handler import FileHandler
from mercury_ocip.bulk.user import UserBulkOperations
ops = UserBulkOperations(None)
data = FileHandler.read_csv_to_dict(file)
print(len(ops._parse_csv(data)))
`

interface Measure { readonly seconds: number; readonly cpu: number; readonly maxRssMiB: number; readonly load: number }

const timed = (command: string, args: ReadonlyArray<string>): Measure => {
  const load = os.loadavg()[0]!
  const r = spawnSync("/usr/bin/time", ["-f", "BENCH %e %M %U %S", command, ...args], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "ignore", "pipe"] })
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
  if (m === null) throw new Error(`${command} ${args.join(" ")} gave no measure:\n${r.stderr.slice(-2000)}`)
  // /usr/bin/time reports the exit code of a failed command on stderr
  if (/Command exited with non-zero status/.test(r.stderr)) throw new Error(`${command} ${args.join(" ")} failed:\n${r.stderr.slice(-2000)}`)
  return { seconds: Number(m[1]), cpu: Number(m[3]) + Number(m[4]), maxRssMiB: Number(m[2]) / 1024, load: (load + os.loadavg()[0]!) / 2 }
}

const node = (...args: Array<string>) => [process.execPath, [bin, ...args]] as const
// the interpreter itself, not a version manager's shim script, whose start-up would count
const python3 = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim() || "python3"
const python = (script: string, ...args: Array<string>) => [python3, ["-c", script, ...args]] as const

interface Work { readonly name: string; readonly run: readonly [string, ReadonlyArray<string>]; readonly reference?: boolean; readonly peer?: string }

const works = (kind: "wazo" | "broadworks", file: string): Array<Work> => {
  const base = path.join(outDir, path.basename(file, ".csv"))
  const list: Array<Work> = [{ name: "Python csv.DictReader (reference)", run: python(dictReader, file), reference: true }]
  if (kind === "wazo") {
    if (peers.has("wazo")) list.push({ name: "Wazo confd's import parser", run: python(wazoPeer, peers.get("wazo")!, file), peer: "wazo" })
    list.push(
      { name: "pbxport validate --from wazo", run: node("validate", "--from", "wazo", file) },
      { name: "pbxport convert wazo -> broadworks (--set)", run: node("convert", "--from", "wazo", "--to", "broadworks", "--set", "userId={{email}}", "--set", "serviceProviderId=BenchSP", "--set", "groupId=BenchGroup", "--set", "callingLineIdFirstName={{firstName}}", "--set", "callingLineIdLastName={{lastName}}", "-o", `${base}.broadworks.csv`, file) },
      { name: "pbxport convert wazo -> jsonl", run: node("convert", "--from", "wazo", "--to", "jsonl", "-o", `${base}.jsonl`, file) }
    )
  } else {
    if (peers.has("mercury")) list.push({ name: "mercury-ocip's bulk parser", run: python(mercuryPeer, peers.get("mercury")!, file), peer: "mercury" })
    list.push(
      { name: "pbxport validate --from broadworks", run: node("validate", "--from", "broadworks", file) },
      { name: "pbxport convert broadworks -> wazo", run: node("convert", "--from", "broadworks", "--to", "wazo", "-o", `${base}.wazo.csv`, file) }
    )
  }
  return list
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const countRows = (file: string): number => {
  // data records, for rows/s: the reference reader's own count
  const r = spawnSync(python3, ["-c", dictReader, file], { encoding: "utf8" })
  return Number(r.stdout.trim())
}

const tables: Array<string> = []
const summary: Array<string> = []
const files: Array<{ kind: "wazo" | "broadworks"; file: string }> = given
  ? [{ kind: givenFrom === "broadworks" ? "broadworks" : "wazo", file: path.resolve(given) }]
  : sizes.flatMap((size) => (["wazo", "broadworks"] as const).filter((k) => size.kinds?.includes(k) ?? true).map((kind) => ({ kind, file: generate(kind, size.rows) })))

for (const { kind, file } of files) {
  const rows = countRows(file)
  const list = works(kind, file)
  const runs = new Map<string, Array<Measure>>(list.map((w) => [w.name, []]))
  // alternate the programs round by round, so that a change of load hits them all alike
  for (let round = 0; round < repeat; round++) {
    for (const w of list) {
      const m = timed(w.run[0], w.run[1])
      runs.get(w.name)!.push(m)
      process.stderr.write(`${path.basename(file)} ${w.name}: ${m.seconds.toFixed(2)} s (CPU ${m.cpu.toFixed(2)} s), ${m.maxRssMiB.toFixed(0)} MiB (load ${m.load.toFixed(1)})\n`)
    }
  }
  const seconds = (name: string) => median(runs.get(name)!.map((m) => m.seconds))
  const cpu = (name: string) => median(runs.get(name)!.map((m) => m.cpu))
  const reference = seconds(list.find((w) => w.reference)!.name)
  const referenceCpu = cpu(list.find((w) => w.reference)!.name)
  const mib = (fs.statSync(file).size / 2 ** 20).toFixed(1)
  const title = `${given ? path.basename(file) : `${rows.toLocaleString("en-US")} ${kind === "wazo" ? "Wazo" : "BroadWorks"} rows`} (${mib} MiB)`
  tables.push(`### ${title}`, "", "| work | seconds | rows/s | peak RSS (MiB) | load | time / DictReader's | CPU seconds | CPU / DictReader's |", "| --- | --- | --- | --- | --- | --- | --- | --- |")
  for (const w of list) {
    const s = seconds(w.name)
    const rss = Math.max(...runs.get(w.name)!.map((m) => m.maxRssMiB))
    const load = median(runs.get(w.name)!.map((m) => m.load))
    tables.push(`| ${w.name} | ${s.toFixed(2)} | ${Math.round(rows / s).toLocaleString("en-US")} | ${rss.toFixed(0)} | ${load.toFixed(1)} | ${(s / reference).toFixed(2)}x | ${cpu(w.name).toFixed(2)} | ${(cpu(w.name) / referenceCpu).toFixed(2)}x |`)
  }
  tables.push("")
  // the goals of the benchmark, as ratios measured side by side in this run
  const peer = list.find((w) => w.peer !== undefined)
  if (peer) {
    const as = (ratio: number) => (ratio >= 1 ? `${ratio.toFixed(2)}x faster` : `${(1 / ratio).toFixed(2)}x slower`)
    for (const w of list.filter((x) => x.name.startsWith("pbxport"))) {
      summary.push(`| ${title} | ${w.name} | ${peer.name} | ${as(seconds(peer.name) / seconds(w.name))} | ${as(cpu(peer.name) / cpu(w.name))} |`)
    }
  }
}

const startup = (): { readonly wall: number; readonly cpu: number } => {
  const runs = Array.from({ length: 10 }, () => timed(process.execPath, [bin, "--version"]))
  return { wall: median(runs.map((m) => m.seconds * 1000)), cpu: median(runs.map((m) => m.cpu * 1000)) }
}
const start = startup()

const peerLine = [...peers].map(([name]) => {
  const commit = spawnSync("git", ["-C", peers.get(name)!, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim()
  const noted = commit || (fs.existsSync(path.join(peers.get(name)!, "COMMIT")) ? fs.readFileSync(path.join(peers.get(name)!, "COMMIT"), "utf8").trim().slice(0, 9) : "unknown")
  return `${name === "wazo" ? "wazo-confd" : "mercury-ocip"} at ${noted}`
})
const report = [
  ...tables,
  ...(summary.length > 0 ? ["### pbxport against the platforms' own parsers (same file, same run)", "", "| file | pbxport | peer | pbxport is (wall time) | pbxport is (CPU time) |", "| --- | --- | --- | --- | --- |", ...summary, ""] : []),
  `Start-up: \`pbxport --version\` takes ${start.wall.toFixed(0)} ms, ${start.cpu.toFixed(0)} ms of CPU (medians of 10 runs, including Node's own start).`
].join("\n")
process.stdout.write(report + "\n")

if (write) {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU"
  const version = spawnSync(python3, ["--version"], { encoding: "utf8" }).stdout.trim()
  const doc = [
    "# Benchmarks",
    "",
    "Measured by `npm run bench` (scripts/bench.ts). Every figure is a whole process timed by",
    "`/usr/bin/time`: wall seconds (start-up, reading and writing included) and the process's own",
    "peak resident memory. The files are generated deterministically: 20 columns, every row valid,",
    "with accents, a quoted comma in every row and `+` numbers. `validate` and `convert` are the CLI",
    "(`convert wazo -> broadworks` fills the three BroadWorks ids with `--set`).",
    "",
    "Times drift 20-40 % between runs on a shared machine, so read each row against Python's",
    "`csv.DictReader` over the same file in the same run (the last column). When given a local",
    "checkout (`--peer wazo=DIR`, `--peer mercury=DIR`; never downloaded by the benchmark, never",
    "committed), the platforms' own parsers are timed the same way: Wazo confd's import parser",
    "(`CsvParser` and each row's `parse()`, as `POST /users/import` runs them) and mercury-ocip's",
    "bulk sheet parser (`read_csv_to_dict` then `_parse_csv`, without building the OCI-P request",
    "objects, which needs a live client). `load` is the machine's 1-minute load average during the",
    "run: above the number of cores, other work was competing and wall times stretch unevenly, so",
    "the CPU seconds (user + system, all threads: Node's garbage collector threads count against",
    "pbxport) are the fairer comparison then.",
    "",
    `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${version}. Date: ${new Date().toISOString().slice(0, 10)}.${peerLine.length > 0 ? ` Peers: ${peerLine.join(", ")}.` : ""}${repeat > 1 ? ` Median of ${repeat} alternated runs.` : ""}`,
    "",
    report,
    "",
    "Reading the numbers: the CSV engine streams, the output waits in a spool file on disk, and the",
    "issues of a valid file are none, so what grows with the file is what a run must remember across",
    "rows: the in-file duplicate checks. They keep a 64-bit fingerprint and the first row of every",
    "unique value (packages/pbxport/src/FirstRows.ts), 12 bytes a value at a load of at most 0.7,",
    "outside the JavaScript heap: about 18 MiB per million values, and a million Wazo rows hold five",
    "million (email, username, exten@context, SIP username, incoming number). A fingerprint match is",
    "confirmed against the first row, read again, before it is reported.",
    ""
  ].join("\n")
  // keep the sections other benchmarks write (npm run bench:ocip), between their markers
  const file = path.join(repo, "docs", "benchmarks.md")
  const kept = fs.existsSync(file) ? (fs.readFileSync(file, "utf8").match(/<!-- ocip -->[\s\S]*<!-- \/ocip -->/)?.[0] ?? "") : ""
  fs.writeFileSync(file, kept === "" ? doc : `${doc.trimEnd()}\n\n${kept}\n`)
  process.stdout.write("wrote docs/benchmarks.md\n")
}
