import { EncodeError } from './codec-error.js'

/**
 * A Kafka UUID (topic ids, KIP-516) in Kafka's own text form: the 16 bytes as
 * URL-safe base64 without padding, 22 characters, as `Uuid.toString()` prints
 * them and `kafka-topics --describe` shows them.
 */
export type Uuid = string

/** All zero bits: Kafka's `Uuid.ZERO_UUID`, the default of every uuid field. */
export const ZERO_UUID: Uuid = 'AAAAAAAAAAAAAAAAAAAAAA'

export function uuidFromBytes(buf: Uint8Array, offset = 0): Uuid {
  return Buffer.from(buf.buffer, buf.byteOffset + offset, 16).toString('base64url')
}

/** Writes the 16 bytes of `uuid` into `buf` at `offset`; rejects text that is not 22 base64url characters. */
export function uuidToBytes(uuid: Uuid, buf: Uint8Array, offset = 0): void {
  if (uuid.length !== 22 || !/^[A-Za-z0-9_-]{21}[AQgw]$/.test(uuid)) {
    throw new EncodeError(`not a Kafka uuid (22 base64url characters): ${JSON.stringify(uuid)}`)
  }
  const bytes = Buffer.from(uuid, 'base64url')
  buf.set(bytes, offset)
}

/** A random (version 4) uuid, as Kafka's `Uuid.randomUuid()`. */
export function randomUuid(): Uuid {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  return uuidFromBytes(b)
}
