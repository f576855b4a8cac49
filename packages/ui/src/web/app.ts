/**
 * The page of `pbxport ui`: plain DOM code, compiled by tsc into one script the server serves.
 *
 * No framework: five steps of forms and one paged table need little more than the DOM, and a
 * dependency would be one more thing to audit in a tool that handles passwords. Every request
 * carries the token the server wrote into the page; every failure shows in the banner and keeps
 * what the person entered.
 */

interface Issue {
  readonly row: number | null
  readonly line: number | null
  readonly column: string | null
  readonly code: string
  readonly severity: "error" | "warning"
  readonly message: string
}

interface Column { readonly header: string; readonly description: string; readonly required: boolean; readonly sensitive: boolean; readonly target: string | null }
interface DialectInfo { readonly id: string; readonly title: string; readonly format: string; readonly read: boolean; readonly write: boolean; readonly maxRowsPerFile: number | null; readonly mappable: boolean; readonly columns: ReadonlyArray<Column> }
interface Meta { readonly dialects: ReadonlyArray<DialectInfo>; readonly fields: ReadonlyArray<string>; readonly mapKinds: ReadonlyArray<string>; readonly secrets: ReadonlyArray<string> }
interface Candidate { readonly dialect: string; readonly title: string; readonly score: number; readonly why: ReadonlyArray<string> }
interface Detection { readonly format: string; readonly encoding: string | null; readonly delimiter: string | null; readonly header: ReadonlyArray<string> | null; readonly candidates: ReadonlyArray<Candidate> }
interface Uploaded { readonly name: string; readonly size: number; readonly detection: Detection | null; readonly failure: { readonly message: string } | null }
interface ShownRow { readonly row: number; readonly line: number; readonly source: ReadonlyArray<string> | null; readonly target: Readonly<Record<string, string>> | null; readonly issues: ReadonlyArray<Issue>; readonly outcome: "written" | "skipped" | "not-data" }
interface Status {
  readonly done: boolean; readonly rows: number; readonly errors: number; readonly warnings: number; readonly written: number | null; readonly skipped: number | null
  readonly failure: { readonly message: string } | null; readonly header: ReadonlyArray<string> | null; readonly sensitive: ReadonlyArray<boolean>
  readonly encoding: string | null; readonly delimiter: string | null; readonly targetHeader: ReadonlyArray<string>; readonly fileIssues: ReadonlyArray<Issue>
  readonly lost: ReadonlyArray<{ readonly field: string; readonly count: number }>; readonly firstRowsMs: number | null; readonly totalMs: number | null
}
interface RowsAnswer { readonly status: Status; readonly total: number; readonly offset: number; readonly rows: ReadonlyArray<ShownRow> }
interface Job {
  from: string; to: string | null; encoding?: string; delimiter?: string; map?: Array<string>; set?: Array<[string, string]>; setIfEmpty?: Array<[string, string]>
  extensions?: string; numbers?: string; generatePasswords?: string; maps?: Record<string, string>; translate?: boolean
}

const PAGE = 100
const token = document.querySelector<HTMLMetaElement>('meta[name="pbxport-token"]')?.content ?? ""

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`no #${id}`)
  return el as T
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v
    else e.setAttribute(k, v)
  }
  for (const c of children) e.append(c)
  return e
}

const state = {
  meta: undefined as Meta | undefined,
  uploaded: undefined as Uploaded | undefined,
  mapping: new Map<string, string>(),
  unknown: [] as Array<string>,
  page: 0,
  open: new Set<number>(),
  generation: 0,
  poll: undefined as number | undefined,
  generationOfSource: 0
}

const banner = (message: string | null): void => {
  $("banner").hidden = message === null
  $("banner-text").textContent = message ?? ""
}

