/**
 * Brook's public entry point: the embedded broker (`startBroker`) and the
 * protocol layer, and Brook's client (its producer so far; consumer and admin
 * arrive with the rest of issue 5).
 */
export { startBroker, type RunningBroker, type StartBrokerOptions } from './broker/start-broker.js'
export { KafkaServer } from './broker/kafka-server.js'
export * from './protocol/index.js'
export { Producer, type ProducerOptions, type Compression } from './client/producer/producer.js'
export type { ProducerRecord, RecordMetadata, DeliveryCallback, Bytes } from './client/producer/producer-record.js'
export { serializers, type Serializer } from './client/producer/serializers.js'
export { BufferExhaustedError, SerializationError } from './client/producer/errors.js'
export { murmur2, keyedPartition, type Partitioner } from './client/producer/partitioner.js'
export { Cluster, type ClusterOptions } from './client/cluster.js'
export { KafkaClientError, KafkaProtocolError, ConnectionError, RequestTimeoutError, UnsupportedVersionError } from './client/errors.js'
