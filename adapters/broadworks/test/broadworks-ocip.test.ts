import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import type { User } from "@pbxport/core"
import { broadworks } from "../src/broadworks.js"
import { broadworksOcip, commandsPerDocument, escapeXml } from "../src/broadworks-ocip.js"
import { readCsv, write } from "./helpers.js"

const jane: User.User = {
  serviceProviderId: "ExampleSP",
  groupId: "ExampleGroup",
  userId: "jdoe@example.com",
  firstName: "Jane",
  lastName: "Doe",
  callerIdFirstName: "Jane",
  callerIdLastName: "Doe",
  extension: "0102",
  password: Redacted.make("not-a-real-password-1")
}

const golden = `<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <sessionId xmlns="">pbxport-001</sessionId>
  <command xsi:type="UserConsolidatedAddRequest22" xmlns="">
    <serviceProviderId>ExampleSP</serviceProviderId>
    <groupId>ExampleGroup</groupId>
    <userId>jdoe@example.com</userId>
    <lastName>Doe</lastName>
    <firstName>Jane</firstName>
    <callingLineIdLastName>Doe</callingLineIdLastName>
    <callingLineIdFirstName>Jane</callingLineIdFirstName>
    <hiraganaLastName>&#x3069;&#x3046;</hiraganaLastName>
    <hiraganaFirstName>&#x3058;&#x3087;&#x3093;</hiraganaFirstName>
    <extension>0102</extension>
    <password>not-a-real-password-1</password>
    <accessDeviceEndpoint>
      <accessDevice>
        <deviceLevel>Group</deviceLevel>
        <deviceName>jdoe-vvx</deviceName>
      </accessDevice>
      <linePort>jdoe@example.com</linePort>
      <contact>0102@192.0.2.10</contact>
      <portNumber>1</portNumber>
      <deviceType>Polycom VVX 450</deviceType>
      <port>5060</port>
      <macAddress>001122334455</macAddress>
      <transportProtocol>UDP</transportProtocol>
      <useCustomUserNamePassword>true</useCustomUserNamePassword>
      <accessDeviceCredentials>
        <userName>admin</userName>
        <password>not-a-real-device-password</password>
      </accessDeviceCredentials>
      <useHotline>false</useHotline>
    </accessDeviceEndpoint>
    <title>R&amp;D &lt;lead&gt;</title>
  </command>
</BroadsoftDocument>
`