/** Calls the API; a failure shows in the banner and rejects, leaving the page as it was. */
const api = async <A>(method: string, path: string, body?: unknown, raw?: { bytes: Blob; name: string }): Promise<A> => {
  const headers: Record<string, string> = { "x-pbxport-token": token }
  let payload: BodyInit | undefined
  if (raw !== undefined) {
    headers["x-file-name"] = encodeURIComponent(raw.name)
    headers["content-type"] = "application/octet-stream"
    payload = raw.bytes
  } else if (body !== undefined) {
    headers["content-type"] = "application/json"
    payload = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) })
  } catch {
    banner("pbxport ui is not answering: is it still running? Start it again with pbxport ui.")
    throw new Error("network")
  }
  if (!res.ok) {
    const text = await res.text()
    let message = text
    try {
      message = (JSON.parse(text) as { error: string }).error
    } catch {
      // not JSON: show the text
    }
    banner(message)
    throw new Error(message)
  }
  return (await res.json()) as A
}

const dialect = (id: string): DialectInfo | undefined => state.meta?.dialects.find((d) => d.id === id)

const value = (id: string): string => ($(id) as HTMLInputElement | HTMLSelectElement).value

/** The job the controls describe. */
const job = (): Job => {
  const j: Job = { from: value("from"), to: value("to") === "" ? null : value("to") }
  if (value("encoding") !== "") j.encoding = value("encoding")
  if (value("delimiter") !== "") j.delimiter = value("delimiter")
  const map = [...state.mapping].filter(([, field]) => field.trim() !== "").map(([column, field]) => `${field.trim()}=${column}`)
  if (map.length > 0) j.map = map
  const set: Array<[string, string]> = []
  const setIfEmpty: Array<[string, string]> = []
  for (const line of document.querySelectorAll<HTMLElement>("#sets .set")) {
    const column = line.querySelector<HTMLInputElement>(".set-column")!.value.trim()
    const template = line.querySelector<HTMLInputElement>(".set-template")!.value
    if (column === "") continue
    ;(line.querySelector<HTMLInputElement>(".set-if-empty")!.checked ? setIfEmpty : set).push([column, template])
  }
  if (set.length > 0) j.set = set
  if (setIfEmpty.length > 0) j.setIfEmpty = setIfEmpty
  if (value("extensions").trim() !== "") j.extensions = value("extensions").trim()
  if (value("numbers").trim() !== "") j.numbers = value("numbers").trim()
  if (($("generate") as HTMLInputElement).checked) j.generatePasswords = value("policy").trim() === "" ? "default" : value("policy").trim()
  if (value("map-text").trim() !== "") j.maps = { [value("map-kind")]: value("map-text") }
  if (!($("translate") as HTMLInputElement).checked) j.translate = false
  return j
}

const option = (v: string, label: string): HTMLOptionElement => el("option", { value: v }, label)

const fillSelects = (meta: Meta): void => {
  const from = $("from") as HTMLSelectElement
  const to = $("to") as HTMLSelectElement
  const template = $("template-dialect") as HTMLSelectElement
  for (const d of meta.dialects) {
    if (d.read) from.append(option(d.id, `${d.id}: ${d.title}`))
    if (d.write) to.append(option(d.id, `${d.id}: ${d.title}`))
    if (d.read && d.format === "csv") template.append(option(d.id, `${d.id}: ${d.title}`))
  }
  to.prepend(option("", "Nothing: only check the file"))
  to.value = ""
  const kinds = $("map-kind") as HTMLSelectElement
  for (const k of meta.mapKinds) kinds.append(option(k, k))
}

const addSet = (column = "", template = "", ifEmpty = false): void => {
  const n = document.querySelectorAll("#sets .set").length + 1
  const line = el("div", { class: "row set" },
    el("label", { for: `set-column-${n}` }, `Column ${n}`),
    el("input", { id: `set-column-${n}`, class: "set-column", list: "target-columns", value: column, placeholder: "userId" }),
    el("label", { for: `set-template-${n}` }, "Template"),
    el("input", { id: `set-template-${n}`, class: "set-template", value: template, size: "40", placeholder: "{{firstName|ascii|lower}}@example.com" }),
    el("label", {}, el("input", { type: "checkbox", class: "set-if-empty", ...(ifEmpty ? { checked: "" } : {}) }), " only where empty"),
    el("button", { type: "button", class: "set-remove" }, `Remove value ${n}`)
  )
  line.querySelector(".set-remove")!.addEventListener("click", () => {
    line.remove()
    void changed()
  })
  $("sets").append(line)
}

