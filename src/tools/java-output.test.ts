import { test } from 'node:test'
import assert from 'node:assert/strict'
import { kafkaExceptionClass, kafkaExceptionString } from './java-output.js'

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
