/**
 * Brook's public entry point: the embedded broker (`startBroker`) and the
 * protocol layer, and Brook's client (its producer so far; consumer and admin
 * arrive with the rest of issue 5).
 */
export { startBroker, type RunningBroker, type StartBrokerOptions } from './broker/start-broker.js'
export { KafkaServer } from './broker/kafka-server.js'
export * from './protocol/index.js'
export { Producer, type ProducerOptions, type ProducerRecord, type RecordMetadata, type Compression, type Partitioner } from './client/producer/producer.js'
export { murmur2, keyedPartition } from './client/producer/partitioner.js'
export { Cluster, type ClusterOptions } from './client/cluster.js'
export { KafkaClientError, KafkaProtocolError, ConnectionError, RequestTimeoutError, UnsupportedVersionError } from './client/errors.js'
