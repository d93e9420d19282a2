/**
 * Every error code of the Kafka protocol, as of Apache Kafka 4.0.0.
 *
 * Source: `clients/src/main/java/org/apache/kafka/common/protocol/Errors.java`
 * at tag 4.0.0 (the same in 4.0.1): codes -1 (UNKNOWN_SERVER_ERROR) and 0 (NONE)
 * through 129 (REBOOTSTRAP_REQUIRED, KIP-1102), with no gaps. Per row:
 * - `name` is the enum constant's name, which is what Kafka's tools, logs and
 *   docs print (`protocol_errors.html`), so we keep it exactly;
 * - `retriable` is whether the exception class Kafka maps the code to extends
 *   `RetriableException` (directly or through `InvalidMetadataException`), the
 *   "Retriable" column of Kafka's protocol docs;
 * - `message` is the default exception string (empty for NONE, which has none).
 *
 * Codes never change meaning; names occasionally do (NOT_LEADER_FOR_PARTITION
 * became NOT_LEADER_OR_FOLLOWER in KIP-392). A newer broker may send codes past
 * 129: `errorInfo()` turns those into a synthetic non-retriable row, just as
 * Kafka's own client treats a code it does not know as UnknownServerException.
 *
 * Hand-written (STYLE.md §1.2: the error table is not in the JSON specs). When
 * adding a code, add it to both `ErrorCode` and `ERRORS`; the compiler checks
 * that each row's name and code agree, and error-codes.test.ts checks that the
 * two lists match and have no gaps.
 */

/** Kafka error codes by name: `ErrorCode.NOT_LEADER_OR_FOLLOWER === 6`. */
export const ErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_FETCH_SIZE: 4,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  REPLICA_NOT_AVAILABLE: 9,
  MESSAGE_TOO_LARGE: 10,
  STALE_CONTROLLER_EPOCH: 11,
  OFFSET_METADATA_TOO_LARGE: 12,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_COMMIT_OFFSET_SIZE: 28,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  POLICY_VIOLATION: 44,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTION_COORDINATOR_FENCED: 52,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  SECURITY_DISABLED: 54,
  OPERATION_NOT_ATTEMPTED: 55,
  KAFKA_STORAGE_ERROR: 56,
  LOG_DIR_NOT_FOUND: 57,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  REASSIGNMENT_IN_PROGRESS: 60,
  DELEGATION_TOKEN_AUTH_DISABLED: 61,
  DELEGATION_TOKEN_NOT_FOUND: 62,
  DELEGATION_TOKEN_OWNER_MISMATCH: 63,
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: 64,
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 65,
  DELEGATION_TOKEN_EXPIRED: 66,
  INVALID_PRINCIPAL_TYPE: 67,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  LISTENER_NOT_FOUND: 72,
  TOPIC_DELETION_DISABLED: 73,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  STALE_BROKER_EPOCH: 77,
  OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  GROUP_MAX_SIZE_REACHED: 81,
  FENCED_INSTANCE_ID: 82,
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 83,
  ELECTION_NOT_NEEDED: 84,
  NO_REASSIGNMENT_IN_PROGRESS: 85,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
  INVALID_RECORD: 87,
  UNSTABLE_OFFSET_COMMIT: 88,
  THROTTLING_QUOTA_EXCEEDED: 89,
  PRODUCER_FENCED: 90,
  RESOURCE_NOT_FOUND: 91,
  DUPLICATE_RESOURCE: 92,
  UNACCEPTABLE_CREDENTIAL: 93,
  INCONSISTENT_VOTER_SET: 94,
  INVALID_UPDATE_VERSION: 95,
  FEATURE_UPDATE_FAILED: 96,
  PRINCIPAL_DESERIALIZATION_FAILURE: 97,
  SNAPSHOT_NOT_FOUND: 98,
  POSITION_OUT_OF_RANGE: 99,
  UNKNOWN_TOPIC_ID: 100,
  DUPLICATE_BROKER_REGISTRATION: 101,
  BROKER_ID_NOT_REGISTERED: 102,
  INCONSISTENT_TOPIC_ID: 103,
  INCONSISTENT_CLUSTER_ID: 104,
  TRANSACTIONAL_ID_NOT_FOUND: 105,
  FETCH_SESSION_TOPIC_ID_ERROR: 106,
  INELIGIBLE_REPLICA: 107,
  NEW_LEADER_ELECTED: 108,
  OFFSET_MOVED_TO_TIERED_STORAGE: 109,
  FENCED_MEMBER_EPOCH: 110,
  UNRELEASED_INSTANCE_ID: 111,
  UNSUPPORTED_ASSIGNOR: 112,
  STALE_MEMBER_EPOCH: 113,
  MISMATCHED_ENDPOINT_TYPE: 114,
  UNSUPPORTED_ENDPOINT_TYPE: 115,
  UNKNOWN_CONTROLLER_ID: 116,
  UNKNOWN_SUBSCRIPTION_ID: 117,
  TELEMETRY_TOO_LARGE: 118,
  INVALID_REGISTRATION: 119,
  TRANSACTION_ABORTABLE: 120,
  INVALID_RECORD_STATE: 121,
  SHARE_SESSION_NOT_FOUND: 122,
  INVALID_SHARE_SESSION_EPOCH: 123,
  FENCED_STATE_EPOCH: 124,
  INVALID_VOTER_KEY: 125,
  DUPLICATE_VOTER: 126,
  VOTER_NOT_FOUND: 127,
  INVALID_REGULAR_EXPRESSION: 128,
  REBOOTSTRAP_REQUIRED: 129,
} as const

