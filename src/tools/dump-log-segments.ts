/**
 * kafka-dump-log: Kafka's `DumpLogSegments` (3.8-3.9). Reads a partition's
 * files directly, no broker needed, and prints them in Kafka's line formats:
 *
 *   Dumping /data/t-0/00000000000000000000.log
 *   Log starting offset: 0
 *   baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 0 lastSequence: 2 producerId: 0 producerEpoch: 0
 *     partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty
 *     position: 0 CreateTime: 1700000000000 size: 95 magic: 2 compresscodec: none crc: 123456789 isvalid: true
 *   | offset: 0 CreateTime: 1700000000000 keySize: 1 valueSize: 5 sequence: 0 headerKeys: [] key: k payload: hello
 *
 * (one line per batch; the record lines with --deep-iteration, keys and
 * values with --print-data-log), `.index` as `offset: N position: P`,
 * `.timeindex` as `timestamp: T offset: N`, producer `.snapshot` and
 * `.txnindex` files too. What Kafka reports on stderr at the end is reported
 * the same way: index entries that do not point at their batch, time index
 * entries whose timestamp or offset disagrees with the log, offsets that do
 * not follow each other; a torn tail is `Found N invalid bytes at the end of
 * <file>`.
 *
 * Parsing Kafka's quirks kept: the key/value decoder options take an
 * optional value; `--files` is split at commas; a file of unknown suffix is
 * skipped with `Ignoring unknown file <file>` on stderr.
 *
 * Deviations: KRaft files (`.checkpoint`, `--cluster-metadata-decoder`) and
 * `--remote-log-metadata-decoder` are refused (Brook has neither); decoder
 * classes other than String/Integer/LongDecoder are refused (no Java);
 * where Kafka dies with a stack trace (a file that does not exist, a batch
 * that cannot be decoded, a failed --index-sanity-check) this tool prints
 * `Error: <reason>` and exits 1, after what it printed so far. Index files
 * are read as they are on disk (a Kafka index that was never trimmed ends in
 * zero entries, where Kafka stops too).
 */
import { fstatSync, openSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { decodeControlRecordKey, decodeEndTransactionMarker } from '../protocol/records/control-record.js'
import { crc32c } from '../protocol/records/crc32c.js'
import { decodeProducerSnapshot } from '../storage/producer-state-snapshot.js'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'
import { decoderFor, decoderMessageParser, offsetsMessageParser, transactionLogMessageParser, type MessageParser } from './dump-log-decoders.js'
import { FileLogInputStream, type DumpRecord, type FileBatch } from './file-log-input-stream.js'

const INT_MAX = 2147483647
const DECODER_HELP = 'If set, used to deserialize the messages. This class should implement org.apache.kafka.tools.api.Decoder trait. Brook supports StringDecoder (the default), IntegerDecoder and LongDecoder.'

export const DUMP_LOG_SEGMENTS_SPEC: ToolSpec = {
  name: 'kafka-dump-log',
  summary: 'This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.',
  options: {
    'print-data-log': { description: 'If set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified.' },
    'verify-index-only': { description: 'If set, just verify the index log without printing its content.' },
    'index-sanity-check': {
      description: 'If set, just checks the index sanity without printing its content. This is the same check that is executed on broker startup to determine if an index needs rebuilding or not.',
    },
    files: { arg: 'String: file1, file2, ...', description: 'REQUIRED: The comma separated list of data and index log files to be dumped.' },
    'max-message-size': { arg: 'Integer: size', description: 'Size of largest message.', default: String(5 * 1024 * 1024) },
    'max-bytes': { arg: 'Integer: size', description: 'Limit the amount of total batches read in bytes avoiding reading the whole .log file(s).', default: String(INT_MAX) },
    'deep-iteration': { description: 'If set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled.' },
    'value-decoder-class': { arg: 'String', description: DECODER_HELP, default: 'org.apache.kafka.tools.api.StringDecoder' },
    'key-decoder-class': { arg: 'String', description: DECODER_HELP.replace('the messages', 'the keys'), default: 'org.apache.kafka.tools.api.StringDecoder' },
    'offsets-decoder': { description: 'If set, log data will be parsed as offset data from the __consumer_offsets topic.' },
    'transaction-log-decoder': { description: 'If set, log data will be parsed as transaction metadata from the __transaction_state topic.' },
    'cluster-metadata-decoder': { description: 'Not supported: Brook has no KRaft metadata log.' },
    'remote-log-metadata-decoder': { description: 'Not supported: Brook has no tiered storage.' },
    'skip-record-metadata': { description: 'Whether to skip printing metadata for each record.' },
  },
}

/**
 * The decoder options take an optional value in Kafka (`--value-decoder-class`
 * alone means the default): drops such a bare option's place for the shared
 * parser by giving it the default explicitly.
 */
export function fillOptionalDecoderValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    out.push(a)
    if ((a === '--value-decoder-class' || a === '--key-decoder-class') && (i + 1 >= argv.length || argv[i + 1]!.startsWith('--'))) {
      out.push('org.apache.kafka.tools.api.StringDecoder')
    }
  }
  return out
}

