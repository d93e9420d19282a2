import { EncodeError } from './codec-error.js'
import { uuidToBytes } from './uuid.js'

const INITIAL_CAPACITY = 256

/**
 * An append-only, growable buffer for Kafka's primitive types, big-endian.
 *
 * Grows by doubling, so encoding a message costs O(size) amortised. `finish()`
 * hands out a view of the bytes written (no copy); the writer must not be used
 * after that.
 */
export class Writer {
  buf: Buffer
  pos = 0

  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(capacity)
  }

  get length(): number {
    return this.pos
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n
    if (needed <= this.buf.length) return
    let capacity = this.buf.length * 2
    while (capacity < needed) capacity *= 2
    const grown = Buffer.allocUnsafe(capacity)
    this.buf.copy(grown, 0, 0, this.pos)
    this.buf = grown
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  int8(v: number): void {
    this.ensure(1)
    this.buf.writeInt8(v, this.pos++)
  }

  uint8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }

  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.pos++] = v ? 1 : 0
  }

  int16(v: number): void {
    this.ensure(2)
    this.pos = this.buf.writeInt16BE(v, this.pos)
  }

  uint16(v: number): void {
    this.ensure(2)
    this.pos = this.buf.writeUInt16BE(v, this.pos)
  }

  int32(v: number): void {
    this.ensure(4)
    this.pos = this.buf.writeInt32BE(v, this.pos)
  }

  uint32(v: number): void {
    this.ensure(4)
    this.pos = this.buf.writeUInt32BE(v, this.pos)
  }

  int64(v: bigint): void {
    this.ensure(8)
    this.pos = this.buf.writeBigInt64BE(v, this.pos)
  }

  /** An int64 given as a safe integer number (offsets, timestamps on the hot path). */
  int64Number(v: number): void {
    if (!Number.isSafeInteger(v)) throw new EncodeError(`not a safe integer for int64: ${v}`)
    this.ensure(8)
    const hi = Math.floor(v / 0x1_0000_0000)
    this.buf.writeInt32BE(hi, this.pos)
    this.buf.writeUInt32BE(v - hi * 0x1_0000_0000, this.pos + 4)
    this.pos += 8
  }

  float64(v: number): void {
    this.ensure(8)
    this.pos = this.buf.writeDoubleBE(v, this.pos)
  }

  /** Unsigned varint, 0 <= v < 2^32. */
  uvarint(v: number): void {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new EncodeError(`not an unsigned 32-bit varint: ${v}`)
    this.ensure(5)
    const buf = this.buf
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    buf[this.pos++] = v
  }

  /** Zig-zag varint, a 32-bit signed value. */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1)
  }

  /** Zig-zag varlong from a bigint. */
  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.ensure(10)
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80
      u >>= 7n
    }
    this.buf[this.pos++] = Number(u)
  }

  /** Zig-zag varlong from a safe integer number (record timestamp deltas). */
  varlongNumber(v: number): void {
    if (!Number.isSafeInteger(v)) throw new EncodeError(`not a safe integer for varlong: ${v}`)
    let u = v >= 0 ? v * 2 : -v * 2 - 1
    this.ensure(10)
    const buf = this.buf
    while (u >= 0x80) {
      buf[this.pos++] = (u % 128) | 0x80
      u = Math.floor(u / 128)
    }
    buf[this.pos++] = u
  }

  uuid(v: string): void {
    this.ensure(16)
    uuidToBytes(v, this.buf, this.pos)
    this.pos += 16
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** Length prefix: compact (uvarint n+1, 0 for null) when flexible, else int16 or int32 (-1 for null). */
  #length(n: number, flexible: boolean, classic16: boolean): void {
    if (flexible) this.uvarint(n + 1)
    else if (classic16) this.int16(n)
    else this.int32(n)
  }

  string(v: string, flexible: boolean): void {
    if (typeof v !== 'string') throw new EncodeError(`expected a string, got ${v === null ? 'null' : typeof v}`)
    const n = Buffer.byteLength(v, 'utf8')
    if (!flexible && n > 0x7fff) throw new EncodeError(`string of ${n} bytes is longer than 32767`)
    this.#length(n, flexible, true)
    this.ensure(n)
    this.pos += this.buf.write(v, this.pos, n, 'utf8')
  }

  nullableString(v: string | null, flexible: boolean): void {
    if (v === null) this.#length(-1, flexible, true)
    else this.string(v, flexible)
  }

  bytes(v: Uint8Array, flexible: boolean): void {
    if (!(v instanceof Uint8Array)) throw new EncodeError(`expected bytes, got ${v === null ? 'null' : typeof v}`)
    this.#length(v.length, flexible, false)
    this.raw(v)
  }

  nullableBytes(v: Uint8Array | null, flexible: boolean): void {
    if (v === null) this.#length(-1, flexible, false)
    else this.bytes(v, flexible)
  }

  /** Array element count, -1 for a null array. */
  arrayLength(n: number, flexible: boolean): void {
    this.#length(n, flexible, false)
  }

  /** Overwrites 4 bytes already written (a size prefix reserved earlier). */
  setInt32At(offset: number, v: number): void {
    this.buf.writeInt32BE(v, offset)
  }
}
