/**
 * The exception class names in Kafka's tools' error lines
 * (`org.apache.kafka.common.errors.OffsetOutOfRangeException: ...`).
 */
import { errorInfo } from '../protocol/error-codes.js'

/**
 * Kafka's exception class for an error code where it does not follow from the
 * code's name (OFFSET_OUT_OF_RANGE -> OffsetOutOfRangeException), from
 * `Errors.java` of Kafka 3.9.
 */
const EXCEPTION_CLASS: Record<number, string> = {
  [-1]: 'UnknownServerException',
  2: 'CorruptRecordException',
  7: 'TimeoutException',
  10: 'RecordTooLargeException',
  11: 'ControllerMovedException',
  12: 'OffsetMetadataTooLarge',
  18: 'RecordBatchTooLargeException',
  29: 'TopicAuthorizationException',
  30: 'GroupAuthorizationException',
  31: 'ClusterAuthorizationException',
  36: 'TopicExistsException',
  40: 'InvalidConfigurationException',
  45: 'OutOfOrderSequenceException',
  46: 'DuplicateSequenceException',
  49: 'InvalidPidMappingException',
  50: 'InvalidTxnTimeoutException',
  53: 'TransactionalIdAuthorizationException',
  56: 'KafkaStorageException',
  58: 'SaslAuthenticationException',
  61: 'DelegationTokenDisabledException',
  64: 'UnsupportedByAuthenticationException',
  65: 'DelegationTokenAuthorizationException',
  68: 'GroupNotEmptyException',
  97: 'PrincipalDeserializationException',
  106: 'FetchSessionTopicIdException',
}

/** The fully qualified name of the exception Kafka's client raises for an error code. */
export function kafkaExceptionClass(errorCode: number): string {
  // INVALID_RECORD's exception lives outside the errors package.
  if (errorCode === 87) return 'org.apache.kafka.common.InvalidRecordException'
  const simple =
    EXCEPTION_CLASS[errorCode] ??
    errorInfo(errorCode)
      .name.split('_')
      .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
      .join('')
      .replace(/(Exception)?$/, 'Exception')
  return `org.apache.kafka.common.errors.${simple}`
}

/** What Java prints for such an exception (`Throwable.toString()`): class name, colon, Kafka's message for the code. */
export function kafkaExceptionString(errorCode: number): string {
  return `${kafkaExceptionClass(errorCode)}: ${errorInfo(errorCode).message}`
}
