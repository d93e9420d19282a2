/**
 * kafka-dump-log: Kafka's DumpLogSegments, reading segment, index and
 * snapshot files directly (src/tools/dump-log-segments.ts).
 */
import { runTool } from '../tools/command-line.js'
import { DUMP_LOG_SEGMENTS_SPEC, fillOptionalDecoderValues, runDumpLogSegments } from '../tools/dump-log-segments.js'

runTool(DUMP_LOG_SEGMENTS_SPEC, fillOptionalDecoderValues(process.argv.slice(2)), (args) => runDumpLogSegments(args))