/** stdout with backpressure, and a quiet exit when the reader goes away (`kafka-dump-log ... | head`). */
class Output {
  #chunks: string[] = []
  #size = 0

  constructor() {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0)
      throw e
    })
  }

  line(s: string): void {
    this.#chunks.push(s, '\n')
    this.#size += s.length + 1
  }

  /** Writes out what is buffered once there is enough of it (or always, with `force`). */
  async flush(force = false): Promise<void> {
    if (this.#size === 0 || (!force && this.#size < 65536)) return
    const text = this.#chunks.join('')
    this.#chunks = []
    this.#size = 0
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r))
  }
}

/** Kafka's `file.getName.split("\\.")(0).toLong`: the base offset in a segment file's name. */
function baseOffsetOf(file: string): bigint {
  const prefix = basename(file).split('.')[0]!
  if (!/^-?\d+$/.test(prefix)) throw new UsageError(`For input string: "${prefix}" (${file} is not named after a base offset)`)
  return BigInt(prefix)
}

/** The files' contents or an error naming the file, as Java's FileNotFoundException does. */
function readWhole(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new UsageError(`${path} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message})`)
  }
}

/**
 * An index file's bytes; none when it does not exist (Kafka's index classes
 * create a missing file, empty: the dump then says the index is empty).
 */
function readIndex(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw new UsageError(`${path} (${(e as Error).message})`)
  }
}

function openLog(path: string, start: number, maxBytes: number): { stream: FileLogInputStream; size: number } {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw new UsageError(`${path} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message})`)
  }
  const fileSize = fstatSync(fd).size
  const size = Math.min(fileSize, maxBytes)
  return { stream: new FileLogInputStream(path, fd, start, Math.min(fileSize, start + maxBytes)), size }
}

interface OffsetEntry {
  offset: bigint
  position: number
}

/** A `.index` file's entries as stored: (relative offset int32, position int32), 8 bytes each. */
function readOffsetIndex(bytes: Buffer, baseOffset: bigint): OffsetEntry[] {
  const entries: OffsetEntry[] = []
  for (let pos = 0; pos + 8 <= bytes.length; pos += 8) entries.push({ offset: baseOffset + BigInt(bytes.readInt32BE(pos)), position: bytes.readInt32BE(pos + 4) })
  return entries
}

/** Kafka's `OffsetIndex.lookup`: the last entry at or below the offset, else (baseOffset, 0). */
function lookup(entries: OffsetEntry[], baseOffset: bigint, target: bigint): OffsetEntry {
  let found: OffsetEntry = { offset: baseOffset, position: 0 }
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    if (i > 0 && e.offset === baseOffset) break // the zero entries of an untrimmed index
    if (e.offset > target) break
    found = e
  }
  return found
}

/** Kafka's `TimeIndexDumpErrors`: problems found in time indexes, reported on stderr at the end. */
class TimeIndexDumpErrors {
  readonly mismatches = new Map<string, [bigint, bigint][]>()
  readonly outOfOrder = new Map<string, [bigint, bigint][]>()
  readonly shallowOffsetNotFound = new Map<string, [bigint, bigint][]>()

  static add(map: Map<string, [bigint, bigint][]>, file: string, a: bigint, b: bigint): void {
    const key = resolve(file)
    map.set(key, [...(map.get(key) ?? []), [a, b]])
  }

