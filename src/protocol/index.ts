/**
 * The protocol layer's public surface: primitives, generated message codecs,
 * framing, record batches (v2 and legacy), compression and error codes.
 * Bytes only: nothing here does I/O.
 */
export { Reader } from './reader.js'
export { Writer } from './writer.js'
export { DecodeError, EncodeError, isDecodeError } from './codec-error.js'
export { ZERO_UUID, randomUuid, type Uuid } from './uuid.js'
export type { TaggedField } from './codec-runtime.js'
export type { ApiInfo, ApiSpec, MessageSpec } from './message-spec.js'
export * from './messages/index.js'
export * from './frame.js'
export { apiInfo, decodeRequestBody, decodeResponseWith, encodeRequestWith, encodeResponseWith } from './frame-core.js'
export { API_TABLE } from './messages/api-table.js'
export * from './api-versions.js'
export * from './error-codes.js'
export * from './kafka-error.js'
export * from './records/record.js'
export { crc32c } from './records/crc32c.js'
export { RecordBatchView, scanRecordBatches, type BatchScan } from './records/record-batch-header.js'
export * from './records/record-batch.js'
export * from './records/control-record.js'
export * from './records/legacy-message-set.js'
export * from './records/message-format-conversion.js'
export { compress, compressSync, decompress, decompressSync, DEFAULT_MAX_OUTPUT_BYTES, type CompressOptions, type DecompressOptions } from './records/compression.js'