describe("broadworks-ocip", () => {
  it("writes a UserConsolidatedAddRequest22 in schema order, escaped, ASCII only", () => {
    const user: User.User = {
      ...jane,
      phoneticFirstName: "じょん",
      phoneticLastName: "どう",
      title: "R&D <lead>",
      device: {
        name: "jdoe-vvx", level: "Group", linePort: "jdoe@example.com", contacts: ["0102@192.0.2.10"], portNumber: 1, type: "Polycom VVX 450", port: 5060,
        macAddress: "00:11:22:33:44:55", transport: "UDP", useCustomCredentials: true, credentialsUserName: "admin",
        credentialsPassword: Redacted.make("not-a-real-device-password"), useHotline: false, status: "Online"
      }
    }
    const w = write(broadworksOcip, [user])
    expect(w.files).toEqual([golden])
    expect(w.issues.map((i) => `${i.severity}:${i.code}`)).toEqual(["warning:normalised"])
    expect(/^[\x20-\x7e\n]*$/.test(w.files[0]!)).toBe(true)
  })

  it("respects the choice between a device and a trunk", () => {
    const trunk = write(broadworksOcip, [{ ...jane, trunk: { group: "pbx", linePort: "0102@pbx.example.com", contacts: ["0102@192.0.2.30"], enterpriseTrunk: "ET" } }]).files[0]!
    expect(trunk).toContain("<trunkAddressing>\n      <trunkGroupDeviceEndpoint>\n        <name>pbx</name>\n        <linePort>0102@pbx.example.com</linePort>\n        <contact>0102@192.0.2.30</contact>\n      </trunkGroupDeviceEndpoint>\n      <enterpriseTrunkName>ET</enterpriseTrunkName>\n    </trunkAddressing>")
    expect(trunk).not.toContain("accessDeviceEndpoint")
    const both = broadworksOcip.writer({}).encode({ ...jane, trunk: { group: "pbx", linePort: "l@x" }, device: { name: "d", level: "Group", linePort: "l@x", useHotline: false } }, 0)
    expect(both.findings.map((f) => f.code)).toEqual(["conflict"])
    expect(both.text).toBe("")
  })

  it("requires what the schema requires, not the sheet's extension and password", () => {
    const { extension: _e, password: _p, ...bare } = jane
    expect(broadworksOcip.writer({}).encode(bare, 0).findings).toEqual([])
    const { callerIdLastName: _c, ...noClid } = jane
    expect(broadworksOcip.writer({}).encode(noClid, 0).findings.map((f) => f.message)).toEqual(["'callingLineIdLastName' is required by UserConsolidatedAddRequest22 and is missing"])
  })

  it("writes service packs with quantities, a department key and extras in schema order", () => {
    const sheet = "operation,serviceProviderId,groupId,userId,firstName,lastName,callingLineIdFirstName,callingLineIdLastName,extension,password,department.name,servicePack[0].servicePackName,servicePack[0].authorizedQuantity,isPlace,userExternalId\r\n" +
      "user.create,SP,G,a@example.com,A,B,A,B,0102,pw,Sales,Basic,3,false,ext-1\r\n"
    const text = write(broadworksOcip, readCsv(broadworks, sheet).users).files[0]!
    expect(text).toContain("    <userExternalId>ext-1</userExternalId>\n")
    expect(text).toContain("    <department xsi:type=\"GroupDepartmentKey\">\n      <serviceProviderId>SP</serviceProviderId>\n      <groupId>G</groupId>\n      <name>Sales</name>\n    </department>\n")
    expect(text).toContain("    <servicePack>\n      <servicePackName>Basic</servicePackName>\n      <authorizedQuantity><quantity>3</quantity></authorizedQuantity>\n    </servicePack>\n    <isPlace>false</isPlace>\n  </command>")
  })

  it("is deterministic, one session id per batch, at most 100 commands per document", () => {
    expect(broadworksOcip.capabilities.maxRowsPerFile).toBe(commandsPerDocument)
    const users = Array.from({ length: 101 }, (_, i) => ({ ...jane, userId: `u${i}@example.com` }))
    const files = write(broadworksOcip, users).files
    expect(files).toHaveLength(2)
    expect(files[1]).toContain("<sessionId xmlns=\"\">pbxport-002</sessionId>")
    expect(files[1]!.match(/<command /g)).toHaveLength(1)
    expect(write(broadworksOcip, users).files).toEqual(files)
    expect(broadworksOcip.capabilities.read).toBe(false)
  })

  it("refuses characters XML cannot carry, without showing secrets", () => {
    const e = broadworksOcip.writer({}).encode({ ...jane, firstName: "Ja\u0001ne", password: Redacted.make("p\u0002w") }, 0)
    expect(e.findings.map((f) => f.message)).toEqual([
      "'firstName' holds the control character U+0001, which an OCI-P document cannot carry: remove it",
      "'password' holds a control character, which an OCI-P document cannot carry: remove it"
    ])
  })

  it("warns when a user read from a user.modify row is written as an add request", () => {
    const e = broadworksOcip.writer({}).encode({ ...jane, extras: { broadworks: { operation: "user.modify" } } }, 0)
    expect(e.findings.map((f) => f.code)).toEqual(["not-carried"])
  })
})

describe("escapeXml", () => {
  it("escapes markup and every character above 0x7E as a numeric reference", () => {
    expect(escapeXml("a&b<c>d\"e'")).toBe("a&amp;b&lt;c&gt;d\"e'")
    expect(escapeXml("Zoë 😀\t")).toBe("Zo&#xEB; &#x1F600;&#x9;")
  })
})
