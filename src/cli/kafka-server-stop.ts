/**
 * kafka-server-stop(.sh): Kafka's bin/kafka-server-stop.sh. See src/tools/server-stop.ts.
 * No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
 */
import { runTool } from '../tools/command-line.js'
import { SERVER_STOP, serverStop } from '../tools/server-stop.js'

runTool(SERVER_STOP, process.argv.slice(2), serverStop)
