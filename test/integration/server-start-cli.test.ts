/**
 * bin/kafka-server-start as an operator uses it: --help, the seed's
 * server.properties as written (ports and data dir changed for the test),
 * --override, an unknown key warned about, an invalid value refused with a
 * message naming the key, the log in a file, SIGTERM for a clean stop.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newLogDir, pollUntil, removeDir, REPO, run } from './broker-process.js'

const BIN = join(REPO, 'bin/kafka-server-start.sh')

async function seedProperties(logDir: string, extra = ''): Promise<string> {
  const file = `${logDir}.properties`
  // The seed's file: broker.id, listeners on every interface, 127.0.0.1 advertised, log.dirs.
  await writeFile(file, `broker.id=0\nlisteners=PLAINTEXT://:0\nadvertised.listeners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${logDir}\n${extra}`)
  return file
}

test('--help prints the usage and exits 0; no argument is an error', () => {
  const help = spawnSync(BIN, ['--help'], { encoding: 'utf8' })
  assert.equal(help.status, 0)
  assert.match(help.stdout, /USAGE: kafka-server-start\.sh \[-daemon\] server\.properties \[--override property=value\]\*/)
  const none = spawnSync(BIN, [], { encoding: 'utf8' })
  assert.equal(none.status, 1)
  assert.match(none.stderr, /USAGE/)
})

test('an invalid value stops start-up with a message naming the key', async () => {
  const logDir = await newLogDir()
  try {
    const child = spawnSync(BIN, [await seedProperties(logDir), '--override', 'num.partitions=abc'], { encoding: 'utf8' })
    assert.equal(child.status, 1)
    assert.match(child.stderr, /Invalid value abc for configuration num\.partitions/)
  } finally {
    await removeDir(logDir)
  }
})

test("the seed's server.properties with --override, an unknown key warned about, the log in a file, SIGTERM", async () => {
  const logDir = await newLogDir()
  const logFile = `${logDir}.log`
  const props = await seedProperties(logDir, `some.unknown.key=1\nbrook.log.destination=${logFile}\n`)
  const child = spawn(BIN, [props, '--override', 'num.partitions=3'], { stdio: 'ignore' })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    const ready = await pollUntil('the broker to log that it is serving', 150, 100, async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '')
      return /serving PLAINTEXT:\/\/0\.0\.0\.0:(\d+)/.exec(text)?.[1]
    })
    const bootstrap = `127.0.0.1:${ready}`
    const text = await readFile(logFile, 'utf8')
    assert.match(text, /WARN The configuration 'some\.unknown\.key' was supplied but isn't a known config\./)
    assert.match(text, /advertised PLAINTEXT:\/\/127\.0\.0\.1:\d+/)
    // The bundled command (dist/cli/) finds the CRC-32C addon built into build/Release/.
    assert.doesNotMatch(text, /CRC-32C runs in JavaScript/)
    await run('kcat', ['-b', bootstrap, '-P', '-t', 'seed', '-K:'], 'a:1\n')
    const metadata = await run('kcat', ['-b', bootstrap, '-L', '-t', 'seed'])
    assert.match(metadata, /topic "seed" with 3 partitions/, 'the --override num.partitions=3 took effect')
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(await readFile(logFile, 'utf8'), /Shut down cleanly/)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await removeDir(logDir)
    await rm(logFile, { force: true })
  }
})

test('stdout closed by its reader (kafka-server-start ... | head): the broker keeps serving', async () => {
  const logDir = await newLogDir()
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port
      s.close(() => resolve(p))
    })
  })
  const props = await seedProperties(logDir)
  const child = spawn(BIN, [props, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    // Read the first line, then hang up, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))
    child.stdout!.destroy()
    await pollUntil('the broker to serve', 150, 100, async () => (await run('kcat', ['-b', `127.0.0.1:${port}`, '-L', '-m', '2']).then(() => true, () => false)) || undefined)
    // It keeps logging (topic creation) into the closed pipe and keeps serving.
    await run('kcat', ['-b', `127.0.0.1:${port}`, '-P', '-t', 'after-epipe'], 'x\n')
    const read = await run('kcat', ['-b', `127.0.0.1:${port}`, '-C', '-t', 'after-epipe', '-o', 'beginning', '-e', '-q'])
    assert.equal(read.trim(), 'x')
    assert.equal(child.exitCode, null, `the broker is still running (stderr: ${stderr})`)
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await removeDir(logDir)
  }
})
