import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'

/**
 * The one place a wire int64 (bigint) becomes a hot-path number (STYLE.md §4):
 * offsets and timestamps outside ±2^53 are refused as an invalid request
 * rather than silently rounded.
 */
export function toSafeNumber(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, { errorMessage: `${field} ${v} is outside the range Brook supports (±2^53)` })
  }
  return Number(v)
}