  lines(): string[] {
    const out: string[] = []
    for (const [file, list] of this.mismatches) out.push(`Found timestamp mismatch in :${file}`, ...list.map(([i, l]) => `  Index timestamp: ${i}, log timestamp: ${l}`))
    for (const [file, list] of this.outOfOrder) out.push(`Found out of order timestamp in :${file}`, ...list.map(([i, p]) => `  Index timestamp: ${i}, Previously indexed timestamp: ${p}`))
    for (const list of this.shallowOffsetNotFound.values()) {
      out.push('The following indexed offsets are not found in the log.', ...list.map(([i, l]) => `Indexed offset: ${i}, found log offset: ${l}`))
    }
    return out
  }
}

interface DumpOptions {
  printDataLog: boolean
  deepIteration: boolean
  verifyOnly: boolean
  indexSanityOnly: boolean
  skipRecordMetadata: boolean
  maxMessageSize: number
  maxBytes: number
  /** Made per .log file, as Kafka's `opts.messageParser` is (a deprecation notice prints each time). */
  messageParser: () => MessageParser
}

const CONTROL_TYPES = ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS']

/** A batch's records, or an error saying which batch could not be decoded (Kafka dies with a stack trace). */
function recordsOf(b: FileBatch, file: string): DumpRecord[] {
  try {
    return b.records()
  } catch (e) {
    throw new UsageError(`cannot read the records of the batch at position ${b.position} of ${file}: ${(e as Error).message}`)
  }
}