const delimiterName = (d: string | null): string => (d === null ? "none" : d === "\t" ? "tab" : d)

const showDetection = (u: Uploaded): void => {
  const d = u.detection
  $("source-facts").textContent = d === null
    ? `${u.name} (${u.size.toLocaleString()} bytes) could not be read: ${u.failure?.message ?? ""}`
    : `${u.name}: ${u.size.toLocaleString()} bytes, ${d.format.toUpperCase()}${d.format === "csv" ? `, ${d.encoding ?? "?"}, delimiter ${delimiterName(d.delimiter)}, ${d.header?.length ?? 0} columns` : ""}. Detected: ${d.candidates[0]?.dialect ?? "nothing"}.`
  const table = $("candidates")
  table.replaceChildren(el("caption", { class: "visually-hidden" }, "Dialect candidates"), el("tr", {}, el("th", { scope: "col" }, "Dialect"), el("th", { scope: "col" }, "Score"), el("th", { scope: "col" }, "Why")))
  for (const c of d?.candidates ?? []) table.append(el("tr", {}, el("td", {}, c.dialect), el("td", {}, c.score.toFixed(2)), el("td", { class: "issues" }, c.why.join("; "))))
  const best = d?.candidates[0]
  if (best !== undefined && best.score > 0) ($("from") as HTMLSelectElement).value = best.dialect
  if (u.failure !== null) banner(u.failure.message)
}

const sendFile = async (file: File): Promise<void> => {
  banner(null)
  // the File itself is the body: the browser streams it, with no copy in the page
  const u = await api<Uploaded>("POST", "/api/source", undefined, { bytes: file, name: file.name })
  await loaded(u)
}

const loaded = async (u: Uploaded): Promise<void> => {
  state.uploaded = u
  state.generationOfSource++
  state.mapping.clear()
  ;($("encoding") as HTMLSelectElement).value = ""
  ;($("delimiter") as HTMLSelectElement).value = ""
  showDetection(u)
  // a file that cannot be read has nothing to preview: its message stays in the banner
  if (u.failure === null) await changed()
}

let mappingKey = ""

