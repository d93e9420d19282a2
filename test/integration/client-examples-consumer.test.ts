/**
 * The group-consumer example, run as a user runs it (`tsx
 * examples/group-consumer.ts` from the repository root) against Brook and
 * librdkafka's mock cluster: both groups print every message in the seed's
 * `group:topic/partition/offset<TAB>key<TAB>value` format, and each prints
 * `<group> consume <n> messages` after --max-messages or on Ctrl-C (SIGINT),
 * having committed what it printed.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { Consumer } from '../../src/client/consumer/consumer.js'
import { Producer } from '../../src/client/producer/producer.js'
import { REPO } from './broker-process.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'

/**
 * The examples run from their TypeScript sources through tsx, as in the README,
 * but as tsx's loader inside one node process (`node --import tsx`) rather than
 * through the `tsx` command: that command relays Ctrl-C to a child process and
 * kills it if the child does not confirm within 30 ms, which a loaded CI machine
 * misses (exit 130), so a SIGINT test would measure tsx, not the example.
 */
const TSX_ARGS = ['--import', 'tsx']
const LINE = /^(group-[12]):([^/]+)\/(\d+)\/(\d+)\t([^\t]*)\t(.*)$/

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker({ config: { 'num.partitions': '3', 'group.initial.rebalance.delay.ms': '0' } })
  mock = await startMockCluster()
})

after(async () => {
  await mock.stop()
  await brook.close()
})

/** Starts the example; `lines()` is what it printed so far, `exited` its exit code. */
function start(args: string[]) {
  const child = spawn(process.execPath, [...TSX_ARGS, join('examples', 'group-consumer.ts'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    }),
  )
  return { child, exited, lines: () => stdout.split('\n').filter((l) => l !== ''), stderr: () => stderr }
}

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function produce(bootstrap: string, topic: string, n: number): Promise<void> {
  const p = new Producer({ bootstrapServers: [bootstrap] })
  try {
    for (let i = 0; i < n; i++) await p.send({ topic, key: `key-${i}`, value: `value ${i}` })
  } finally {
    await p.close()
  }
}

/** Every message of each group, as "key=value" sorted, from the example's lines. */
function perGroup(lines: string[], topic: string): Record<string, string[]> {
  const out: Record<string, string[]> = { 'group-1': [], 'group-2': [] }
  for (const l of lines) {
    const m = LINE.exec(l)
    if (!m) continue
    assert.equal(m[2], topic)
    out[m[1]!]!.push(`${m[5]}=${m[6]}`)
  }
  for (const k of Object.keys(out)) out[k]!.sort()
  return out
}

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`examples/group-consumer.ts against ${target}`, { timeout: 180_000 }, () => {
    const bootstrap = () => (target === 'Brook' ? brook.bootstrap : mock.bootstrap)
    const suffix = target === 'Brook' ? 'b' : 'm'

    test('both groups receive every message; --max-messages ends each with "<group> consume <n> messages"', async () => {
      const topic = `ex-groups-${suffix}`
      await produce(bootstrap(), topic, 10)
      const run = start(['--bootstrap-server', bootstrap(), '--topic', topic, '--max-messages', '10'])
      assert.equal(await run.exited, 0, run.stderr())
      const lines = run.lines()
      const expected = Array.from({ length: 10 }, (_, i) => `key-${i}=value ${i}`).sort()
      assert.deepEqual(perGroup(lines, topic), { 'group-1': expected, 'group-2': expected })
      assert.ok(lines.includes('group-1 consume 10 messages '), lines.join('\n'))
      assert.ok(lines.includes('group-2 consume 10 messages '), lines.join('\n'))
      assert.match(run.stderr(), /group-1:Rebalanced: \{Type:rebalance OK Claimed:map\[/)
      // What each group printed was committed: ten messages over the topic's partitions.
      for (const group of ['group-1', 'group-2']) {
        const c = new Consumer({ bootstrapServers: [bootstrap()], groupId: group })
        try {
          const partitions = target === 'Brook' ? 3 : 4
          const committed = await c.committed(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })))
          assert.equal([...committed.values()].reduce<number>((n, o) => n + (o ?? 0), 0), 10, `${group} committed every message`)
        } finally {
          await c.close()
        }
      }
    })

    test('Ctrl-C (SIGINT) stops both groups, each printing how many messages it consumed', async () => {
      const topic = `ex-sigint-${suffix}`
      await produce(bootstrap(), topic, 5)
      const run = start(['--bootstrap-server', bootstrap(), '--topic', topic])
      await until('both groups printed five messages', () => run.lines().filter((l) => LINE.test(l)).length === 10)
      run.child.kill('SIGINT')
      assert.equal(await run.exited, 0, run.stderr())
      const lines = run.lines()
      assert.ok(lines.includes('group-1 consume 5 messages '), lines.join('\n'))
      assert.ok(lines.includes('group-2 consume 5 messages '), lines.join('\n'))
    })

    test('--help prints the usage; a missing --topic is a one-line error', async () => {
      const help = start(['--help'])
      assert.equal(await help.exited, 0)
      assert.match(help.lines().join('\n'), /usage: npx tsx examples\/group-consumer.ts/)
      const bad = start(['--bootstrap-server', bootstrap()])
      assert.equal(await bad.exited, 2)
      assert.equal(bad.stderr().trim(), 'group-consumer: missing --topic (--help for usage)')
    })
  })
}