/** A Kafka error code known to this version of Brook (-1..129). */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** The name of a known Kafka error code, e.g. `'NOT_LEADER_OR_FOLLOWER'`. */
export type ErrorName = keyof typeof ErrorCode

/** One row of the error table; `errorInfo()` also returns this shape for unknown codes. */
export interface ErrorInfo {
  readonly name: string
  readonly code: number
  readonly retriable: boolean
  readonly message: string
}

/** A row for a known code; the union ties each name to its own code. */
export type KnownErrorInfo = {
  [N in ErrorName]: {
    readonly name: N
    readonly code: (typeof ErrorCode)[N]
    readonly retriable: boolean
    readonly message: string
  }
}[ErrorName]

const rows: KnownErrorInfo[] = [
  { name: 'UNKNOWN_SERVER_ERROR', code: -1, retriable: false, message: 'The server experienced an unexpected error when processing the request.' },
  { name: 'NONE', code: 0, retriable: false, message: '' },
  { name: 'OFFSET_OUT_OF_RANGE', code: 1, retriable: false, message: 'The requested offset is not within the range of offsets maintained by the server.' },
  { name: 'CORRUPT_MESSAGE', code: 2, retriable: true, message: 'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.' },
  { name: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true, message: 'This server does not host this topic-partition.' },
  { name: 'INVALID_FETCH_SIZE', code: 4, retriable: false, message: 'The requested fetch size is invalid.' },
  { name: 'LEADER_NOT_AVAILABLE', code: 5, retriable: true, message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.' },
  { name: 'NOT_LEADER_OR_FOLLOWER', code: 6, retriable: true, message: 'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.' },
  { name: 'REQUEST_TIMED_OUT', code: 7, retriable: true, message: 'The request timed out.' },
  { name: 'BROKER_NOT_AVAILABLE', code: 8, retriable: false, message: 'The broker is not available.' },
  { name: 'REPLICA_NOT_AVAILABLE', code: 9, retriable: true, message: 'The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition.' },
  { name: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept.' },
  { name: 'STALE_CONTROLLER_EPOCH', code: 11, retriable: false, message: 'The controller moved to another broker.' },
  { name: 'OFFSET_METADATA_TOO_LARGE', code: 12, retriable: false, message: 'The metadata field of the offset request was too large.' },
  { name: 'NETWORK_EXCEPTION', code: 13, retriable: true, message: 'The server disconnected before a response was received.' },
  { name: 'COORDINATOR_LOAD_IN_PROGRESS', code: 14, retriable: true, message: 'The coordinator is loading and hence can\'t process requests.' },
  { name: 'COORDINATOR_NOT_AVAILABLE', code: 15, retriable: true, message: 'The coordinator is not available.' },
  { name: 'NOT_COORDINATOR', code: 16, retriable: true, message: 'This is not the correct coordinator.' },
  { name: 'INVALID_TOPIC_EXCEPTION', code: 17, retriable: false, message: 'The request attempted to perform an operation on an invalid topic.' },
  { name: 'RECORD_LIST_TOO_LARGE', code: 18, retriable: false, message: 'The request included message batch larger than the configured segment size on the server.' },
  { name: 'NOT_ENOUGH_REPLICAS', code: 19, retriable: true, message: 'Messages are rejected since there are fewer in-sync replicas than required.' },
  { name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', code: 20, retriable: true, message: 'Messages are written to the log, but to fewer in-sync replicas than required.' },
  { name: 'INVALID_REQUIRED_ACKS', code: 21, retriable: false, message: 'Produce request specified an invalid value for required acks.' },
  { name: 'ILLEGAL_GENERATION', code: 22, retriable: false, message: 'Specified group generation id is not valid.' },
  { name: 'INCONSISTENT_GROUP_PROTOCOL', code: 23, retriable: false, message: 'The group member\'s supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.' },
  { name: 'INVALID_GROUP_ID', code: 24, retriable: false, message: 'The configured groupId is invalid.' },
  { name: 'UNKNOWN_MEMBER_ID', code: 25, retriable: false, message: 'The coordinator is not aware of this member.' },
  { name: 'INVALID_SESSION_TIMEOUT', code: 26, retriable: false, message: 'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).' },
  { name: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'The group is rebalancing, so a rejoin is needed.' },
  { name: 'INVALID_COMMIT_OFFSET_SIZE', code: 28, retriable: false, message: 'The committing offset data size is not valid.' },
  { name: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Topic authorization failed.' },
  { name: 'GROUP_AUTHORIZATION_FAILED', code: 30, retriable: false, message: 'Group authorization failed.' },
  { name: 'CLUSTER_AUTHORIZATION_FAILED', code: 31, retriable: false, message: 'Cluster authorization failed.' },
  { name: 'INVALID_TIMESTAMP', code: 32, retriable: false, message: 'The timestamp of the message is out of acceptable range.' },
  { name: 'UNSUPPORTED_SASL_MECHANISM', code: 33, retriable: false, message: 'The broker does not support the requested SASL mechanism.' },
  { name: 'ILLEGAL_SASL_STATE', code: 34, retriable: false, message: 'Request is not valid given the current SASL state.' },
  { name: 'UNSUPPORTED_VERSION', code: 35, retriable: false, message: 'The version of API is not supported.' },
  { name: 'TOPIC_ALREADY_EXISTS', code: 36, retriable: false, message: 'Topic with this name already exists.' },
  { name: 'INVALID_PARTITIONS', code: 37, retriable: false, message: 'Number of partitions is below 1.' },
  { name: 'INVALID_REPLICATION_FACTOR', code: 38, retriable: false, message: 'Replication factor is below 1 or larger than the number of available brokers.' },
  { name: 'INVALID_REPLICA_ASSIGNMENT', code: 39, retriable: false, message: 'Replica assignment is invalid.' },
  { name: 'INVALID_CONFIG', code: 40, retriable: false, message: 'Configuration is invalid.' },
  { name: 'NOT_CONTROLLER', code: 41, retriable: true, message: 'This is not the correct controller for this cluster.' },
  { name: 'INVALID_REQUEST', code: 42, retriable: false, message: 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.' },
  { name: 'UNSUPPORTED_FOR_MESSAGE_FORMAT', code: 43, retriable: false, message: 'The message format version on the broker does not support the request.' },
  { name: 'POLICY_VIOLATION', code: 44, retriable: false, message: 'Request parameters do not satisfy the configured policy.' },
  { name: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false, message: 'The broker received an out of order sequence number.' },
  { name: 'DUPLICATE_SEQUENCE_NUMBER', code: 46, retriable: false, message: 'The broker received a duplicate sequence number.' },
  { name: 'INVALID_PRODUCER_EPOCH', code: 47, retriable: false, message: 'Producer attempted to produce with an old epoch.' },
  { name: 'INVALID_TXN_STATE', code: 48, retriable: false, message: 'The producer attempted a transactional operation in an invalid state.' },
  { name: 'INVALID_PRODUCER_ID_MAPPING', code: 49, retriable: false, message: 'The producer attempted to use a producer id which is not currently assigned to its transactional id.' },
  { name: 'INVALID_TRANSACTION_TIMEOUT', code: 50, retriable: false, message: 'The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).' },
  { name: 'CONCURRENT_TRANSACTIONS', code: 51, retriable: true, message: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.' },
  { name: 'TRANSACTION_COORDINATOR_FENCED', code: 52, retriable: false, message: 'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.' },
  { name: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', code: 53, retriable: false, message: 'Transactional Id authorization failed.' },
  { name: 'SECURITY_DISABLED', code: 54, retriable: false, message: 'Security features are disabled.' },
  { name: 'OPERATION_NOT_ATTEMPTED', code: 55, retriable: false, message: 'The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.' },
  { name: 'KAFKA_STORAGE_ERROR', code: 56, retriable: true, message: 'Disk error when trying to access log file on the disk.' },
  { name: 'LOG_DIR_NOT_FOUND', code: 57, retriable: false, message: 'The user-specified log directory is not found in the broker config.' },
  { name: 'SASL_AUTHENTICATION_FAILED', code: 58, retriable: false, message: 'SASL Authentication failed.' },
  { name: 'UNKNOWN_PRODUCER_ID', code: 59, retriable: false, message: 'This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer\'s records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer\'s metadata is removed from the broker, and future appends by the producer will return this exception.' },
  { name: 'REASSIGNMENT_IN_PROGRESS', code: 60, retriable: false, message: 'A partition reassignment is in progress.' },
  { name: 'DELEGATION_TOKEN_AUTH_DISABLED', code: 61, retriable: false, message: 'Delegation Token feature is not enabled.' },
  { name: 'DELEGATION_TOKEN_NOT_FOUND', code: 62, retriable: false, message: 'Delegation Token is not found on server.' },
  { name: 'DELEGATION_TOKEN_OWNER_MISMATCH', code: 63, retriable: false, message: 'Specified Principal is not valid Owner/Renewer.' },
  { name: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', code: 64, retriable: false, message: 'Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.' },
  { name: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', code: 65, retriable: false, message: 'Delegation Token authorization failed.' },
  { name: 'DELEGATION_TOKEN_EXPIRED', code: 66, retriable: false, message: 'Delegation Token is expired.' },
  { name: 'INVALID_PRINCIPAL_TYPE', code: 67, retriable: false, message: 'Supplied principalType is not supported.' },
  { name: 'NON_EMPTY_GROUP', code: 68, retriable: false, message: 'The group is not empty.' },
  { name: 'GROUP_ID_NOT_FOUND', code: 69, retriable: false, message: 'The group id does not exist.' },
  { name: 'FETCH_SESSION_ID_NOT_FOUND', code: 70, retriable: true, message: 'The fetch session ID was not found.' },
  { name: 'INVALID_FETCH_SESSION_EPOCH', code: 71, retriable: true, message: 'The fetch session epoch is invalid.' },
  { name: 'LISTENER_NOT_FOUND', code: 72, retriable: true, message: 'There is no listener on the leader broker that matches the listener on which metadata request was processed.' },
  { name: 'TOPIC_DELETION_DISABLED', code: 73, retriable: false, message: 'Topic deletion is disabled.' },
  { name: 'FENCED_LEADER_EPOCH', code: 74, retriable: true, message: 'The leader epoch in the request is older than the epoch on the broker.' },
  { name: 'UNKNOWN_LEADER_EPOCH', code: 75, retriable: true, message: 'The leader epoch in the request is newer than the epoch on the broker.' },
  { name: 'UNSUPPORTED_COMPRESSION_TYPE', code: 76, retriable: false, message: 'The requesting client does not support the compression type of given partition.' },
  { name: 'STALE_BROKER_EPOCH', code: 77, retriable: false, message: 'Broker epoch has changed.' },
  { name: 'OFFSET_NOT_AVAILABLE', code: 78, retriable: true, message: 'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.' },
  { name: 'MEMBER_ID_REQUIRED', code: 79, retriable: false, message: 'The group member needs to have a valid member id before actually entering a consumer group.' },
  { name: 'PREFERRED_LEADER_NOT_AVAILABLE', code: 80, retriable: true, message: 'The preferred leader was not available.' },
  { name: 'GROUP_MAX_SIZE_REACHED', code: 81, retriable: false, message: 'The consumer group has reached its max size.' },
  { name: 'FENCED_INSTANCE_ID', code: 82, retriable: false, message: 'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.' },
  { name: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', code: 83, retriable: true, message: 'Eligible topic partition leaders are not available.' },
  { name: 'ELECTION_NOT_NEEDED', code: 84, retriable: true, message: 'Leader election not needed for topic partition.' },
  { name: 'NO_REASSIGNMENT_IN_PROGRESS', code: 85, retriable: false, message: 'No partition reassignment is in progress.' },
  { name: 'GROUP_SUBSCRIBED_TO_TOPIC', code: 86, retriable: false, message: 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.' },
  { name: 'INVALID_RECORD', code: 87, retriable: false, message: 'This record has failed the validation on broker and hence will be rejected.' },
  { name: 'UNSTABLE_OFFSET_COMMIT', code: 88, retriable: true, message: 'There are unstable offsets that need to be cleared.' },
  { name: 'THROTTLING_QUOTA_EXCEEDED', code: 89, retriable: true, message: 'The throttling quota has been exceeded.' },
  { name: 'PRODUCER_FENCED', code: 90, retriable: false, message: 'There is a newer producer with the same transactionalId which fences the current one.' },
  { name: 'RESOURCE_NOT_FOUND', code: 91, retriable: false, message: 'A request illegally referred to a resource that does not exist.' },
  { name: 'DUPLICATE_RESOURCE', code: 92, retriable: false, message: 'A request illegally referred to the same resource twice.' },
  { name: 'UNACCEPTABLE_CREDENTIAL', code: 93, retriable: false, message: 'Requested credential would not meet criteria for acceptability.' },
  { name: 'INCONSISTENT_VOTER_SET', code: 94, retriable: false, message: 'Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.' },
  { name: 'INVALID_UPDATE_VERSION', code: 95, retriable: false, message: 'The given update version was invalid.' },
  { name: 'FEATURE_UPDATE_FAILED', code: 96, retriable: false, message: 'Unable to update finalized features due to an unexpected server error.' },
  { name: 'PRINCIPAL_DESERIALIZATION_FAILURE', code: 97, retriable: false, message: 'Request principal deserialization failed during forwarding. This indicates an internal error on the broker cluster security setup.' },
  { name: 'SNAPSHOT_NOT_FOUND', code: 98, retriable: false, message: 'Requested snapshot was not found.' },
  { name: 'POSITION_OUT_OF_RANGE', code: 99, retriable: false, message: 'Requested position is not greater than or equal to zero, and less than the size of the snapshot.' },
  { name: 'UNKNOWN_TOPIC_ID', code: 100, retriable: true, message: 'This server does not host this topic ID.' },
  { name: 'DUPLICATE_BROKER_REGISTRATION', code: 101, retriable: false, message: 'This broker ID is already in use.' },
  { name: 'BROKER_ID_NOT_REGISTERED', code: 102, retriable: false, message: 'The given broker ID was not registered.' },
  { name: 'INCONSISTENT_TOPIC_ID', code: 103, retriable: true, message: 'The log\'s topic ID did not match the topic ID in the request.' },
  { name: 'INCONSISTENT_CLUSTER_ID', code: 104, retriable: false, message: 'The clusterId in the request does not match that found on the server.' },
  { name: 'TRANSACTIONAL_ID_NOT_FOUND', code: 105, retriable: false, message: 'The transactionalId could not be found.' },
  { name: 'FETCH_SESSION_TOPIC_ID_ERROR', code: 106, retriable: true, message: 'The fetch session encountered inconsistent topic ID usage.' },
  { name: 'INELIGIBLE_REPLICA', code: 107, retriable: false, message: 'The new ISR contains at least one ineligible replica.' },
  { name: 'NEW_LEADER_ELECTED', code: 108, retriable: false, message: 'The AlterPartition request successfully updated the partition state but the leader has changed.' },
  { name: 'OFFSET_MOVED_TO_TIERED_STORAGE', code: 109, retriable: false, message: 'The requested offset is moved to tiered storage.' },
  { name: 'FENCED_MEMBER_EPOCH', code: 110, retriable: false, message: 'The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.' },
  { name: 'UNRELEASED_INSTANCE_ID', code: 111, retriable: false, message: 'The instance ID is still used by another member in the consumer group. That member must leave first.' },
  { name: 'UNSUPPORTED_ASSIGNOR', code: 112, retriable: false, message: 'The assignor or its version range is not supported by the consumer group.' },
  { name: 'STALE_MEMBER_EPOCH', code: 113, retriable: false, message: 'The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.' },
  { name: 'MISMATCHED_ENDPOINT_TYPE', code: 114, retriable: false, message: 'The request was sent to an endpoint of the wrong type.' },
  { name: 'UNSUPPORTED_ENDPOINT_TYPE', code: 115, retriable: false, message: 'This endpoint type is not supported yet.' },
  { name: 'UNKNOWN_CONTROLLER_ID', code: 116, retriable: false, message: 'This controller ID is not known.' },
  { name: 'UNKNOWN_SUBSCRIPTION_ID', code: 117, retriable: false, message: 'Client sent a push telemetry request with an invalid or outdated subscription ID.' },
  { name: 'TELEMETRY_TOO_LARGE', code: 118, retriable: false, message: 'Client sent a push telemetry request larger than the maximum size the broker will accept.' },
  { name: 'INVALID_REGISTRATION', code: 119, retriable: false, message: 'The controller has considered the broker registration to be invalid.' },
  { name: 'TRANSACTION_ABORTABLE', code: 120, retriable: false, message: 'The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.' },
  { name: 'INVALID_RECORD_STATE', code: 121, retriable: false, message: 'The record state is invalid. The acknowledgement of delivery could not be completed.' },
  { name: 'SHARE_SESSION_NOT_FOUND', code: 122, retriable: true, message: 'The share session was not found.' },
  { name: 'INVALID_SHARE_SESSION_EPOCH', code: 123, retriable: true, message: 'The share session epoch is invalid.' },
  { name: 'FENCED_STATE_EPOCH', code: 124, retriable: false, message: 'The share coordinator rejected the request because the share-group state epoch did not match.' },
  { name: 'INVALID_VOTER_KEY', code: 125, retriable: false, message: 'The voter key doesn\'t match the receiving replica\'s key.' },
  { name: 'DUPLICATE_VOTER', code: 126, retriable: false, message: 'The voter is already part of the set of voters.' },
  { name: 'VOTER_NOT_FOUND', code: 127, retriable: false, message: 'The voter is not part of the set of voters.' },
  { name: 'INVALID_REGULAR_EXPRESSION', code: 128, retriable: false, message: 'The regular expression is not valid.' },
  { name: 'REBOOTSTRAP_REQUIRED', code: 129, retriable: false, message: 'Client metadata is stale, client should rebootstrap to obtain new metadata.' },
]
for (const row of rows) Object.freeze(row)

/** The error table, one frozen row per known code, in code order (-1 first). */
export const ERRORS: readonly KnownErrorInfo[] = Object.freeze(rows)

const byCode: ReadonlyMap<number, KnownErrorInfo> = new Map(ERRORS.map((row) => [row.code, row]))

/** True if `code` is one of the codes in `ERRORS`. */
export function isKnownErrorCode(code: number): code is ErrorCode {
  return byCode.has(code)
}

/**
 * The table row for `code`. Never throws: a code this table does not know (a
 * newer broker's, or garbage) gets a fresh synthetic row named
 * `UNKNOWN_ERROR_CODE_<code>`, non-retriable, as Kafka's client would treat it.
 */
export function errorInfo(code: number): ErrorInfo {
  const row = byCode.get(code)
  if (row !== undefined) return row
  return Object.freeze({
    name: `UNKNOWN_ERROR_CODE_${code}`,
    code,
    retriable: false,
    message: `Unknown error code ${code}.`,
  })
}

/** Kafka's name for `code`, or `UNKNOWN_ERROR_CODE_<code>`. */
export function errorName(code: number): string {
  return errorInfo(code).name
}

/** Whether a client may retry after `code` (false for NONE and unknown codes). */
export function isRetriable(code: number): boolean {
  return byCode.get(code)?.retriable ?? false
}
