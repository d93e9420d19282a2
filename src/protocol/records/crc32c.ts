import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/**
 * CRC-32C (Castagnoli), the checksum of a v2 record batch (KIP-98; Kafka's
 * `Crc32C`). Computed natively with SIMD by @node-rs/crc32 over a view of
 * `buf[start, end)`, so no bytes are copied.
 *
 * Returns the checksum as an unsigned 32-bit number, the way the batch's `crc`
 * field is read with `readUInt32BE`.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end)
  return nativeCrc32c(view) >>> 0
}
