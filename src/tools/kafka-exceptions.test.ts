import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaClientError, KafkaProtocolError, RequestTimeoutError, UnsupportedVersionError } from '../client/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { clientExceptionString, kafkaExceptionClass, kafkaExceptionString } from './kafka-exceptions.js'

const ERRORS = 'org.apache.kafka.common.errors'

test('exception classes by error code: the CamelCase rule and the exceptions to it', () => {
  const classes: [number, string][] = [
    [ErrorCode.OFFSET_OUT_OF_RANGE, 'OffsetOutOfRangeException'],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'UnknownTopicOrPartitionException'],
    [ErrorCode.NOT_LEADER_OR_FOLLOWER, 'NotLeaderOrFollowerException'],
    // A name already ending in EXCEPTION gets no second "Exception".
    [ErrorCode.INVALID_TOPIC_EXCEPTION, 'InvalidTopicException'],
    [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'TopicAuthorizationException'],
    [ErrorCode.TOPIC_ALREADY_EXISTS, 'TopicExistsException'],
    [ErrorCode.INVALID_CONFIG, 'InvalidConfigurationException'],
    [ErrorCode.KAFKA_STORAGE_ERROR, 'KafkaStorageException'],
    [ErrorCode.UNKNOWN_SERVER_ERROR, 'UnknownServerException'],
    [ErrorCode.INVALID_REGULAR_EXPRESSION, 'InvalidRegularExpression'],
    // The group errors kafka-consumer-groups reports by name.
    [ErrorCode.NON_EMPTY_GROUP, 'GroupNotEmptyException'],
    [ErrorCode.GROUP_ID_NOT_FOUND, 'GroupIdNotFoundException'],
    [ErrorCode.INVALID_GROUP_ID, 'InvalidGroupIdException'],
    [ErrorCode.GROUP_AUTHORIZATION_FAILED, 'GroupAuthorizationException'],
    [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 'GroupSubscribedToTopicException'],
    [ErrorCode.COORDINATOR_NOT_AVAILABLE, 'CoordinatorNotAvailableException'],
    [ErrorCode.NOT_COORDINATOR, 'NotCoordinatorException'],
    [ErrorCode.UNKNOWN_MEMBER_ID, 'UnknownMemberIdException'],
  ]
  for (const [code, simpleName] of classes) assert.equal(kafkaExceptionClass(code), `${ERRORS}.${simpleName}`)
  // The one class outside the errors package.
  assert.equal(kafkaExceptionClass(ErrorCode.INVALID_RECORD), 'org.apache.kafka.common.InvalidRecordException')
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
