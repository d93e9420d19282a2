/**
 * kafka-log-dirs(.sh): Kafka's LogDirsCommand (bin/kafka-log-dirs.sh). See src/tools/log-dirs-command.ts.
 * No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
 */
import { runTool } from '../tools/command-line.js'
import { LOG_DIRS_COMMAND, logDirsCommand } from '../tools/log-dirs-command.js'

runTool(LOG_DIRS_COMMAND, process.argv.slice(2), logDirsCommand)
