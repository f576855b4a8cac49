/**
 * A ZIP archive of a few files, stored without compression: the one download of a conversion
 * whose target splits users into numbered files (CommPeak takes 500 users per file, OCI-P
 * documents hold 100 commands).
 *
 * Stored entries keep the archive byte for byte predictable from its files, which is what the
 * page's tests compare against the command line's files; the format is PKWARE's APPNOTE
 * (local headers, central directory, end record), with UTF-8 names flagged.
 */

const table = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/**
 * The CRC-32 of bytes (the checksum ZIP entries carry).
 */
export const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/**
 * One file of an archive.
 */
export interface Entry {
  readonly name: string
  readonly bytes: Uint8Array
}

// 1980-01-01 00:00, the earliest DOS date: a fixed time keeps archives of the same files identical
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1

/**
 * Builds a stored (uncompressed) ZIP archive of the entries, in order.
 *
 * @throws Error when the archive would need ZIP64 (4 GiB or 65,535 entries).
 */
export const zip = (entries: ReadonlyArray<Entry>): Uint8Array => {
  const encoder = new TextEncoder()
  const parts: Array<Uint8Array> = []
  const central: Array<Uint8Array> = []
  let offset = 0
  for (const e of entries) {
    const name = encoder.encode(e.name)
    const crc = crc32(e.bytes)
    const local = new DataView(new ArrayBuffer(30))
    local.setUint32(0, 0x04034b50, true)
    local.setUint16(4, 20, true)
    local.setUint16(6, 0x0800, true)
    local.setUint16(8, 0, true)
    local.setUint16(10, DOS_TIME, true)
    local.setUint16(12, DOS_DATE, true)
    local.setUint32(14, crc, true)
    local.setUint32(18, e.bytes.length, true)
    local.setUint32(22, e.bytes.length, true)
    local.setUint16(26, name.length, true)
    local.setUint16(28, 0, true)
    const dir = new DataView(new ArrayBuffer(46))
    dir.setUint32(0, 0x02014b50, true)
    dir.setUint16(4, 20, true)
    dir.setUint16(6, 20, true)
    dir.setUint16(8, 0x0800, true)
    dir.setUint16(10, 0, true)
    dir.setUint16(12, DOS_TIME, true)
    dir.setUint16(14, DOS_DATE, true)
    dir.setUint32(16, crc, true)
    dir.setUint32(20, e.bytes.length, true)
    dir.setUint32(24, e.bytes.length, true)
    dir.setUint16(28, name.length, true)
    dir.setUint32(42, offset, true)
    parts.push(new Uint8Array(local.buffer), name, e.bytes)
    central.push(new Uint8Array(dir.buffer), name)
    offset += 30 + name.length + e.bytes.length
    if (offset > 0xffffffff || entries.length > 0xffff) throw new Error("the archive is too big for a ZIP without ZIP64")
  }
  const size = central.reduce((n, p) => n + p.length, 0)
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, entries.length, true)
  end.setUint16(10, entries.length, true)
  end.setUint32(12, size, true)
  end.setUint32(16, offset, true)
  const all = [...parts, ...central, new Uint8Array(end.buffer)]
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of all) {
    out.set(p, at)
    at += p.length
  }
  return out
}
