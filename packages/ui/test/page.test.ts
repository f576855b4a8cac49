/**
 * The page driven in a real headless Chromium through whole conversions, its downloads
 * compared byte for byte with what `pbxport convert` writes from the command line it shows.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { UiServer } from "../src/index.js"
import { download, fixture, launch, open, repo, runCommand, shoot, tempDir } from "./support.js"

let browser: Browser
const dirs: Array<string> = []
const servers: Array<UiServer> = []
const dir = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}

beforeAll(async () => {
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  for (const s of servers.splice(0)) await s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const page = async (options: { readonly width?: number; readonly dark?: boolean } = {}): Promise<Page> => {
  const opened = await open(browser, options)
  servers.push(opened.server)
  return opened.page
}

/** Waits until the preview has checked every row and says so. */
const checked = async (p: Page, text: RegExp): Promise<void> => {
  try {
    await p.waitForFunction((source) => {
      const s = document.getElementById("summary")?.textContent ?? ""
      return new RegExp(source).test(s) && !s.includes("Checking")
    }, text.source, { timeout: 30_000 })
  } catch (e) {
    throw new Error(`the summary says ${JSON.stringify(await p.textContent("#summary"))}, the banner ${JSON.stringify(await p.textContent("#banner-text"))}, not ${text}`, { cause: e })
  }
}

/** Replaces each generated secret (read from a credentials file) with its position. */
const withoutSecrets = (bytes: Buffer, credentials: Buffer): string => {
  const [head, ...lines] = credentials.toString("utf8").trim().split(/\r?\n/)
  const columns = head!.split(",")
  const identity = new Set(["row", "userId", "username", "email", "extension", "firstName", "lastName"])
  let text = bytes.toString("utf8")
  lines.forEach((line, i) => {
    line.split(",").forEach((cell, c) => {
      if (!identity.has(columns[c]!) && cell !== "") text = text.split(cell).join(`<secret ${i} ${columns[c]}>`)
    })
  })
  return text
}

