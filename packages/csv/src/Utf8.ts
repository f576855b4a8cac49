/**
 * UTF-8 validation over chunked bytes.
 *
 * The reader must decide between UTF-8 and the windows-1252 fallback before it decodes, and must
 * point at the invalid bytes it meets afterwards. `isUtf8` (node:buffer) does the bulk of the work at
 * native speed; the helpers here only deal with what it cannot see: sequences split across chunk
 * boundaries, the exact place of the first bad byte, and the physical line it sits on.
 */
import { isUtf8 } from "node:buffer"

const CR = 0x0d
const LF = 0x0a

/**
 * Views bytes as a `Buffer` without copying (for native `isUtf8` and `indexOf`).
 */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * Length of the UTF-8 sequence a lead byte announces, or 0 when it cannot start one.
 */
const announced = (lead: number): number =>
  lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0

/**
 * Where the incomplete sequence at the end of `bytes` starts, or `bytes.length` when the bytes
 * end on a sequence boundary. Only a lead byte followed by too few bytes counts as incomplete,
 * so at most 3 bytes are ever held back for the next chunk.
 */
export const completeLength = (bytes: Uint8Array): number => {
  const n = bytes.length
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = bytes[n - back]!
    if ((b & 0xc0) !== 0x80) {
      const want = announced(b)
      return want > back ? n - back : n
    }
  }
  return n
}

/**
 * Reads the sequence at `i`: its length when valid, or minus the length of its maximal invalid
 * subpart (what one U+FFFD replaces, as the WHATWG decoder does).
 */
export const sequenceAt = (bytes: Uint8Array, i: number): number => {
  const b0 = bytes[i]!
  if (b0 < 0x80) return 1
  let lo = 0x80
  let hi = 0xbf
  let want: number
  if (b0 >= 0xc2 && b0 <= 0xdf) want = 2
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    want = 3
    if (b0 === 0xe0) lo = 0xa0
    else if (b0 === 0xed) hi = 0x9f
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    want = 4
    if (b0 === 0xf0) lo = 0x90
    else if (b0 === 0xf4) hi = 0x8f
  } else return -1
  for (let k = 1; k < want; k++) {
    const b = bytes[i + k]
    if (b === undefined || b < lo || b > hi) return -k
    lo = 0x80
    hi = 0xbf
  }
  return want
}

/**
 * Offset of the first byte that is not valid UTF-8, or -1. Meant for the rare invalid chunk;
 * valid input is checked with `isUtf8` first.
 */
export const firstInvalid = (bytes: Uint8Array): number => {
  let i = 0
  while (i < bytes.length) {
    const len = sequenceAt(bytes, i)
    if (len < 0) return i
    i += len
  }
  return -1
}

/**
 * Counts physical line breaks (LF, CRLF or a lone CR: one each) with native searches.
 * `afterCR` tells whether the byte before `bytes` was a CR, so a CRLF split across chunks counts once.
 */
export const countBreaks = (bytes: Uint8Array, afterCR: boolean): number => {
  const buf = asBuffer(bytes)
  let count = 0
  for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) count++
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (!(i === 0 ? afterCR : buf[i - 1] === CR)) count++
  }
  return count
}

/**
 * Checks a byte stream for UTF-8 validity chunk by chunk, and finds the physical line of the
 * first invalid byte. Feed chunks in order, then call `end`.
 */
export class Validator {
  private carry: Uint8Array = new Uint8Array(0)
  private line = 1
  private afterCR = false
  /** Whether every byte seen so far is valid UTF-8. */
  valid = true
  /** The 1-based physical line of the first invalid byte, once one is found. */
  invalidLine: number | null = null

  /**
   * Checks the next chunk; returns whether the input is still valid.
   */
  feed(chunk: Uint8Array): boolean {
    if (!this.valid) return false
    const bytes = this.carry.length === 0 ? chunk : concat(this.carry, chunk)
    const cut = completeLength(bytes)
    const body = bytes.subarray(0, cut)
    this.carry = new Uint8Array(bytes.subarray(cut))
    if (isUtf8(body)) {
      this.advance(body)
      return true
    }
    this.advance(body.subarray(0, firstInvalid(body)))
    this.fail()
    return false
  }

  /**
   * Ends the input: a sequence cut off by the end of input is invalid.
   */
  end(): boolean {
    if (this.valid && this.carry.length > 0) this.fail()
    return this.valid
  }

  private advance(bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.line += countBreaks(bytes, this.afterCR)
    this.afterCR = bytes[bytes.length - 1] === CR
  }

  private fail(): void {
    this.valid = false
    this.invalidLine = this.line
  }
}

/**
 * Joins two byte arrays.
 */
export const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
