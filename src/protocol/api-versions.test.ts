import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ADVERTISED_API_VERSIONS, API_KEYS, advertisedVersions } from './api-versions.js'

test('the API table has every key once, in order', () => {
  const keys = API_KEYS.map((a) => a.apiKey)
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b))
  assert.equal(new Set(keys).size, keys.length)
  assert.ok(keys.includes(0) && keys.includes(18) && keys.includes(75))
})

test('client-facing APIs are advertised over their full range', () => {
  assert.deepEqual(advertisedVersions(0), { apiKey: 0, name: 'Produce', minVersion: 0, maxVersion: 11 })
  assert.deepEqual(advertisedVersions(1), { apiKey: 1, name: 'Fetch', minVersion: 0, maxVersion: 17 })
  assert.deepEqual(advertisedVersions(3), { apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 12 })
  assert.deepEqual(advertisedVersions(18), { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 4 })
})

test('controller-only APIs are not advertised, and unstable latest versions are held back', () => {
  assert.equal(advertisedVersions(52), undefined, 'Vote is KRaft-controller only')
  assert.equal(advertisedVersions(62), undefined, 'BrokerRegistration is controller only')
  const endTxn = API_KEYS.find((a) => a.name === 'EndTxn')!
  assert.equal(advertisedVersions(endTxn.apiKey)!.maxVersion, endTxn.maxVersion - 1)
  for (const r of ADVERTISED_API_VERSIONS) assert.ok(r.minVersion <= r.maxVersion, r.name)
})
