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
})
