/**
 * Test helpers for consumer groups: a group member as its own process (a
 * python3 script driving librdkafka through confluent_kafka, or kafka-python),
 * so a test can close it cleanly, SIGKILL it or SIGSTOP it, and read what it
 * did from the JSON lines it prints:
 *
 *   {"event":"assigned","partitions":[["t",0],...],"memberId":"..."}   on_assign (eager: the whole assignment; cooperative: what was added)
 *   {"event":"revoked","partitions":[...]}                            on_revoke (eager: everything; cooperative: what moves away)
 *   {"event":"lost","partitions":[...]}                               on_lost (librdkafka: the session ended under it)
 *   {"event":"record","topic":"t","partition":0,"offset":5,"value":"..."}
 *   {"event":"committed"} / {"event":"commit_failed","message":"..."}
 *   {"event":"error","name":"...","fatal":false,"message":"..."}
 *   {"event":"closed"}
 *
 * The member prints each record, then commits synchronously after each poll
 * (at-least-once): whatever it printed before a clean close or a rebalance
 * is committed, and a SIGKILL can only cause records to be read twice.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { SYSTEM_PYTHON, type BrokerProcess } from './broker-process.js'
import { brokerFixture } from './broker-fixture.js'
import type { RawClient } from './raw-client.js'

const MEMBER_SCRIPT = String.raw`
import json, sys, threading
lib, bootstrap, group, topics, conf = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(','), json.loads(sys.argv[5])
lock = threading.Lock()
def out(**e):
    with lock:
        sys.stdout.write(json.dumps(e) + '\n')
        sys.stdout.flush()
closing = threading.Event()
def watch_stdin():
    # "close" or the end of stdin (the test process went away) closes the consumer.
    for line in sys.stdin:
        if line.strip() == 'close':
            break
    closing.set()
threading.Thread(target=watch_stdin, daemon=True).start()
def tps(ps):
    return [[p.topic, p.partition] for p in ps]
def record(topic, partition, offset, value):
    out(event='record', topic=topic, partition=partition, offset=offset, value=None if value is None else value.decode())

if lib == 'confluent':
    from confluent_kafka import Consumer, KafkaException
    def on_error(e):
        out(event='error', name=e.name(), fatal=e.fatal(), message=e.str())
    settings = {'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False, 'auto.offset.reset': 'earliest', 'error_cb': on_error}
    settings.update(conf)
    c = Consumer(settings)
    c.subscribe(topics,
        on_assign=lambda c, ps: out(event='assigned', partitions=tps(ps)),
        on_revoke=lambda c, ps: out(event='revoked', partitions=tps(ps)),
        on_lost=lambda c, ps: out(event='lost', partitions=tps(ps)))
    while not closing.is_set():
        got = False
        for m in c.consume(num_messages=500, timeout=0.1):
            if m.error():
                out(event='error', name=m.error().name(), fatal=m.error().fatal(), message=m.error().str())
                continue
            record(m.topic(), m.partition(), m.offset(), m.value())
            got = True
        if got:
            try:
                c.commit(asynchronous=False)
                out(event='committed')
            except KafkaException as e:
                out(event='commit_failed', message=str(e))
    c.close()
else:
    from kafka import KafkaConsumer, ConsumerRebalanceListener
    from kafka.errors import KafkaError
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset='earliest', **conf)
    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            out(event='revoked', partitions=tps(revoked))
        def on_partitions_assigned(self, assigned):
            out(event='assigned', partitions=tps(assigned), memberId=c._coordinator._generation.member_id)
    c.subscribe(topics, listener=Listener())
    while not closing.is_set():
        got = False
        for tp, records in c.poll(timeout_ms=100).items():
            for r in records:
                record(r.topic, r.partition, r.offset, r.value)
                got = True
        if got:
            try:
                c.commit()
                out(event='committed')
            except KafkaError as e:
                out(event='commit_failed', message=repr(e))
    c.close()
out(event='closed')
`

/** Broker settings that keep rebalances quick: no initial delay, short sessions allowed. */
export const GROUP_TEST_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
}

/**
 * librdkafka settings: rebalances noticed within a heartbeat; sessions long
 * enough that a busy machine does not expire a live member (which would
 * make records be read twice and fail exactly-once assertions).
 */
export const RDKAFKA_FAST: Readonly<Record<string, number>> = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 250, 'max.poll.interval.ms': 60_000 }

/** For a member a test kills and waits to see expire. */
export const RDKAFKA_SHORT_SESSION: Readonly<Record<string, number>> = { ...RDKAFKA_FAST, 'session.timeout.ms': 2000 }

/** The same as RDKAFKA_FAST for kafka-python. */
export const KAFKA_PYTHON_FAST: Readonly<Record<string, number>> = { session_timeout_ms: 6000, heartbeat_interval_ms: 250 }

export type GroupClientLibrary = 'confluent' | 'kafka-python'

export type MemberEvent =
  | { event: 'assigned' | 'revoked' | 'lost'; partitions: [string, number][]; memberId?: string }
  | { event: 'record'; topic: string; partition: number; offset: number; value: string | null }
  | { event: 'committed' }
  | { event: 'commit_failed'; message: string }
  | { event: 'error'; name: string; fatal: boolean; message: string }
  | { event: 'closed' }

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  value: string | null
}

/** Members still running, so a test's `after` can kill whatever an assertion left behind. */
const running = new Set<GroupMember>()

export class GroupMember {
  readonly events: MemberEvent[] = []
  readonly #child: ChildProcess
  readonly #exited: Promise<number | null>
  #stderr = ''
  #partial = ''

