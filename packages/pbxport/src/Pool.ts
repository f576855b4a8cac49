/**
 * Pools of extensions and numbers: `1000-1999`, `+15550100100-+15550100199`, `0100-0199,0300`.
 *
 * A pool hands out its values in order to the rows that lack one, skipping every value already
 * used anywhere in the file (by earlier and later rows alike, which is why the conversion reads
 * the file once before it writes). Values are compared by their digits, so `+1 555 0100` and
 * `+15550100` are the same number; a value keeps the width of the range it comes from, so
 * `0100-0199` gives `0100`, never `100`.
 */

/**
 * One range of a pool.
 */
export interface Range {
  /** `+` for E.164 numbers, else empty. */
  readonly prefix: string
  readonly from: bigint
  readonly to: bigint
  /** Digits of every value (leading zeros kept). */
  readonly width: number
}

/**
 * A parsed pool.
 */
export interface Pool {
  /** The pool as given, for messages. */
  readonly spec: string
  readonly ranges: ReadonlyArray<Range>
}

/**
 * A pool specification that cannot be used.
 */
export class PoolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "PoolError"
  }
}

const VALUE = /^(\+?)([0-9]{1,20})$/

const bound = (text: string, spec: string): { readonly prefix: string; readonly digits: string } => {
  const m = VALUE.exec(text.trim())
  if (m === null) throw new PoolError(`'${text.trim()}' in '${spec}' is not a number: write digits, optionally after '+' (such as 1000-1999 or +15550100100-+15550100199)`)
  return { prefix: m[1]!, digits: m[2]! }
}

/**
 * Parses a pool: ranges `FROM-TO` and single values, separated by commas.
 *
 * @throws PoolError on a value that is not digits, a range whose ends differ in `+` or width,
 * a range that runs backwards, or ranges that overlap.
 */
export const parse = (spec: string): Pool => {
  const items = spec.split(",").map((s) => s.trim())
  if (items.length === 0 || items.some((s) => s === "")) throw new PoolError(`'${spec}' is not a pool: write ranges such as 1000-1999, separated by commas`)
  const ranges = items.map((item): Range => {
    // the separator is the `-` that follows a digit (a `+` may start the second bound)
    const dash = item.search(/(?<=[0-9])\s*-\s*(?=\+?[0-9])/)
    const [a, b] = dash < 0 ? [item, item] : [item.slice(0, dash), item.slice(dash).replace(/^\s*-\s*/, "")]
    const lo = bound(a, spec)
    const hi = bound(b, spec)
    if (lo.prefix !== hi.prefix) throw new PoolError(`'${item}': both ends of a range are E.164 numbers with '+', or neither is`)
    if (lo.digits.length !== hi.digits.length && (lo.digits.startsWith("0") || hi.digits.startsWith("0"))) {
      throw new PoolError(`'${item}': both ends of a range with leading zeros must have the same number of digits`)
    }
    const from = BigInt(lo.digits)
    const to = BigInt(hi.digits)
    if (to < from) throw new PoolError(`'${item}' runs backwards: write the smaller value first`)
    return { prefix: lo.prefix, from, to, width: lo.digits.startsWith("0") ? lo.digits.length : 0 }
  })
  ranges.forEach((r, i) => {
    const other = ranges.findIndex((o, j) => j < i && o.prefix === r.prefix && o.width === r.width && o.from <= r.to && r.from <= o.to)
    if (other >= 0) throw new PoolError(`'${items[i]}' overlaps '${items[other]}': give each value once`)
  })
  return { spec, ranges }
}

/**
 * The key a value is compared by: its digits.
 */
export const key = (value: string): string => value.replace(/[^0-9]/g, "")

const spell = (range: Range, n: bigint): string => range.prefix + n.toString().padStart(range.width, "0")

/**
 * How many values of the pool are not among the used keys.
 */
export const free = (pool: Pool, used: ReadonlySet<string>): bigint => {
  let total = 0n
  const counted = new Set<string>()
  for (const r of pool.ranges) {
    total += r.to - r.from + 1n
    for (const k of used) {
      if (k === "" || counted.has(k) || k.length > 20) continue
      const n = BigInt(k)
      // the same number spelled with another width is another value (0100 is not 100)
      if (n >= r.from && n <= r.to && spell(r, n).replace("+", "") === k) {
        counted.add(k)
        total--
      }
    }
  }
  return total
}

/**
 * Hands out the values of a pool in order, skipping used ones; `undefined` once it is empty.
 *
 * **Details**
 * `used` is read, not copied: values handed out are added to it, so two pools over the same set
 * never give the same value twice.
 */
export const allocator = (pool: Pool, used: Set<string>): (() => string | undefined) => {
  let range = 0
  let next = pool.ranges[0]?.from ?? 0n
  return () => {
    while (range < pool.ranges.length) {
      const r = pool.ranges[range]!
      while (next <= r.to) {
        const value = spell(r, next)
        next++
        const k = key(value)
        if (used.has(k)) continue
        used.add(k)
        return value
      }
      range++
      next = pool.ranges[range]?.from ?? 0n
    }
    return undefined
  }
}
