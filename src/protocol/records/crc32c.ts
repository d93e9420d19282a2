import { createRequire } from 'node:module'

/**
 * CRC-32C (Castagnoli), the checksum of a v2 record batch (KIP-98; Kafka's
 * `Crc32C`), over `buf[start, end)` without copying it.
 *
 * Brook computes it in its own small Node-API addon (`native/crc32c/`, built
 * by `npm install`): three interleaved SSE4.2 streams on x86-64 (over 20 GB/s
 * on the benchmark machine, where the library used before managed 4.5 GB/s
 * and this checksum was a third of the broker's cost of a 1 KiB-record
 * produce), slicing-by-8 tables elsewhere. When the addon was not built
 * (no compiler at install time, `--ignore-scripts`), a JavaScript
 * implementation of the same table method answers, correct but far slower.
 *
 * Returns the checksum as an unsigned 32-bit number, the way the batch's `crc`
 * field is read with `readUInt32BE`.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  // Loaded on first use: dlopen of the addon is start-up time a command may not need.
  return (implementation ??= loadNative()?.crc32c ?? crc32cJs)(buf, start, end, 0)
}

type Crc32cFn = (buf: Uint8Array, start: number, end: number, crc: number) => number

interface NativeCrc32c {
  crc32c: Crc32cFn
  crc32cPortable: Crc32cFn
  hardware: boolean
}

let native: NativeCrc32c | null | undefined

/** The addon, or null when it was not built; loaded once. Exported for tests that compare the paths. */
export function loadNative(): NativeCrc32c | null {
  if (native !== undefined) return native
  const require = createRequire(import.meta.url)
  // The package root's build/Release/, seen from this compiled module
  // (dist/src/protocol/records/) or from a bundled command (dist/cli/).
  for (const path of ['../../../../build/Release/brook_crc32c.node', '../../build/Release/brook_crc32c.node']) {
    try {
      return (native = require(path) as NativeCrc32c)
    } catch {
      // not there: try the next place
    }
  }
  return (native = null)
}

/** Built on the first JavaScript CRC: the addon normally answers and never needs them. */
let tables: Uint32Array[] | undefined

function buildTables(): Uint32Array[] {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256))
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    t[0]![n] = c
  }
  for (let n = 0; n < 256; n++) {
    let c = t[0]![n]!
    for (let k = 1; k < 8; k++) {
      c = t[0]![c & 0xff]! ^ (c >>> 8)
      t[k]![n] = c
    }
  }
  return t
}

/** Slicing-by-8 in JavaScript: the fallback when the addon is missing. */
export function crc32cJs(buf: Uint8Array, start: number, end: number, crc: number): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = (tables ??= buildTables()) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array]
  let c = ~crc >>> 0
  let i = start
  for (; i + 8 <= end; i += 8) {
    const lo = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ c
    c =
      t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^
      t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!
  }
  for (; i < end; i++) c = t0[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

let implementation: Crc32cFn | undefined

/** Which implementation answers: 'native-sse4.2', 'native-portable' or 'javascript' (loads the addon). */
export function crc32cImplementation(): 'native-sse4.2' | 'native-portable' | 'javascript' {
  const addon = loadNative()
  return addon === null ? 'javascript' : addon.hardware ? 'native-sse4.2' : 'native-portable'
}