/** Lists the file's columns the source dialect does not know, each with a field to pick. */
const renderMapping = async (force = false): Promise<void> => {
  // picking a field must not rebuild the table under the person's cursor
  const key = [state.uploaded?.name, state.uploaded?.size, state.generationOfSource, value("from"), value("to"), value("encoding"), value("delimiter")].join("\u0000")
  if (!force && key === mappingKey) return
  mappingKey = key
  const d = dialect(value("from"))
  const note = $("mapping-note")
  const table = $("mapping")
  const fields = $("field-list")
  fields.replaceChildren(...(d?.columns ?? []).map((c) => el("option", { value: c.header }, `${c.header}${c.target ? ` (${c.target})` : ""}`)))
  const targetColumns = document.getElementById("target-columns") ?? document.body.appendChild(el("datalist", { id: "target-columns" }))
  targetColumns.replaceChildren(...(dialect(value("to"))?.columns ?? []).map((c) => el("option", { value: c.header })))
  table.replaceChildren(el("caption", {}, "Columns of the file no field reads"))
  if (state.uploaded?.detection?.format !== "csv" || d === undefined) {
    note.textContent = "Column mapping applies to CSV files."
    return
  }
  let answer: { unknown: Array<string>; missing: Array<string>; problems: Array<string> }
  try {
    answer = await api("POST", "/api/columns", { ...job(), map: [] })
  } catch {
    return
  }
  state.unknown = answer.unknown
  const search = value("mapping-search").trim().toLowerCase()
  note.textContent = answer.unknown.length === 0
    ? `Every column of the file is a ${d.id} column.`
    : d.mappable
      ? `${answer.unknown.length} column${answer.unknown.length === 1 ? "" : "s"} of the file ${answer.unknown.length === 1 ? "is" : "are"} not ${d.id} columns: pick the field each one holds, or leave it empty to keep it unread.${answer.missing.length > 0 ? ` Required and missing: ${answer.missing.join(", ")}.` : ""}`
      : `${answer.unknown.length} column${answer.unknown.length === 1 ? " is" : "s are"} not ${d.id} columns; their values are kept as extras and reported as lost if the target cannot carry them. Mapping by hand is offered for dialects that read --map-columns (${state.meta?.dialects.filter((x) => x.mappable).map((x) => x.id).join(", ") ?? ""}).`
  table.append(el("tr", {}, el("th", { scope: "col" }, "Column of the file"), el("th", { scope: "col" }, `${d.id} field`)))
  answer.unknown.forEach((column, i) => {
    const input = el("input", { id: `map-${i}`, list: "field-list", value: state.mapping.get(column) ?? "", "aria-label": `Field read from column ${column}`, ...(d.mappable ? {} : { disabled: "" }) })
    input.addEventListener("input", () => {
      state.mapping.set(column, input.value)
      void changed()
    })
    const tr = el("tr", {}, el("td", {}, el("label", { for: `map-${i}` }, column)), el("td", {}, input))
    if (search !== "" && !column.toLowerCase().includes(search) && !input.value.toLowerCase().includes(search)) tr.hidden = true
    table.append(tr)
  })
  // the search also narrows the field list
  fields.replaceChildren(...(d.columns.filter((c) => search === "" || `${c.header} ${c.target ?? ""} ${c.description}`.toLowerCase().includes(search))).map((c) => el("option", { value: c.header }, `${c.header}${c.target ? ` (${c.target})` : ""}`)))
}

const cell = (text: string, issues: ReadonlyArray<Issue>): HTMLTableCellElement => {
  const severity = issues.some((i) => i.severity === "error") ? "error" : issues.length > 0 ? "warning" : ""
  const td = el("td", severity ? { class: severity } : {}, text)
  for (const i of issues) td.append(el("span", { class: "note" }, `${i.severity}: ${i.message}`))
  return td
}

