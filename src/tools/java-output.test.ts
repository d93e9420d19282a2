import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaHashMapOrder, javaStringHash, kafkaExceptionClass, kafkaExceptionString, topicPartitionHash } from './java-output.js'

// Expected orders printed by a Java 17 program putting the same keys into java.util.HashMap.

const tp = (s: string) => {
  const i = s.lastIndexOf('-')
  return { topic: s.slice(0, i), partition: Number(s.slice(i + 1)) }
}
const tpHash = (s: string) => topicPartitionHash(tp(s).topic, tp(s).partition)

test("Java's String.hashCode, including characters outside ASCII", () => {
  assert.equal(javaStringHash('orders'), -1008770331)
  assert.equal(javaStringHash('h\u00e9llo\u20ac'), -1099022178)
  assert.equal(javaStringHash(''), 0)
})

test('HashMap iteration order of TopicPartitions, strings and integers matches Java', () => {
  const inserted: string[] = []
  for (const t of ['orders', 'payments', '__consumer_offsets', 't']) for (let p = 0; p < (t === '__consumer_offsets' ? 50 : 12); p++) inserted.push(`${t}-${p}`)
  const java = ["payments-4", "__consumer_offsets-13", "orders-10", "__consumer_offsets-46", "payments-0", "__consumer_offsets-9", "__consumer_offsets-42", "__consumer_offsets-21", "t-11", "payments-8", "__consumer_offsets-17", "t-7", "t-3", "__consumer_offsets-30", "__consumer_offsets-26", "orders-1", "__consumer_offsets-5", "__consumer_offsets-38", "orders-5", "__consumer_offsets-1", "__consumer_offsets-34", "orders-7", "payments-3", "__consumer_offsets-16", "__consumer_offsets-45", "orders-11", "__consumer_offsets-12", "__consumer_offsets-41", "payments-11", "__consumer_offsets-24", "payments-7", "__consumer_offsets-20", "t-8", "__consumer_offsets-49", "__consumer_offsets-0", "t-4", "__consumer_offsets-29", "t-0", "__consumer_offsets-25", "__consumer_offsets-8", "__consumer_offsets-37", "orders-2", "__consumer_offsets-4", "__consumer_offsets-33", "orders-6", "__consumer_offsets-15", "orders-8", "__consumer_offsets-48", "payments-6", "__consumer_offsets-11", "__consumer_offsets-44", "payments-2", "__consumer_offsets-23", "__consumer_offsets-19", "t-9", "payments-10", "t-5", "__consumer_offsets-32", "t-1", "__consumer_offsets-28", "__consumer_offsets-7", "__consumer_offsets-40", "orders-3", "__consumer_offsets-3", "__consumer_offsets-36", "__consumer_offsets-47", "orders-9", "payments-5", "__consumer_offsets-14", "__consumer_offsets-43", "payments-1", "__consumer_offsets-10", "__consumer_offsets-22", "t-10", "payments-9", "__consumer_offsets-18", "t-6", "__consumer_offsets-31", "t-2", "__consumer_offsets-27", "__consumer_offsets-39", "orders-0", "__consumer_offsets-6", "__consumer_offsets-35", "orders-4", "__consumer_offsets-2"]
  assert.deepEqual(javaHashMapOrder(inserted, tpHash), java)
  assert.deepEqual(javaHashMapOrder(['t-2', 't-0', 'a-1'], tpHash, 3), ['t-0', 'a-1', 't-2'])
  const dirs = ['/tmp/brook-it-abc', '/var/lib/kafka/data', '/data/kafka-logs-1', '/data/kafka-logs-2', '/data/kafka-logs-3']
  assert.deepEqual(javaHashMapOrder(dirs, javaStringHash), ['/data/kafka-logs-3', '/data/kafka-logs-2', '/data/kafka-logs-1', '/tmp/brook-it-abc', '/var/lib/kafka/data'])
  assert.deepEqual(javaHashMapOrder([1001, 3, 17, 0, 2], (n) => n), [0, 17, 2, 3, 1001])
  // The keys of LogDirsCommand's JSON objects.
  assert.deepEqual(javaHashMapOrder(['logDir', 'error', 'partitions'], javaStringHash), ['partitions', 'error', 'logDir'])
  assert.deepEqual(javaHashMapOrder(['version', 'brokers'], javaStringHash), ['brokers', 'version'])
})

test("Kafka's exception class names and messages for error codes", () => {
  assert.equal(kafkaExceptionClass(1), 'org.apache.kafka.common.errors.OffsetOutOfRangeException')
  assert.equal(kafkaExceptionClass(3), 'org.apache.kafka.common.errors.UnknownTopicOrPartitionException')
  assert.equal(kafkaExceptionClass(6), 'org.apache.kafka.common.errors.NotLeaderOrFollowerException')
  assert.equal(kafkaExceptionClass(17), 'org.apache.kafka.common.errors.InvalidTopicException')
  assert.equal(kafkaExceptionClass(29), 'org.apache.kafka.common.errors.TopicAuthorizationException')
  assert.equal(kafkaExceptionClass(56), 'org.apache.kafka.common.errors.KafkaStorageException')
  assert.equal(kafkaExceptionClass(87), 'org.apache.kafka.common.InvalidRecordException')
  assert.equal(kafkaExceptionClass(-1), 'org.apache.kafka.common.errors.UnknownServerException')
  assert.equal(kafkaExceptionString(1), 'org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.')
})
