import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DefaultMessageFormatter, javaDoubleString, javaFloatString, type FormattedRecord } from './default-message-formatter.js'

const base: FormattedRecord = { topic: 't', partition: 0, offsetNumber: 123, timestamp: 123, timestampType: 'CreateTime', key: Buffer.from('key'), value: Buffer.from('value'), headers: [] }
const withHeaders: FormattedRecord = { ...base, headers: [{ key: 'h1', value: Buffer.from('v1') }, { key: 'h2', value: Buffer.from('v2') }] }
const text = (configs: Record<string, string>, r: FormattedRecord = base) => Buffer.concat(new DefaultMessageFormatter(configs).format(r)).toString()

test("each print.* setting adds its field in Kafka's order, separated by key.separator", () => {
  assert.equal(text({}), 'value\n')
  const c: Record<string, string> = { 'print.key': 'true' }
  assert.equal(text(c), 'key\tvalue\n')
  c['print.partition'] = 'true'
  assert.equal(text(c), 'Partition:0\tkey\tvalue\n')
  c['print.timestamp'] = 'true'
  assert.equal(text(c), 'CreateTime:123\tPartition:0\tkey\tvalue\n')
  assert.equal(text(c, { ...base, timestamp: -1 }), 'NO_TIMESTAMP\tPartition:0\tkey\tvalue\n')
  assert.equal(text(c, { ...base, timestampType: 'LogAppendTime' }), 'LogAppendTime:123\tPartition:0\tkey\tvalue\n')
  c['print.offset'] = 'true'
  assert.equal(text(c), 'CreateTime:123\tPartition:0\tOffset:123\tkey\tvalue\n')
  c['print.headers'] = 'true'
  assert.equal(text(c), 'CreateTime:123\tPartition:0\tOffset:123\tNO_HEADERS\tkey\tvalue\n')
  assert.equal(text(c, withHeaders), 'CreateTime:123\tPartition:0\tOffset:123\th1:v1,h2:v2\tkey\tvalue\n')
  // Without the value, the last field printed ends the line.
  c['print.value'] = 'false'
  assert.equal(text(c, withHeaders), 'CreateTime:123\tPartition:0\tOffset:123\th1:v1,h2:v2\tkey\n')
  c['key.separator'] = '<sep>'
  c['line.separator'] = '<end>'
  c['headers.separator'] = '|'
  assert.equal(text(c, withHeaders), 'CreateTime:123<sep>Partition:0<sep>Offset:123<sep>h1:v1|h2:v2<sep>key<end>')
  assert.equal(text({ 'print.value': 'false', 'print.offset': 'TRUE ' }), 'Offset:123\n')
  assert.equal(text({ 'print.value': 'false' }), '')
})

test('null.literal stands for a null key, value or header value', () => {
  const r = { ...base, key: null, value: null, headers: [{ key: 'h', value: null }] }
  assert.equal(text({ 'print.key': 'true', 'print.headers': 'true' }, r), 'h:null\tnull\tnull\n')
  assert.equal(text({ 'print.key': 'true', 'print.headers': 'true', 'null.literal': '<null>' }, r), 'h:<null>\t<null>\t<null>\n')
})

test("deserializers print what the Java object's toString gives; a wrong size is Kafka's SerializationException", () => {
  const S = 'org.apache.kafka.common.serialization.'
  const long = Buffer.alloc(8)
  long.writeBigInt64BE(-42n)
  const int = Buffer.alloc(4)
  int.writeInt32BE(7)
  const dbl = Buffer.alloc(8)
  dbl.writeDoubleBE(2)
  const r = { ...base, key: Buffer.from('word'), value: long }
  assert.equal(text({ 'print.key': 'true', 'key.deserializer': `${S}StringDeserializer`, 'value.deserializer': `${S}LongDeserializer` }, r), 'word\t-42\n')
  assert.equal(text({ 'value.deserializer': `${S}IntegerDeserializer` }, { ...base, value: int }), '7\n')
  assert.equal(text({ 'value.deserializer': `${S}DoubleDeserializer` }, { ...base, value: dbl }), '2.0\n')
  assert.throws(() => text({ 'value.deserializer': `${S}LongDeserializer` }), (e: Error) => e.name === 'SerializationException' && e.message === 'Size of data received by LongDeserializer is not 8')
})

test("Java's Double.toString and Float.toString", () => {
  assert.deepEqual([1, 0.5, 0.001, 1234567.5, 1e7, 1.5e-4, 1e21, -0, NaN, -Infinity].map((v) => javaDoubleString(v)), ['1.0', '0.5', '0.001', '1234567.5', '1.0E7', '1.5E-4', '1.0E21', '-0.0', 'NaN', '-Infinity'])
  assert.deepEqual([0.1, 3.14, 1e10, 16777216].map((v) => javaFloatString(Math.fround(v))), ['0.1', '3.14', '1.0E10', '1.6777216E7'])
})
