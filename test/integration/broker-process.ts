/**
 * Test helpers: a Brook broker as a real process (bin/kafka-server-start on a
 * generated server.properties, ephemeral port) and real client tools run as
 * child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { scanRecordBatches } from '../../src/protocol/records/record-batch-header.js'

/** dist/test/integration -> the repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_START = join(REPO, 'dist/cli/kafka-server-start.cjs')

export interface BrokerProcess {
  readonly bootstrap: string
  readonly port: number
  readonly logDir: string
  readonly child: ChildProcess
  /** Everything the broker printed so far. */
  output(): string
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>
}

export async function newLogDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'brook-it-'))
}

/** Starts a broker process; `port` 0 picks a free one (the advertised port follows). */
export async function startBrokerProcess(opts: { logDir?: string; port?: number; config?: Record<string, string> } = {}): Promise<BrokerProcess> {
  const logDir = opts.logDir ?? (await newLogDir())
  const props = {
    'broker.id': '0',
    listeners: `PLAINTEXT://127.0.0.1:${opts.port ?? 0}`,
    'log.dirs': logDir,
    'num.partitions': '1',
    ...opts.config,
  }
  const file = join(logDir, '..', `${logDir.split('/').pop()}.properties`)
  await writeFile(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  const { child, port, output, exited } = await spawnBroker([file])
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    logDir,
    child,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** A started broker process: its port (from the "serving" line), everything it printed, its exit. */
export interface SpawnedBroker {
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<number | null>
}

/** Runs kafka-server-start with these arguments (from `cwd`) and waits until it says what it is serving. */
export async function spawnBroker(args: string[], opts: { cwd?: string } = {}): Promise<SpawnedBroker> {
  const child = spawn(process.execPath, [SERVER_START, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${out}`)), 15_000)
    child.stdout!.on('data', () => {
      const m = /serving PLAINTEXT:\/\/[^:]+:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`broker exited during start-up:\n${out}`))
    })
  })
  return { child, port, output: () => out, exited }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await rm(`${dir}.properties`, { force: true })
}

/** Runs a command with optional stdin; resolves with stdout, rejects on a non-zero exit. */
export function run(cmd: string, args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const stdout = Buffer.concat(out).toString('utf8')
      if (code === 0) resolve(stdout)
      // stderr capped: a client stuck in a retry loop can print megabytes before the timeout.
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${err.slice(0, 4000)}\n${stdout.slice(0, 2000)}`))
    })
    child.stdin.end(input)
  })
}

/** Debian's python3 with python3-kafka / python3-confluent-kafka (not the one first on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3'

/** The files of one partition's directory (`<logDir>/<topic>-<partition>`), sorted; [] when it does not exist. */
export async function partitionFiles(logDir: string, topic: string, partition: number): Promise<string[]> {
  try {
    return (await readdir(join(logDir, `${topic}-${partition}`))).sort()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
}

/** Kafka's segment file names: a 20-digit base offset and a known suffix (plus `.deleted` while a delete is pending). */
export const SEGMENT_FILE_NAME = /^\d{20}\.(log|index|timeindex|txnindex|snapshot)(\.deleted)?$/

/** Total bytes of a partition's `.log` files (what a bad request must not change). */
export async function partitionLogBytes(logDir: string, topic: string, partition: number): Promise<number> {
  let total = 0
  for (const name of await partitionFiles(logDir, topic, partition)) {
    if (name.endsWith('.log')) total += (await stat(join(logDir, `${topic}-${partition}`, name))).size
  }
  return total
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, at most `attempts` times. */
export async function pollUntil<T>(what: string, attempts: number, intervalMs: number, check: () => Promise<T | undefined>): Promise<T> {
  let last: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

/** Every `.log` file of the partition holds whole batches with valid CRCs and increasing offsets, nothing else. */
export async function assertSegmentsWhole(logDir: string, topic: string, partition: number): Promise<void> {
  let next = -1
  for (const name of (await partitionFiles(logDir, topic, partition)).filter((f) => f.endsWith('.log'))) {
    const bytes = await readFile(join(logDir, `${topic}-${partition}`, name))
    const scan = scanRecordBatches(bytes, 0, bytes.length, true)
    assert.equal(scan.partialTail, false, `${name}: no torn batch at the end`)
    assert.equal(scan.validEnd, bytes.length, `${name}: nothing after the last batch`)
    for (const b of scan.batches) {
      assert.ok(b.isValid(), `${name}: batch at ${b.baseOffset} has a valid CRC`)
      assert.ok(b.baseOffset > next, `${name}: offsets increase`)
      next = b.lastOffset
    }
  }
}
