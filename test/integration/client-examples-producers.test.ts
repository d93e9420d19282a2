/**
 * The two producer examples, run as a user runs them (`tsx examples/<name>.ts`
 * from the repository root, on the TypeScript sources) against Brook and
 * librdkafka's mock cluster: what they print matches what kcat reads back,
 * and their flags fail the way the usage says.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { REPO, run } from './broker-process.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'

/**
 * The examples run from their TypeScript sources through tsx, as in the README,
 * but as tsx's loader inside one node process (`node --import tsx`) rather than
 * through the `tsx` command: that command relays Ctrl-C to a child process and
 * kills it if the child does not confirm within 30 ms, which a loaded CI machine
 * misses (exit 130), so a SIGINT test would measure tsx, not the example.
 */
const TSX_ARGS = ['--import', 'tsx']

/** Runs an example to its end; resolves with its exit code and output whatever the code. */
function example(name: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_ARGS, join('examples', `${name}.ts`), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker({ config: { 'num.partitions': '3' } })
  mock = await startMockCluster()
})

after(async () => {
  await mock.stop()
  await brook.close()
})

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`producer examples against ${target}`, { timeout: 120_000 }, () => {
    const bootstrap = () => (target === 'Brook' ? brook.bootstrap : mock.bootstrap)
    const suffix = target === 'Brook' ? 'b' : 'm'

    test('sync-producer: ten "> message sent to partition P at offset O" lines, as kcat reads them back', async () => {
      const topic = `example-sync-${suffix}`
      const { code, stdout, stderr } = await example('sync-producer', ['--bootstrap-server', bootstrap(), '--topic', topic])
      assert.equal(code, 0, stderr)
      const lines = stdout.trim().split('\n')
      assert.equal(lines.length, 10, stdout)
      const printed = lines.map((l, i) => {
        const m = /^> message sent to partition (\d+) at offset (\d+)$/.exec(l)
        assert.ok(m, `line ${i}: ${l}`)
        return `${m[1]} ${m[2]} message ${i}`
      })
      const read = (await run('kcat', ['-b', bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-c', '10', '-q', '-f', '%p %o %s\n'], undefined, 30_000)).trim().split('\n')
      assert.deepEqual([...read].sort(), [...printed].sort())
    })

    test('async-producer --count 200: every record reported, "Successes: 200; errors: 0", 200 records readable', async () => {
      const topic = `example-async-${suffix}`
      const { code, stdout, stderr } = await example('async-producer', ['--bootstrap-server', bootstrap(), '--topic', topic, '--count', '200'])
      assert.equal(code, 0, stderr)
      assert.deepEqual(stdout.trim().split('\n'), ['Enqueued: 200; errors: 0', 'Successes: 200; errors: 0'])
      const read = (await run('kcat', ['-b', bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %s\n'], undefined, 30_000)).trim().split('\n')
      assert.equal(read.length, 200)
      assert.ok(read.every((l) => / testing 123$/.test(l)))
      // The random partitioner spread them over the topic's partitions (3 on Brook; the mock cluster's default is 4).
      assert.ok(new Set(read.map((l) => l.split(' ')[0])).size > 1)
    })
  })
}

test('async-producer until Ctrl-C (Brook): SIGINT stops it, it flushes, and every record it counted is in the topic', { timeout: 120_000 }, async () => {
  const topic = 'example-async-sigint'
  const child = spawn(process.execPath, [...TSX_ARGS, join('examples', 'async-producer.ts'), '--bootstrap-server', brook.bootstrap, '--topic', topic], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  // Its SIGINT handler is in place once it says it is producing.
  await new Promise<void>((resolve) =>
    child.stderr.on('data', (d) => {
      stderr += d
      if (stderr.includes('until Ctrl-C')) resolve()
    }),
  )
  await new Promise((r) => setTimeout(r, 500))
  child.kill('SIGINT')
  assert.equal(await exited, 0, stderr)
  const m = /^Enqueued: (\d+); errors: 0\nSuccesses: (\d+); errors: 0\n$/.exec(stdout)
  assert.ok(m, stdout)
  assert.equal(m[1], m[2])
  const n = Number(m[1])
  assert.ok(n > 0)
  const read = await run('kcat', ['-b', brook.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'], undefined, 60_000)
  assert.equal(read.split('\n').filter((l) => l !== '').length, n)
})

describe('example flags', { timeout: 120_000 }, () => {
  test('--help prints the usage and exits 0', async () => {
    for (const name of ['sync-producer', 'async-producer']) {
      const { code, stdout } = await example(name, ['--help'])
      assert.equal(code, 0)
      assert.match(stdout, new RegExp(`^usage: npx tsx examples/${name}\\.ts --topic T`))
      assert.match(stdout, /--bootstrap-server HOST:PORT/)
    }
    assert.match((await example('async-producer', ['--help'])).stdout, /--count N +stop after N messages/)
  })

  test('an unknown flag, a missing --topic or a bad --count: one line saying why, exit 2', async () => {
    const cases: [string, string[], RegExp][] = [
      ['sync-producer', ['--topic', 't', '--nonsense'], /^sync-producer: Unknown option '--nonsense' \(--help for usage\)\n$/],
      ['sync-producer', [], /^sync-producer: missing --topic \(--help for usage\)\n$/],
      ['async-producer', ['--topic', 't', '--count', 'many'], /^async-producer: --count expects a whole number >= 0, got 'many' \(--help for usage\)\n$/],
      ['async-producer', ['--topic', 't', 'extra'], /^async-producer: Unexpected argument 'extra'/],
    ]
    for (const [name, args, expected] of cases) {
      const { code, stdout, stderr } = await example(name, args)
      assert.equal(code, 2, `${name} ${args.join(' ')}`)
      assert.equal(stdout, '')
      assert.match(stderr, expected)
    }
  })

  test('sync-producer with no broker to reach: "FAILED to send message: ..." and exit 1', async () => {
    // A port nothing listens on: max.block.ms (10 s in the example) runs out waiting for metadata.
    const { code, stdout, stderr } = await example('sync-producer', ['--bootstrap-server', '127.0.0.1:1', '--topic', 't'])
    assert.equal(code, 1)
    assert.equal(stdout, '')
    assert.match(stderr, /^FAILED to send message: ConnectionError: /)
  })
})

test('the examples also run through the tsx command itself, as the README has it (npx tsx examples/<name>.ts)', async () => {
  for (const name of ['sync-producer', 'async-producer', 'group-consumer']) {
    const out = await run(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'examples', `${name}.ts`), '--help'], undefined, 60_000)
    assert.match(out, new RegExp(`^usage: npx tsx examples/${name}\\.ts`))
  }
})
