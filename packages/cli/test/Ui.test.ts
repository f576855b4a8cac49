import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { opener } from "../src/Ui.js"
import { bin, cli } from "./support.js"

describe("pbxport ui", () => {
  it("prints the address, serves the page with its token only, and stops on Ctrl-C", async () => {
    const child = spawn(process.execPath, [bin, "ui", "--no-open"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
    let out = ""
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 30_000)
        child.stdout.on("data", () => {
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[0])
          }
        })
      })
      expect((await fetch(url)).status).toBe(200)
      expect((await fetch(url.replace(/\?token=.*/, ""))).status).toBe(403)
      child.kill("SIGINT")
      // interrupted, as every pbxport command is by Ctrl-C: the shell's 128 + SIGINT
      expect(await exited).toBe(130)
      await expect(fetch(url)).rejects.toThrow()
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL")
    }
  }, 60_000)

  it("refuses a port out of range", async () => {
    const r = await cli(["ui", "--no-open", "--port", "70000"])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--port takes a port number from 0 to 65535")
  })

  it("opens a browser only where there is a display", () => {
    expect(opener("linux", {})).toBeUndefined()
    expect(opener("linux", { DISPLAY: ":0" })).toEqual(["xdg-open"])
    expect(opener("linux", { DISPLAY: ":0", CI: "true" })).toBeUndefined()
    expect(opener("darwin", {})).toEqual(["open"])
  })
})
