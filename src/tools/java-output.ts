/**
 * What Kafka's Java tools print that follows from Java itself rather than
 * from Kafka: the order a `java.util.HashMap` iterates in (LogDirsCommand
 * prints HashMaps as JSON, DeleteRecordsCommand prints one line per entry of
 * one), and the exception class names in error lines
 * (`org.apache.kafka.common.errors.OffsetOutOfRangeException: ...`).
 *
 * HashMap order: entries sit in buckets by `(h ^ (h >>> 16)) & (capacity - 1)`
 * and iterate bucket by bucket, each bucket in insertion order (a resize
 * splits buckets without reordering them). The capacity starts at 16 (or the
 * power of two at or above an initial capacity) and doubles whenever the size
 * passes three quarters of it. Not modelled: buckets of eight or more colliding
 * keys in a table of 64 or more, which Java turns into trees; no tool output
 * here comes near that.
 */
import { errorInfo } from '../protocol/error-codes.js'

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1], in 32-bit arithmetic over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's `TopicPartition.hashCode()` (31 * (31 + partition) + topic.hashCode()). */
export function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHash(topic)) | 0
}

/** Kafka 3.x `Node.hashCode()`: host, id, port and rack (null counts 0). */
export function nodeHash(host: string, id: number, port: number, rack: string | null): number {
  let h = (31 + javaStringHash(host)) | 0
  h = (Math.imul(31, h) + id) | 0
  h = (Math.imul(31, h) + port) | 0
  return (Math.imul(31, h) + (rack === null ? 0 : javaStringHash(rack))) | 0
}

/**
 * `items` (given in insertion order, keys distinct) in the order a Java
 * HashMap holding them iterates. `initialCapacity` as given to
 * `new HashMap<>(n)`; omitted for `new HashMap<>()` (and Collectors.toMap).
 */
export function javaHashMapOrder<T>(items: readonly T[], hash: (item: T) => number, initialCapacity?: number): T[] {
  let capacity = initialCapacity === undefined ? 16 : tableSizeFor(initialCapacity)
  for (let size = 1; size <= items.length; size++) if (size > capacity * 0.75) capacity *= 2
  const bucket = (item: T) => {
    const h = hash(item)
    return (h ^ (h >>> 16)) & (capacity - 1)
  }
  // Array.prototype.sort is stable: equal buckets keep insertion order.
  return items.map((item, i) => ({ item, b: bucket(item), i })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.item)
}

/** HashMap.tableSizeFor: the power of two at or above n (at least 1). */
function tableSizeFor(n: number): number {
  let c = 1
  while (c < n) c *= 2
  return c
}

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