const renderRows = (answer: RowsAnswer): void => {
  const s = answer.status
  const table = $("rows")
  const header = value("to") === "" ? (s.header ?? []) : s.targetHeader
  const targetMode = value("to") !== ""
  table.replaceChildren(el("caption", { class: "visually-hidden" }, "Converted rows"))
  table.append(el("tr", {}, el("th", { scope: "col" }, "Row"), el("th", { scope: "col" }, "Outcome"), el("th", { scope: "col" }, "Fix"), el("th", { scope: "col" }, "Issues"), ...header.map((h) => el("th", { scope: "col" }, h))))
  for (const r of answer.rows) {
    const placed = new Set<Issue>()
    const cells = header.map((h, i) => {
      const mine = r.issues.filter((x) => x.column === h)
      for (const m of mine) placed.add(m)
      const text = targetMode ? (r.target?.[h] ?? "") : (r.source?.[i] ?? "")
      return cell(text, mine)
    })
    const rest = r.issues.filter((x) => !placed.has(x))
    const outcome = r.outcome === "written" ? (targetMode ? "written" : "valid") : r.outcome === "skipped" ? (targetMode ? "skipped" : "invalid") : "not data"
    const editable = r.source !== null
    const fix = el("button", { type: "button", "aria-expanded": state.open.has(r.row) ? "true" : "false", ...(editable ? {} : { disabled: "" }) }, `Edit row ${r.row}`)
    const tr = el("tr", { "data-row": String(r.row) },
      el("th", { scope: "row" }, String(r.row)),
      el("td", { class: `status-${r.outcome}` }, outcome),
      el("td", {}, fix),
      el("td", { class: "issues" }, ...rest.map((x) => el("span", { class: "note" }, `${x.severity}: ${x.column ? `${x.column}: ` : ""}${x.message}`))),
      ...cells
    )
    table.append(tr)
    const editor = editorRow(r, s, header.length + 4)
    editor.hidden = !state.open.has(r.row)
    table.append(editor)
    fix.addEventListener("click", () => {
      const open = editor.hidden
      editor.hidden = !open
      fix.setAttribute("aria-expanded", String(open))
      if (open) {
        state.open.add(r.row)
        editor.querySelector<HTMLInputElement>("input:not([disabled])")?.focus()
      } else state.open.delete(r.row)
    })
  }
  const pages = Math.max(1, Math.ceil(answer.total / PAGE))
  $("page-info").textContent = `Page ${state.page + 1} of ${pages}${s.done ? "" : "+"}`
  ;($("prev") as HTMLButtonElement).disabled = state.page === 0
  ;($("next") as HTMLButtonElement).disabled = s.done && state.page + 1 >= pages
  const counts = `${s.rows.toLocaleString()} rows${s.done ? "" : " so far"}: ${s.errors.toLocaleString()} with errors, ${s.warnings.toLocaleString()} with warnings only`
  const outcome = s.done && targetMode ? `; ${s.written?.toLocaleString()} would be written, ${s.skipped?.toLocaleString()} skipped` : ""
  $("summary").textContent = s.failure ? `The file cannot be converted: ${s.failure.message}` : `${counts}${outcome}.${s.done ? "" : " Checking…"}`
  if (s.failure) banner(s.failure.message)
  const lost = $("lost")
  lost.replaceChildren()
  if (s.lost.length > 0) {
    lost.append(el("h3", {}, `Lost: ${s.lost.length} field${s.lost.length === 1 ? "" : "s"} of the file ${value("to")} cannot carry`), el("ul", {}, ...s.lost.map((l) => el("li", {}, `${l.field}: ${l.count.toLocaleString()} row${l.count === 1 ? "" : "s"}`))))
  }
  $("file-issues").replaceChildren(...s.fileIssues.map((i) => el("li", {}, `${i.severity}: ${i.column ? `${i.column}: ` : ""}${i.message}`)))
}

const editorRow = (r: ShownRow, s: Status, span: number): HTMLTableRowElement => {
  const header = s.header ?? []
  const grid = el("div", { class: "editor-grid" })
  header.forEach((h, i) => {
    const id = `edit-${r.row}-${i}`
    const notes = r.issues.filter((x) => x.column === h)
    const input = el("input", { id, "data-column": String(i), value: r.source?.[i] ?? "", ...(s.sensitive[i] === true ? { disabled: "", title: "a secret: not edited here" } : {}), ...(notes.length > 0 ? { "aria-describedby": `${id}-note`, "aria-invalid": notes.some((x) => x.severity === "error") ? "true" : "false" } : {}) })
    grid.append(el("div", {}, el("label", { for: id }, h), input, ...(notes.length > 0 ? [el("span", { id: `${id}-note`, class: "note" }, notes.map((x) => x.message).join("; "))] : [])))
  })
  const check = el("button", { type: "button", class: "primary" }, `Check row ${r.row}`)
  check.addEventListener("click", async () => {
    const cells: Record<string, string> = {}
    grid.querySelectorAll<HTMLInputElement>("input:not([disabled])").forEach((input) => {
      const i = Number(input.dataset.column)
      if (input.value !== (r.source?.[i] ?? "")) cells[String(i)] = input.value
    })
    if (Object.keys(cells).length === 0) return
    check.disabled = true
    try {
      const answer = await api<{ job: Job }>("POST", "/api/edit", { job: job(), row: r.row, cells })
      if (answer.job.encoding === undefined) ($("encoding") as HTMLSelectElement).value = ""
      await refresh(false)
      document.querySelector<HTMLButtonElement>(`tr[data-row="${r.row}"] button`)?.focus()
    } finally {
      check.disabled = false
    }
  })
  return el("tr", { class: "editor" }, el("td", { colspan: String(span) }, el("p", {}, `Row ${r.row} (line ${r.line}) as in the file: change a cell and check it again.`), grid, check))
}

