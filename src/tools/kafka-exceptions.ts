/**
 * How Kafka's tools name a failure: the Java exception class the client
 * throws for an error code (`Errors.java`: `TOPIC_ALREADY_EXISTS(36, ...,
 * TopicExistsException::new)`), and the `toString()` Java prints for it
 * (`org.apache.kafka.common.errors.TopicExistsException: Topic 't' already
 * exists.`), which the tools print in their error lines.
 *
 * Most classes are the code's name in CamelCase plus "Exception"
 * (UNKNOWN_TOPIC_OR_PARTITION: UnknownTopicOrPartitionException); the table
 * below lists the codes whose class is named otherwise, from Errors.java at
 * Kafka 4.0.0, the version of protocol/error-codes.ts.
 */
import { ErrorCode, errorInfo } from '../protocol/error-codes.js'
import { KafkaClientError, KafkaProtocolError, UnsupportedVersionError } from '../client/errors.js'

const ERRORS_PACKAGE = 'org.apache.kafka.common.errors'

const CLASS_NAMES: Partial<Record<number, string>> = {
  [ErrorCode.UNKNOWN_SERVER_ERROR]: 'UnknownServerException',
  [ErrorCode.CORRUPT_MESSAGE]: 'CorruptRecordException',
  [ErrorCode.REQUEST_TIMED_OUT]: 'TimeoutException',
  [ErrorCode.MESSAGE_TOO_LARGE]: 'RecordTooLargeException',
  [ErrorCode.STALE_CONTROLLER_EPOCH]: 'ControllerMovedException',
  [ErrorCode.OFFSET_METADATA_TOO_LARGE]: 'OffsetMetadataTooLarge',
  [ErrorCode.RECORD_LIST_TOO_LARGE]: 'RecordBatchTooLargeException',
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED]: 'TopicAuthorizationException',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'GroupAuthorizationException',
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED]: 'ClusterAuthorizationException',
  [ErrorCode.TOPIC_ALREADY_EXISTS]: 'TopicExistsException',
  [ErrorCode.INVALID_CONFIG]: 'InvalidConfigurationException',
  [ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER]: 'OutOfOrderSequenceException',
  [ErrorCode.DUPLICATE_SEQUENCE_NUMBER]: 'DuplicateSequenceException',
  [ErrorCode.INVALID_PRODUCER_ID_MAPPING]: 'InvalidPidMappingException',
  [ErrorCode.INVALID_TRANSACTION_TIMEOUT]: 'InvalidTxnTimeoutException',
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]: 'TransactionalIdAuthorizationException',
  [ErrorCode.KAFKA_STORAGE_ERROR]: 'KafkaStorageException',
  [ErrorCode.SASL_AUTHENTICATION_FAILED]: 'SaslAuthenticationException',
  [ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED]: 'DelegationTokenDisabledException',
  [ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED]: 'UnsupportedByAuthenticationException',
  [ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED]: 'DelegationTokenAuthorizationException',
  [ErrorCode.NON_EMPTY_GROUP]: 'GroupNotEmptyException',
  [ErrorCode.PRINCIPAL_DESERIALIZATION_FAILURE]: 'PrincipalDeserializationException',
  [ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR]: 'FetchSessionTopicIdException',
  [ErrorCode.INVALID_REGULAR_EXPRESSION]: 'InvalidRegularExpression',
}

/** The fully qualified Java class of the exception for an error code. */
export function kafkaExceptionClass(errorCode: number): string {
  // The one class outside the errors package (Errors.java imports it from org.apache.kafka.common).
  if (errorCode === ErrorCode.INVALID_RECORD) return 'org.apache.kafka.common.InvalidRecordException'
  const camel = errorInfo(errorCode)
    .name.toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
  return `${ERRORS_PACKAGE}.${CLASS_NAMES[errorCode] ?? (camel.endsWith('Exception') ? camel : `${camel}Exception`)}`
}

/**
 * What Java prints for that exception (`Throwable.toString()`): its class, a
 * colon and its message, by default Kafka's standard message for the code.
 */
export function kafkaExceptionString(errorCode: number, message: string = errorInfo(errorCode).message): string {
  return `${kafkaExceptionClass(errorCode)}: ${message}`
}

/**
 * What Java prints for the exception the Java client would throw for `e`: the
 * broker's error as its class and the broker's message; a broker that could
 * not be reached in time as TimeoutException, an API it lacks as
 * UnsupportedVersionException.
 */
export function clientExceptionString(e: KafkaClientError): string {
  if (e instanceof KafkaProtocolError) return kafkaExceptionString(e.errorCode, e.detail)
  if (e instanceof UnsupportedVersionError) return `${ERRORS_PACKAGE}.UnsupportedVersionException: ${e.message}`
  return e.retriable ? `${ERRORS_PACKAGE}.TimeoutException: ${e.message}` : `org.apache.kafka.common.KafkaException: ${e.message}`
}
