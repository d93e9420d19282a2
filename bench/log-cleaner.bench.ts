/**
 * Log cleaner throughput. Not a test: run after a build with
 *   node dist/bench/log-cleaner.bench.js [options]     (--help lists them)
 * and record the figures in docs/BENCHMARKS.md with the command line.
 *
 * In process, through the storage API only: a compacted UnifiedLog in a
 * temporary dir gets --mb MiB of updates (--keys distinct keys, round robin,
 * --value-bytes values, --batch records per batch, optionally compressed),
 * is rolled, and one LogCleaner pass cleans it all. Reported: MB/s of log
 * read by the pass (the figure Kafka's cleaner logs), the map and recopy
 * phases apart, the size reduction, and the event loop's delay while the
 * pass ran (perf_hooks.monitorEventLoopDelay: how long other work waited).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { memoryLogger } from '../src/common/logger.js'
import { SYSTEM_TIME } from '../src/common/time.js'
import { encodeRecordBatch } from '../src/protocol/records/record-batch.js'
import { CompressionType, type KafkaRecord } from '../src/protocol/records/record.js'
import { DEFAULT_LOG_CONFIG } from '../src/storage/log-config.js'
import { LogCleaner } from '../src/storage/log-cleaner.js'
import { UnifiedLog } from '../src/storage/unified-log.js'

const USAGE = `usage: node dist/bench/log-cleaner.bench.js [options]

  --mb N            MiB of records to write and clean (default 256)
  --keys K          distinct keys (default 10000)
  --value-bytes B   value size (default 100)
  --batch R         records per batch (default 1000)
  --compression C   none, gzip, snappy, lz4 or zstd (default none)
  --segment-mb S    segment.bytes in MiB (default 64)
  --dedupe-mb D     log.cleaner.dedupe.buffer.size in MiB (default 128)
  --dir DIR         parent of the temporary log dir (default the OS temp dir)
  -h, --help        this text
`

const CODECS: Record<string, CompressionType> = {
  none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd,
}

function parseArgs(argv: string[]): { mb: number; keys: number; valueBytes: number; batch: number; compression: string; segmentMb: number; dedupeMb: number; dir: string } {
  const o = { mb: 256, keys: 10_000, valueBytes: 100, batch: 1000, compression: 'none', segmentMb: 64, dedupeMb: 128, dir: tmpdir() }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const v = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${a} needs a value`)
      return next
    }
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE)
      process.exit(0)
    } else if (a === '--mb') o.mb = Number(v())
    else if (a === '--keys') o.keys = Number(v())
    else if (a === '--value-bytes') o.valueBytes = Number(v())
    else if (a === '--batch') o.batch = Number(v())
    else if (a === '--compression') o.compression = v()
    else if (a === '--segment-mb') o.segmentMb = Number(v())
    else if (a === '--dedupe-mb') o.dedupeMb = Number(v())
    else if (a === '--dir') o.dir = v()
    else throw new Error(`unknown option ${a}\n${USAGE}`)
  }
  if (CODECS[o.compression] === undefined) throw new Error(`unknown codec ${o.compression}`)
  return o
}

const MiB = 1024 * 1024
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  const root = await mkdtemp(join(o.dir, 'brook-cleaner-bench-'))
  const config = {
    ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'] as const, segmentBytes: o.segmentMb * MiB, minCleanableDirtyRatio: 0, fileDeleteDelayMs: 0,
  }
  const log = await UnifiedLog.open(join(root, 'bench-0'), config, { time: SYSTEM_TIME, recoveryPoint: 0, logStartOffset: 0, producerIdExpirationMs: 86_400_000, hadCleanShutdown: false })
  try {
    // Write: distinct random-looking values so compression has realistic work.
    const started = performance.now()
    const value = Buffer.alloc(o.valueBytes)
    let seq = 0
    while (log.size < o.mb * MiB) {
      const records: KafkaRecord[] = new Array(o.batch)
      for (let i = 0; i < o.batch; i++, seq++) {
        for (let j = 0; j < value.length; j += 4) value.writeUInt32LE((Math.imul(seq + j, 2654435761) & (j % 8 === 0 ? 0xffffffff : 0x0f0f0f0f)) >>> 0, Math.min(j, value.length - 4))
        records[i] = { attributes: 0, timestampDelta: i, offsetDelta: i, key: Buffer.from(`key-${seq % o.keys}`), value: Buffer.from(value), headers: [] }
      }
      const ts = Date.now()
      const batch = encodeRecordBatch({
        baseOffset: 0, partitionLeaderEpoch: -1, attributes: CODECS[o.compression]!, lastOffsetDelta: o.batch - 1, baseTimestamp: ts, maxTimestamp: ts + o.batch - 1,
        producerId: -1, producerEpoch: -1, baseSequence: -1, records,
      })
      await log.appendAsLeader(batch, 0)
    }
    await log.roll()
    log.updateHighWatermark(log.logEndOffset)
    const bytes = log.size
    console.log(`wrote ${fmt(bytes / MiB)} MiB, ${seq.toLocaleString('en-US')} records over ${o.keys.toLocaleString('en-US')} keys, ${o.compression}, ${log.segmentCount} segments, in ${fmt((performance.now() - started) / 1000)} s`)

    const logger = memoryLogger({ level: 'info' })
    const cleaner = await LogCleaner.create({
      logDirs: [root], time: SYSTEM_TIME, logger, logs: () => [{ tp: { topic: 'bench', partition: 0 }, logDir: root, log }],
      config: { enable: true, backoffMs: 15_000, dedupeBufferSize: o.dedupeMb * MiB },
    })
    // Sampled every 1 ms; a sample is that 1 ms plus however long the loop was busy past it.
    const delay = monitorEventLoopDelay({ resolution: 1 })
    delay.enable()
    const t0 = performance.now()
    let passes = 0
    while (await cleaner.cleanFilthiestLog()) passes++
    const secs = (performance.now() - t0) / 1000
    delay.disable()
    const lag = (ns: number) => Math.max(0, ns / 1e6 - 1)
    const line = logger.lines.find((l) => l.includes('Cleaned log')) ?? ''
    const map = /dirty offsets .* mapped \(([\d.]+) MB/.exec(line)
    console.log(logger.lines.filter((l) => l.includes('Cleaned log')).join('\n'))
    const mbps = bytes / MiB / secs
    const after = log.size
    console.log(
      `cleaned ${fmt(bytes / MiB)} MiB in ${fmt(secs, 2)} s (${passes} pass${passes === 1 ? '' : 'es'}): ${fmt(mbps)} MB/s of log; ` +
        `${fmt(bytes / MiB)} -> ${fmt(after / MiB, 2)} MiB (${fmt(100 * (1 - after / bytes))}% smaller), ${log.segmentCount} segments; ` +
        `event loop lag p50 ${fmt(lag(delay.percentile(50)))} ms, p99 ${fmt(lag(delay.percentile(99)))} ms, max ${fmt(lag(delay.max))} ms`,
    )
    console.log(
      `RESULT bench=log-cleaner mb=${fmt(bytes / MiB)} keys=${o.keys} value_bytes=${o.valueBytes} compression=${o.compression} passes=${passes} secs=${secs.toFixed(3)} ` +
        `mb_per_sec=${mbps.toFixed(1)} map_mb=${map?.[1] ?? '?'} after_mb=${(after / MiB).toFixed(3)} loop_lag_p99_ms=${lag(delay.percentile(99)).toFixed(1)} loop_lag_max_ms=${lag(delay.max).toFixed(1)}`,
    )
  } finally {
    await log.close()
    await rm(root, { recursive: true, force: true })
  }
}

await main()
