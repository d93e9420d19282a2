import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaClientError, KafkaProtocolError, RequestTimeoutError, UnsupportedVersionError } from '../client/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { clientExceptionString, kafkaExceptionClass, kafkaExceptionString } from './kafka-exceptions.js'

const ERRORS = 'org.apache.kafka.common.errors'

test('exception classes by error code: the CamelCase rule and the exceptions to it', () => {
  assert.equal(kafkaExceptionClass(ErrorCode.OFFSET_OUT_OF_RANGE), `${ERRORS}.OffsetOutOfRangeException`)
  assert.equal(kafkaExceptionClass(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), `${ERRORS}.UnknownTopicOrPartitionException`)
  assert.equal(kafkaExceptionClass(ErrorCode.NOT_LEADER_OR_FOLLOWER), `${ERRORS}.NotLeaderOrFollowerException`)
  // A name already ending in EXCEPTION gets no second "Exception".
  assert.equal(kafkaExceptionClass(ErrorCode.INVALID_TOPIC_EXCEPTION), `${ERRORS}.InvalidTopicException`)
  assert.equal(kafkaExceptionClass(ErrorCode.TOPIC_AUTHORIZATION_FAILED), `${ERRORS}.TopicAuthorizationException`)
  assert.equal(kafkaExceptionClass(ErrorCode.TOPIC_ALREADY_EXISTS), `${ERRORS}.TopicExistsException`)
  assert.equal(kafkaExceptionClass(ErrorCode.INVALID_CONFIG), `${ERRORS}.InvalidConfigurationException`)
  assert.equal(kafkaExceptionClass(ErrorCode.KAFKA_STORAGE_ERROR), `${ERRORS}.KafkaStorageException`)
  assert.equal(kafkaExceptionClass(ErrorCode.UNKNOWN_SERVER_ERROR), `${ERRORS}.UnknownServerException`)
  assert.equal(kafkaExceptionClass(ErrorCode.INVALID_RECORD), 'org.apache.kafka.common.InvalidRecordException')
  // The group errors kafka-consumer-groups reports by name.
  assert.equal(kafkaExceptionClass(ErrorCode.NON_EMPTY_GROUP), `${ERRORS}.GroupNotEmptyException`)
  assert.equal(kafkaExceptionClass(ErrorCode.GROUP_ID_NOT_FOUND), `${ERRORS}.GroupIdNotFoundException`)
  assert.equal(kafkaExceptionClass(ErrorCode.INVALID_GROUP_ID), `${ERRORS}.InvalidGroupIdException`)
  assert.equal(kafkaExceptionClass(ErrorCode.GROUP_AUTHORIZATION_FAILED), `${ERRORS}.GroupAuthorizationException`)
  assert.equal(kafkaExceptionClass(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC), `${ERRORS}.GroupSubscribedToTopicException`)
  assert.equal(kafkaExceptionClass(ErrorCode.COORDINATOR_NOT_AVAILABLE), `${ERRORS}.CoordinatorNotAvailableException`)
  assert.equal(kafkaExceptionClass(ErrorCode.NOT_COORDINATOR), `${ERRORS}.NotCoordinatorException`)
  assert.equal(kafkaExceptionClass(ErrorCode.UNKNOWN_MEMBER_ID), `${ERRORS}.UnknownMemberIdException`)
})

test("Throwable.toString(): the class, then Kafka's message for the code or the one given", () => {
  assert.equal(kafkaExceptionString(ErrorCode.OFFSET_OUT_OF_RANGE), `${ERRORS}.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.`)
  assert.equal(kafkaExceptionString(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 't' already exists."), `${ERRORS}.TopicExistsException: Topic 't' already exists.`)
})

test("a client error as the Java client's exception: the broker's code and message, a timeout, an unsupported API, anything else", () => {
  assert.equal(clientExceptionString(new KafkaProtocolError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 't' already exists.")), `${ERRORS}.TopicExistsException: Topic 't' already exists.`)
  assert.equal(clientExceptionString(new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)), `${ERRORS}.UnknownTopicOrPartitionException: This server does not host this topic-partition.`)
  assert.equal(clientExceptionString(new RequestTimeoutError('no answer in 30000 ms')), `${ERRORS}.TimeoutException: no answer in 30000 ms`)
  assert.equal(clientExceptionString(new UnsupportedVersionError('no version of DescribeConfigs')), `${ERRORS}.UnsupportedVersionException: no version of DescribeConfigs`)
  assert.equal(clientExceptionString(new KafkaClientError('closed', false)), 'org.apache.kafka.common.KafkaException: closed')
})
