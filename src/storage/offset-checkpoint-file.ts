/**
 * Kafka's checkpoint files (`org.apache.kafka.server.common.CheckpointFile`):
 *
 * ```
 * 0                    version
 * 2                    number of entries
 * orders 0 1234        one entry per line, fields separated by one space
 * orders 1 99
 * ```
 *
 * `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
 * `replication-offset-checkpoint` hold `topic partition offset` lines
 * (`OffsetCheckpointFile`); `leader-epoch-checkpoint` holds `epoch startOffset`
 * lines (`LeaderEpochCheckpointFile`, see leader-epoch-cache.ts). Topic names
 * cannot contain spaces, so splitting on a space is safe.
 *
 * Writes are atomic (DESIGN.md principle 3), as Kafka's `CheckpointFile.write`:
 * the text goes to `<file>.tmp`, which is fsynced, renamed over the file, and
 * the directory is fsynced so the rename itself survives a crash.
 */
import { readFile } from 'node:fs/promises'
import { writeFileAtomically } from '../common/atomic-file.js'

export { fsyncDir } from '../common/atomic-file.js'

/** How one entry becomes a line and back (Kafka's `CheckpointFile.EntryFormatter`). */
export interface CheckpointEntryFormat<T> {
  toLine(entry: T): string
  /** null when the line is malformed. */
  fromLine(line: string): T | null
}

/** A checkpoint file that is missing, or not in the format: the path and line say where. */
export class CheckpointFormatError extends Error {
  constructor(path: string, detail: string) {
    super(`Malformed checkpoint file ${path}: ${detail}`)
    this.name = 'CheckpointFormatError'
  }
}

/**
 * Reads a checkpoint. A missing or empty file reads as no entries (Kafka
 * creates an empty file when it first opens a checkpoint, and reads it as
 * empty); anything else that is not the format throws CheckpointFormatError.
 */
export async function readCheckpointFile<T>(path: string, version: number, format: CheckpointEntryFormat<T>): Promise<T[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const fileVersion = Number(lines[0])
  if (lines[0] !== String(fileVersion)) throw new CheckpointFormatError(path, `bad version line "${lines[0]}"`)
  if (fileVersion !== version) throw new CheckpointFormatError(path, `unrecognised version ${fileVersion}, expected ${version}`)
  const count = Number(lines[1])
  if (lines[1] === undefined || !Number.isInteger(count) || count < 0 || lines[1] !== String(count)) {
    throw new CheckpointFormatError(path, `bad entry count "${lines[1]}"`)
  }
  if (lines.length - 2 !== count) throw new CheckpointFormatError(path, `expected ${count} entries but found ${lines.length - 2}`)
  const entries: T[] = []
  for (let i = 2; i < lines.length; i++) {
    const entry = format.fromLine(lines[i]!)
    if (entry === null) throw new CheckpointFormatError(path, `bad entry on line ${i + 1}: "${lines[i]}"`)
    entries.push(entry)
  }
  return entries
}

/** Writes a checkpoint atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeCheckpointFile<T>(path: string, version: number, entries: Iterable<T>, format: CheckpointEntryFormat<T>): Promise<void> {
  const lines: string[] = []
  for (const e of entries) lines.push(format.toLine(e))
  const text = `${version}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`
  await writeFileAtomically(path, text)
}

// ---------------------------------------------------------------- topic partition offset

export interface TopicPartitionOffset {
  topic: string
  partition: number
  offset: number
}

const OFFSET_CHECKPOINT_VERSION = 0

const offsetLineFormat: CheckpointEntryFormat<TopicPartitionOffset> = {
  toLine: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  fromLine(line) {
    const parts = line.split(' ')
    if (parts.length !== 3 || parts[0] === '') return null
    const partition = Number(parts[1])
    const offset = Number(parts[2])
    if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset)) return null
    return { topic: parts[0]!, partition, offset }
  },
}

/** Reads an offset checkpoint into a map keyed by `topic-partition` (the partition dir name). */
export async function readOffsetCheckpoint(path: string): Promise<Map<string, number>> {
  const map = new Map<string, number>()
  for (const e of await readCheckpointFile(path, OFFSET_CHECKPOINT_VERSION, offsetLineFormat)) map.set(`${e.topic}-${e.partition}`, e.offset)
  return map
}

/** Reads an offset checkpoint as its entries, in file order. */
export async function readOffsetCheckpointEntries(path: string): Promise<TopicPartitionOffset[]> {
  return readCheckpointFile(path, OFFSET_CHECKPOINT_VERSION, offsetLineFormat)
}

/** Writes an offset checkpoint atomically (Kafka's `OffsetCheckpointFile.write`). */
export async function writeOffsetCheckpoint(path: string, entries: Iterable<TopicPartitionOffset>): Promise<void> {
  await writeCheckpointFile(path, OFFSET_CHECKPOINT_VERSION, entries, offsetLineFormat)
}
