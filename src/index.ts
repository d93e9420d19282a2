/**
 * Brook's public entry point. Today it exposes the protocol layer; the broker
 * (`startBroker`), the client and the tools arrive with their issues.
 */
export * from './protocol/index.js'