/** Kafka's `printBatchLevel`. */
function batchLine(b: FileBatch, position: number): string {
  const head = b.v2
    ? `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.v2.count} baseSequence: ${b.v2.baseSequence} lastSequence: ${b.v2.lastSequence}` +
      ` producerId: ${b.v2.producerId} producerEpoch: ${b.v2.producerEpoch} partitionLeaderEpoch: ${b.v2.partitionLeaderEpoch}` +
      ` isTransactional: ${b.v2.isTransactional} isControl: ${b.isControl} deleteHorizonMs: ${b.v2.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${b.v2.deleteHorizonMs}]`}`
    : `offset: ${b.lastOffset}`
  return `${head} position: ${position} ${b.timestampType}: ${b.maxTimestamp} size: ${b.sizeInBytes} magic: ${b.magic} compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.isValid}`
}

/** One record line of the deep iteration (Kafka's `dumpLog` inner loop). */
function recordLine(b: FileBatch, r: DumpRecord, opts: DumpOptions, parser: MessageParser): string {
  let line = ''
  let prefix = '| '
  if (!opts.skipRecordMetadata) {
    line += `${prefix}offset: ${r.offset} ${b.timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1}`
    prefix = ' '
    if (b.magic >= 2) line += ` sequence: ${r.sequence} headerKeys: [${r.headerKeys!.join(',')}]`
    // Kafka's format string has a stray brace here; scripts may match it.
    if (r.legacy) line += ` isValid: ${r.legacy.isValid} crc: ${r.legacy.crc}}`
    if (b.isControl) {
      const typeId = decodeControlRecordKey(r.key).type
      if (typeId === 0 || typeId === 1) line += ` endTxnMarker: ${CONTROL_TYPES[typeId]} coordinatorEpoch: ${decodeEndTransactionMarker(r.value).coordinatorEpoch}`
      else line += ` controlType: ${CONTROL_TYPES[typeId] ?? 'UNKNOWN'}(${typeId})`
    }
  }
  if (opts.printDataLog && !b.isControl) {
    const { key, payload } = parser(r)
    if (key !== undefined) {
      line += `${prefix}key: ${key}`
      prefix = ' '
    }
    if (payload !== undefined) line += ` payload: ${payload}`
  }
  return line
}

class DumpLogSegments {
  readonly #out: Output
  readonly #opts: DumpOptions
  readonly #indexMismatches = new Map<string, [bigint, bigint][]>()
  readonly #timeIndexErrors = new TimeIndexDumpErrors()
  readonly #nonConsecutive = new Map<string, [bigint, bigint][]>()

  constructor(out: Output, opts: DumpOptions) {
    this.#out = out
    this.#opts = opts
  }

  async dump(file: string): Promise<void> {
    this.#out.line(`Dumping ${file}`)
    const name = basename(file)
    const dot = name.lastIndexOf('.')
    switch (dot < 0 ? '' : name.slice(dot)) {
      case '.log':
        return this.#dumpLog(file)
      case '.index':
        return this.#dumpIndex(file)
      case '.timeindex':
        return this.#dumpTimeIndex(file)
      case '.snapshot':
        return this.#dumpProducerSnapshot(file)
      case '.txnindex':
        return this.#dumpTxnIndex(file)
      case '.checkpoint':
        throw new UsageError(`${file}: KRaft snapshots are not supported (Brook has no KRaft metadata log)`)
      default:
        await this.#out.flush(true)
        process.stderr.write(`Ignoring unknown file ${file}\n`)
    }
  }

  /** What Kafka prints on stderr after the last file. */
  errorLines(): string[] {
    const out: string[] = []
    for (const [file, list] of this.#indexMismatches) out.push(`Mismatches in :${file}`, ...list.map(([i, l]) => `  Index offset: ${i}, log offset: ${l}`))
    out.push(...this.#timeIndexErrors.lines())
    for (const [file, list] of this.#nonConsecutive) out.push(`Non-consecutive offsets in ${file}`, ...list.map(([a, b]) => `  ${a} is followed by ${b}`))
    return out
  }

  async #dumpLog(file: string): Promise<void> {
    const parser = this.#opts.messageParser()
    this.#out.line(`Log starting offset: ${baseOffsetOf(file)}`)
    const { stream, size } = openLog(file, 0, this.#opts.maxBytes)
    try {
      let validBytes = 0
      let lastOffset = -1n
      for (let batch = stream.nextBatch(); batch !== null; batch = stream.nextBatch()) {
        this.#out.line(batchLine(batch, validBytes))
        if (this.#opts.deepIteration) {
          for (const r of recordsOf(batch, file)) {
            if (lastOffset === -1n) lastOffset = r.offset
            // Kafka keeps these as a list it prepends to: reported newest first.
            else if (r.offset !== lastOffset + 1n) this.#nonConsecutive.set(resolve(file), [[lastOffset, r.offset], ...(this.#nonConsecutive.get(resolve(file)) ?? [])])
            lastOffset = r.offset
            this.#out.line(recordLine(batch, r, this.#opts, parser))
          }
        }
        validBytes += batch.sizeInBytes
        await this.#out.flush()
      }
      const trailingBytes = size - validBytes
      if (trailingBytes > 0 && this.#opts.maxBytes === INT_MAX) this.#out.line(`Found ${trailingBytes} invalid bytes at the end of ${basename(file)}`)
    } finally {
      stream.close()
    }
  }

  async #dumpIndex(file: string): Promise<void> {
    const baseOffset = baseOffsetOf(file)
    const logFile = join(dirname(file), `${basename(file).split('.')[0]}.log`)
    const log = openLog(logFile, 0, INT_MAX)
    log.stream.close()
    const bytes = readIndex(file)
    const entries = readOffsetIndex(bytes, baseOffset)
    if (entries.length === 0) {
      this.#out.line(`${file} is empty.`)
      return
    }
    if (this.#opts.indexSanityOnly) {
      // Kafka's OffsetIndex.sanityCheck.
      const lastOffset = entries[entries.length - 1]!.offset
      if (lastOffset < baseOffset) {
        throw new UsageError(`Corrupt index found, index file ${resolve(file)} has non-zero size but the last offset is ${lastOffset} which is less than the base offset ${baseOffset}`)
      }
      if (bytes.length % 8 !== 0) throw new UsageError(`Index file ${resolve(file)} is corrupt, found ${bytes.length} bytes which is neither positive nor a multiple of 8`)
      this.#out.line(`${file} passed sanity check.`)
      return
    }
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      // An index never trimmed (a crash) ends in zero entries: stop at the first, as Kafka does.
      if (entry.offset === baseOffset && i > 0) return
      const { stream } = openLog(logFile, entry.position, this.#opts.maxMessageSize)
      let first: FileBatch | null
      try {
        first = stream.nextBatch()
      } finally {
        stream.close()
      }
      if (first === null) throw new UsageError(`no whole batch within --max-message-size ${this.#opts.maxMessageSize} bytes at position ${entry.position} of ${logFile}`)
      if (first.lastOffset !== entry.offset) {
        const key = resolve(file)
        this.#indexMismatches.set(key, [[entry.offset, first.lastOffset], ...(this.#indexMismatches.get(key) ?? [])])
      }
      if (!this.#opts.verifyOnly) this.#out.line(`offset: ${entry.offset} position: ${entry.position}`)
      await this.#out.flush()
    }
  }

  async #dumpTimeIndex(file: string): Promise<void> {
    const baseOffset = baseOffsetOf(file)
    const prefix = basename(file).split('.')[0]
    const logFile = join(dirname(file), `${prefix}.log`)
    const indexFile = join(dirname(file), `${prefix}.index`)
    const { stream, size } = openLog(logFile, 0, INT_MAX)
    stream.close()
    const offsetEntries = readOffsetIndex(readIndex(indexFile), baseOffset)
    const bytes = readIndex(file)
    const entries: { timestamp: bigint; offset: bigint }[] = []
    for (let pos = 0; pos + 12 <= bytes.length; pos += 12) entries.push({ timestamp: bytes.readBigInt64BE(pos), offset: baseOffset + BigInt(bytes.readInt32BE(pos + 8)) })
    if (this.#opts.indexSanityOnly) {
      // Kafka's TimeIndex.sanityCheck.
      const abs = resolve(file)
      const last = entries[entries.length - 1]
      if (last !== undefined && last.timestamp < entries[0]!.timestamp) {
        throw new UsageError(`Corrupt time index found, time index file (${abs}) has non-zero size but the last timestamp is ${last.timestamp} which is less than the first timestamp ${entries[0]!.timestamp}`)
      }
      if (last !== undefined && last.offset < baseOffset) {
        throw new UsageError(`Corrupt time index found, time index file (${abs}) has non-zero size but the last offset is ${last.offset} which is less than the first offset ${baseOffset}`)
      }
      if (bytes.length % 12 !== 0) throw new UsageError(`Time index file ${abs} is corrupt, found ${bytes.length} bytes which is neither positive nor a multiple of 12`)
      this.#out.line(`${file} passed sanity check.`)
      return
    }
    let prevTimestamp = -1n
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      if (entry.offset === baseOffset && i > 0) return
      // The batch the entry names: the first at or after the offset index's position whose last offset reaches it.
      const from = lookup(offsetEntries, baseOffset, entry.offset).position
      const scan = openLog(logFile, from, size - from).stream
      let batch: FileBatch | null
      try {
        do batch = scan.nextBatch()
        while (batch !== null && batch.lastOffset < entry.offset)
      } finally {
        scan.close()
      }
      if (batch === null) TimeIndexDumpErrors.add(this.#timeIndexErrors.shallowOffsetNotFound, file, entry.offset, -1n)
      else if (batch.lastOffset !== entry.offset) TimeIndexDumpErrors.add(this.#timeIndexErrors.shallowOffsetNotFound, file, entry.offset, batch.lastOffset)
      else {
        let maxTimestamp = -1n
        for (const r of recordsOf(batch, logFile)) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp
        if (maxTimestamp !== entry.timestamp) TimeIndexDumpErrors.add(this.#timeIndexErrors.mismatches, file, entry.timestamp, maxTimestamp)
        if (prevTimestamp >= entry.timestamp) TimeIndexDumpErrors.add(this.#timeIndexErrors.outOfOrder, file, entry.timestamp, prevTimestamp)
      }
      if (!this.#opts.verifyOnly) this.#out.line(`timestamp: ${entry.timestamp} offset: ${entry.offset}`)
      prevTimestamp = entry.timestamp
      await this.#out.flush()
    }
  }

  /** Kafka's `dumpProducerIdSnapshot`: a corrupt snapshot is reported on stderr and the dump goes on. */
  async #dumpProducerSnapshot(file: string): Promise<void> {
    const bytes = readWhole(file)
    let problem: string | null = null
    if (bytes.length >= 2 && bytes.readInt16BE(0) !== 1) problem = `Snapshot contained an unknown file version ${bytes.readInt16BE(0)}`
    else if (bytes.length >= 6 && bytes.readUInt32BE(2) !== crc32c(bytes, 6)) {
      problem = `Snapshot is corrupt (CRC is no longer valid). Stored crc: ${bytes.readUInt32BE(2)}. Computed crc: ${crc32c(bytes, 6)}`
    }
    let entries: ReturnType<typeof decodeProducerSnapshot> = []
    if (problem === null) {
      try {
        entries = decodeProducerSnapshot(bytes)
      } catch (e) {
        problem = `Snapshot failed schema validation: ${(e as Error).message}`
      }
    }
    if (problem !== null) {
      await this.#out.flush(true)
      process.stderr.write(`${problem}\n`)
      return
    }
    for (const e of entries) {
      let line =
        `producerId: ${e.producerId} producerEpoch: ${e.epoch} coordinatorEpoch: ${e.coordinatorEpoch} ` +
        `currentTxnFirstOffset: ${e.currentTxnFirstOffset >= 0 ? `OptionalLong[${e.currentTxnFirstOffset}]` : 'OptionalLong.empty'} lastTimestamp: ${e.timestamp} `
      if (e.lastOffset >= 0) {
        // BatchMetadata.firstSeq: DefaultRecordBatch.decrementSequence.
        const firstSeq = e.lastSequence < e.offsetDelta ? INT_MAX - (e.offsetDelta - e.lastSequence) + 1 : e.lastSequence - e.offsetDelta
        line += `firstSequence: ${firstSeq} lastSequence: ${e.lastSequence} lastOffset: ${e.lastOffset} offsetDelta: ${e.offsetDelta} timestamp: ${e.timestamp}`
      }
      this.#out.line(line)
    }
  }

  /** Kafka's `dumpTxnIndex`: 34-byte aborted-transaction entries. */
  async #dumpTxnIndex(file: string): Promise<void> {
    const bytes = readWhole(file)
    for (let pos = 0; pos + 34 <= bytes.length; pos += 34) {
      const version = bytes.readInt16BE(pos)
      if (version !== 0) throw new UsageError(`Unexpected aborted transaction version ${version} in transaction index ${file}, current version is 0`)
      this.#out.line(
        `version: ${version} producerId: ${bytes.readBigInt64BE(pos + 2)} firstOffset: ${bytes.readBigInt64BE(pos + 10)} ` +
          `lastOffset: ${bytes.readBigInt64BE(pos + 18)} lastStableOffset: ${bytes.readBigInt64BE(pos + 26)}`,
      )
    }
  }
}