describe("pbxport ui in a browser", () => {
  it("converts a Wazo export to BroadWorks with templates and generated passwords, fixes a bad row in place, and downloads the command line's files", async () => {
    const work = dir()
    // the Wazo export fixture, with Bob's `enabled` typed as a word
    const source = fs.readFileSync(fixture("wazo/export/input.csv"), "utf8").replace("fr_FR,42,1,25,", "fr_FR,42,yes,25,")
    expect(source).toContain(",yes,")
    const input = path.join(work, "export.csv")
    fs.writeFileSync(input, source)
    const p = await page()
    await p.setInputFiles("#file", input)
    await p.waitForFunction(() => document.getElementById("source-facts")?.textContent?.includes("Detected: wazo-export"))
    expect(await p.inputValue("#from")).toBe("wazo-export")
    await shoot(p, "#source", "ui-source.png")

    await p.selectOption("#to", "broadworks")
    const sets: Array<[string, string]> = [
      ["userId", "{{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com"],
      ["serviceProviderId", "ExampleSP"],
      ["groupId", "ExampleGroup"],
      ["callingLineIdFirstName", "{{firstName}}"],
      ["callingLineIdLastName", "{{lastName}}"]
    ]
    for (const [i, [column, template]] of sets.entries()) {
      if (i > 0) await p.click("#set-add")
      await p.fill(`#set-column-${i + 1}`, column)
      await p.fill(`#set-template-${i + 1}`, template)
    }
    await p.fill("#extensions", "1000-1999")
    await p.check("#generate")
    await p.fill("#policy", "password,length=20")
    await p.locator("#policy").blur()
    // the live example shows the templates' effect, the generated password masked
    await p.waitForFunction(() => document.querySelector("#example td")?.textContent === "ExampleSP" || [...document.querySelectorAll("#example td")].some((td) => td.textContent === "alice.example@example.com"))
    const example = await p.textContent("#example")
    expect(example).toContain("alice.example@example.com")
    expect(example).toContain("••••")
    await shoot(p, "#fill", "ui-fill.png")

    // the preview: Bob's row is skipped, its email cell carries the message
    await checked(p, /^3 rows: 1 with errors/)
    const bad = p.locator("tr[data-row='2']")
    await expect(bad.locator("td.status-skipped").textContent()).resolves.toBe("skipped")
    expect(await p.textContent("tr[data-row='2']")).toContain("'enabled' must be 1 (true) or 0 (false), not \"yes\"")
    expect(await p.textContent("#rows")).not.toContain("fake-secret")
    await shoot(p, "#preview", "ui-preview.png")

    // fixed in place and checked again at once
    await p.click("tr[data-row='2'] button")
    const enabled = p.locator("tr.editor:not([hidden])").getByLabel("enabled", { exact: true })
    await expect(enabled.inputValue()).resolves.toBe("yes")
    await enabled.fill("1")
    await p.click("text=Check row 2")
    await checked(p, /^3 rows: 0 with errors.*3 would be written, 0 skipped/)

    await p.click("#convert")
    await p.waitForSelector("#downloads button[data-kind=output]")
    expect(await p.isVisible("#credentials-warning")).toBe(true)
    const command = await p.inputValue("#command")
    expect(command).toBe(
      "pbxport convert export.csv --from wazo-export --to broadworks --set 'userId={{firstName|ascii|lower}}.{{lastName|ascii|lower}}@example.com' --set serviceProviderId=ExampleSP --set groupId=ExampleGroup --set 'callingLineIdFirstName={{firstName}}' --set 'callingLineIdLastName={{lastName}}' --extensions 1000-1999 --generate-passwords=password,length=20 --credentials export-credentials.csv -o export-broadworks.csv --errors export-errors.csv --report export-report.json"
    )
    // docs/ui.md shows this very command line
    expect(fs.readFileSync(path.join(repo, "docs", "ui.md"), "utf8")).toContain(`\n${command}\n`)
    const output = await download(p, "output")
    const credentials = await download(p, "credentials")
    const report = await download(p, "report")
    const edited = await download(p, "source")
    expect(await p.isDisabled("#downloads button[data-kind=credentials]")).toBe(true)
    expect(output.name).toBe("export-broadworks.csv")
    expect(edited.name).toBe("export.csv")
    await shoot(p, "#download", "ui-download.png")

    // the command line on the edited source writes the same files
    const cli = dir()
    fs.writeFileSync(path.join(cli, "export.csv"), edited.bytes)
    const run = await runCommand(command, cli)
    expect(run.code, run.stderr).toBe(0)
    const cliOutput = fs.readFileSync(path.join(cli, "export-broadworks.csv"))
    const cliCredentials = fs.readFileSync(path.join(cli, "export-credentials.csv"))
    expect(output.bytes.length).toBe(cliOutput.length)
    expect(withoutSecrets(output.bytes, credentials.bytes)).toBe(withoutSecrets(cliOutput, cliCredentials))
    expect(withoutSecrets(credentials.bytes, credentials.bytes)).toBe(withoutSecrets(cliCredentials, cliCredentials))
    expect(credentials.bytes.toString("utf8").split("\n")[0]).toBe(cliCredentials.toString("utf8").split("\n")[0])
    const pageReport = JSON.parse(report.bytes.toString("utf8")) as { rows: unknown; lost: unknown; issues: unknown }
    const cliReport = JSON.parse(fs.readFileSync(path.join(cli, "export-report.json"), "utf8")) as { rows: unknown; lost: unknown; issues: unknown }
    expect(pageReport.rows).toEqual({ read: 3, written: 3, skipped: 0 })
    expect(pageReport.rows).toEqual(cliReport.rows)
    expect(pageReport.lost).toEqual(cliReport.lost)
    expect(pageReport.issues).toEqual(cliReport.issues)
    expect(report.bytes.toString("utf8")).not.toMatch(/fake-secret|"password":/)

    // without generated passwords BroadWorks refuses every row: the errors files are identical
    await p.uncheck("#generate")
    await p.fill("#extensions", "")
    await p.locator("#extensions").blur()
    await checked(p, /^3 rows: 3 with errors/)
    await p.click("#convert")
    await p.waitForFunction(() => !document.querySelector("#downloads button[data-kind=credentials]") && document.querySelector("#downloads button[data-kind=errors]"))
    const again = await p.inputValue("#command")
    expect(again).not.toContain("--generate-passwords")
    const plainOutput = await download(p, "output")
    const plainErrors = await download(p, "errors")
    const cli2 = dir()
    fs.writeFileSync(path.join(cli2, "export.csv"), edited.bytes)
    const run2 = await runCommand(again, cli2)
    expect(run2.code).toBe(1)
    expect(plainOutput.bytes.equals(fs.readFileSync(path.join(cli2, "export-broadworks.csv")))).toBe(true)
    expect(plainErrors.bytes.equals(fs.readFileSync(path.join(cli2, "export-errors.csv")))).toBe(true)
    expect(plainErrors.bytes.toString("utf8")).toContain("Carol")
  }, 240_000)

  it("reads a CommPeak file whose headers it does not know, mapped by hand; the mapping saves, loads, and gives the command line's file", async () => {
    const p = await page()
    const input = fixture("commpeak/mapping/input.csv")
    await p.setInputFiles("#file", input)
    await p.waitForFunction(() => document.getElementById("source-facts")?.textContent?.includes("Detected"))
    await p.selectOption("#from", "commpeak")
    await p.waitForFunction(() => document.querySelectorAll("#mapping input").length === 6)
    expect(await p.textContent("#mapping-note")).toContain("6 columns of the file are not commpeak columns")
    const mapping: Array<[string, string]> = [["Nom", "Last Name"], ["Prénom", "First Name"], ["Agent Login", "Username"], ["Courriel", "Email"], ["Poste", "Virtual Extension"], ["Profil", "Role"]]
    for (const [column, field] of mapping) await p.getByLabel(`Field read from column ${column}`).fill(field)
    await p.selectOption("#to", "wazo")
    await checked(p, /^2 rows: 0 with errors.*2 would be written, 0 skipped/)
    // the leading zero of Poste survives into Wazo's exten
    expect(await p.textContent("#rows")).toContain("0301")
    await shoot(p, "#target", "ui-mapping.png")
    const [saved] = await Promise.all([p.waitForEvent("download"), p.click("#map-save")])
    const savedPath = path.join(dir(), "columns.txt")
    await saved.saveAs(savedPath)
    expect(fs.readFileSync(savedPath, "utf8")).toBe("# pbxport column mapping (--map-columns): FIELD=COLUMN\nLast Name=Nom\nFirst Name=Prénom\nUsername=Agent Login\nEmail=Courriel\nVirtual Extension=Poste\nRole=Profil\n")

    await p.click("#convert")
    await p.waitForSelector("#downloads button[data-kind=output]")
    const command = await p.inputValue("#command")
    expect(command).toBe("pbxport convert input.csv --from commpeak --to wazo --map-columns input-columns.txt -o input-wazo.csv --errors input-errors.csv --report input-report.json")
    const output = await download(p, "output")
    const columns = await download(p, "map-columns")
    const cli = dir()
    fs.copyFileSync(input, path.join(cli, "input.csv"))
    fs.writeFileSync(path.join(cli, columns.name), columns.bytes)
    const run = await runCommand(command, cli)
    expect(run.code, run.stderr).toBe(0)
    expect(output.bytes.equals(fs.readFileSync(path.join(cli, "input-wazo.csv")))).toBe(true)
    expect(output.bytes.toString("utf8")).toContain("Inès")

    // a mapping saved once is loaded on another day
    const q = await page()
    await q.setInputFiles("#file", input)
    await q.waitForFunction(() => document.getElementById("source-facts")?.textContent?.includes("Detected"))
    await q.selectOption("#from", "commpeak")
    await q.selectOption("#to", "wazo")
    await q.setInputFiles("#map-load", savedPath)
    await checked(q, /^2 rows: 0 with errors/)
    expect(await q.getByLabel("Field read from column Poste").inputValue()).toBe("Virtual Extension")
  }, 180_000)

  it("previews a 100,000-row file page by page, with filters, and reports the time to the first rows", async () => {
    const work = dir()
    const lines = ["firstname,lastname,email,exten,context,line_protocol"]
    for (let i = 1; i <= 100_000; i++) lines.push(`User${i},Example,${i % 1000 === 0 ? `user${i}-at-example.com` : `user${i}@example.com`},${String(i).padStart(6, "0")},default,sip`)
    const input = path.join(work, "big.csv")
    fs.writeFileSync(input, lines.join("\r\n") + "\r\n")
    const p = await page()
    const started = performance.now()
    const uploaded = p.waitForResponse((r) => r.url().includes("/api/source"))
    await p.setInputFiles("#file", input)
    await uploaded
    const upload = performance.now() - started
    await p.waitForSelector("#rows tr[data-row='1']", { timeout: 60_000 })
    const firstRows = performance.now() - started
    // benchmark figures for docs/benchmarks.md, not assertions
    process.stdout.write(`pbxport ui: 100,000-row file (${fs.statSync(input).size} bytes): upload answered after ${Math.round(upload)} ms, first rows shown after ${Math.round(firstRows)} ms\n`)
    expect(await p.locator("#rows tr[data-row]").count()).toBe(100)
    await p.click("#next")
    await p.waitForSelector("#rows tr[data-row='101']")
    expect(await p.textContent("#rows tr[data-row='200']")).toContain("User200")
    await checked(p, /^100,000 rows: 100 with errors, 0 with warnings only\.$/)
    expect(await p.textContent("#page-info")).toBe("Page 2 of 1000")
    await p.selectOption("#filter", "errors")
    await p.waitForSelector("#rows tr[data-row='1000']")
    expect(await p.locator("#rows tr[data-row]").count()).toBe(100)
    expect(await p.textContent("#rows tr[data-row='1000']")).toContain("user1000-at-example.com")
    const timing = await p.evaluate(() => document.getElementById("summary")?.textContent)
    expect(timing).toContain("100,000 rows")
  }, 240_000)

  it("labels every control, is reachable by keyboard, fits a narrow window and follows dark mode", async () => {
    const p = await page({ width: 420, dark: true })
    const unlabelled = await p.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea, button")].filter((e) => {
        const c = e as HTMLInputElement
        const named = (c.labels?.length ?? 0) > 0 || c.getAttribute("aria-label") !== null || (e.tagName === "BUTTON" && (e.textContent ?? "").trim() !== "")
        return !named
      }).map((e) => e.id || e.outerHTML.slice(0, 80))
    )
    expect(unlabelled).toEqual([])
    // the file picker, then the template choice, by keyboard
    await p.keyboard.press("Tab")
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the steps")
    const reached: Array<string> = []
    for (let i = 0; i < 12; i++) {
      await p.keyboard.press("Tab")
      reached.push(await p.evaluate(() => document.activeElement?.id ?? ""))
    }
    expect(reached).toContain("file")
    expect(reached).toContain("template-dialect")
    await p.focus("#template-dialect")
    await p.selectOption("#template-dialect", "broadworks")
    await p.focus("#template-start")
    await p.keyboard.press("Enter")
    await p.waitForFunction(() => document.getElementById("source-facts")?.textContent?.includes("broadworks-template.csv"))
    expect(await p.inputValue("#from")).toBe("broadworks")
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    const background = await p.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(background).toBe("rgb(13, 17, 23)")
    await shoot(p, "body", "ui-narrow-dark.png")
  }, 120_000)

  it("shows a file it cannot read in the banner, with the command line's message, and keeps the page usable", async () => {
    const p = await page()
    const bad = path.join(dir(), "bad.csv")
    fs.writeFileSync(bad, "a,b;c\tb|x\n1,2;3\t4|5\n")
    await p.setInputFiles("#file", bad)
    await p.waitForFunction(() => !document.getElementById("banner")!.hidden)
    const cli = await runCommand(`pbxport validate bad.csv --from wazo`, path.dirname(bad))
    expect(cli.code).toBe(2)
    const message = cli.stderr.replace(/^pbxport: /, "").trim()
    expect(await p.textContent("#banner-text")).toContain(message.replace(/^.*?: /, ""))
    await p.click("#banner-close")
    expect(await p.isHidden("#banner")).toBe(true)
    await p.setInputFiles("#file", fixture("wazo/minimal/input.csv"))
    await p.waitForFunction(() => document.getElementById("source-facts")?.textContent?.includes("Detected: wazo"))
  }, 120_000)
})
