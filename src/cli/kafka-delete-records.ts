/**
 * kafka-delete-records(.sh): Kafka's DeleteRecordsCommand (bin/kafka-delete-records.sh). See src/tools/delete-records-command.ts.
 * No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
 */
import { runTool } from '../tools/command-line.js'
import { DELETE_RECORDS_COMMAND, deleteRecordsCommand } from '../tools/delete-records-command.js'

runTool(DELETE_RECORDS_COMMAND, process.argv.slice(2), deleteRecordsCommand)
