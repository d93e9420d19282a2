/**
 * kafka-log-dirs: Kafka's LogDirsCommand (3.7-3.9). With --describe, asks
 * each broker (all of them, or those in --broker-list) for its log
 * directories and prints, after two lines of progress, one line of JSON:
 *
 *   Querying brokers for log directories information
 *   Received log directory information from brokers 0
 *   {"brokers":[{"broker":0,"logDirs":[{"partitions":[{"partition":"orders-0","size":1234,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/var/lib/brook"}]}],"version":1}
 *
 * Kafka builds that JSON from Java HashMaps, so its keys and its arrays come
 * in HashMap order; Brook prints the same order (java-hash-map.ts). `error`
 * is the name of the exception class for a log dir the broker cannot read
 * (org.apache.kafka.common.errors.KafkaStorageException), else null.
 * --topic-list keeps only those topics' partitions.
 */
import type { LogDirDescription } from '../client/admin/brokers.js'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'
import { javaHashMapOrder, javaIntegerHashCode, javaStringHashCode, topicPartitionHashCode } from './java-hash-map.js'
import { kafkaExceptionClass } from './kafka-exceptions.js'
import { createToolAdmin } from './tool-admin.js'

export const LOG_DIRS_COMMAND: ToolSpec = {
  name: 'kafka-log-dirs',
  summary: 'This tool helps to query log directory usage on the specified brokers.',
  options: {
    'bootstrap-server': { arg: 'String: The server(s) to use for bootstrapping', description: 'REQUIRED: the server(s) to use for bootstrapping' },
    'broker-list': { arg: 'String: Broker list', description: 'The list of brokers to be queried in the form "0,1,2". All brokers in the cluster will be queried if no broker list is specified', default: '' },
    'command-config': { arg: 'String: Admin client property file', description: 'Property file containing configs to be passed to Admin Client.' },
    describe: { description: 'Describe the specified log directories on the specified brokers.' },
    'topic-list': { arg: 'String: Topic list', description: 'The list of topics to be queried in the form "topic1,topic2,topic3". All topics will be queried if no topic list is specified', default: '' },
  },
}

const splitList = (s: string): string[] => s.split(',').filter((x) => x !== '')

/** A Java HashSet<Integer> made from a collection of this size iterates in this order. */
const integerSetOrder = (ids: number[]): number[] => javaHashMapOrder([...new Set(ids)].sort((a, b) => a - b), javaIntegerHashCode, { kind: 'capacity', initialCapacity: Math.max(Math.floor(ids.length / 0.75) + 1, 16) })

/** One broker's log dirs as Kafka's JSON (keys and array elements in its HashMap order). */
function logDirsJson(dirs: LogDirDescription[], topics: Set<string>): string {
  const ordered = javaHashMapOrder(dirs, (d) => javaStringHashCode(d.path), { kind: 'capacity', initialCapacity: dirs.length })
  return ordered
    .map((d) => {
      const hash = (p: { topic: string; partition: number }) => topicPartitionHashCode(p.topic, p.partition)
      // The admin client's HashMap of the broker's answer, then the tool's filtered copy of it.
      const replicas = javaHashMapOrder(
        javaHashMapOrder(d.partitions, hash).filter((p) => topics.size === 0 || topics.has(p.topic)),
        hash,
      )
      const partitions = replicas.map((p) => `{"partition":${JSON.stringify(`${p.topic}-${p.partition}`)},"size":${p.size},"offsetLag":${p.offsetLag},"isFuture":${p.isFuture}}`)
      const error = d.error === null ? 'null' : JSON.stringify(kafkaExceptionClass(d.error.errorCode))
      return `{"partitions":[${partitions.join(',')}],"error":${error},"logDir":${JSON.stringify(d.path)}}`
    })
    .join(',')
}

export async function logDirsCommand(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server')
  args.required('describe')
  const topics = new Set(splitList(args.value('topic-list')!))
  const inputBrokers = splitList(args.value('broker-list')!).map((s) => {
    if (!/^[+-]?\d+$/.test(s) || Number(s) > 2147483647 || Number(s) < -2147483648) throw new UsageError(`--broker-list expects a comma separated list of broker ids, but received: ${args.value('broker-list')}`)
    return Number(s)
  })

  const admin = await createToolAdmin(bootstrap, args.value('command-config'), 'log-dirs-tool')
  try {
    const clusterBrokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId)
    const missing = integerSetOrder(inputBrokers.filter((id) => !clusterBrokers.includes(id)))
    if (missing.length > 0) {
      throw new UsageError(`The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${integerSetOrder(clusterBrokers).join(',')}`)
    }
    const brokers = integerSetOrder(inputBrokers.length > 0 ? inputBrokers : clusterBrokers)
    process.stdout.write('Querying brokers for log directories information\n')
    const byBroker = await admin.describeLogDirs(brokers)
    process.stdout.write(`Received log directory information from brokers ${brokers.join(',')}\n`)
    const entries = javaHashMapOrder(brokers, javaIntegerHashCode, { kind: 'capacity', initialCapacity: brokers.length }).map((id) => `{"broker":${id},"logDirs":[${logDirsJson(byBroker.get(id) ?? [], topics)}]}`)
    process.stdout.write(`{"brokers":[${entries.join(',')}],"version":1}\n`)
    return 0
  } finally {
    await admin.close()
  }
}
