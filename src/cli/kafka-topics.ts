/**
 * kafka-topics: Kafka's bin/kafka-topics.sh against Brook (or any Kafka
 * broker). See src/tools/topic-command.ts.
 *
 *   kafka-topics.sh --bootstrap-server HOST:PORT --create --topic t --partitions 3 --config retention.ms=1000
 */
import { runTool, usage } from '../tools/command-line.js'
import { runTopicCommand, TOPICS_SPEC } from '../tools/topic-command.js'

const argv = process.argv.slice(2)
runTool(TOPICS_SPEC, argv, async (args) => {
  // Kafka: no arguments at all print the usage on stderr and exit 1.
  if (argv.length === 0) {
    process.stderr.write(usage({ ...TOPICS_SPEC, summary: 'Create, delete, describe, or change a topic.' }))
    return 1
  }
  return runTopicCommand(args, (line) => void process.stdout.write(`${line}\n`))
})
