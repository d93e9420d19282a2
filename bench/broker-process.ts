/**
 * A Brook broker as a child process, for benchmarks: the same entry point a
 * user runs (dist/cli/kafka-server-start.cjs, the bundle bin/ runs, with a server.properties), a
 * fresh temporary log dir, a port picked up front so start-up can be timed by
 * polling it, and its resident memory read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { WireConnection, apiVersions } from './wire-client.js'

/** dist/bench/ -> dist/cli/kafka-server-start.cjs */
export const BROKER_SCRIPT = fileURLToPath(new URL('../cli/kafka-server-start.cjs', import.meta.url))

export interface BrokerProcessOptions {
  /** Extra server.properties lines (`key=value`). */
  overrides?: string[]
  /** Node flags for the broker process, e.g. `--cpu-prof`. */
  nodeArgs?: string[]
  /** Where the temporary log dir is made; default the OS temp dir. */
  logParent?: string
  /** Give up waiting for the port after this long. */
  readyTimeoutMs?: number
}

export interface BrokerProcess {
  readonly host: string
  readonly port: number
  readonly pid: number
  readonly logDir: string
  /** From just before spawn() to the first accepted TCP connection. */
  readonly acceptMs: number
  /** From just before spawn() to the first ApiVersions response (on a second connection). */
  readonly apiVersionsMs: number
  /** Stops it with SIGTERM (a clean shutdown), waits for it and removes the log dir. */
  stop(): Promise<void>
}

/** A port that was free a moment ago: bind port 0, read it, close. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Resolves once host:port accepts a connection (polled every millisecond), with the connection still open. */
export function waitForAccept(host: string, port: number, deadline: number, child?: ChildProcess): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child && child.exitCode !== null) return reject(new Error(`broker exited with code ${child.exitCode} before accepting connections`))
      if (performance.now() > deadline) return reject(new Error(`nothing accepted connections on ${host}:${port} in time`))
      const s = connect({ host, port })
      s.once('connect', () => {
        s.removeAllListeners('error')
        resolve(s)
      })
      s.once('error', () => {
        s.destroy()
        setTimeout(attempt, 1)
      })
    }
    attempt()
  })
}

export async function startBrokerProcess(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const host = '127.0.0.1'
  const port = await freePort(host)
  const logDir = await mkdtemp(join(options.logParent ?? tmpdir(), 'brook-bench-'))
  const props = join(logDir, 'server.properties')
  const lines = ['broker.id=0', `listeners=PLAINTEXT://${host}:${port}`, `log.dirs=${join(logDir, 'data')}`, 'brook.log.level=WARN', ...(options.overrides ?? [])]
  await writeFile(props, lines.join('\n') + '\n')

  const t0 = performance.now()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BROKER_SCRIPT, props], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (d: Buffer) => {
    if (output.length < 16_384) output += d.toString()
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  let acceptMs: number
  let apiVersionsMs: number
  try {
    const sock = await waitForAccept(host, port, t0 + (options.readyTimeoutMs ?? 30_000), child)
    acceptMs = performance.now() - t0
    sock.destroy()
    const conn = await WireConnection.open(host, port)
    await apiVersions(conn)
    apiVersionsMs = performance.now() - t0
    conn.close()
  } catch (e) {
    child.kill('SIGKILL')
    await exited
    await rm(logDir, { recursive: true, force: true })
    throw new Error(`${(e as Error).message}\n${output}`)
  }

  return {
    host,
    port,
    pid: child.pid!,
    logDir,
    acceptMs,
    apiVersionsMs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        // Bounded: a broker that ignores SIGTERM for 30 s is killed.
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        await exited
        clearTimeout(timer)
      }
      await rm(logDir, { recursive: true, force: true })
    },
  }
}

/** VmRSS and VmHWM of a process in MiB, from /proc/<pid>/status (Linux). */
export async function residentMemory(pid: number): Promise<{ rssMiB: number; hwmMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)
    if (!m) throw new Error(`${key} missing from /proc/${pid}/status`)
    return Number(m[1]) / 1024
  }
  return { rssMiB: kib('VmRSS'), hwmMiB: kib('VmHWM') }
}
