/**
 * Consumer groups: two groups, `group-1` and `group-2`, read the same topic
 * at the same time, so each receives every message (publish-subscribe);
 * start the program twice and the members of each group share the
 * partitions instead (a queue). What the seed's sarama-cluster program does:
 * errors and rebalance notifications are logged, each message is printed as
 * `group:topic/partition/offset<TAB>key<TAB>value` and marked as processed
 * (markOffset, committed every second), and on Ctrl-C, or after
 * `--max-messages N` per group, each group prints `<group> consume <n> messages`.
 *
 *   npx tsx examples/group-consumer.ts --bootstrap-server localhost:9092 --topic test
 */
import { Consumer, type ConsumerRecord, type TopicPartition } from '../src/index.js'
import { parseExampleArgs } from './args.js'

const args = parseExampleArgs(process.argv.slice(2), {
  name: 'group-consumer',
  summary: 'Two consumer groups (group-1, group-2) read the same topic from the oldest offset, printing each message, until Ctrl-C.',
  flags: { 'max-messages': { type: 'number', description: 'stop each group after N messages' } },
})
const maxMessages = args.flags['max-messages']

/** Go's log.Printf: a timestamp, then the line, on stderr. */
function log(line: string): void {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  process.stderr.write(`${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${line}\n`)
}

/** sarama-cluster's notification, `{Type:rebalance OK Claimed:map[test:[0 1]] Released:map[] Current:map[test:[0 1]]}`. */
function byTopic(tps: TopicPartition[]): string {
  const m = new Map<string, number[]>()
  for (const tp of tps) m.set(tp.topic, [...(m.get(tp.topic) ?? []), tp.partition])
  return `map[${[...m].map(([t, ps]) => `${t}:[${ps.sort((a, b) => a - b).join(' ')}]`).join(' ')}]`
}

const controller = new AbortController()
process.once('SIGINT', () => controller.abort())
process.once('SIGTERM', () => controller.abort())

async function consumeAs(groupId: string): Promise<void> {
  let claimed: TopicPartition[] = []
  let released: TopicPartition[] = []
  const consumer = new Consumer({
    bootstrapServers: [args.bootstrapServer],
    clientId: groupId,
    groupId,
    autoOffsetReset: 'earliest',
    // Marks come from markOffset() below, as sarama's MarkOffset; commits every second.
    autoMark: false,
    autoCommitIntervalMs: 1000,
    onError: (e) => log(`${groupId}:Error: ${e.message}`),
    rebalanceListener: {
      revoked: (tps) => {
        released = released.concat(tps)
      },
      assigned: (tps) => {
        claimed = tps
        log(`${groupId}:Rebalanced: {Type:rebalance OK Claimed:${byTopic(claimed)} Released:${byTopic(released)} Current:${byTopic(consumer.assignment())}}`)
        released = []
      },
    },
  })
  let successes = 0
  try {
    await consumer.subscribe([args.topic])
    const stop = () => void consumer.close()
    controller.signal.addEventListener('abort', stop, { once: true })
    for await (const msg of consumer as AsyncIterable<ConsumerRecord>) {
      process.stdout.write(`${groupId}:${msg.topic}/${msg.partition}/${msg.offset}\t${msg.key?.toString() ?? ''}\t${msg.value?.toString() ?? ''}\n`)
      consumer.markOffset(msg) // mark message as processed
      successes++
      if (maxMessages !== undefined && successes >= maxMessages) break
    }
  } catch (e) {
    log(`${groupId}:Error: ${(e as Error).message}`)
    process.exitCode = 1
  } finally {
    // Commits what was marked and leaves the group.
    await consumer.close()
  }
  process.stdout.write(`${groupId} consume ${successes} messages \n`)
}

await Promise.all([consumeAs('group-1'), consumeAs('group-2')])
