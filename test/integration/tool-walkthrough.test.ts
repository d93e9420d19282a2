/**
 * The seed's walkthrough, end to end, with Kafka's commands as written:
 *
 *   bin/kafka-server-start.sh config/server.properties
 *   bin/kafka-topics.sh --create --bootstrap-server 127.0.0.1:9092 --replication-factor 1 --partitions 1 --topic test
 *   bin/kafka-topics.sh --list --bootstrap-server 127.0.0.1:9092
 *   bin/kafka-topics.sh --describe --topic test --bootstrap-server 127.0.0.1:9092
 *   bin/kafka-console-producer.sh --broker-list 127.0.0.1:9092 --topic test     (two lines typed)
 *   bin/kafka-console-consumer.sh --bootstrap-server 127.0.0.1:9092 --topic test --from-beginning --max-messages 2
 *
 * The broker runs from config/server.properties with only the listener port
 * (a free one instead of 9092) and log.dirs (a temporary directory) changed.
 *
 * NEEDS bin/kafka-topics (issue 6, written on another branch): until it is
 * merged, this test fails at the first kafka-topics step.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newLogDir, removeDir, REPO } from './broker-process.js'

const bin = (name: string) => join(REPO, 'bin', `${name}.sh`)

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** Runs a command to its end: exit code and output. */
function sh(cmd: string, args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    // A command that is not there (bin/kafka-topics before its branch is merged) fails here.
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ code: null, stdout, stderr: `${cmd}: ${e.message}` })
    })
    child.stdin.on('error', () => undefined)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

test("the seed's walkthrough: start the broker, create, list and describe the topic, produce two lines, consume them", async () => {
  const logDir = await newLogDir()
  const port = await freePort()
  const seed = await readFile(join(REPO, 'config/server.properties'), 'utf8')
  const props = seed
    .replace(/^listeners=PLAINTEXT:\/\/([^:\n]*):9092$/m, `listeners=PLAINTEXT://$1:${port}`)
    .replace(/^advertised\.listeners=.*$/m, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`)
    .replace(/^log\.dirs=.*$/m, `log.dirs=${logDir}`)
  assert.match(props, new RegExp(`^listeners=PLAINTEXT://[^:\\n]*:${port}$`, 'm'), "the seed's listener line was found")
  assert.match(props, new RegExp(`^log\\.dirs=${logDir}$`, 'm'))
  const file = `${logDir}.properties`
  await writeFile(file, props)

  const broker = spawn(bin('kafka-server-start'), [file], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  broker.stdout.on('data', (d) => (log += d))
  broker.stderr.on('data', (d) => (log += d))
  const exited = new Promise<number | null>((resolve) => broker.on('exit', resolve))
  const server = `127.0.0.1:${port}`
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the broker did not start:\n${log}`)), 20_000)
      broker.stdout.on('data', () => {
        if (/serving PLAINTEXT:/.test(log)) {
          clearTimeout(timer)
          resolve()
        }
      })
      void exited.then(() => reject(new Error(`the broker exited:\n${log}`)))
    })

    // Needs bin/kafka-topics (see the file comment).
    const created = await sh(bin('kafka-topics'), ['--create', '--bootstrap-server', server, '--replication-factor', '1', '--partitions', '1', '--topic', 'test'])
    assert.equal(created.code, 0, created.stderr)
    assert.equal(created.stdout, 'Created topic test.\n')
    const listed = await sh(bin('kafka-topics'), ['--list', '--bootstrap-server', server])
    assert.equal(listed.code, 0, listed.stderr)
    assert.equal(listed.stdout, 'test\n')
    const described = await sh(bin('kafka-topics'), ['--describe', '--topic', 'test', '--bootstrap-server', server])
    assert.equal(described.code, 0, described.stderr)
    const [topicLine, partitionLine, ...rest] = described.stdout.split('\n')
    assert.match(topicLine!, /^Topic: test(\tTopicId: \S+)?\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: /)
    assert.ok(partitionLine!.startsWith('\tTopic: test\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0'), partitionLine)
    assert.deepEqual(rest, [''])

    const produced = await sh(bin('kafka-console-producer'), ['--broker-list', server, '--topic', 'test'], 'This is a message\nThis is another message\n')
    assert.equal(produced.code, 0, produced.stderr)
    assert.equal(produced.stdout, '')
    const consumed = await sh(bin('kafka-console-consumer'), ['--bootstrap-server', server, '--topic', 'test', '--from-beginning', '--max-messages', '2'])
    assert.equal(consumed.code, 0, consumed.stderr)
    assert.equal(consumed.stdout, 'This is a message\nThis is another message\n')
    assert.equal(consumed.stderr, 'Processed a total of 2 messages\n')

    broker.kill('SIGTERM')
    assert.equal(await exited, 0)
  } finally {
    if (broker.exitCode === null) broker.kill('SIGKILL')
    await removeDir(logDir)
  }
})
