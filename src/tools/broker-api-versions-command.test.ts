import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ApiInfo } from '../protocol/message-spec.js'
import { nodeApiVersionsText, nodeText } from './broker-api-versions-command.js'

const api = (apiKey: number, name: string, minVersion: number, maxVersion: number, listeners: string[] = ['zkBroker', 'broker']): ApiInfo => ({
  apiKey,
  name,
  minVersion,
  maxVersion,
  flexibleMinVersion: null,
  deprecatedVersions: null,
  latestVersionUnstable: false,
  listeners,
})

test("NodeApiVersions.toString(true): usable versions, the unusable cases, unknown and unsupported APIs, in api key order", () => {
  const client = [api(0, 'Produce', 3, 11), api(1, 'Fetch', 4, 17), api(2, 'ListOffsets', 1, 10), api(3, 'Metadata', 0, 12), api(4, 'LeaderAndIsr', 0, 7, ['zkBroker']), api(5, 'Vote', 0, 1, ['controller']), api(47, 'OffsetDelete', 0, 0)]
  const text = nodeApiVersionsText(
    [
      { apiKey: 47, minVersion: 0, maxVersion: 0 },
      { apiKey: 0, minVersion: 0, maxVersion: 13 },
      { apiKey: 1, minVersion: 0, maxVersion: 3 },
      { apiKey: 2, minVersion: 11, maxVersion: 12 },
      { apiKey: 3, minVersion: 0, maxVersion: 9 },
      { apiKey: 999, minVersion: 0, maxVersion: 2 },
    ],
    client,
  )
  assert.equal(
    text,
    [
      '(',
      '\tProduce(0): 0 to 13 [usable: 11],',
      '\tFetch(1): 0 to 3 [unusable: node too old],',
      '\tListOffsets(2): 11 to 12 [unusable: node too new],',
      '\tMetadata(3): 0 to 9 [usable: 9],',
      '\tLeaderAndIsr(4): UNSUPPORTED,',
      '\tOffsetDelete(47): 0 [usable: 0],',
      '\tUNKNOWN(999): 0 to 2',
      ')',
    ].join('\n'),
  )
})

test("Node.toString() of Kafka 3.x", () => {
  assert.equal(nodeText({ nodeId: 2, host: 'kafka-2.example', port: 9093, rack: null }), 'kafka-2.example:9093 (id: 2 rack: null)')
  assert.equal(nodeText({ nodeId: 0, host: '127.0.0.1', port: 9092, rack: 'us-east-1a' }), '127.0.0.1:9092 (id: 0 rack: us-east-1a)')
})
