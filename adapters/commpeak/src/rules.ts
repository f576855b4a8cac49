/**
 * The row rules of the `commpeak` dialect that span several columns.
 *
 * Cell rules (digits, IDs, choices, address shapes) live in the codecs of columns.ts and
 * uniqueness in the adapter's `unique` list; what is left is what CommPeak's SIP settings need
 * (seed 002 "SIP Settings"; spec §2), and what CommPeak takes only once per upload.
 */
import { Field, Issue, type User } from "@pbxport/core"
import type { Header } from "./columns.js"

/**
 * Names a column as the file spells it (or as the dialect does when the file has none).
 */
export type Shown = (field: Header) => string

/**
 * Checks what a SIP setting needs: `classic-pbx` a PBX Domain and a device (the PBX Device, or
 * else the Virtual Extension, as CommPeak's screen allows), `custom-uri` a Custom URI.
 */
export const sip = (user: User.User, shown: Shown): Array<Issue.Finding> => {
  const cc = user.contactCenter ?? {}
  const findings: Array<Issue.Finding> = []
  if (cc.sipMode === "classic-pbx") {
    if (!Field.isFilled(cc.pbxDomain)) {
      const c = shown("PBX Domain")
      findings.push(Issue.error("missing-required", c, `'${c}' is required when SIP Settings is classic-pbx (the CommPeak PBX domain the calls go through); fill it, or give one for every row (default PBX Domain=<domain>)`))
    }
    if (!Field.isFilled(cc.pbxDevice) && !Field.isFilled(cc.virtualExtension)) {
      const c = shown("PBX Device")
      findings.push(Issue.error("missing-required", c, `'${c}' is required when SIP Settings is classic-pbx and the Virtual Extension is empty (the PBX device number the calls ring)`))
    }
  }
  if (cc.sipMode === "custom-uri" && !Field.isFilled(cc.customUri)) {
    const c = shown("Custom URI")
    findings.push(Issue.error("missing-required", c, `'${c}' is required when SIP Settings is custom-uri (a SIP URI with a user and a PBX domain, like sip:1001@pbx.example.com)`))
  }
  return findings
}

/**
 * Makes the check of the settings CommPeak's upload screen takes once for a whole file: the SIP
 * setting, the classic PBX domain and the authentication type (seed 002, steps 4 and 5).
 *
 * **Details**
 * The check remembers the first row of each value it sees, so make one per file. Each value
 * that differs from the first row's is a warning, once: the rows can still be read, but they
 * must be uploaded in separate files. An empty SIP Settings is `webrtc`; empty domains and
 * authentication types are no choice and are not compared.
 */
export const perUpload = (shown: Shown) => {
  const seen = new Map<Header, Map<string, number>>()
  const check = (field: Header, value: string | null | undefined, row: number): Array<Issue.Finding> => {
    if (value === null || value === undefined || value === "") return []
    let values = seen.get(field)
    if (values === undefined) {
      values = new Map()
      seen.set(field, values)
    }
    if (values.has(value)) return []
    const [firstValue, firstRow] = [...values][0] ?? []
    values.set(value, row)
    if (firstValue === undefined) return []
    const c = shown(field)
    return [Issue.warning("conflict", c, `CommPeak sets ${field} once per upload: this row has '${value}' but row ${firstRow} has '${firstValue}'; upload the rows of each ${field} value in a separate file`)]
  }
  return (user: User.User, row: number): Array<Issue.Finding> => {
    const cc = user.contactCenter ?? {}
    const mode = cc.sipMode ?? "webrtc"
    return [
      ...check("SIP Settings", mode, row),
      ...(mode === "classic-pbx" ? check("PBX Domain", cc.pbxDomain, row) : []),
      ...check("Authentication", cc.twoFactor, row)
    ]
  }
}
