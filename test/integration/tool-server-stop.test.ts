/**
 * bin/kafka-server-stop against broker processes: --node-id stops only the
 * broker with that id (read from the properties file on its command line,
 * relative to its working directory, with its --overrides applied) and
 * leaves the others running; no match prints Kafka's "No kafka server to
 * stop" and exits 1.
 *
 * This machine may run other Brook brokers (other tests, other checkouts),
 * and kafka-server-stop without a filter stops every one of them. So every
 * run here names a node id, chosen at random from a range other tests do
 * not use.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { newLogDir, removeDir, spawnBroker, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runTool } from './run-tool.js'

/** Three distinct ids in 5000-8999. */
const base = 5000 + Math.floor(Math.random() * 1000) * 4
const [idA, idB, idUnused] = [base, base + 1, base + 2]

let a: BrokerProcess
let b: { child: ChildProcess; logDir: string; port: number; output: () => string; exited: Promise<number | null> }

/** A broker started as a user would from its own directory: a relative properties file and an --override of broker.id. */
async function startFromItsDirectory(fileBrokerId: number, overrideBrokerId: number): Promise<typeof b> {
  const logDir = await newLogDir()
  const file = `${logDir}.properties`
  await writeFile(file, `broker.id=${fileBrokerId}\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${logDir}\n`)
  const started = await spawnBroker([basename(file), '--override', `broker.id=${overrideBrokerId}`], { cwd: dirname(file) })
  return { ...started, logDir }
}

/** Resolves with the exit code once the process has exited, or fails after `ms`. */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null> {
  return Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms).unref())])
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null

before(async () => {
  a = await startBrokerProcess({ config: { 'broker.id': String(idA) } })
  // The file says idUnused, the command line overrides it with idB.
  b = await startFromItsDirectory(idUnused, idB)
})

after(async () => {
  if (alive(a.child)) await a.kill()
  if (alive(b.child)) b.child.kill('SIGKILL')
  await b.exited
  await removeDir(a.logDir)
  await removeDir(b.logDir)
})

test('--node-id matching no broker: "No kafka server to stop", exit 1, nothing stopped', async () => {
  for (const args of [[`--node-id=${idUnused}`], ['--process-role=controller'], ['--node-id', String(idUnused), 'config/server.properties']]) {
    const r = await runTool('kafka-server-stop', args)
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'No kafka server to stop\n', ''], args.join(' '))
  }
  assert.ok(alive(a.child) && alive(b.child))
})

test("--node-id stops that broker (SIGTERM: a clean shutdown) and leaves the other running", async () => {
  const r = await runTool('kafka-server-stop', [`--node-id=${idA}`])
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''])
  const exited = new Promise<number | null>((resolve) => (a.child.exitCode !== null ? resolve(a.child.exitCode) : a.child.once('exit', (code) => resolve(code))))
  assert.equal(await exitWithin(exited, 15_000), 0, 'exit 0 after a clean shutdown')
  assert.match(a.output(), /Shut down cleanly/)
  assert.ok(alive(b.child), 'the other broker still runs')
  const answers = await runTool('kafka-broker-api-versions', ['--bootstrap-server', `127.0.0.1:${b.port}`])
  assert.equal(answers.code, 0)
  assert.ok(answers.stdout.startsWith(`127.0.0.1:${b.port} (id: ${idB} rack: null) -> (`))
})

test('the node id comes from the command line\'s --override over the properties file; --node-id wins over --process-role', async () => {
  // b's file says idUnused: that is not its id.
  const byFile = await runTool('kafka-server-stop', [`--node-id=${idUnused}`])
  assert.deepEqual([byFile.code, byFile.stdout], [1, 'No kafka server to stop\n'])
  assert.ok(alive(b.child))
  const r = await runTool('kafka-server-stop', ['--process-role=controller', `--node-id=${idB}`])
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'When both node-id and process-role are provided, the value for node-id will take precedence\n', ''])
  assert.equal(await exitWithin(b.exited, 15_000), 0)
  assert.match(b.output(), /Shut down cleanly/)
})

test('--help exits 0; a bad --node-id or SIGNAL is a one-line error', async () => {
  const help = await runTool('kafka-server-stop', ['--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^--node-id <Integer: node id>/m)
  assert.match(help.stdout, /^--process-role <String: broker\|controller>/m)
  const bad = await runTool('kafka-server-stop', ['--node-id=one'])
  assert.deepEqual([bad.code, bad.stdout, bad.stderr], [1, '', "Error: Cannot parse argument 'one' of option node-id\n"])
  const signal = await runTool('kafka-server-stop', [`--node-id=${idUnused}`], { env: { ...process.env, SIGNAL: 'BOGUS' } })
  assert.deepEqual([signal.code, signal.stderr], [1, 'Error: Invalid signal BOGUS in SIGNAL\n'])
})
