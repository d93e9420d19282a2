/**
 * Seeded random inputs for the decoder fuzz tests: a small PRNG (mulberry32,
 * so runs reproduce from the seed) and mutations of valid encodings that
 * target what decoders trust: lengths, counts, varints and truncation.
 */
import { isDecodeError } from '../codec-error.js'

export type Rng = () => number

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

export function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = randomInt(rng, 256)
  return b
}

/** `body` behind a correct int32 size prefix: a frame whose framing is honest and whose content is fuzzed. */
export function withSizePrefix(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length)
  out.writeInt32BE(body.length, 0)
  body.copy(out, 4)
  return out
}

/** One random mutation of `input` (never modifies it). */
export function mutate(rng: Rng, input: Buffer): Buffer {
  const b = Buffer.from(input)
  if (b.length === 0) return randomBytes(rng, 1 + randomInt(rng, 16))
  const at = randomInt(rng, b.length)
  switch (randomInt(rng, 8)) {
    case 0: // flip one bit
      b[at]! ^= 1 << randomInt(rng, 8)
      return b
    case 1: // replace a byte with an extreme value (lengths become -1, 0x7f.., 0xff..)
      b[at] = [0x00, 0x7f, 0x80, 0xff][randomInt(rng, 4)]!
      return b
    case 2: // truncate
      return b.subarray(0, at)
    case 3: // overwrite four bytes with a large or negative int32 (a lying length or count)
      if (at + 4 <= b.length) b.writeInt32BE([0x7fffffff, -2, -1, 0x10000, b.length * 2][randomInt(rng, 5)]!, at)
      return b
    case 4: // a run of random bytes
      for (let i = at; i < Math.min(b.length, at + 1 + randomInt(rng, 8)); i++) b[i] = randomInt(rng, 256)
      return b
    case 5: // insert random bytes
      return Buffer.concat([b.subarray(0, at), randomBytes(rng, 1 + randomInt(rng, 8)), b.subarray(at)])
    case 6: // continuation bits everywhere from here: endless varints
      for (let i = at; i < Math.min(b.length, at + 12); i++) b[i] = 0xff
      return b
    default: // several mutations at once
      return mutate(rng, mutate(rng, b))
  }
}

export interface FuzzStats {
  calls: number
  decodeErrors: number
  maxCallMs: number
}

/**
 * Runs `decode` on `input`; anything thrown other than DecodeError is
 * rethrown with the input attached so the failure can be replayed.
 */
export function fuzzCall(stats: FuzzStats, label: string, input: Buffer, decode: (b: Buffer) => unknown): void {
  const start = performance.now()
  try {
    decode(input)
  } catch (e) {
    if (!isDecodeError(e)) {
      const err = new Error(`${label}: ${(e as Error)?.name}: ${(e as Error)?.message} on input ${input.toString('hex').slice(0, 400)}`)
      err.cause = e
      throw err
    }
    stats.decodeErrors++
  } finally {
    stats.calls++
    const ms = performance.now() - start
    if (ms > stats.maxCallMs) stats.maxCallMs = ms
  }
}
