/**
 * kafka-configs: Kafka's bin/kafka-configs.sh against Brook (or any Kafka
 * broker), for topics, brokers and broker loggers. See
 * src/tools/config-command.ts.
 *
 *   kafka-configs.sh --bootstrap-server HOST:PORT --alter --topic t --add-config retention.ms=1000,cleanup.policy=[compact,delete]
 */
import { runTool, usage } from '../tools/command-line.js'
import { CONFIGS_SPEC, runConfigCommand } from '../tools/config-command.js'

const argv = process.argv.slice(2)
runTool(CONFIGS_SPEC, argv, async (args) => {
  // Kafka: no arguments at all print the usage on stderr and exit 1.
  if (argv.length === 0) {
    process.stderr.write(usage(CONFIGS_SPEC))
    return 1
  }
  return runConfigCommand(
    args,
    argv,
    (line) => void process.stdout.write(`${line}\n`),
    (line) => void process.stderr.write(`${line}\n`),
  )
})
