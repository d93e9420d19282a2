/**
 * The one error a decoder throws for bytes it cannot make sense of: a buffer
 * shorter than its contents claim, a negative length where none is allowed,
 * a varint longer than its type, a bad CRC or magic byte.
 *
 * Every reader in `protocol/` throws this and nothing else for bad input, so
 * the network layer can catch exactly one class and close the connection
 * (DESIGN.md principle 7) while real bugs still surface as other errors.
 */
const DECODE_ERROR_BRAND = Symbol.for('brook.DecodeError')

export class DecodeError extends Error {
  readonly code = 'ERR_DECODE'
  /** Byte offset in the buffer where decoding failed, when known. */
  readonly offset: number

  constructor(message: string, offset = -1) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message)
    this.name = 'DecodeError'
    this.offset = offset
  }

  get [DECODE_ERROR_BRAND](): true {
    return true
  }
}

/** True for a DecodeError from any copy of this package (checks a `Symbol.for` brand). */
export function isDecodeError(e: unknown): e is DecodeError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[DECODE_ERROR_BRAND] === true
}

/**
 * Thrown when a value cannot be written at the requested version: a field the
 * version lacks holds a non-default value and is not `ignorable` (Kafka's
 * UnsupportedVersionException in generated `write` methods), a uuid that is not
 * one, a number out of its type's range.
 */
export class EncodeError extends Error {
  readonly code = 'ERR_ENCODE'

  constructor(message: string) {
    super(message)
    this.name = 'EncodeError'
  }
}
