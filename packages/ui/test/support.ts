/**
 * Helpers for the page's tests: Debian's Chromium driven by playwright-core (no browser
 * download), a server per test file, temporary folders removed afterwards, and the built
 * `pbxport` command to compare the page's files with.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type Page } from "playwright-core"
import { start, type UiServer } from "../src/index.js"

/** Where Debian's chromium package puts the browser (`.ci/run` installs it when missing). */
export const CHROMIUM = process.env.PBXPORT_CHROMIUM ?? "/usr/bin/chromium"

export const repo = fileURLToPath(new URL("../../../", import.meta.url))
export const fixture = (p: string): string => path.join(repo, "fixtures", p)
export const screenshots = path.join(repo, "docs", "images")

/** A fresh temporary folder; call `remove` in afterAll. */
export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "pbxport-ui-test-"))

/**
 * Launches headless Chromium with no background traffic. playwright-core gives each launch a
 * fresh profile in a temporary folder of its own (its `--user-data-dir`), removed on close.
 */
export const launch = async (): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium; .ci/run does it), or set PBXPORT_CHROMIUM to a Chromium binary`)
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })
}

/** A server and a page on it, ready (the page has loaded the dialects). */
export const open = async (browser: Browser, options: { readonly width?: number; readonly dark?: boolean } = {}): Promise<{ server: UiServer; page: Page }> => {
  const server = await start({ port: 0 })
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, acceptDownloads: true, colorScheme: options.dark ? "dark" : "light" })
  const page = await context.newPage()
  await page.goto(server.url)
  await page.waitForSelector("body[data-ready=true]")
  return { server, page }
}

/** Clicks a download button and returns the file's name and bytes. */
export const download = async (page: Page, kind: string): Promise<{ name: string; bytes: Buffer }> => {
  const [d] = await Promise.all([page.waitForEvent("download"), page.click(`#downloads button[data-kind="${kind}"]`)])
  const file = await d.path()
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) }
}

/** The built command line, run by this Node. */
export const bin = path.join(repo, "packages", "cli", "dist", "src", "bin.js")

/**
 * Runs a `pbxport ...` command line as the page printed it, in a folder, through the shell
 * (the page quotes for a POSIX shell).
 */
export const runCommand = (command: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> => {
  if (!command.startsWith("pbxport ")) throw new Error(`not a pbxport command: ${command}`)
  const line = `'${process.execPath}' '${bin}' ${command.slice("pbxport ".length)}`
  return new Promise((resolve) => {
    const child = execFile("/bin/sh", ["-c", line], { cwd, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode ?? (typeof error?.code === "number" ? error.code : -1), stdout, stderr })
    })
    child.stdin?.end()
  })
}

/** Saves a screenshot of an element for docs/ui.md (small: one section, device pixels 1). */
export const shoot = async (page: Page, selector: string, name: string): Promise<void> => {
  fs.mkdirSync(screenshots, { recursive: true })
  await page.locator(selector).screenshot({ path: path.join(screenshots, name), scale: "css", animations: "disabled" })
}
