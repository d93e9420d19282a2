/**
 * kafka-broker-api-versions(.sh): Kafka's BrokerApiVersionsCommand (bin/kafka-broker-api-versions.sh). See src/tools/broker-api-versions-command.ts.
 * No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
 */
import { runTool } from '../tools/command-line.js'
import { BROKER_API_VERSIONS_COMMAND, brokerApiVersionsCommand } from '../tools/broker-api-versions-command.js'

runTool(BROKER_API_VERSIONS_COMMAND, process.argv.slice(2), brokerApiVersionsCommand)
