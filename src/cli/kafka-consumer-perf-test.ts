/**
 * kafka-consumer-perf-test: Kafka's ConsumerPerformance over Brook's
 * consumer (src/tools/consumer-performance.ts).
 */
import { runTool } from '../tools/command-line.js'
import { CONSUMER_PERFORMANCE_SPEC, dropBareTimeout, runConsumerPerformance } from '../tools/consumer-performance.js'

runTool(CONSUMER_PERFORMANCE_SPEC, dropBareTimeout(process.argv.slice(2)), (args) => runConsumerPerformance(args))
