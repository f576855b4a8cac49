import { describe, expect, it } from "vitest"
import { resolve } from "../src/command.js"
import { addRequest } from "../src/columns.js"
import { checkLeaf } from "../src/rules.js"

const leaf = (path: string) => resolve(addRequest, path)!.element
const check = (path: string, text: string) => checkLeaf(leaf(path), text, path)
const codes = (path: string, text: string) => check(path, text).findings.map((f) => `${f.severity}:${f.code}`)

describe("MAC addresses", () => {
  it("keeps 12 hex digits as they are", () => {
    expect(check("accessDeviceEndpoint.macAddress", "0004f2AABBCC")).toEqual({ findings: [] })
  })

  it.each(["00:11:22:33:44:55", "00-11-22-33-44-55"])("normalises %s to 12 hex digits with a warning", (mac) => {
    const r = check("accessDeviceEndpoint.macAddress", mac)
    expect(r.text).toBe("001122334455")
    expect(r.findings).toEqual([{
      column: "accessDeviceEndpoint.macAddress",
      code: "normalised",
      severity: "warning",
      message: `'accessDeviceEndpoint.macAddress' "${mac}" was written as 001122334455: BroadWorks takes 12 hex digits without separators`
    }])
  })

  it.each(["0011.2233.4455", "00:11:22:33:44", "00:11-22:33:44:55", "GG1122334455", "0011223344556"])("rejects %s", (mac) => {
    expect(codes("accessDeviceEndpoint.macAddress", mac)).toEqual(["error:invalid-format"])
  })
})

describe("lengths", () => {
  it("counts characters after XML whitespace collapse", () => {
    expect(codes("firstName", `${"a".repeat(15)}     ${"b".repeat(14)}`)).toEqual([])
    expect(codes("firstName", "a".repeat(31))).toEqual(["error:too-long"])
    expect(codes("hiraganaFirstName", "あ".repeat(30))).toEqual([])
  })

  it("counts a service provider id in UTF-8 bytes", () => {
    expect(codes("serviceProviderId", "é".repeat(15))).toEqual([])
    expect(check("serviceProviderId", `${"é".repeat(15)}x`).findings[0]!.message).toBe("'serviceProviderId' must be at most 30 bytes; it has 31")
  })

  it("takes extensions of 2 to 20 characters", () => {
    expect(codes("extension", "7")).toEqual(["error:too-short"])
    expect(codes("extension", "07")).toEqual([])
    expect(codes("extension", "1".repeat(21))).toEqual(["error:too-long"])
  })

  it("never shows a secret in a message", () => {
    const r = check("password", "x".repeat(61))
    expect(r.findings[0]!.message).toBe("'password' must be at most 60 characters; it has 61")
    expect(JSON.stringify(check("accessDeviceEndpoint.accessDeviceCredentials.password", "s3cret".repeat(11)))).not.toContain("s3cret")
  })
})

describe("integers and booleans", () => {
  it("takes portNumber 1-1024 and port 1025-65535, digits only", () => {
    expect(codes("accessDeviceEndpoint.portNumber", "1024")).toEqual([])
    expect(codes("accessDeviceEndpoint.portNumber", "1025")).toEqual(["error:out-of-range"])
    expect(codes("accessDeviceEndpoint.portNumber", "+5")).toEqual(["error:invalid-integer"])
    expect(codes("accessDeviceEndpoint.portNumber", "5_060")).toEqual(["error:invalid-integer"])
    expect(codes("accessDeviceEndpoint.port", "1025")).toEqual([])
    expect(codes("accessDeviceEndpoint.port", "65536")).toEqual(["error:out-of-range"])
  })

  it("takes true/false in any case only", () => {
    for (const v of ["true", "FALSE", "tRuE"]) expect(codes("accessDeviceEndpoint.useHotline", v)).toEqual([])
    for (const v of ["1", "0", "yes", "no", "y"]) expect(codes("accessDeviceEndpoint.useHotline", v)).toEqual(["error:invalid-bool"])
  })

  it("fixes addPhoneNumberToGroup to true", () => {
    expect(codes("addPhoneNumberToGroup", "TRUE")).toEqual([])
    expect(codes("addPhoneNumberToGroup", "false")).toEqual(["error:invalid-choice"])
  })

  it("takes an authorized quantity from 1, or unlimited", () => {
    expect(codes("servicePack[0].authorizedQuantity", "5")).toEqual([])
    expect(codes("servicePack[0].authorizedQuantity", "Unlimited")).toEqual([])
    expect(codes("servicePack[0].authorizedQuantity", "0")).toEqual(["error:invalid-format"])
  })
})

describe("choices", () => {
  it("are case-sensitive and hint the right case", () => {
    expect(codes("accessDeviceEndpoint.accessDevice.deviceLevel", "Service Provider")).toEqual([])
    expect(check("accessDeviceEndpoint.accessDevice.deviceLevel", "service provider").findings[0]!.message).toBe(
      "'accessDeviceEndpoint.accessDevice.deviceLevel' must be exactly one of System, Service Provider, Group, not \"service provider\" (write \"Service Provider\", mind the case)"
    )
    expect(codes("thirdPartyVoiceMailServerSelection", "Group Mail Server")).toEqual([])
    expect(codes("thirdPartyVoiceMailServerMailboxIdType", "url")).toEqual(["error:invalid-choice"])
  })
})

describe("syntax", () => {
  it("wants user ids with a domain", () => {
    expect(codes("userId", "jdoe@example.com")).toEqual([])
    for (const v of ["jdoe", "jdoe@", "@example.com", "j doe@example.com"]) expect(codes("userId", v)).toEqual(["error:invalid-format"])
  })

  it("wants aliases user@host without sip:", () => {
    expect(codes("alias[0]", "jane.o'hara(x)@example.com")).toEqual([])
    expect(check("alias[0]", "sip:jane@example.com").findings[0]!.message).toBe("'alias[0]' must not start with \"sip:\": remove the prefix and write jane@example.com")
    for (const v of ["jane", "jane@", "a@b@c", "jané@example.com"]) expect(codes("alias[0]", v)).toEqual(["error:invalid-format"])
  })

  it("wants contacts without sip: and in the contact alphabet", () => {
    expect(codes("accessDeviceEndpoint.contact[0]", "0102@192.0.2.10:5060;transport=tcp")).toEqual([])
    expect(codes("accessDeviceEndpoint.contact[0]", "sip:0102@192.0.2.10")).toEqual(["error:invalid-format"])
    expect(codes("trunkAddressing.trunkGroupDeviceEndpoint.contact[0]", "0102 @host")).toEqual(["error:invalid-format"])
  })

  it("wants line ports without sip:, a leading + allowed", () => {
    expect(codes("accessDeviceEndpoint.linePort", "+15550102@example.com")).toEqual([])
    expect(codes("accessDeviceEndpoint.linePort", "lp1")).toEqual([])
    expect(codes("trunkAddressing.trunkGroupDeviceEndpoint.linePort", "sip:lp@example.com")).toEqual(["error:invalid-format"])
  })

  it("wants a hotline contact without sip:", () => {
    expect(codes("accessDeviceEndpoint.hotlineContact", "SIP:reception@example.com")).toEqual(["error:invalid-format"])
    expect(codes("accessDeviceEndpoint.hotlineContact", "reception@example.com")).toEqual([])
  })
})
