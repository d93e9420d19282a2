/**
 * How a Kafka tool names a failure: the Java exception class the AdminClient
 * throws for an error code (`Errors.java`: `TOPIC_ALREADY_EXISTS(36, ...,
 * TopicExistsException::new)`), and the `toString()` Java prints for it
 * (`org.apache.kafka.common.errors.TopicExistsException: Topic 't' already
 * exists.`), which kafka-configs shows under "Error while executing config
 * command".
 *
 * Most classes are the code's name in CamelCase plus "Exception"
 * (UNKNOWN_TOPIC_OR_PARTITION: UnknownTopicOrPartitionException); the table
 * below lists the codes whose class is named otherwise, from Errors.java at
 * Kafka 4.0.0, the version of protocol/error-codes.ts.
 */
import { errorInfo } from '../protocol/error-codes.js'
import { KafkaClientError, KafkaProtocolError, UnsupportedVersionError } from '../client/errors.js'

const ERRORS_PACKAGE = 'org.apache.kafka.common.errors'

const CLASS_NAMES: Record<string, string> = {
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  CORRUPT_MESSAGE: 'CorruptRecordException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  MESSAGE_TOO_LARGE: 'RecordTooLargeException',
  STALE_CONTROLLER_EPOCH: 'ControllerMovedException',
  OFFSET_METADATA_TOO_LARGE: 'OffsetMetadataTooLarge',
  RECORD_LIST_TOO_LARGE: 'RecordBatchTooLargeException',
  TOPIC_AUTHORIZATION_FAILED: 'TopicAuthorizationException',
  GROUP_AUTHORIZATION_FAILED: 'GroupAuthorizationException',
  CLUSTER_AUTHORIZATION_FAILED: 'ClusterAuthorizationException',
  TOPIC_ALREADY_EXISTS: 'TopicExistsException',
  INVALID_CONFIG: 'InvalidConfigurationException',
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'OutOfOrderSequenceException',
  DUPLICATE_SEQUENCE_NUMBER: 'DuplicateSequenceException',
  INVALID_PRODUCER_ID_MAPPING: 'InvalidPidMappingException',
  INVALID_TRANSACTION_TIMEOUT: 'InvalidTxnTimeoutException',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'TransactionalIdAuthorizationException',
  KAFKA_STORAGE_ERROR: 'KafkaStorageException',
  SASL_AUTHENTICATION_FAILED: 'SaslAuthenticationException',
  DELEGATION_TOKEN_AUTH_DISABLED: 'DelegationTokenDisabledException',
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: 'UnsupportedByAuthenticationException',
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 'DelegationTokenAuthorizationException',
  NON_EMPTY_GROUP: 'GroupNotEmptyException',
  PRINCIPAL_DESERIALIZATION_FAILURE: 'PrincipalDeserializationException',
  FETCH_SESSION_TOPIC_ID_ERROR: 'FetchSessionTopicIdException',
  INVALID_REGULAR_EXPRESSION: 'InvalidRegularExpression',
}

/** The fully qualified Java class of the exception for an error code. */
export function javaExceptionClass(errorCode: number): string {
  const name = errorInfo(errorCode).name
  // The one class outside the errors package (Errors.java imports it from org.apache.kafka.common).
  if (name === 'INVALID_RECORD') return 'org.apache.kafka.common.InvalidRecordException'
  const camel = name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
  return `${ERRORS_PACKAGE}.${CLASS_NAMES[name] ?? (camel.endsWith('Exception') ? camel : `${camel}Exception`)}`
}

/**
 * What Java prints for the exception the AdminClient would throw for `e`
 * (`Throwable.toString()`): the broker's error as its class and message; a
 * broker that could not be reached in time as TimeoutException, an API it
 * lacks as UnsupportedVersionException.
 */
export function javaExceptionString(e: KafkaClientError): string {
  if (e instanceof KafkaProtocolError) return `${javaExceptionClass(e.errorCode)}: ${e.detail}`
  if (e instanceof UnsupportedVersionError) return `${ERRORS_PACKAGE}.UnsupportedVersionException: ${e.message}`
  return e.retriable ? `${ERRORS_PACKAGE}.TimeoutException: ${e.message}` : `org.apache.kafka.common.KafkaException: ${e.message}`
}
