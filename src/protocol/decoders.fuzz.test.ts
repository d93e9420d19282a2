/**
 * Seeded fuzzing of every protocol decoder: valid encodings mutated (bit
 * flips, lying lengths and counts, truncation, endless varints, insertions)
 * and purely random buffers. The only error allowed to escape is DecodeError;
 * a hang fails the test by its timeout.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { API_SPECS, DATA_SPECS } from './messages/index.js'
import { MESSAGE_SCHEMAS } from './messages/schemas.js'
import type { MessageSpec } from './message-spec.js'
import { decodeRequest, encodeRequest } from './frame.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'
import { buildSample } from './testing/message-samples.js'
import { fuzzCall, mutate, randomBytes, randomInt, seededRng, type FuzzStats } from './testing/fuzz.js'
import { CompressionType, type KafkaRecord, type RecordBatch } from './records/record.js'
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from './records/record-batch.js'
import { scanRecordBatches } from './records/record-batch-header.js'
import { crc32c } from './records/crc32c.js'
import { decodeLegacyMessageSet, encodeLegacyMessageSet, type LegacyMessage } from './records/legacy-message-set.js'
import { compressSync, decompressSync } from './records/compression.js'
import { decodeControlRecordKey, decodeEndTransactionMarker } from './records/control-record.js'
import { crc32 } from 'node:zlib'

const SEED = Number(process.env.BROOK_FUZZ_SEED ?? 20261128)
const TIMEOUT_MS = 300_000
const newStats = (): FuzzStats => ({ calls: 0, decodeErrors: 0, maxCallMs: 0 })

function report(name: string, s: FuzzStats): void {
  console.log(`# fuzz ${name}: ${s.calls} calls, ${s.decodeErrors} DecodeErrors, slowest call ${s.maxCallMs.toFixed(1)} ms (seed ${SEED})`)
}

describe('decoder fuzzing', { timeout: TIMEOUT_MS }, () => {
  test('message decoders: every message and version, 100,000+ mutated and random buffers', () => {
    const rng = seededRng(SEED)
    const stats = newStats()
    const specs: MessageSpec<unknown>[] = [...API_SPECS.flatMap((a) => [a.request, a.response]), ...DATA_SPECS]
    const PER_VERSION = 150
    for (const spec of specs) {
      for (let v = spec.minVersion; v <= spec.maxVersion; v++) {
        const decode = (b: Buffer) => spec.read(new Reader(b), v)
        const w = new Writer()
        spec.write(w, buildSample(MESSAGE_SCHEMAS[spec.name]!, v, spec.flexibleMinVersion, { unknownTags: true }), v)
        const valid = Buffer.from(w.finish())
        for (let i = 0; i < PER_VERSION; i++) {
          const input = i % 10 === 9 ? randomBytes(rng, randomInt(rng, 64)) : mutate(rng, valid)
          fuzzCall(stats, `${spec.name} v${v}`, input, decode)
        }
      }
    }
    report('messages', stats)
    assert.ok(stats.calls >= 100_000, `${stats.calls} calls`)
    assert.ok(stats.decodeErrors > stats.calls / 4, 'mutations should mostly be rejected')
  })

  test('request frames: 100,000 mutated requests through decodeRequest', () => {
    const rng = seededRng(SEED + 1)
    const stats = newStats()
    const frames: Buffer[] = []
    for (const api of API_SPECS) {
      for (const v of [api.minVersion, api.maxVersion]) {
        const body = buildSample(MESSAGE_SCHEMAS[api.request.name]!, v, api.request.flexibleMinVersion)
        frames.push(encodeRequest({ apiKey: api.apiKey, apiVersion: v, correlationId: 1, clientId: 'fuzz' }, body).subarray(4))
      }
    }
    for (let i = 0; i < 100_000; i++) {
      const input = i % 10 === 9 ? randomBytes(rng, randomInt(rng, 128)) : mutate(rng, frames[randomInt(rng, frames.length)]!)
      fuzzCall(stats, 'decodeRequest', input, decodeRequest)
    }
    report('request frames', stats)
    assert.equal(stats.calls, 100_000)
  })

  test('record batch decoders: 100,000 mutated batches (CRC re-signed half the time) through decode, decodeRecordBatches and the header view', () => {
    const rng = seededRng(SEED + 2)
    const stats = newStats()
    const batches = Object.values(CompressionType).map((codec) => encodeRecordBatch(sampleBatch(codec)))
    for (let i = 0; i < 100_000; i++) {
      let input = i % 10 === 9 ? randomBytes(rng, randomInt(rng, 200)) : mutate(rng, batches[randomInt(rng, batches.length)]!)
      // Re-sign half the mutants so the record parser behind the CRC check is exercised too.
      if (i % 2 === 0 && input.length >= 61) input.writeUInt32BE(crc32c(input, 21), 17)
      fuzzCall(stats, 'decodeRecordBatch', input, (b) => decodeRecordBatch(b))
      fuzzCall(stats, 'decodeRecordBatches', input, (b) => decodeRecordBatches(b))
      fuzzCall(stats, 'scanRecordBatches', input, (b) => scanRecordBatches(b, 0, b.length, true).batches.map((v) => v.isValid()))
    }
    report('record batches', stats)
    assert.ok(stats.calls >= 300_000)
  })

  test('legacy message set decoder: 100,000 mutated v0/v1 sets (CRC re-signed half the time)', () => {
    const rng = seededRng(SEED + 3)
    const stats = newStats()
    const sets: Buffer[] = []
    for (const magic of [0, 1] as const) {
      const messages: LegacyMessage[] = [0, 1, 2].map((i) => ({ offset: i, magic, attributes: 0, timestamp: magic === 0 ? -1 : 1_700_000_000_000 + i, key: i === 1 ? null : Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`) }))
      for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
        sets.push(encodeLegacyMessageSet(messages, { compression }))
      }
    }
    for (let i = 0; i < 100_000; i++) {
      const input = i % 10 === 9 ? randomBytes(rng, randomInt(rng, 100)) : mutate(rng, sets[randomInt(rng, sets.length)]!)
      // The first message's CRC covers bytes 16..12+size: re-sign it half the time.
      if (i % 2 === 0 && input.length >= 26) {
        const end = Math.min(input.length, 12 + Math.max(0, input.readInt32BE(8)))
        if (end > 16) input.writeUInt32BE(crc32(input.subarray(16, end)), 12)
      }
      fuzzCall(stats, 'decodeLegacyMessageSet', input, (b) => decodeLegacyMessageSet(b))
    }
    report('legacy message sets', stats)
    assert.equal(stats.calls, 100_000)
  })

  test('decompressors: 100,000 mutated and random inputs for each codec', () => {
    const rng = seededRng(SEED + 4)
    const plain = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(40))
    for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const stats = newStats()
      const valid = compressSync(codec, plain)
      for (let i = 0; i < 100_000; i++) {
        const input = i % 10 === 9 ? randomBytes(rng, randomInt(rng, 64)) : mutate(rng, valid)
        fuzzCall(stats, `decompress codec ${codec}`, input, (b) => decompressSync(codec, b, { maxOutputBytes: 1 << 20 }))
      }
      report(`decompress codec ${codec}`, stats)
      assert.equal(stats.calls, 100_000)
    }
  })

  test('control record decoders: 100,000 random keys and values', () => {
    const rng = seededRng(SEED + 5)
    const stats = newStats()
    for (let i = 0; i < 100_000; i++) {
      const input = randomBytes(rng, randomInt(rng, 10))
      fuzzCall(stats, 'decodeControlRecordKey', input, decodeControlRecordKey)
      fuzzCall(stats, 'decodeEndTransactionMarker', input, decodeEndTransactionMarker)
    }
    report('control records', stats)
    assert.equal(stats.calls, 200_000)
  })
})

function sampleBatch(compression: number): RecordBatch {
  const records: KafkaRecord[] = [0, 1, 2].map((i) => ({
    attributes: 0,
    timestampDelta: i * 7,
    offsetDelta: i,
    key: i === 2 ? null : Buffer.from(`key-${i}`),
    value: Buffer.from(`value-${i}-`.repeat(i + 1)),
    headers: i === 1 ? [{ key: 'h', value: Buffer.from('v') }, { key: 'n', value: null }] : [],
  }))
  return {
    baseOffset: 100, partitionLeaderEpoch: 3, attributes: compression, lastOffsetDelta: 2,
    baseTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_014, producerId: 42, producerEpoch: 1, baseSequence: 9, records,
  }
}
