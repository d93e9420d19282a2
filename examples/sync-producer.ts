/**
 * The synchronous style: send() one record at a time and wait for the
 * broker's answer, as sarama's SyncProducer example does (and Java's
 * `producer.send(record).get()`), printing where each landed.
 *
 *   npx tsx examples/sync-producer.ts --bootstrap-server localhost:9092 --topic test
 *
 * Sends ten messages (`message 0` .. `message 9`) with acks=all and exits 0;
 * at the first failure prints `FAILED to send message: <error>` and exits 1.
 */
import { Producer } from '../src/index.js'
import { parseExampleArgs } from './args.js'

const args = parseExampleArgs(process.argv.slice(2), {
  name: 'sync-producer',
  summary: 'Sends ten messages one at a time (acks=all), printing the partition and offset of each.',
})

// A short max.block.ms, so that a wrong address fails in seconds rather than a minute.
const producer = new Producer({ bootstrapServers: [args.bootstrapServer], clientId: 'sync-producer', acks: 'all', maxBlockMs: 10_000 })
try {
  for (let i = 0; i < 10; i++) {
    const { partition, offset } = await producer.send({ topic: args.topic, value: `message ${i}` })
    console.log(`> message sent to partition ${partition} at offset ${offset}`)
  }
} catch (e) {
  console.error(`FAILED to send message: ${String(e)}`)
  process.exitCode = 1
} finally {
  await producer.close()
}