const renderExample = async (generation: number): Promise<void> => {
  const box = $("example")
  if (value("to") === "" || state.uploaded === undefined) {
    box.replaceChildren(el("p", {}, "Pick a target to see the first rows as it would get them."))
    return
  }
  let answer: { header: Array<string>; rows: Array<{ row: number; cells: Array<string> }>; issues: Array<Issue> }
  try {
    answer = await api("POST", "/api/example", job())
  } catch {
    return
  }
  if (generation !== state.generation) return
  const table = el("table", {}, el("caption", {}, "The first rows with these values"), el("tr", {}, el("th", { scope: "col" }, "Row"), ...answer.header.map((h) => el("th", { scope: "col" }, h))))
  for (const r of answer.rows) table.append(el("tr", {}, el("th", { scope: "row" }, String(r.row)), ...r.cells.map((c) => el("td", {}, c))))
  box.replaceChildren(table, ...answer.issues.slice(0, 5).map((i) => el("p", { class: "help" }, `row ${i.row ?? "-"}: ${i.severity}: ${i.column ? `${i.column}: ` : ""}${i.message}`)))
}

/** Loads the current page of rows; keeps polling while the server is still checking. */
const refresh = async (resetPage: boolean): Promise<void> => {
  if (state.uploaded === undefined) return
  if (resetPage) state.page = 0
  const generation = state.generation
  window.clearTimeout(state.poll)
  let answer: RowsAnswer
  try {
    answer = await api<RowsAnswer>("POST", "/api/rows", { job: job(), offset: state.page * PAGE, limit: PAGE, filter: value("filter") })
  } catch {
    return
  }
  if (generation !== state.generation) return
  renderRows(answer)
  if (!answer.status.done) state.poll = window.setTimeout(() => void refresh(false), 700)
}

let debounce: number | undefined
/** Something the job depends on changed: re-check, after a short pause while typing. */
const changed = (): Promise<void> =>
  new Promise((resolve) => {
    window.clearTimeout(debounce)
    debounce = window.setTimeout(async () => {
      state.generation++
      state.open.clear()
      banner(null)
      await renderMapping()
      await Promise.all([refresh(true), renderExample(state.generation)])
      resolve()
    }, 250)
  })

const download = async (d: { id: string; name: string }): Promise<void> => {
  const res = await fetch(`/api/download/${d.id}`, { headers: { "x-pbxport-token": token } })
  if (!res.ok) {
    banner(`${d.name}: ${(await res.json().catch(() => ({ error: res.statusText })) as { error: string }).error}`)
    return
  }
  const url = URL.createObjectURL(await res.blob())
  const a = el("a", { href: url, download: d.name })
  document.body.append(a)
  a.click()
  a.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

const convert = async (): Promise<void> => {
  const button = $("convert") as HTMLButtonElement
  button.disabled = true
  $("convert-status").textContent = "Converting…"
  try {
    const answer = await api<{ command: string; downloads: Array<{ id: string; kind: string; name: string; size: number }>; report: { rows?: { read: number; written: number; skipped: number } } }>("POST", "/api/convert", job())
    const rows = answer.report.rows
    $("convert-status").textContent = rows ? `${rows.read.toLocaleString()} rows read: ${rows.written.toLocaleString()} written, ${rows.skipped.toLocaleString()} skipped.` : "Checked."
    $("credentials-warning").hidden = !answer.downloads.some((d) => d.kind === "credentials")
    const labels: Record<string, string> = { output: "Users", errors: "Skipped rows (to fix and convert again)", credentials: "Credentials (once only)", report: "Report", "map-columns": "Column mapping (--map-columns)", "map-file": "Name map (--map-file)", source: "The edited source file" }
    $("downloads").replaceChildren(...answer.downloads.map((d) => {
      const b = el("button", { type: "button", "data-kind": d.kind }, `Download ${d.name}`)
      b.addEventListener("click", async () => {
        await download(d)
        if (d.kind === "credentials") {
          b.disabled = true
          b.textContent = `${d.name} was downloaded; pbxport keeps no copy`
        }
      })
      return el("li", {}, `${labels[d.kind] ?? d.kind}, ${d.size.toLocaleString()} bytes: `, b)
    }))
    ;($("command") as HTMLTextAreaElement).value = answer.command
  } catch {
    $("convert-status").textContent = "Nothing was converted."
  } finally {
    button.disabled = false
  }
}

const saveMapping = (): void => {
  const lines = job().map ?? []
  const text = `# pbxport column mapping (--map-columns): FIELD=COLUMN\n${lines.join("\n")}\n`
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }))
  const a = el("a", { href: url, download: "columns.txt" })
  document.body.append(a)
  a.click()
  a.remove()
}

