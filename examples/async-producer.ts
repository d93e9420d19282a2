/**
 * The asynchronous style: produce() hands each record to the producer and
 * returns as soon as it is in the buffer; the outcome arrives later at
 * `onDelivery`, which plays the part of sarama's Successes() and Errors()
 * channels in its AsyncProducer example. `await producer.produce()` in a loop
 * goes as fast as the brokers take the records: once buffer.memory is full
 * it waits for room.
 *
 *   npx tsx examples/async-producer.ts --bootstrap-server localhost:9092 --topic test [--count N]
 *
 * Produces `testing 123` (acks=all, random partitioner) until Ctrl-C or N
 * messages, prints `Failed to produce message <error>` for each failure,
 * then flushes and prints `Enqueued: <n>; errors: <m>` and
 * `Successes: <n>; errors: <m>`. A second Ctrl-C quits without flushing.
 */
import { Producer } from '../src/index.js'
import { parseExampleArgs } from './args.js'

const args = parseExampleArgs(process.argv.slice(2), {
  name: 'async-producer',
  summary: 'Produces "testing 123" (acks=all, random partitions) until Ctrl-C or --count, counting delivery reports.',
  flags: { count: { type: 'number', description: 'stop after N messages (default: until Ctrl-C)' } },
})

let enqueued = 0
let successes = 0
let errors = 0
const producer = new Producer({
  bootstrapServers: [args.bootstrapServer],
  clientId: 'async-producer',
  acks: 'all',
  partitioner: 'random',
  onDelivery: (error) => {
    if (error === null) return void successes++
    errors++
    console.log(`Failed to produce message ${String(error)}`)
  },
})

let stopping = false
process.on('SIGINT', () => {
  if (stopping) process.exit(130) // the second Ctrl-C: do not wait for the flush
  stopping = true
})
// On stderr, so that stdout holds the counts alone.
console.error(`producing to ${args.topic} ${args.flags.count === undefined ? 'until Ctrl-C' : `${args.flags.count} times (or until Ctrl-C)`}`)

while (!stopping && (args.flags.count === undefined || enqueued < args.flags.count)) {
  await producer.produce({ topic: args.topic, value: 'testing 123' })
  enqueued++
}
await producer.close() // flushes: every record's report has arrived after this
console.log(`Enqueued: ${enqueued}; errors: ${errors}`)
console.log(`Successes: ${successes}; errors: ${errors}`)
