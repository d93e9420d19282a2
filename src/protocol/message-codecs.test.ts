import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { API_SPECS, DATA_SPECS } from './messages/index.js'
import { MESSAGE_SCHEMAS } from './messages/schemas.js'
import type { MessageSpec } from './message-spec.js'
import { inRange } from './message-schema.js'
import { EncodeError } from './codec-error.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'
import { buildSample, type SampleOptions } from './testing/message-samples.js'

const ALL: MessageSpec<unknown>[] = [...API_SPECS.flatMap((a) => [a.request, a.response]), ...DATA_SPECS]

function encode(spec: MessageSpec<unknown>, m: unknown, v: number): Buffer {
  const w = new Writer()
  spec.write(w, m, v)
  return Buffer.from(w.finish())
}

function roundTrip(spec: MessageSpec<unknown>, v: number, options: SampleOptions): void {
  const sample = buildSample(MESSAGE_SCHEMAS[spec.name]!, v, spec.flexibleMinVersion, options)
  const bytes = encode(spec, sample, v)
  const r = new Reader(bytes)
  const decoded = spec.read(r, v)
  assert.equal(r.remaining, 0, `v${v}: ${r.remaining} bytes left after decode`)
  assert.deepStrictEqual(decoded, sample, `v${v}: decoded value differs`)
  assert.ok(encode(spec, decoded, v).equals(bytes), `v${v}: re-encoding differs`)
}

describe('generated codecs: every message, every valid version', () => {
  test('the spec is covered: 88 APIs plus headers and data schemas', () => {
    assert.ok(API_SPECS.length >= 80, `${API_SPECS.length} APIs`)
    assert.ok(DATA_SPECS.some((s) => s.name === 'OffsetCommitValue'))
    assert.ok(DATA_SPECS.some((s) => s.name === 'TransactionLogValue'))
    assert.ok(DATA_SPECS.some((s) => s.name === 'RequestHeader'))
  })
  for (const spec of ALL) {
    test(`${spec.name} v${spec.minVersion}-${spec.maxVersion} round-trips`, () => {
      for (let v = spec.minVersion; v <= spec.maxVersion; v++) {
        // Every field non-default, tagged fields included; then unknown tags kept; then nulls.
        roundTrip(spec, v, {})
        roundTrip(spec, v, { unknownTags: true })
        roundTrip(spec, v, { nulls: true })
      }
    })
  }
})

describe('fields a version lacks', () => {
  // Kafka's generated write(): a non-default value in a field the version lacks
  // is an UnsupportedVersionException unless the field is ignorable.
  test('a non-ignorable field set at a version without it is an EncodeError; an ignorable one is dropped', () => {
    let strict = 0
    let ignorable = 0
    for (const spec of ALL) {
      const schema = MESSAGE_SCHEMAS[spec.name]!
      for (let v = spec.minVersion; v <= spec.maxVersion; v++) {
        for (const f of schema.fields) {
          const exists = f.tag === null ? f.versions : f.tagged
          if (exists === null || inRange(exists, v)) continue
          // A non-default value for the field, taken from a version that has it.
          const donor = buildSample(schema, exists[0], spec.flexibleMinVersion)
          const m = { ...buildSample(schema, v, spec.flexibleMinVersion), [f.prop]: donor[f.prop] }
          if (f.ignorable) {
            const decoded = spec.read(new Reader(encode(spec, m, v)), v) as Record<string, unknown>
            assert.deepStrictEqual(decoded[f.prop], (schema.create() as Record<string, unknown>)[f.prop], `${spec.name}.${f.prop} v${v}`)
            ignorable++
          } else {
            assert.throws(() => encode(spec, m, v), EncodeError, `${spec.name}.${f.prop} v${v}`)
            strict++
          }
        }
      }
    }
    assert.ok(strict > 100 && ignorable > 20, `checked ${strict} strict and ${ignorable} ignorable cases`)
  })

  test('null in a version where the field is not nullable is an EncodeError', () => {
    const produce = API_SPECS[0]!.request
    const m = buildSample(MESSAGE_SCHEMAS.ProduceRequest!, 3, produce.flexibleMinVersion)
    const topic = (m.topicData as Record<string, unknown>[])[0]!
    topic.name = null
    assert.throws(() => encode(produce, m, 3), EncodeError)
  })
})

describe('KIP-893 nullable structs', () => {
  test('in the body: int8 -1 for null, 1 before a present struct', async () => {
    const { ConsumerGroupHeartbeatApi, defaultConsumerGroupHeartbeatResponseAssignment } = await import('./messages/index.js')
    const res = ConsumerGroupHeartbeatApi.response
    const nul = encode(res, res.create(), 0)
    // ... heartbeatIntervalMs int32, assignment marker, empty tagged fields
    assert.equal(nul.at(-2), 0xff)
    const present = encode(res, { ...res.create(), assignment: defaultConsumerGroupHeartbeatResponseAssignment() }, 0)
    assert.equal(present.length, nul.length + 2, 'marker 1, an empty compact array, the struct tagged fields')
    assert.equal(present[nul.length - 2], 0x01)
  })

  test('in a tagged field: uvarint 1 before a present struct, absent when null (its default)', async () => {
    const { ConsumerGroupMemberMetadataValueSpec, defaultConsumerGroupMemberMetadataValueClassicMemberMetadata } = await import('./messages/index.js')
    const spec = ConsumerGroupMemberMetadataValueSpec
    const absent = encode(spec, spec.create(), 0)
    assert.equal(absent.at(-1), 0x00, 'no tagged fields')
    const present = encode(spec, { ...spec.create(), classicMemberMetadata: defaultConsumerGroupMemberMetadataValueClassicMemberMetadata() }, 0)
    // count 1, tag 0, size, marker 1, then the struct.
    const section = present.subarray(absent.length - 1)
    assert.deepEqual([...section.subarray(0, 2)], [1, 0])
    assert.equal(section[3], 0x01)
    assert.deepStrictEqual(spec.read(new Reader(present), 0), { ...spec.create(), classicMemberMetadata: defaultConsumerGroupMemberMetadataValueClassicMemberMetadata() })
  })
})