const loadMapping = async (file: File): Promise<void> => {
  const text = await file.text()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === "" || line.startsWith("#")) continue
    const at = line.indexOf("=")
    if (at <= 0) {
      banner(`${file.name}: expected FIELD=COLUMN lines, got "${line}"`)
      return
    }
    state.mapping.set(line.slice(at + 1).trim(), line.slice(0, at).trim())
  }
  mappingKey = ""
  await changed()
}

const wire = (): void => {
  $("banner-close").addEventListener("click", () => banner(null))
  const file = $("file") as HTMLInputElement
  file.addEventListener("change", () => {
    const f = file.files?.[0]
    if (f) void sendFile(f).catch(() => undefined)
  })
  const drop = $("drop")
  drop.addEventListener("dragover", (e) => {
    e.preventDefault()
    drop.classList.add("over")
  })
  drop.addEventListener("dragleave", () => drop.classList.remove("over"))
  drop.addEventListener("drop", (e) => {
    e.preventDefault()
    drop.classList.remove("over")
    const f = e.dataTransfer?.files[0]
    if (f) void sendFile(f).catch(() => undefined)
  })
  $("template-start").addEventListener("click", async () => {
    try {
      await loaded(await api<Uploaded>("POST", "/api/template", { dialect: value("template-dialect") }))
    } catch {
      // shown in the banner
    }
  })
  for (const id of ["from", "to", "encoding", "delimiter", "extensions", "numbers", "generate", "policy", "map-kind", "map-text", "translate"]) {
    $(id).addEventListener("change", () => void changed())
  }
  for (const id of ["extensions", "numbers", "policy", "map-text"]) $(id).addEventListener("input", () => void changed())
  $("mapping-search").addEventListener("input", () => void renderMapping(true))
  $("sets").addEventListener("input", () => void changed())
  $("sets").addEventListener("change", () => void changed())
  $("set-add").addEventListener("click", () => {
    addSet()
    document.querySelector<HTMLInputElement>("#sets .set:last-child .set-column")?.focus()
  })
  $("filter").addEventListener("change", () => void refresh(true))
  $("prev").addEventListener("click", () => {
    state.page = Math.max(0, state.page - 1)
    void refresh(false)
  })
  $("next").addEventListener("click", () => {
    state.page++
    void refresh(false)
  })
  $("convert").addEventListener("click", () => void convert())
  $("map-save").addEventListener("click", saveMapping)
  const mapLoad = $("map-load") as HTMLInputElement
  mapLoad.addEventListener("change", () => {
    const f = mapLoad.files?.[0]
    if (f) void loadMapping(f)
  })
}

const main = async (): Promise<void> => {
  wire()
  try {
    state.meta = await api<Meta>("GET", "/api/meta")
  } catch {
    return
  }
  fillSelects(state.meta)
  addSet()
  document.body.dataset.ready = "true"
}

void main()
