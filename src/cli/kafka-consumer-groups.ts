/**
 * kafka-consumer-groups: lists, describes, deletes consumer groups and resets
 * or deletes their offsets, as Kafka's bin/kafka-consumer-groups.sh does.
 * See src/tools/consumer-group-command.ts.
 */
import { runTool } from '../tools/command-line.js'
import { consumerGroupCommand } from '../tools/consumer-group-command.js'
import { CONSUMER_GROUPS_SPEC, withStateValue } from '../tools/consumer-group-command-options.js'

runTool(CONSUMER_GROUPS_SPEC, withStateValue(process.argv.slice(2)), consumerGroupCommand)
