/**
 * kafka-producer-perf-test: Kafka's ProducerPerformance over Brook's
 * producer (src/tools/producer-performance.ts). With no arguments it prints
 * the usage and exits 0, as Kafka's argparse tool does.
 */
import { fail, runTool, usage } from '../tools/command-line.js'
import { PRODUCER_PERFORMANCE_SPEC, expandProducerProps, runProducerPerformance } from '../tools/producer-performance.js'

function main(argv: string[]): void {
  if (argv.length === 0) {
    process.stdout.write(usage(PRODUCER_PERFORMANCE_SPEC))
    process.exit(0)
  }
  let expanded: string[]
  try {
    expanded = expandProducerProps(argv)
  } catch (e) {
    fail(e)
  }
  runTool(PRODUCER_PERFORMANCE_SPEC, expanded, (args) => runProducerPerformance(args))
}

main(process.argv.slice(2))
