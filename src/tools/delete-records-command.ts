/**
 * kafka-delete-records: Kafka's DeleteRecordsCommand (3.7-3.9). Reads a JSON
 * file naming partitions and offsets, deletes each partition's records before
 * its offset (-1: up to the high watermark) and prints each partition's new
 * low watermark:
 *
 *   Executing records delete operation
 *   Records delete operation completed:
 *   partition: orders-0	low_watermark: 3
 *   partition: orders-1	error: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.
 *
 * The partition lines come in the order Kafka prints them, which is a Java
 * HashMap's (java-hash-map.ts). A partition that fails prints its error line
 * and the command still exits 0, as Kafka's does. The error line carries
 * Kafka's exception class and its standard message for the broker's error
 * code (Kafka's own message differs for a topic missing from the metadata,
 * which Kafka reports as "Failed to fetch metadata for partition ...").
 */
import { AdminError } from '../client/admin/admin-error.js'
import type { DeletedRecords, RecordsToDelete } from '../client/admin/partition-offsets.js'
import { readFile } from 'node:fs/promises'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'
import { javaHashMapOrder, topicPartitionHashCode } from './java-hash-map.js'
import { kafkaExceptionString } from './kafka-exceptions.js'
import { createToolAdmin } from './tool-admin.js'

export const DELETE_RECORDS_COMMAND: ToolSpec = {
  name: 'kafka-delete-records',
  summary: 'This tool helps to delete records of the given partitions down to the specified offset.',
  options: {
    'bootstrap-server': { arg: 'String: server(s) to use for bootstrapping', description: 'REQUIRED: The server to connect to.' },
    'command-config': { arg: 'String: command config property file path', description: 'A property file containing configs to be passed to Admin Client.' },
    'offset-json-file': {
      arg: 'String: Offset json file path',
      description: 'REQUIRED: The JSON file with offset per partition. The format to use is: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version":1 }',
    },
  },
}

/** Jackson's rendering of a JSON value in Kafka's "Expected ..., received X" messages. */
const shown = (v: unknown): string => JSON.stringify(v) ?? 'null'

/**
 * Kafka's parseOffsetJsonStringWithoutDedup: version 1 (the default), a
 * `partitions` array of {topic, partition, offset}; each partition's offsets
 * in file order (more than one is an error the caller reports).
 */
export function parseOffsetJson(text: string): Map<string, { topic: string; partition: number; offsets: bigint[] }> {
  let js: unknown
  try {
    js = JSON.parse(text)
  } catch {
    throw new UsageError('The input string is not a valid JSON')
  }
  const object = (v: unknown): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`Expected JSON object, received ${shown(v)}`)
    return v as Record<string, unknown>
  }
  const field = (o: Record<string, unknown>, name: string): unknown => {
    if (!Object.hasOwn(o, name)) throw new UsageError(`No such field exists: \`${name}\``)
    return o[name]
  }
  const integer = (v: unknown, type: 'Integer' | 'Long', min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`Expected \`${type}\` value, received ${shown(v)}`)
    return v
  }
  const root = object(js)
  const version = Object.hasOwn(root, 'version') ? integer(root.version, 'Integer', -(2 ** 31), 2 ** 31 - 1) : 1
  if (version !== 1) throw new UsageError(`Not supported version field value ${version}`)
  if (!Object.hasOwn(root, 'partitions')) throw new UsageError('Missing partitions field')
  const partitions = root.partitions
  if (!Array.isArray(partitions)) throw new UsageError(`Expected JSON array, received ${shown(partitions)}`)
  const out = new Map<string, { topic: string; partition: number; offsets: bigint[] }>()
  for (const entry of partitions) {
    const p = object(entry)
    const topic = field(p, 'topic')
    if (typeof topic !== 'string') throw new UsageError(`Expected \`String\` value, received ${shown(topic)}`)
    const partition = integer(field(p, 'partition'), 'Integer', -(2 ** 31), 2 ** 31 - 1)
    const offset = BigInt(integer(field(p, 'offset'), 'Long', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))
    const key = `${topic}-${partition}`
    const seen = out.get(key)
    if (seen) seen.offsets.push(offset)
    else out.set(key, { topic, partition, offsets: [offset] })
  }
  return out
}

export async function deleteRecordsCommand(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server')
  const file = args.required('offset-json-file')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new UsageError(`Cannot read ${file}: ${(e as Error).message}`)
  }
  const parsed = parseOffsetJson(text)
  const hash = (p: { topic: string; partition: number }) => topicPartitionHashCode(p.topic, p.partition)
  // Kafka keeps the file's partitions in a HashMap, and its result map follows that map's order.
  const partitions = javaHashMapOrder([...parsed.values()], hash)
  const duplicates = javaHashMapOrder(partitions.filter((p) => p.offsets.length > 1), hash)
  if (duplicates.length > 0) throw new UsageError(`Offset json file contains duplicate topic partitions: ${duplicates.map((p) => `${p.topic}-${p.partition}`).join(',')}`)

  const admin = await createToolAdmin(bootstrap, args.value('command-config'))
  try {
    process.stdout.write('Executing records delete operation\n')
    const requests: RecordsToDelete[] = partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offsets[0]! }))
    const done = new Map<string, DeletedRecords>()
    const failed = new Map<string, number>()
    if (requests.length > 0) {
      try {
        for (const d of await admin.deleteRecords(requests)) done.set(`${d.topic}-${d.partition}`, d)
      } catch (e) {
        if (!(e instanceof AdminError)) throw e
        for (const f of e.failures) failed.set(f.item, f.error.errorCode)
        // The call reports failures only: ask again for what succeeded (deleting is idempotent).
        const rest = requests.filter((r) => !failed.has(`${r.topic}-${r.partition}`))
        if (rest.length > 0) for (const d of await admin.deleteRecords(rest)) done.set(`${d.topic}-${d.partition}`, d)
      }
    }
    process.stdout.write('Records delete operation completed:\n')
    for (const p of partitions) {
      const key = `${p.topic}-${p.partition}`
      const d = done.get(key)
      process.stdout.write(d ? `partition: ${key}\tlow_watermark: ${d.lowWatermark}\n` : `partition: ${key}\terror: ${kafkaExceptionString(failed.get(key) ?? -1)}\n`)
    }
    return 0
  } finally {
    await admin.close()
  }
}
