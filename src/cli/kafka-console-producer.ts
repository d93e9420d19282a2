/**
 * kafka-console-producer: one record per line of standard input (Kafka's
 * ConsoleProducer); see src/tools/console-producer.ts.
 */
import { runTool, usage } from '../tools/command-line.js'
import { CONSOLE_PRODUCER, consoleProducer, withOptionalCodec } from '../tools/console-producer.js'

const argv = process.argv.slice(2)
// Kafka prints the usage and exits 1 when given no arguments at all.
if (argv.length === 0) {
  process.stderr.write(usage(CONSOLE_PRODUCER))
  process.exit(1)
}
runTool(CONSOLE_PRODUCER, withOptionalCodec(argv), (args) => consoleProducer(args))
