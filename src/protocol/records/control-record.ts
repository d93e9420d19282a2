/**
 * Control records (KIP-98): the one record of a control batch, written by the
 * transaction coordinator's markers to end a transaction. Kafka's
 * `ControlRecordType` (key) and `EndTransactionMarker` (value).
 *
 * key   = version int16 (0) | type int16 (0 abort, 1 commit)
 * value = version int16 (0) | coordinatorEpoch int32
 *
 * Other control types exist (KRaft's leader change and snapshot markers), so
 * an unknown type is returned as its number for the caller to ignore, never
 * an error; only a key or value too short to hold its fields, or with a
 * negative version, is corrupt.
 */
import { DecodeError } from '../codec-error.js'
import { BatchAttributes, NO_PARTITION_LEADER_EPOCH, NO_SEQUENCE } from './record.js'
import type { ControlRecordType, RecordBatch } from './record.js'
import { checkIntRange } from './record-batch-header.js'
import { encodeRecordBatch } from './record-batch.js'

export const CONTROL_RECORD_KEY_VERSION = 0
export const CONTROL_RECORD_KEY_SIZE = 4
export const END_TXN_MARKER_VALUE_VERSION = 0
export const END_TXN_MARKER_VALUE_SIZE = 6

export interface ControlRecordKey {
  version: number
  /** A ControlRecordType, or a type this code does not know (ignore those). */
  type: number
}

export interface EndTransactionMarker {
  version: number
  coordinatorEpoch: number
}

export function encodeControlRecordKey(type: number): Buffer {
  checkIntRange(type, -0x8000, 0x7fff, 'control record type')
  const key = Buffer.allocUnsafe(CONTROL_RECORD_KEY_SIZE)
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0)
  key.writeInt16BE(type, 2)
  return key
}

export function encodeEndTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  checkIntRange(coordinatorEpoch, -0x80000000, 0x7fffffff, 'coordinatorEpoch')
  const value = Buffer.allocUnsafe(END_TXN_MARKER_VALUE_SIZE)
  value.writeInt16BE(END_TXN_MARKER_VALUE_VERSION, 0)
  value.writeInt32BE(coordinatorEpoch, 2)
  return value
}

/** Key and value of an end-transaction marker record (Kafka's `EndTransactionMarker`). */
export function encodeControlRecord(type: ControlRecordType, coordinatorEpoch: number): { key: Buffer; value: Buffer } {
  return { key: encodeControlRecordKey(type), value: encodeEndTransactionMarkerValue(coordinatorEpoch) }
}

/**
 * Reads a control record's key. A newer version is read as version 0, as
 * Kafka's `ControlRecordType.parse` does (fields are only ever appended).
 */
export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_RECORD_KEY_SIZE) {
    throw new DecodeError(`control record key of ${key === null ? 'null' : key.length + ' bytes'} is shorter than ${CONTROL_RECORD_KEY_SIZE}`)
  }
  const version = key.readInt16BE(0)
  if (version < 0) throw new DecodeError(`invalid control record key version ${version}`, 0)
  return { version, type: key.readInt16BE(2) }
}

/** Reads the value of an abort or commit marker (Kafka's `EndTransactionMarker.deserializeValue`). */
export function decodeEndTransactionMarker(value: Buffer | null): EndTransactionMarker {
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw new DecodeError(`end transaction marker of ${value === null ? 'null' : value.length + ' bytes'} is shorter than ${END_TXN_MARKER_VALUE_SIZE}`)
  }
  const version = value.readInt16BE(0)
  if (version < 0) throw new DecodeError(`invalid end transaction marker version ${version}`, 0)
  return { version, coordinatorEpoch: value.readInt32BE(2) }
}

export interface ControlBatchOptions {
  type: ControlRecordType
  coordinatorEpoch: number
  producerId: number
  producerEpoch: number
  /** The marker's timestamp (from the caller's `Time`): baseTimestamp and maxTimestamp. */
  timestampMs: number
  baseOffset?: number
  partitionLeaderEpoch?: number
}

/**
 * A control batch holding one end-transaction marker, as Kafka's
 * `MemoryRecords.withEndTransactionMarker` builds it: transactional and
 * control bits set, uncompressed, CreateTime, no sequence.
 */
export function buildControlBatch(o: ControlBatchOptions): RecordBatch {
  const { key, value } = encodeControlRecord(o.type, o.coordinatorEpoch)
  return {
    baseOffset: o.baseOffset ?? 0,
    partitionLeaderEpoch: o.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    attributes: BatchAttributes.CONTROL | BatchAttributes.TRANSACTIONAL,
    lastOffsetDelta: 0,
    baseTimestamp: o.timestampMs,
    maxTimestamp: o.timestampMs,
    producerId: o.producerId,
    producerEpoch: o.producerEpoch,
    baseSequence: NO_SEQUENCE,
    records: [{ attributes: 0, timestampDelta: 0, offsetDelta: 0, key, value, headers: [] }],
  }
}

/** buildControlBatch, encoded. */
export function encodeControlBatch(o: ControlBatchOptions): Buffer {
  return encodeRecordBatch(buildControlBatch(o))
}
