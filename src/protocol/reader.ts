import { DecodeError } from './codec-error.js'
import { uuidFromBytes } from './uuid.js'

/**
 * A bounds-checked cursor over a Buffer: Kafka's primitive types, big-endian.
 *
 * Every read checks that the bytes it needs lie inside [pos, end) before it
 * touches them, and every length read from the wire is checked against what is
 * left, so a short or lying buffer raises DecodeError instead of returning
 * garbage, allocating gigabytes or looping for a long time.
 */
export class Reader {
  readonly buf: Buffer
  pos: number
  readonly end: number

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  get remaining(): number {
    return this.end - this.pos
  }

  /** Throws unless `n` more bytes can be read. */
  need(n: number): void {
    if (n > this.end - this.pos) {
      throw new DecodeError(`need ${n} bytes but only ${this.end - this.pos} remain`, this.pos)
    }
  }

  int8(): number {
    this.need(1)
    return this.buf.readInt8(this.pos++)
  }

  uint8(): number {
    this.need(1)
    return this.buf[this.pos++]!
  }

  bool(): boolean {
    return this.int8() !== 0
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  uint16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  uint32(): number {
    this.need(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  int64(): bigint {
    this.need(8)
    const v = this.buf.readBigInt64BE(this.pos)
    this.pos += 8
    return v
  }

  /** An int64 as a number; DecodeError if it is outside ±2^53 (see STYLE.md §4, toSafeNumber). */
  int64Number(): number {
    this.need(8)
    const hi = this.buf.readInt32BE(this.pos)
    const lo = this.buf.readUInt32BE(this.pos + 4)
    if (hi > 0x1fffff || hi < -0x200000) throw new DecodeError('int64 outside the safe integer range', this.pos)
    this.pos += 8
    return hi * 0x1_0000_0000 + lo
  }

  float64(): number {
    this.need(8)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }

  /** Unsigned varint of at most 32 bits (5 bytes), as used for compact lengths and tags. */
  uvarint(): number {
    const buf = this.buf
    let value = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varint', this.pos)
      const b = buf[this.pos++]!
      if (i === 4 && b > 0x0f) throw new DecodeError('unsigned varint longer than 32 bits', this.pos - 1)
      value += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return value
      shift += 7
    }
    throw new DecodeError('unsigned varint longer than 5 bytes', this.pos)
  }

  /** Zig-zag varint of at most 32 bits (protobuf sint32), as used inside records. */
  varint(): number {
    const u = this.uvarint()
    // Undo zig-zag on a value in [0, 2^32): even -> u/2, odd -> -(u+1)/2.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2
  }

  /** Zig-zag varlong (protobuf sint64) as a bigint. */
  varlong(): bigint {
    let value = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varlong', this.pos)
      const b = this.buf[this.pos++]!
      if (i === 9 && b > 0x01) throw new DecodeError('varlong longer than 64 bits', this.pos - 1)
      value |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return (value >> 1n) ^ -(value & 1n)
      shift += 7n
    }
    throw new DecodeError('varlong longer than 10 bytes', this.pos)
  }

  /**
   * Zig-zag varlong as a number, for record timestamp deltas on the hot path.
   * DecodeError if the value does not fit in ±2^53.
   */
  varlongNumber(): number {
    let value = 0
    let mul = 1
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new DecodeError('truncated varlong', this.pos)
      const b = this.buf[this.pos++]!
      value += (b & 0x7f) * mul
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break
        return value % 2 === 0 ? value / 2 : -(value + 1) / 2
      }
      mul *= 128
    }
    throw new DecodeError('varlong outside the safe integer range', this.pos)
  }

  uuid(): string {
    this.need(16)
    const v = uuidFromBytes(this.buf, this.pos)
    this.pos += 16
    return v
  }

  /** Length of a string, bytes or array: int16/int32 classic, or compact (uvarint n+1, 0 = null). -1 means null. */
  #length(flexible: boolean, classic16: boolean): number {
    if (flexible) return this.uvarint() - 1
    return classic16 ? this.int16() : this.int32()
  }

  /** Reads `n` UTF-8 bytes as a string. Invalid sequences become U+FFFD, as Java's `new String(bytes, UTF_8)` does. */
  utf8(n: number): string {
    this.need(n)
    const start = this.pos
    this.pos += n
    return this.buf.toString('utf8', start, this.pos)
  }

  string(flexible: boolean): string {
    const n = this.#length(flexible, true)
    if (n < 0) throw new DecodeError('non-nullable string is null', this.pos)
    return this.utf8(n)
  }

  nullableString(flexible: boolean): string | null {
    const n = this.#length(flexible, true)
    if (n < -1) throw new DecodeError(`invalid string length ${n}`, this.pos)
    return n === -1 ? null : this.utf8(n)
  }

  /** `n` raw bytes as a view into the underlying buffer (no copy). */
  raw(n: number): Buffer {
    this.need(n)
    const start = this.pos
    this.pos += n
    return this.buf.subarray(start, this.pos)
  }

  bytes(flexible: boolean): Buffer {
    const n = this.#length(flexible, false)
    if (n < 0) throw new DecodeError('non-nullable bytes are null', this.pos)
    return this.raw(n)
  }

  nullableBytes(flexible: boolean): Buffer | null {
    const n = this.#length(flexible, false)
    if (n < -1) throw new DecodeError(`invalid bytes length ${n}`, this.pos)
    return n === -1 ? null : this.raw(n)
  }

  /**
   * Element count of an array, -1 for null. Each element takes at least one
   * byte on the wire, so a count larger than what remains is a lie, caught
   * here before anything is allocated.
   */
  arrayLength(flexible: boolean): number {
    const n = flexible ? this.uvarint() - 1 : this.int32()
    if (n < -1) throw new DecodeError(`invalid array length ${n}`, this.pos)
    if (n > this.end - this.pos) throw new DecodeError(`array of ${n} elements cannot fit in ${this.end - this.pos} bytes`, this.pos)
    return n
  }

  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number): Reader {
    this.need(n)
    const r = new Reader(this.buf, this.pos, this.pos + n)
    this.pos += n
    return r
  }

  skip(n: number): void {
    this.need(n)
    this.pos += n
  }
}
