// kafkajs client driven by capture.mjs: produces 3 keyed records with headers
// to topic `golden` partition 0 uncompressed, then the same 3 with gzip, then
// consumes them from the beginning with a consumer group.
// Usage: node kafkajs-client.mjs <host:port>
import kafkajs from 'kafkajs';

const { Kafka, CompressionTypes, logLevel } = kafkajs;
const broker = process.argv[2];
if (!broker) { console.error('usage: kafkajs-client.mjs host:port'); process.exit(2); }

const records = [1, 2, 3].map((i) => ({
  key: `k${i}`,
  value: `golden-value-${i}`,
  headers: { 'golden-h': `hv${i}` },
  partition: 0,
}));

const kafka = new Kafka({ clientId: 'brook-golden-kafkajs', brokers: [broker], logLevel: logLevel.WARN, retry: { retries: 3 } });
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

const producer = kafka.producer({ allowAutoTopicCreation: true });
await producer.connect();
await producer.send({ topic: 'golden', acks: -1, messages: records });
await pause(300);
await producer.send({ topic: 'golden', acks: -1, compression: CompressionTypes.GZIP, messages: records });
await producer.disconnect();
await pause(300);

const consumer = kafka.consumer({ groupId: 'golden-group', maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic: 'golden', fromBeginning: true });
let seen = 0;
const done = new Promise((resolve) => {
  consumer.run({
    eachMessage: async ({ message }) => {
      console.log(`consumed ${message.key} = ${message.value} @${message.offset}`);
      if (++seen >= 6) resolve();
    },
  });
});
const timeout = pause(20000).then(() => { throw new Error(`timed out after ${seen} messages`); });
try {
  await Promise.race([done, timeout]);
} finally {
  await consumer.disconnect();
}
console.log('kafkajs done');
process.exit(0);
