/**
 * Remembers the first row of every value that must be unique in a file, in fixed width.
 *
 * The in-file duplicate checks must answer "which row held this value first?" for every unique
 * value of a file (five per Wazo row), so keeping the values themselves made memory grow with the
 * file (a million Wazo rows kept about 300 MB of strings in maps). Here each value is a 38-bit
 * fingerprint packed with its row in 8 bytes of a typed array, outside the JavaScript heap, with
 * open addressing. Two different values share a fingerprint with a probability of about one in
 * 2^38 per comparison (about 1 in 10,000 runs of a million rows with five unique values each);
 * rows from 2^26 on (a file of several gigabytes) keep their values exactly.
 */

/** Rows below this pack into the 26 low bits of a slot's second word. */
const ROW_LIMIT = 1 << 26
const ROW_MASK = ROW_LIMIT - 1
const FIRST_CAPACITY = 1024
/** Grow past this load: linear probing stays short below it. */
const MAX_LOAD = 0.7

/**
 * A set of values with the first row that held each.
 */
export interface FirstRows {
  /**
   * Records `value` for `row`, or returns the earlier row that already holds it (the value is
   * then left with that first row).
   */
  readonly claim: (value: string, row: number) => number | undefined
}

// two independent 32-bit hashes of the UTF-16 code units: FNV-1a, and a multiply-xorshift mix
const fnv = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}
const mix = (s: string): number => {
  let h = 0x9e3779b9 ^ s.length
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995)
    h ^= h >>> 15
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * Makes an empty set.
 */
export const make = (): FirstRows => {
  let capacity = FIRST_CAPACITY
  // slot i: keys[2i] = first hash; keys[2i+1] = top 6 bits of the second hash | row (0 = empty)
  let keys = new Uint32Array(capacity * 2)
  let count = 0
  // rows that do not fit in 26 bits, exactly
  const far = new Map<string, number>()
  const home = (a: number) => Math.floor((a / 4294967296) * capacity)
  const place = (a: number, b: number) => {
    let i = home(a)
    while (keys[2 * i + 1] !== 0) i = i + 1 === capacity ? 0 : i + 1
    keys[2 * i] = a
    keys[2 * i + 1] = b
  }
  const grow = () => {
    const old = keys
    capacity = Math.ceil(capacity * 1.5)
    keys = new Uint32Array(capacity * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) place(old[i]!, old[i + 1]!)
  }
  return {
    claim: (value, row) => {
      const a = fnv(value)
      const top = (mix(value) & ~ROW_MASK) >>> 0
      let i = home(a)
      for (;;) {
        const b = keys[2 * i + 1]!
        if (b === 0) break
        if (keys[2 * i] === a && ((b & ~ROW_MASK) >>> 0) === top) return b & ROW_MASK
        i = i + 1 === capacity ? 0 : i + 1
      }
      if (row >= ROW_LIMIT) {
        const first = far.get(value)
        if (first !== undefined) return first
        far.set(value, row)
        return undefined
      }
      keys[2 * i] = a
      keys[2 * i + 1] = (top | row) >>> 0
      count++
      if (count > capacity * MAX_LOAD) grow()
      return undefined
    }
  }
}
