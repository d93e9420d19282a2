/**
 * kafka-console-consumer: prints a topic's records on standard output
 * (Kafka's ConsoleConsumer); see src/tools/console-consumer.ts.
 */
import { runTool, usage } from '../tools/command-line.js'
import { CONSOLE_CONSUMER, consoleConsumer } from '../tools/console-consumer.js'

const argv = process.argv.slice(2)
// Kafka prints the usage and exits 1 when given no arguments at all.
if (argv.length === 0) {
  process.stderr.write(usage(CONSOLE_CONSUMER))
  process.exit(1)
}
runTool(CONSOLE_CONSUMER, argv, (args) => consoleConsumer(args))
