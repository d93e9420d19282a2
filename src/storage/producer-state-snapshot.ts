/**
 * Producer state snapshot files, `<20-digit offset>.snapshot` in the
 * partition directory, byte for byte Kafka's format (`ProducerSnapshot.json`
 * v1, written by `ProducerStateManager.writeSnapshot`), so a partition
 * directory can move between Brook and Kafka:
 *
 * ```
 * version int16 (= 1)
 * crc uint32             CRC-32C of everything after it
 * entries int32 count, then per producer (46 bytes):
 *   producerId int64 | epoch int16 | lastSequence int32 | lastOffset int64
 *   offsetDelta int32 | timestamp int64 | coordinatorEpoch int32
 *   currentTxnFirstOffset int64
 * ```
 * `offsetDelta` is lastOffset - firstOffset of the producer's last batch
 * (Kafka's `ProducerStateEntry.lastOffsetDelta`); lastOffset -1 means the
 * producer has no batch; currentTxnFirstOffset -1 means no open transaction.
 * Only the LAST batch of each producer is kept, as in Kafka, so after a
 * reload the duplicate window is one batch until new batches arrive.
 *
 * The offset in the name is the log offset the state is valid up to
 * (exclusive): the state after applying every batch below it.
 *
 * Files are written as DESIGN.md principle 3 asks: temp file, fsync, rename,
 * fsync of the directory (Kafka writes the final name directly).
 */
import { readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { TEMP_FILE_SUFFIX, writeFileAtomically } from '../common/atomic-file.js'
import { crc32c } from '../protocol/records/crc32c.js'
import { readInt64Number, writeInt64Number } from '../protocol/records/record-batch-header.js'

export const PRODUCER_SNAPSHOT_SUFFIX = '.snapshot'
export const PRODUCER_SNAPSHOT_VERSION = 1
const CRC_OFFSET = 2
const ENTRIES_OFFSET = 6
const ENTRY_SIZE = 46

/** One producer as a snapshot stores it. */
export interface ProducerSnapshotEntry {
  producerId: number
  epoch: number
  lastSequence: number
  lastOffset: number
  offsetDelta: number
  timestamp: number
  coordinatorEpoch: number
  currentTxnFirstOffset: number
}

/** A snapshot that cannot be read: bad version, CRC or length (Kafka's `CorruptSnapshotException`). */
export class CorruptSnapshotError extends Error {
  readonly code = 'ERR_CORRUPT_SNAPSHOT'

  constructor(message: string) {
    super(message)
    this.name = 'CorruptSnapshotError'
  }
}

/** `00000000000000000042.snapshot` (Kafka's `LogFileUtils.producerSnapshotFile`). */
export function producerSnapshotFileName(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`snapshot offset must be a non-negative safe integer: ${offset}`)
  return String(offset).padStart(20, '0') + PRODUCER_SNAPSHOT_SUFFIX
}

/** The offset of a snapshot file name, or null if it is not one. */
export function parseProducerSnapshotFileName(name: string): number | null {
  if (!name.endsWith(PRODUCER_SNAPSHOT_SUFFIX)) return null
  const digits = name.slice(0, -PRODUCER_SNAPSHOT_SUFFIX.length)
  if (!/^\d{20}$/.test(digits)) return null
  const offset = Number(digits)
  return Number.isSafeInteger(offset) ? offset : null
}

export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE)
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0)
  buf.writeInt32BE(entries.length, ENTRIES_OFFSET)
  let pos = ENTRIES_OFFSET + 4
  for (const e of entries) {
    writeInt64Number(buf, pos, e.producerId, 'producerId')
    buf.writeInt16BE(e.epoch, pos + 8)
    buf.writeInt32BE(e.lastSequence, pos + 10)
    writeInt64Number(buf, pos + 14, e.lastOffset, 'lastOffset')
    buf.writeInt32BE(e.offsetDelta, pos + 22)
    writeInt64Number(buf, pos + 26, e.timestamp, 'timestamp')
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34)
    writeInt64Number(buf, pos + 38, e.currentTxnFirstOffset, 'currentTxnFirstOffset')
    pos += ENTRY_SIZE
  }
  buf.writeUInt32BE(crc32c(buf, ENTRIES_OFFSET), CRC_OFFSET)
  return buf
}

/** Parses a snapshot; CorruptSnapshotError for anything but a valid v1 snapshot. */
export function decodeProducerSnapshot(buf: Buffer): ProducerSnapshotEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(`snapshot of ${buf.length} bytes is too short`)
  const version = buf.readInt16BE(0)
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`snapshot contained an unknown file version ${version}`)
  const stored = buf.readUInt32BE(CRC_OFFSET)
  const computed = crc32c(buf, ENTRIES_OFFSET)
  if (stored !== computed) throw new CorruptSnapshotError(`snapshot is corrupt: stored crc ${stored}, computed ${computed}`)
  const count = buf.readInt32BE(ENTRIES_OFFSET)
  if (count < 0 || buf.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) {
    throw new CorruptSnapshotError(`snapshot of ${buf.length} bytes cannot hold ${count} producer entries`)
  }
  const entries: ProducerSnapshotEntry[] = new Array(count)
  let pos = ENTRIES_OFFSET + 4
  try {
    for (let i = 0; i < count; i++) {
      entries[i] = {
        producerId: readInt64Number(buf, pos),
        epoch: buf.readInt16BE(pos + 8),
        lastSequence: buf.readInt32BE(pos + 10),
        lastOffset: readInt64Number(buf, pos + 14),
        offsetDelta: buf.readInt32BE(pos + 22),
        timestamp: readInt64Number(buf, pos + 26),
        coordinatorEpoch: buf.readInt32BE(pos + 34),
        currentTxnFirstOffset: readInt64Number(buf, pos + 38),
      }
      pos += ENTRY_SIZE
    }
  } catch (e) {
    throw new CorruptSnapshotError(`snapshot entry ${entries.length}: ${(e as Error).message}`)
  }
  return entries
}

/** Offsets of the snapshot files in `dir`, ascending; removes leftover temp files of interrupted writes. */
export async function listProducerSnapshots(dir: string): Promise<number[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const offsets: number[] = []
  for (const name of names) {
    if (name.endsWith(PRODUCER_SNAPSHOT_SUFFIX + TEMP_FILE_SUFFIX)) {
      await rm(join(dir, name), { force: true })
      continue
    }
    const offset = parseProducerSnapshotFileName(name)
    if (offset !== null) offsets.push(offset)
  }
  return offsets.sort((a, b) => a - b)
}

export async function readProducerSnapshot(dir: string, offset: number): Promise<ProducerSnapshotEntry[]> {
  return decodeProducerSnapshot(await readFile(join(dir, producerSnapshotFileName(offset))))
}

/** Writes `<offset>.snapshot` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeProducerSnapshot(dir: string, offset: number, bytes: Buffer): Promise<void> {
  await writeFileAtomically(join(dir, producerSnapshotFileName(offset)), bytes)
}

export async function deleteProducerSnapshot(dir: string, offset: number): Promise<void> {
  await rm(join(dir, producerSnapshotFileName(offset)), { force: true })
}

