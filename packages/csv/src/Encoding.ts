/**
 * Character encodings by name: which names exist, how they are shown, byte order marks, and
 * streaming decoders and encoders.
 *
 * iconv-lite is the reference for which names exist, so `--encoding` accepts the same names
 * everywhere. Decoding uses the native `TextDecoder` where its mapping is the same as
 * iconv-lite's (the UTF family and windows-1252) because it is several times faster; every other
 * encoding goes through iconv-lite both ways, so the reader and the writer agree byte for byte.
 * (WHATWG `TextDecoder` would, for instance, read `iso-8859-1` as windows-1252.)
 */
import { isUtf8 as validUtf8 } from "node:buffer"
import { TextDecoder, TextEncoder } from "node:util"
import iconv from "iconv-lite"
import { asBuffer, completeLength, concat, sequenceAt } from "./Utf8.js"

/**
 * Decoded text, with the indices of the U+FFFD characters that replaced invalid bytes (as
 * opposed to U+FFFD characters that were in the input), so the reader can report them.
 */
export interface Decoded {
  readonly text: string
  readonly invalidAt: ReadonlyArray<number>
}

/**
 * A streaming decoder: characters split across chunks are decoded once both halves arrived.
 * A leading byte order mark is kept as U+FEFF; the reader strips it.
 */
export interface Decoder {
  decode(bytes: Uint8Array): Decoded
  end(): Decoded
}

const NONE: ReadonlyArray<number> = Object.freeze([])
const EMPTY = new Uint8Array(0)

const canonical = (name: string): string => name.trim().toLowerCase().replace(/[^0-9a-z]/g, "")

const UNICODE = new Set(["utf8", "utf16le", "utf16be", "utf16", "ucs2", "utf32le", "utf32be", "utf32"])

/**
 * Tells whether iconv-lite knows the encoding name.
 */
export const exists = (name: string): boolean => name.trim() !== "" && iconv.encodingExists(name.trim())

/**
 * The name shown for an encoding: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252`, otherwise
 * the given name in lower case.
 */
export const normalise = (name: string): string => {
  switch (canonical(name)) {
    case "utf8":
      return "utf-8"
    case "utf16le":
      return "utf-16le"
    case "utf16be":
      return "utf-16be"
    case "cp1252":
    case "windows1252":
      return "windows-1252"
    default:
      return name.trim().toLowerCase()
  }
}

/**
 * Tells whether the encoding is a Unicode transformation format, the only ones with a byte order mark.
 */
export const isUnicode = (name: string): boolean => UNICODE.has(canonical(name))

/**
 * Tells whether the encoding is UTF-8.
 */
export const isUtf8Name = (name: string): boolean => canonical(name) === "utf8"

/**
 * The encoding a byte order mark at the start of `head` announces, or null.
 */
export const fromBom = (head: Uint8Array): string | null => {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8"
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le"
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be"
  return null
}

/**
 * Guesses UTF-16 without a byte order mark: text that is mostly ASCII has a zero byte in every
 * other position, on the odd side for little endian. Returns null unless the pattern is clear.
 */
export const guessUtf16 = (head: Uint8Array): "utf-16le" | "utf-16be" | null => {
  const n = Math.min(head.length, 4096) & ~1
  if (n < 16) return null
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++
    if (head[i + 1] === 0) oddZeros++
  }
  const pairs = n / 2
  if (oddZeros >= pairs * 0.4 && evenZeros === 0) return "utf-16le"
  if (evenZeros >= pairs * 0.4 && oddZeros === 0) return "utf-16be"
  return null
}

/**
 * UTF-8 decoding that says where it replaced invalid bytes. Valid chunks (checked natively) take
 * the fast path; only an invalid chunk is walked sequence by sequence.
 */
class Utf8Decoder implements Decoder {
  private carry: Uint8Array = EMPTY
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true })

  decode(chunk: Uint8Array): Decoded {
    const bytes = this.carry.length === 0 ? chunk : concat(this.carry, chunk)
    const cut = completeLength(bytes)
    this.carry = cut === bytes.length ? EMPTY : new Uint8Array(bytes.subarray(cut))
    const body = bytes.subarray(0, cut)
    if (validUtf8(body)) return { text: this.decoder.decode(body), invalidAt: NONE }
    return this.replace(body)
  }

  end(): Decoded {
    const rest = this.carry
    this.carry = EMPTY
    return rest.length === 0 ? { text: "", invalidAt: NONE } : this.replace(rest)
  }

  private replace(body: Uint8Array): Decoded {
    let text = ""
    const invalidAt: Array<number> = []
    let start = 0
    let i = 0
    while (i < body.length) {
      const len = sequenceAt(body, i)
      if (len > 0) {
        i += len
        continue
      }
      if (i > start) text += this.decoder.decode(body.subarray(start, i))
      invalidAt.push(text.length)
      text += "\uFFFD"
      i -= len
      start = i
    }
    if (start < body.length) text += this.decoder.decode(body.subarray(start))
    return { text, invalidAt }
  }
}

/**
 * A native streaming decoder, for encodings whose WHATWG mapping matches iconv-lite's.
 */
class NativeDecoder implements Decoder {
  private readonly decoder: TextDecoder
  constructor(label: string) {
    this.decoder = new TextDecoder(label, { ignoreBOM: true })
  }
  decode(bytes: Uint8Array): Decoded {
    return { text: this.decoder.decode(bytes, { stream: true }), invalidAt: NONE }
  }
  end(): Decoded {
    return { text: this.decoder.decode(), invalidAt: NONE }
  }
}

/**
 * An iconv-lite streaming decoder, for every other encoding.
 */
class IconvDecoder implements Decoder {
  private readonly decoder: iconv.DecoderStream
  constructor(name: string) {
    this.decoder = iconv.getDecoder(name, { stripBOM: false })
  }
  decode(bytes: Uint8Array): Decoded {
    return { text: this.decoder.write(asBuffer(bytes)), invalidAt: NONE }
  }
  end(): Decoded {
    return { text: this.decoder.end() ?? "", invalidAt: NONE }
  }
}

/**
 * Makes a streaming decoder for a name iconv-lite knows (check with {@link exists} first).
 */
export const decoder = (name: string): Decoder => {
  switch (canonical(name)) {
    case "utf8":
      return new Utf8Decoder()
    case "utf16le":
      return new NativeDecoder("utf-16le")
    case "utf16be":
      return new NativeDecoder("utf-16be")
    case "cp1252":
    case "windows1252":
      return new NativeDecoder("windows-1252")
    default:
      return new IconvDecoder(name.trim())
  }
}

const utf8Encoder = new TextEncoder()

/**
 * Encodes text, without a byte order mark. Characters the encoding cannot represent become
 * iconv-lite's substitute (`?`).
 */
export const encode = (text: string, name: string): Uint8Array =>
  isUtf8Name(name) ? utf8Encoder.encode(text) : iconv.encode(text, name.trim(), { addBOM: false })
