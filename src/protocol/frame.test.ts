import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, requestHeaderVersion, responseHeaderVersion } from './frame.js'
import { DecodeError } from './codec-error.js'
import { ApiVersionsApi, MetadataApi, ProduceApi, defaultMetadataRequestTopic } from './messages/index.js'

test('header versions follow flexibility, with the ControlledShutdown v0 and ApiVersions exceptions', () => {
  assert.equal(requestHeaderVersion(0, 8), 1)
  assert.equal(requestHeaderVersion(0, 9), 2)
  assert.equal(requestHeaderVersion(7, 0), 0)
  assert.equal(requestHeaderVersion(7, 1), 1)
  assert.equal(responseHeaderVersion(0, 8), 0)
  assert.equal(responseHeaderVersion(0, 9), 1)
  for (let v = 0; v <= 4; v++) assert.equal(responseHeaderVersion(18, v), 0)
  // A newer ApiVersions than we know still parses as flexible (header v2).
  assert.equal(requestHeaderVersion(18, 99), 2)
})

test('request header v1 keeps the client id as an int16-length string even when flexible', () => {
  const frame = encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'abc' }, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'x', clientSoftwareVersion: 'y' })
  // size, api key 18, version 3, correlation 7, client id int16 length 3 'abc', empty tagged fields (v2 header)
  assert.equal(frame.subarray(4, 4 + 2 + 2 + 4 + 2 + 3 + 1).toString('hex'), '0012' + '0003' + '00000007' + '0003' + '616263' + '00')
  assert.equal(frame.readInt32BE(0), frame.length - 4)
  const decoded = decodeRequest(frame.subarray(4))
  assert.equal(decoded.headerVersion, 2)
  assert.deepStrictEqual(decoded.header, { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'abc' })
  assert.deepStrictEqual(decoded.body, { clientSoftwareName: 'x', clientSoftwareVersion: 'y' })
})

test('request round trip through the API table', () => {
  const body = { ...MetadataApi.request.create(), topics: [{ ...defaultMetadataRequestTopic(), name: 'golden', topicId: 'yqNAxjGeQvmJjc8xgaIYpQ' }] }
  const frame = encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 1, clientId: null }, body)
  const decoded = decodeRequest(frame.subarray(4))
  assert.equal(decoded.api.name, 'Metadata')
  assert.equal(decoded.header.clientId, null)
  assert.deepStrictEqual(decoded.body, body)
})

test('ApiVersions responses always use response header v0', () => {
  const body = { ...ApiVersionsApi.response.create(), apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }] }
  const frame = encodeResponse(18, 3, 42, body)
  // size | correlation id | error code: no tagged-field byte between them.
  assert.equal(frame.readInt32BE(4), 42)
  assert.equal(frame.readInt16BE(8), 0)
  assert.deepStrictEqual(decodeResponse(18, 3, frame.subarray(4)).body, body)
  const produce = encodeResponse(0, 9, 5, ProduceApi.response.create())
  assert.equal(produce[8], 0, 'flexible Produce response has an empty tagged-field section after the correlation id')
})

test('bad frames raise DecodeError', () => {
  assert.throws(() => decodeRequestHeader(Buffer.alloc(3)), DecodeError)
  const unknownKey = Buffer.from('7fff0000000000010000', 'hex')
  assert.throws(() => decodeRequest(unknownKey), DecodeError)
  const frame = encodeRequest({ apiKey: 0, apiVersion: 3, correlationId: 1, clientId: 'c' }, ProduceApi.request.create())
  assert.throws(() => decodeRequest(Buffer.concat([frame.subarray(4), Buffer.from([0])])), /trailing/)
  assert.throws(() => decodeRequest(frame.subarray(4, frame.length - 1)), DecodeError)
})
