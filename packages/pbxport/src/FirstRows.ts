/**
 * Remembers the first row of every value that must be unique in a file, in fixed width.
 *
 * The in-file duplicate checks must answer "which row held this value first?" for every unique
 * value of a file (five per Wazo row), so keeping the values themselves made memory grow with the
 * file (a million Wazo rows kept about 300 MB of strings in maps). Here each value is a 64-bit
 * fingerprint (two independent 32-bit hashes) and its row, 12 bytes of a typed array outside the
 * JavaScript heap, with open addressing. Among a million values, two different ones share a
 * fingerprint with a probability of about 3 in 100 million (n^2 / 2^65); a narrower 38-bit
 * fingerprint was tried and gave ten false duplicates in a million-row file, which is why a
 * match is only a candidate that the pipeline confirms against the first row when it can.
 */

const FIRST_CAPACITY = 1024
/** Grow past this load: linear probing stays short below it. */
const MAX_LOAD = 0.7

/**
 * A set of values with the first row that held each.
 */
export interface FirstRows {
  /**
   * Records `value` for `row` (1 or more), or returns the earlier row whose value has the same
   * fingerprint (the value is then left with that first row). The caller confirms the match
   * when it can read that row again (Decode.ts).
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
 * Frees a typed array's memory at once by detaching it (`ArrayBuffer.prototype.transfer`, ES2024,
 * Node 22+), instead of leaving it to the next garbage collection; the array is unusable after.
 */
export const release = (array: Uint32Array): void => {
  void (array.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer?.(0)
}

/**
 * The two 32-bit hashes of a value.
 */
export type Fingerprint = (value: string) => readonly [number, number]

/** The fingerprint of every set: FNV-1a and a multiply-xorshift mix. */
export const fingerprint: Fingerprint = (value) => [fnv(value), mix(value)]

/**
 * Makes an empty set; a weaker `hash` lets tests make different values match.
 */
export const make = (hash?: Fingerprint): FirstRows => {
  let capacity = FIRST_CAPACITY
  // slot i: keys[3i] and keys[3i+1] the two hashes, keys[3i+2] the row (0: empty slot)
  let keys = new Uint32Array(capacity * 3)
  let count = 0
  const home = (a: number) => Math.floor((a / 4294967296) * capacity)
  const place = (a: number, b: number, row: number) => {
    let i = home(a)
    while (keys[3 * i + 2] !== 0) i = i + 1 === capacity ? 0 : i + 1
    keys[3 * i] = a
    keys[3 * i + 1] = b
    keys[3 * i + 2] = row
  }
  const grow = () => {
    const old = keys
    capacity = Math.ceil(capacity * 1.5)
    keys = new Uint32Array(capacity * 3)
    for (let i = 0; i < old.length; i += 3) if (old[i + 2] !== 0) place(old[i]!, old[i + 1]!, old[i + 2]!)
    // free the old slots now rather than at some later collection: the tables of a file grow
    // together, and their old and new slots all held at once made the peak
    release(old)
  }
  return {
    claim: (value, row) => {
      const a = hash === undefined ? fnv(value) : hash(value)[0]
      const b = hash === undefined ? mix(value) : hash(value)[1]
      let i = home(a)
      for (;;) {
        const first = keys[3 * i + 2]!
        if (first === 0) break
        if (keys[3 * i] === a && keys[3 * i + 1] === b) return first
        i = i + 1 === capacity ? 0 : i + 1
      }
      keys[3 * i] = a
      keys[3 * i + 1] = b
      keys[3 * i + 2] = row
      count++
      if (count > capacity * MAX_LOAD) grow()
      return undefined
    }
  }
}
