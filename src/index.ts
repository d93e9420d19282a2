/**
 * Brook's public entry point: the embedded broker (`startBroker`) and the
 * protocol layer. The client and the tools arrive with their issues.
 */
export { startBroker, type RunningBroker, type StartBrokerOptions } from './broker/start-broker.js'
export { KafkaServer } from './broker/kafka-server.js'
export * from './protocol/index.js'
