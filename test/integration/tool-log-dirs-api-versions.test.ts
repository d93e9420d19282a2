/**
 * bin/kafka-log-dirs and bin/kafka-broker-api-versions against a broker
 * process: Kafka's progress lines and JSON (parsed, and its exact key and
 * element order checked), the broker's API lines as Kafka prints them, the
 * one-line errors and --help.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { BrokerConnection } from '../../src/client/network/broker-connection.js'
import { Producer } from '../../src/client/producer/producer.js'
import { ApiVersionsApi } from '../../src/protocol/messages/api-versions.js'
import { API_TABLE } from '../../src/protocol/messages/api-table.js'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { lines, runTool } from './run-tool.js'

let broker: BrokerProcess

before(async () => {
  broker = await startBrokerProcess()
  const admin = new Admin({ bootstrapServers: [broker.bootstrap] })
  try {
    await admin.createTopics([
      { name: 'orders', numPartitions: 3, replicationFactor: 1 },
      { name: 'payments', numPartitions: 2, replicationFactor: 1 },
    ])
    const producer = new Producer({ bootstrapServers: [broker.bootstrap], lingerMs: 0 })
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'orders', partition: 0, key: `k${i}`, value: `order number ${i}` })
    await producer.send({ topic: 'payments', partition: 1, value: 'paid' })
    await producer.close()
  } finally {
    await admin.close()
  }
})

after(async () => {
  await broker.stop()
  await removeDir(broker.logDir)
})

interface LogDirsJson {
  version: number
  brokers: { broker: number; logDirs: { logDir: string; error: string | null; partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[] }[] }[]
}

test('kafka-log-dirs --describe: progress lines, then the log dirs as JSON in the order and shape Kafka prints', async () => {
  const r = await runTool('kafka-log-dirs', ['--bootstrap-server', broker.bootstrap, '--describe'])
  assert.deepEqual([r.code, r.stderr], [0, ''])
  const out = lines(r.stdout)
  assert.deepEqual(out.slice(0, 2), ['Querying brokers for log directories information', 'Received log directory information from brokers 0'])
  assert.equal(out.length, 3)
  const json = JSON.parse(out[2]!) as LogDirsJson
  assert.equal(json.version, 1)
  assert.equal(json.brokers.length, 1)
  const [dir] = json.brokers[0]!.logDirs
  assert.deepEqual([json.brokers[0]!.broker, json.brokers[0]!.logDirs.length, dir!.logDir, dir!.error], [0, 1, broker.logDir, null])
  // A Java HashMap of these five TopicPartitions iterates in this order (checked with Java 17).
  assert.deepEqual(dir!.partitions.map((p) => p.partition), ['payments-0', 'payments-1', 'orders-0', 'orders-1', 'orders-2'])
  const size = Object.fromEntries(dir!.partitions.map((p) => [p.partition, p.size]))
  const logBytes = async (tp: string) => (await stat(join(broker.logDir, tp, '00000000000000000000.log'))).size
  assert.equal(size['orders-0'], await logBytes('orders-0'), 'size is the bytes of the partition log')
  assert.ok(size['orders-0']! > 20 * 'order number 0'.length)
  assert.ok(size['payments-1']! > 0)
  assert.deepEqual([size['orders-1'], size['orders-2'], size['payments-0']], [0, 0, 0])
  assert.ok(dir!.partitions.every((p) => p.offsetLag === 0 && p.isFuture === false))
  // Kafka's key order, which scripts that match text rather than parse JSON rely on.
  assert.match(out[2]!, /^\{"brokers":\[\{"broker":0,"logDirs":\[\{"partitions":\[\{"partition":"payments-0","size":0,"offsetLag":0,"isFuture":false\},/)
  assert.ok(out[2]!.endsWith(`],"error":null,"logDir":${JSON.stringify(broker.logDir)}}]}],"version":1}`))

  const only = await runTool('kafka-log-dirs', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic-list', 'payments,nope', '--broker-list', '0'])
  assert.equal(only.code, 0)
  const onlyJson = JSON.parse(lines(only.stdout)[2]!) as LogDirsJson
  assert.deepEqual(onlyJson.brokers[0]!.logDirs[0]!.partitions.map((p) => p.partition), ['payments-0', 'payments-1'])
})

test('kafka-log-dirs: unknown brokers and a missing --describe are one-line errors; --help exits 0', async () => {
  const unknown = await runTool('kafka-log-dirs', ['--bootstrap-server', broker.bootstrap, '--describe', '--broker-list', '0,7,5'])
  assert.deepEqual([unknown.code, unknown.stdout, unknown.stderr], [1, '', 'Error: The given brokers do not exist from --broker-list: 5,7. Current existent brokers: 0\n'])
  const noDescribe = await runTool('kafka-log-dirs', ['--bootstrap-server', broker.bootstrap])
  assert.deepEqual([noDescribe.code, noDescribe.stderr], [1, 'Error: Missing required argument "[describe]"\n'])
  const help = await runTool('kafka-log-dirs', ['--help'])
  assert.equal(help.code, 0)
  assert.equal(lines(help.stdout)[0], 'This tool helps to query log directory usage on the specified brokers.')
})

test("kafka-broker-api-versions: each API the broker serves with the version Brook's client would use", async () => {
  const r = await runTool('kafka-broker-api-versions', ['--bootstrap-server', broker.bootstrap])
  assert.deepEqual([r.code, r.stderr], [0, ''])
  const out = lines(r.stdout)
  assert.equal(out[0], `127.0.0.1:${broker.port} (id: 0 rack: null) -> (`)
  assert.equal(out[out.length - 1], ')')
  const apis = out.slice(1, -1)
  assert.ok(apis.slice(0, -1).every((l) => l.startsWith('\t') && l.endsWith(',')) && !apis[apis.length - 1]!.endsWith(','))
  for (const line of ['\tProduce(0): 0 to 11 [usable: 11],', '\tFetch(1): 0 to 17 [usable: 17],', '\tListOffsets(2): 0 to 10 [usable: 10],', '\tMetadata(3): 0 to 12 [usable: 12],', '\tLeaderAndIsr(4): UNSUPPORTED,', '\tDeleteRecords(21): 0 to 2 [usable: 2],']) {
    assert.ok(apis.includes(line), `${JSON.stringify(line)} in\n${r.stdout}`)
  }

  // Every API the broker advertises, and only those, shows its range and the highest version both sides have.
  const c = await BrokerConnection.connect({ host: '127.0.0.1', port: broker.port, clientId: 'test' })
  const advertised = (await c.request(ApiVersionsApi, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'test', clientSoftwareVersion: '1' })).apiKeys
  c.close()
  const keys = apis.map((l) => Number(/\((\d+)\):/.exec(l)![1]))
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'ascending api keys')
  for (const v of advertised) {
    const client = API_TABLE.find((a) => a.apiKey === v.apiKey)!
    const range = v.minVersion === v.maxVersion ? `${v.minVersion}` : `${v.minVersion} to ${v.maxVersion}`
    assert.ok(apis.some((l) => l.replace(/,$/, '') === `\t${client.name}(${v.apiKey}): ${range} [usable: ${Math.min(v.maxVersion, client.maxVersion)}]`), client.name)
  }
  const unsupported = apis.filter((l) => l.includes('UNSUPPORTED'))
  assert.equal(apis.length, advertised.length + unsupported.length)

  const help = await runTool('kafka-broker-api-versions', ['--help'])
  assert.equal(help.code, 0)
  assert.equal(lines(help.stdout)[0], 'This tool helps to retrieve broker version information.')
  const missing = await runTool('kafka-broker-api-versions', [])
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Error: Missing required argument "[bootstrap-server]"\n'])
})