/** The tool: dumps every file of `--files`; resolves with the exit code. */
export async function runDumpLogSegments(args: ParsedArgs): Promise<number> {
  const files = args.required('files').split(',')
  // Java's String.split drops trailing empty strings.
  while (files.length > 0 && files[files.length - 1] === '') files.pop()
  for (const unsupported of ['cluster-metadata-decoder', 'remote-log-metadata-decoder']) {
    if (args.has(unsupported)) throw new UsageError(`--${unsupported} is not supported by Brook`)
  }
  const maxMessageSize = args.int('max-message-size')!
  const maxBytes = args.int('max-bytes')!
  const offsets = args.has('offsets-decoder')
  const transactions = args.has('transaction-log-decoder')
  const decoders = args.has('key-decoder-class') || args.has('value-decoder-class')
  // Checked before the first file: Kafka would fail on the first .log, after printing "Dumping".
  const valueDecoder = decoderFor('value-decoder-class', args.value('value-decoder-class')!)
  const keyDecoder = decoderFor('key-decoder-class', args.value('key-decoder-class')!)
  const printDataLog = args.has('print-data-log') || offsets || transactions || decoders
  const out = new Output()
  const opts: DumpOptions = {
    printDataLog,
    deepIteration: args.has('deep-iteration') || printDataLog,
    verifyOnly: args.has('verify-index-only'),
    indexSanityOnly: args.has('index-sanity-check'),
    skipRecordMetadata: args.has('skip-record-metadata'),
    maxMessageSize,
    maxBytes,
    messageParser: () => {
      if (offsets) return offsetsMessageParser
      if (transactions) return transactionLogMessageParser
      for (const d of [valueDecoder, keyDecoder]) if (d.notice) out.line(d.notice)
      return decoderMessageParser(keyDecoder.decode, valueDecoder.decode)
    },
  }
  const dumper = new DumpLogSegments(out, opts)
  try {
    for (const file of files) await dumper.dump(file)
  } finally {
    await out.flush(true)
  }
  const errors = dumper.errorLines()
  if (errors.length > 0) process.stderr.write(`${errors.join('\n')}\n`)
  return 0
}