  private constructor(
    readonly name: string,
    child: ChildProcess,
  ) {
    this.#child = child
    this.#exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)))
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n')
      this.#partial = lines.pop()!
      for (const line of lines) if (line.trim() !== '') this.events.push(JSON.parse(line) as MemberEvent)
    })
    child.stderr!.on('data', (d) => (this.#stderr += d))
    // The pipe can break when the member is killed; nothing to do then.
    child.stdin!.on('error', () => {})
    running.add(this)
    void this.#exited.then(() => running.delete(this))
  }

  /**
   * Starts a member of `group` subscribed to `topics`. `config` is merged into
   * the consumer's settings: librdkafka property names for 'confluent',
   * KafkaConsumer keyword arguments for 'kafka-python'.
   */
  static start(opts: { name: string; library: GroupClientLibrary; bootstrap: string; group: string; topics: string[]; config?: Record<string, string | number | boolean> }): GroupMember {
    const child = spawn(SYSTEM_PYTHON, ['-c', MEMBER_SCRIPT, opts.library, opts.bootstrap, opts.group, opts.topics.join(','), JSON.stringify(opts.config ?? {})], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    return new GroupMember(opts.name, child)
  }

  get pid(): number {
    return this.#child.pid!
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null
  }

  records(): ConsumedRecord[] {
    return this.events.flatMap((e) => (e.event === 'record' ? [{ topic: e.topic, partition: e.partition, offset: e.offset, value: e.value }] : []))
  }

  /**
   * The partitions the member holds now ("topic-partition" keys), replayed
   * from its callbacks: assigned adds, revoked and lost remove. This reads
   * right for eager rebalancing (revoke all, assign all) and incremental
   * (cooperative) rebalancing alike.
   */
  assignment(): string[] {
    const held = new Set<string>()
    for (const e of this.events) {
      if (e.event === 'assigned') for (const [t, p] of e.partitions) held.add(`${t}-${p}`)
      else if (e.event === 'revoked' || e.event === 'lost') for (const [t, p] of e.partitions) held.delete(`${t}-${p}`)
    }
    return [...held].sort()
  }

  /** The member id of the member's latest assignment. */
  memberId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!
      if (e.event === 'assigned' && e.memberId) return e.memberId
    }
    return undefined
  }

  /** What the member printed on stderr (client logs), for failure messages. */
  stderr(): string {
    return this.#stderr
  }

  /** Waits until `check` holds over the member's events; fails at once if the member exits first. */
  async waitFor(what: string, check: (m: GroupMember) => boolean, timeoutMs = 30_000): Promise<void> {
    const attempts = Math.ceil(timeoutMs / 50)
    for (let i = 0; i < attempts; i++) {
      if (check(this)) return
      if (this.exited) break
      await new Promise((r) => setTimeout(r, 50))
    }
    if (check(this)) return
    const why = this.exited ? `${this.name} exited` : `gave up waiting for ${this.name}: ${what}`
    throw new Error(`${why}\nlast events: ${JSON.stringify(this.events.slice(-10))}\nstderr: ${this.#stderr.slice(-2000)}`)
  }

  /** Closes the consumer cleanly (it leaves the group) and waits for the process to exit. */
  async close(timeoutMs = 30_000): Promise<void> {
    this.#child.stdin!.end('close\n')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs)
    const code = await this.#exited
    clearTimeout(timer)
    if (code !== 0) throw new Error(`${this.name} exited with ${code} on close: ${this.#stderr.slice(-2000)}`)
  }

  /** SIGKILL: the member disappears without leaving the group. */
  async kill(): Promise<void> {
    if (!this.exited) this.#child.kill('SIGKILL')
    await this.#exited
  }

  /** SIGSTOP / SIGCONT: the member stops heartbeating while its process lives on. */
  pause(): void {
    this.#child.kill('SIGSTOP')
  }

  resume(): void {
    this.#child.kill('SIGCONT')
  }

  /** Kills every member still running (for a test's `after`). */
  static async killAll(): Promise<void> {
    await Promise.all([...running].map(async (m) => {
      m.resume()
      await m.kill()
    }))
  }
}

/** "topic-partition" keys of partitions 0..n-1 of a topic. */
export function partitionKeys(topic: string, n: number): string[] {
  return Array.from({ length: n }, (_, p) => `${topic}-${p}`).sort()
}

/**
 * Members' current assignments when they split `expected` between them:
 * every partition held by exactly one member, each member holding at least
 * one. Undefined while that is not (yet) the case.
 */
export function splitAssignment(members: readonly GroupMember[], expected: readonly string[]): Map<GroupMember, string[]> | undefined {
  const byMember = new Map(members.map((m) => [m, m.assignment()]))
  const all = [...byMember.values()].flat().sort()
  if ([...byMember.values()].some((a) => a.length === 0)) return undefined
  if (all.length !== expected.length || all.some((k, i) => k !== expected[i])) return undefined
  return byMember
}

/**
 * The broker process a describe block's group tests share (GROUP_TEST_BROKER_CONFIG)
 * and a RawClient to it (`raw`); every member still running is killed before
 * the broker stops. Call inside `describe`.
 */
export function groupTestBroker(): { readonly broker: BrokerProcess; readonly raw: RawClient } {
  const fx = brokerFixture(GROUP_TEST_BROKER_CONFIG, { beforeStop: () => GroupMember.killAll() })
  return {
    get broker() {
      return fx.broker
    },
    get raw() {
      return fx.client
    },
  }
}
