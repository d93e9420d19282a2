/**
 * kafka-get-offsets(.sh): Kafka's GetOffsetShell (bin/kafka-get-offsets.sh). See src/tools/get-offset-shell.ts.
 * No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
 */
import { runTool } from '../tools/command-line.js'
import { GET_OFFSET_SHELL, getOffsetShell } from '../tools/get-offset-shell.js'

runTool(GET_OFFSET_SHELL, process.argv.slice(2), getOffsetShell)
