/**
 * kafka-server-stop: Kafka's bin/kafka-server-stop.sh (3.7-3.9) for Brook.
 * Finds the broker processes on this machine, those running Brook's
 * `dist/cli/kafka-server-start.cjs` (Kafka's script looks for `kafka.Kafka`
 * java processes), and sends each SIGTERM, or the signal the SIGNAL
 * environment variable names, as Kafka's script does. A broker stops cleanly
 * on SIGTERM (flush, checkpoints, clean-shutdown marker).
 *
 * Filters (KIP-1019's, Kafka 3.7+): `--node-id=N` stops only brokers whose
 * node id is N, and `--process-role=broker|controller` those with that role;
 * with both, the node id decides (and a line says so, as Kafka's does).
 * The node id is the process's properties file's node.id or broker.id, with
 * its `--override`s applied; where neither is set, the id the broker recorded
 * in its log dir's meta.properties, or 0 for a single broker. Every Brook
 * broker's role is `broker` (Brook has no KRaft controllers).
 *
 * Output as Kafka's: nothing on success; `No kafka server to stop` and exit 1
 * when no broker is running. Deviations: Kafka's script also exits 0
 * silently when brokers run but none matches the filters; this prints `No
 * kafka server to stop` and exits 1 then too. The properties file is found
 * relative to the broker's own working directory (from /proc), where Kafka's
 * script needs to be run from the directory the broker was started in.
 * Other arguments (Kafka's users often pass the properties file) are ignored,
 * as Kafka's script ignores them.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { constants } from 'node:os'
import { join, resolve } from 'node:path'
import { parseProperties } from '../common/properties.js'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'

export const SERVER_STOP: ToolSpec = {
  name: 'kafka-server-stop',
  summary:
    'Stops the Brook brokers running on this machine (processes started with kafka-server-start) by sending each SIGTERM, or the signal named by the SIGNAL environment variable; they shut down cleanly. Prints "No kafka server to stop" and exits 1 when none is running (or none matches the filters).',
  positional: true,
  options: {
    'node-id': { arg: 'Integer: node id', description: 'Stop only the broker with this node id (node.id or broker.id in the properties file it was started with).' },
    'process-role': { arg: 'String: broker|controller', description: 'Stop only processes with this role (every Brook server is a broker). --node-id takes precedence.' },
  },
}

/** A running broker process: its pid and the arguments it was started with. */
export interface BrokerProcessInfo {
  pid: number
  /** The arguments after the kafka-server-start script: [-daemon] server.properties [--override k=v]*. */
  args: string[]
  /** The process's working directory, where relative paths in `args` start (undefined where unknown). */
  cwd: string | undefined
}

const SERVER_START = /(^|\/)dist\/cli\/kafka-server-start\.cjs$/

/** The script argument's position in a command line: the first argument after the executable that is not a Node option. */
function brokerArgs(argv: string[]): string[] | undefined {
  const i = argv.findIndex((a, j) => j > 0 && !a.startsWith('-'))
  return i > 0 && SERVER_START.test(argv[i]!) ? argv.slice(i + 1) : undefined
}

/** Brook broker processes, from /proc where there is one, else from ps. */
export function findBrokerProcesses(): BrokerProcessInfo[] {
  const found: BrokerProcessInfo[] = []
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return findWithPs()
  }
  for (const d of pids) {
    const pid = Number(d)
    if (pid === process.pid) continue
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')
      if (argv[argv.length - 1] === '') argv.pop()
      const args = brokerArgs(argv)
      if (!args) continue
      let cwd: string | undefined
      try {
        cwd = readlinkSync(`/proc/${d}/cwd`)
      } catch {
        cwd = undefined
      }
      found.push({ pid, args, cwd })
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found
}

/** Without /proc (macOS): ps's command lines, split at blanks (paths with spaces are not told apart). */
function findWithPs(): BrokerProcessInfo[] {
  const out = execFileSync('ps', ['axww', '-o', 'pid=,command='], { encoding: 'utf8' })
  return out.split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (!m || Number(m[1]) === process.pid) return []
    const args = brokerArgs(m[2]!.split(/\s+/))
    return args ? [{ pid: Number(m[1]), args, cwd: undefined }] : []
  })
}

/** The properties a broker runs with: its file's, then its --overrides. */
function brokerProperties(p: BrokerProcessInfo): Record<string, string> {
  const overrides: Record<string, string> = {}
  let file: string | undefined
  for (let i = 0; i < p.args.length; i++) {
    const a = p.args[i]!
    if (a === '-daemon') continue
    if (a === '--override') {
      const kv = p.args[++i] ?? ''
      const eq = kv.indexOf('=')
      if (eq > 0) overrides[kv.slice(0, eq)] = kv.slice(eq + 1)
    } else if (file === undefined && !a.startsWith('-')) file = a
  }
  if (file === undefined) throw new Error(`process ${p.pid} names no properties file`)
  const path = resolve(p.cwd ?? process.cwd(), file)
  return { ...parseProperties(readFileSync(path, 'utf8')), ...overrides }
}

/** A broker's node id: node.id or broker.id, else the one in meta.properties, else 0 (a single broker's). */
export function brokerNodeId(props: Record<string, string>, cwd: string | undefined): number | undefined {
  const configured = Number((props['node.id'] ?? props['broker.id'] ?? '-1').trim())
  if (configured >= 0) return configured
  const dirs = (props['log.dirs'] ?? props['log.dir'] ?? '/tmp/kafka-logs').split(',').map((d) => d.trim())
  for (const dir of dirs) {
    try {
      const meta = parseProperties(readFileSync(join(resolve(cwd ?? process.cwd(), dir), 'meta.properties'), 'utf8'))
      const id = Number(meta['node.id'] ?? meta['broker.id'])
      if (Number.isInteger(id) && id >= 0) return id
    } catch {
      // No meta.properties yet: try the next dir.
    }
  }
  return props['zookeeper.connect'] ? undefined : 0
}

/** The signal to send: SIGNAL's value as Kafka's script takes it (TERM, SIGKILL, 9, ...); TERM by default. */
export function signalFromEnv(value: string | undefined): NodeJS.Signals | number {
  const v = (value ?? 'TERM').trim().toUpperCase()
  if (/^\d+$/.test(v)) return Number(v)
  const name = (v.startsWith('SIG') ? v : `SIG${v}`) as NodeJS.Signals
  if (!(name in constants.signals)) throw new UsageError(`Invalid signal ${value} in SIGNAL`)
  return name
}

export async function serverStop(args: ParsedArgs): Promise<number> {
  const nodeId = args.int('node-id')
  const role = args.value('process-role')
  const signal = signalFromEnv(process.env.SIGNAL)
  if (nodeId !== undefined && role !== undefined) process.stdout.write('When both node-id and process-role are provided, the value for node-id will take precedence\n')

  const targets = findBrokerProcesses().filter((p) => {
    if (nodeId === undefined && role === undefined) return true
    let props: Record<string, string>
    try {
      props = brokerProperties(p)
    } catch (e) {
      process.stderr.write(`Cannot read the configuration of broker process ${p.pid}: ${(e as Error).message}\n`)
      return false
    }
    if (nodeId !== undefined) return brokerNodeId(props, p.cwd) === nodeId
    return (props['process.roles']?.trim() || 'broker') === role
  })
  if (targets.length === 0) {
    process.stdout.write('No kafka server to stop\n')
    return 1
  }
  for (const p of targets) {
    try {
      process.kill(p.pid, signal)
    } catch (e) {
      // Gone already: it has stopped, which is what was asked.
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
    }
  }
  return 0
}
