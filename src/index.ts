/**
 * Brook's public entry point: the embedded broker (`startBroker`), the
 * protocol layer, and Brook's client: producer, consumer and admin.
 */
export { startBroker, type RunningBroker, type StartBrokerOptions } from './broker/start-broker.js'
export { KafkaServer } from './broker/kafka-server.js'
export * from './protocol/index.js'
export { Producer, type ProducerOptions, type Compression } from './client/producer/producer.js'
export type { ProducerRecord, RecordMetadata, DeliveryCallback, Bytes } from './client/producer/producer-record.js'
export { serializers, type Serializer } from './client/producer/serializers.js'
export { BufferExhaustedError, SerializationError } from './client/producer/errors.js'
export { murmur2, keyedPartition, type Partitioner } from './client/producer/partitioner.js'
export { Consumer, ConsumerRecord, type ConsumerOptions, type RebalanceListener, type TopicPartition, type IsolationLevel, type OffsetResetPolicy } from './client/consumer/consumer.js'
export { ASSIGNORS, type Assignor, type MemberSubscription } from './client/consumer/assignors/assignor.js'
export { Admin, type AdminOptions, type CallOptions } from './client/admin/admin.js'
export { AdminError, type ItemFailure } from './client/admin/admin-error.js'
export type { NewTopic, NewPartitions, CreateTopicsOptions, CreatedTopic, TopicDescription, TopicPartitionInfo } from './client/admin/topics.js'
export { CONFIG_SOURCES, CONFIG_TYPES, type ConfigResource, type ConfigResourceType, type ConfigResourceDescription, type ConfigEntry, type ConfigSynonym, type ConfigSource, type ConfigType, type DescribeConfigsOptions, type ConfigAlteration, type AlterConfigOp } from './client/admin/configs.js'
export type { ListedGroup, GroupDescription, GroupMemberDescription } from './client/admin/groups.js'
export type { CommittedOffset, OffsetToCommit, ResetTarget, PlannedOffset } from './client/admin/group-offsets.js'
export type { OffsetSpec, ListOffsetsOptions, ListedOffset, RecordsToDelete, DeletedRecords } from './client/admin/partition-offsets.js'
export type { ClusterDescription, BrokerNode, LogDirDescription, ReplicaLogInfo } from './client/admin/brokers.js'
export { Cluster, type ClusterOptions } from './client/cluster.js'
export { KafkaClientError, KafkaProtocolError, ConnectionError, RequestTimeoutError, UnsupportedVersionError } from './client/errors.js'
