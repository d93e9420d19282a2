/**
 * bin/kafka-consumer-groups against a broker process, with groups made by
 * Brook's Consumer (in this process) and checked through Brook's Admin:
 * Kafka's tables line for line (--describe offsets, members, state; --list;
 * the reset plan; --delete-offsets), the acceptance (a stopped group
 * reset --to-earliest --execute reads every record again, a dry run changes
 * nothing), each reset scenario, resets and deletes refused for an active
 * group, and the one-line errors with exit 1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { Consumer, type ConsumerRecord } from '../../src/client/consumer/consumer.js'
import { Producer } from '../../src/client/producer/producer.js'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { GROUP_TEST_BROKER_CONFIG } from './group-member.js'
import { runTool, type ToolResult } from './run-tool.js'

function tool(args: string[], timeoutMs = 30_000): Promise<ToolResult> {
  return runTool('kafka-consumer-groups', args, { timeoutMs })
}

const RESET_HEADER = 'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     '
const resetRow = (group: string, topic: string, partition: number, offset: number) => `${group.padEnd(30)} ${topic.padEnd(30)} ${String(partition).padEnd(10)} ${String(offset).padEnd(15)}`
const NO_EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n'

/** 2024-01-01T00:00:00Z: the records of the reset topic are a minute apart from here. */
const BASE_MS = Date.UTC(2024, 0, 1)

describe('kafka-consumer-groups', () => {
  let broker: BrokerProcess
  let admin: Admin
  let bootstrap: string
  const consumers = new Set<Consumer>()
  const groups = (...args: string[]) => tool(['--bootstrap-server', bootstrap, ...args])

  before(async () => {
    broker = await startBrokerProcess({ config: { ...GROUP_TEST_BROKER_CONFIG } })
    bootstrap = broker.bootstrap
    admin = new Admin({ bootstrapServers: [bootstrap] })
    await admin.createTopics([
      { name: 'lag', numPartitions: 2, replicationFactor: 1 },
      { name: 'replay', numPartitions: 2, replicationFactor: 1 },
    ])
    const producer = new Producer({ bootstrapServers: [bootstrap], lingerMs: 1 })
    try {
      // Ten records to each topic, five per partition; the reset topic's records a minute apart from BASE_MS.
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 'lag', value: `lag-${i}`, partition: i % 2 })
        await producer.send({ topic: 'replay', value: `replay-${i}`, partition: i % 2, timestamp: BASE_MS + Math.floor(i / 2) * 60_000 })
      }
    } finally {
      await producer.close()
    }
  })

  after(async () => {
    for (const c of consumers) await c.close().catch(() => undefined)
    await admin?.close()
    if (broker) {
      assert.equal(await broker.stop(), 0)
      await removeDir(broker.logDir)
    }
  })

  function member(groupId: string, clientId: string): Consumer {
    const c = new Consumer({ bootstrapServers: [bootstrap], groupId, clientId, autoCommit: false, autoOffsetReset: 'earliest', sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, fetchMaxWaitMs: 100 })
    consumers.add(c)
    return c
  }

  async function close(c: Consumer): Promise<void> {
    await c.close()
    consumers.delete(c)
  }

  /** A member of `groupId` reads `topic` until it has `count` records, commits what it read and leaves the group. */
  async function readAll(groupId: string, topic: string, count: number): Promise<ConsumerRecord[]> {
    const c = member(groupId, `${groupId}-reader`)
    await c.subscribe([topic])
    const records: ConsumerRecord[] = []
    const deadline = Date.now() + 30_000
    while (records.length < count && Date.now() < deadline) records.push(...(await c.poll(200)))
    // autoMark marks a poll's records on the next poll; mark them all now so the commit covers the last batch too.
    for (const r of records) c.markOffset(r)
    await c.commit()
    await close(c)
    return records
  }

  const committed = async (groupId: string) => (await admin.listConsumerGroupOffsets(groupId)).map((o) => `${o.topic}-${o.partition}:${o.offset}`)

  test('--help prints the option table and exits 0', async () => {
    const r = await tool(['--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /^This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets\.\n/)
    assert.match(r.stdout, /\n--bootstrap-server <String: server to connect to>\n +REQUIRED: The server\(s\) to connect to\.\n/)
    for (const flag of ['--reset-offsets', '--to-datetime <String: datetime>', '--shift-by <Long: number-of-offsets>', '--delete-offsets', '--members', '--verbose', '--export']) assert.ok(r.stdout.includes(`\n${flag}`), flag)
  })

  test('an active group: --describe (offsets, members, state) and --list, with lag; reset, delete and delete-offsets refused', async () => {
    const c = member('lag-group', 'lag-client')
    await c.subscribe(['lag'])
    const deadline = Date.now() + 30_000
    while (c.assignment().length < 2 && Date.now() < deadline) await c.poll(200)
    assert.equal(c.assignment().length, 2, 'one member holds both partitions')
    await c.commit([
      { topic: 'lag', partition: 0, offset: 3 },
      { topic: 'lag', partition: 1, offset: 4 },
    ])
    const [described] = await admin.describeGroups(['lag-group'])
    const memberId = described!.members[0]!.memberId
    assert.ok(memberId.startsWith('lag-client-') && memberId.length > 15, memberId)
    const id = (v: string) => v.padEnd(memberId.length)

    // Offsets, the default view: CONSUMER-ID as wide as the member id; LAG = LOG-END-OFFSET - CURRENT-OFFSET.
    for (const extra of [[], ['--offsets']]) {
      const r = await groups('--describe', '--group', 'lag-group', ...extra)
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stderr, '')
      assert.equal(
        r.stdout,
        [
          '',
          `GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${id('CONSUMER-ID')} HOST            CLIENT-ID`,
          `lag-group       lag             0          3               5               2               ${memberId} /127.0.0.1      lag-client`,
          `lag-group       lag             1          4               5               1               ${memberId} /127.0.0.1      lag-client`,
          '',
        ].join('\n'),
      )
    }

    // Members: #PARTITIONS padded (with Kafka's trailing space), ASSIGNMENT with --verbose.
    const members = await groups('--describe', '--group', 'lag-group', '--members')
    assert.equal(members.code, 0, members.stderr)
    assert.equal(members.stdout, `\nGROUP           ${id('CONSUMER-ID')} HOST            CLIENT-ID       #PARTITIONS     \nlag-group       ${memberId} /127.0.0.1      lag-client      2               \n`)
    const verbose = await groups('--describe', '--group', 'lag-group', '--members', '--verbose')
    assert.equal(verbose.stdout, `\nGROUP           ${id('CONSUMER-ID')} HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\nlag-group       ${memberId} /127.0.0.1      lag-client      2               lag(0,1)\n`)

    // State: the coordinator is this broker (node 0); the GROUP column is as wide as the coordinator's (at least 25).
    const state = await groups('--describe', '--group', 'lag-group', '--state')
    assert.equal(state.code, 0, state.stderr)
    const coordinator = `127.0.0.1:${broker.port} (0)`.padEnd(25)
    assert.equal(
      state.stdout,
      `\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\nlag-group                 ${coordinator} range                Stable          1\n`,
    )

    // --list: ids only; --state adds the STATE column and filters (case-insensitive, as Kafka 3.8+).
    assert.ok((await groups('--list')).stdout.split('\n').includes('lag-group'))
    assert.ok((await groups('--list', '--state')).stdout.split('\n').includes('lag-group       Stable'))
    const stable = await groups('--list', '--state', 'stable')
    assert.equal(stable.stdout.split('\n')[0], 'GROUP           STATE')
    assert.ok(stable.stdout.split('\n').includes('lag-group       Stable'))
    assert.ok(!(await groups('--list', '--state', 'Empty')).stdout.includes('lag-group'))

    // Resetting, deleting the group and deleting its offsets are refused while it has a member; its offsets stay.
    const reset = await groups('--reset-offsets', '--group', 'lag-group', '--topic', 'lag', '--to-earliest', '--execute')
    assert.equal(reset.code, 1)
    assert.equal(reset.stderr, "Error: Assignments can only be reset if the group 'lag-group' is inactive, but the current state is Stable.\n")
    const del = await groups('--delete', '--group', 'lag-group')
    assert.equal(del.code, 1)
    assert.equal(
      del.stderr,
      "Error: Deletion of some consumer groups failed:\n* Group 'lag-group' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n",
    )
    const delOffsets = await groups('--delete-offsets', '--group', 'lag-group', '--topic', 'lag:0')
    assert.equal(delOffsets.code, 1)
    assert.equal(delOffsets.stderr, 'Error: Encounter some partition level error, see the follow-up details:\n')
    assert.equal(
      delOffsets.stdout,
      '\nTOPIC                          PARTITION       STATUS         \nlag                            0               Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.\n',
    )
    assert.deepEqual(await committed('lag-group'), ['lag-0:3', 'lag-1:4'])

    // Once the member leaves: Kafka's notice on stderr, and rows without a consumer.
    await close(c)
    const empty = await groups('--describe', '--group', 'lag-group')
    assert.equal(empty.code, 0, empty.stderr)
    assert.equal(empty.stderr, "\nConsumer group 'lag-group' has no active members.\n")
    assert.equal(
      empty.stdout,
      [
        '',
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
        'lag-group       lag             0          3               5               2               -               -               -',
        'lag-group       lag             1          4               5               1               -               -               -',
        '',
      ].join('\n'),
    )
    const emptyMembers = await groups('--describe', '--group', 'lag-group', '--members')
    assert.deepEqual([emptyMembers.code, emptyMembers.stdout], [0, ''])
    const emptyState = await groups('--describe', '--group', 'lag-group', '--state')
    assert.equal(emptyState.stdout, `\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\nlag-group                 ${coordinator} ${''.padEnd(20)} Empty           0\n`)
  })

  test('reset a stopped group: --dry-run changes nothing, --to-earliest --execute makes it read every record again', async () => {
    assert.equal((await readAll('replay-group', 'replay', 10)).length, 10)
    assert.deepEqual(await committed('replay-group'), ['replay-0:5', 'replay-1:5'])
    const plan = ['', RESET_HEADER, resetRow('replay-group', 'replay', 0, 0), resetRow('replay-group', 'replay', 1, 0), ''].join('\n')

    // --dry-run, and no --execute at all (Kafka's default, with its warning): the plan, nothing committed.
    const dry = await groups('--reset-offsets', '--group', 'replay-group', '--topic', 'replay', '--to-earliest', '--dry-run')
    assert.deepEqual([dry.code, dry.stdout, dry.stderr], [0, plan, ''])
    const implicit = await groups('--reset-offsets', '--group', 'replay-group', '--topic', 'replay', '--to-earliest')
    assert.deepEqual([implicit.code, implicit.stdout, implicit.stderr], [0, plan, NO_EXECUTE_WARNING])
    assert.deepEqual(await committed('replay-group'), ['replay-0:5', 'replay-1:5'], 'a dry run commits nothing')

    const executed = await groups('--reset-offsets', '--group', 'replay-group', '--topic', 'replay', '--to-earliest', '--execute')
    assert.deepEqual([executed.code, executed.stdout, executed.stderr], [0, plan, ''])
    assert.deepEqual(await committed('replay-group'), ['replay-0:0', 'replay-1:0'])
    const again = await readAll('replay-group', 'replay', 10)
    assert.deepEqual(again.map((r) => `${r.partition}:${r.offset}`).sort(), ['0:0', '0:1', '0:2', '0:3', '0:4', '1:0', '1:1', '1:2', '1:3', '1:4'])
    assert.deepEqual(await committed('replay-group'), ['replay-0:5', 'replay-1:5'])
  })

  test('reset scenarios: --to-offset (clamped), --shift-by, --to-datetime, --by-duration, --to-current, --to-latest, --all-topics, --export and --from-file', async () => {
    const g = 'scenarios'
    /** Runs a reset with --execute: the table lists `rows`, stderr is `stderr`, and the group's offsets are then `after` (partition 0's, partition 1's). */
    const reset = async (args: string[], rows: [number, number][], after: [number, number], stderr = '') => {
      const r = await groups('--reset-offsets', '--group', g, ...args, '--execute')
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, ['', RESET_HEADER, ...rows.map(([p, o]) => resetRow(g, 'replay', p, o)), ''].join('\n'), args.join(' '))
      assert.equal(r.stderr, stderr, args.join(' '))
      assert.deepEqual(await committed(g), [`replay-0:${after[0]}`, `replay-1:${after[1]}`], args.join(' '))
    }
    // A group that does not exist yet may be reset (Kafka allows Dead groups): it gets the offsets.
    await reset(['--topic', 'replay', '--to-offset', '2'], [[0, 2], [1, 2]], [2, 2])
    // Only the partitions named move; offsets beyond the log are clamped, with Kafka's warning.
    await reset(['--topic', 'replay:0', '--to-offset', '99'], [[0, 5]], [5, 2], 'WARN New offset (99) is higher than latest offset for topic partition replay-0. Value will be set to 5\n')
    await reset(['--all-topics', '--shift-by', '-1'], [[0, 4], [1, 1]], [4, 1])
    await reset(['--topic', 'replay', '--shift-by', '-3'], [[0, 1], [1, 0]], [1, 0], 'WARN New offset (-2) is lower than earliest offset for topic partition replay-1. Value will be set to 0\n')
    // Record k of each partition has timestamp BASE + k minutes: the first at or after the time; UTC unless a zone is given.
    await reset(['--topic', 'replay', '--to-datetime', '2024-01-01T00:02:00.000'], [[0, 2], [1, 2]], [2, 2])
    await reset(['--topic', 'replay', '--to-datetime', '2024-01-01T01:02:30.000+01:00'], [[0, 3], [1, 3]], [3, 3])
    await reset(
      ['--topic', 'replay', '--to-datetime', '2024-01-01T00:09:00.000Z'],
      [[0, 5], [1, 5]],
      [5, 5],
      '\nWarn: Partition 0 from topic replay is empty. Falling back to latest known offset.\n\nWarn: Partition 1 from topic replay is empty. Falling back to latest known offset.\n',
    )
    // --by-duration: the time is now minus the duration; a day more than has passed since the first record reaches back before it.
    const days = Math.ceil((Date.now() - BASE_MS) / 86_400_000) + 1
    await reset(['--topic', 'replay', '--by-duration', `P${days}D`], [[0, 0], [1, 0]], [0, 0])
    await reset(['--topic', 'replay:1', '--to-latest'], [[1, 5]], [0, 5])
    await reset(['--topic', 'replay', '--to-current'], [[0, 0], [1, 5]], [0, 5])

    // --export prints the plan as CSV (nothing committed with --dry-run); --from-file reads an edited one back.
    const exported = await groups('--reset-offsets', '--group', g, '--topic', 'replay', '--to-offset', '3', '--export', '--dry-run')
    assert.deepEqual([exported.code, exported.stdout], [0, 'replay,0,3\nreplay,1,3\n\n'])
    assert.deepEqual(await committed(g), ['replay-0:0', 'replay-1:5'])
    const dir = await mkdtemp(join(tmpdir(), 'brook-cg-'))
    try {
      const file = join(dir, 'plan.csv')
      await writeFile(file, 'replay,0,4\nreplay,1,1\n\n')
      await reset(['--from-file', file], [[0, 4], [1, 1]], [4, 1])
      // The multi-group form names the group on each line; lines of other groups are not this group's.
      await writeFile(file, `${g},replay,0,2\nother,replay,1,3\n`)
      await reset(['--from-file', file], [[0, 2]], [2, 1])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }

    // A shift needs a committed offset.
    const noCommit = await groups('--reset-offsets', '--group', 'never-committed', '--topic', 'replay', '--shift-by', '1', '--execute')
    assert.deepEqual([noCommit.code, noCommit.stdout, noCommit.stderr], [1, '', 'Error: Cannot shift offset for partition replay-0 since there is no current committed offset\n'])
  })

  test('--delete and --delete-offsets of an inactive group', async () => {
    await admin.alterConsumerGroupOffsets('to-trim', [
      { topic: 'replay', partition: 0, offset: 1 },
      { topic: 'replay', partition: 1, offset: 2 },
    ])
    const trimmed = await groups('--delete-offsets', '--group', 'to-trim', '--topic', 'replay:1', '--topic', 'no-such-topic')
    assert.equal(trimmed.code, 1, 'the unknown topic fails the command')
    assert.equal(
      trimmed.stdout,
      [
        'Request succeed for deleting offsets with topic replay:1, no-such-topic group to-trim',
        '',
        'TOPIC                          PARTITION       STATUS         ',
        'no-such-topic                  Not Provided    Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.',
        'replay                         1               Successful     ',
        '',
      ].join('\n'),
    )
    assert.deepEqual(await committed('to-trim'), ['replay-0:1'])

    await admin.alterConsumerGroupOffsets('to-delete', [{ topic: 'replay', partition: 0, offset: 1 }])
    const deleted = await groups('--delete', '--group', 'to-delete', '--group', 'to-trim')
    assert.deepEqual([deleted.code, deleted.stdout, deleted.stderr], [0, "Deletion of requested consumer groups ('to-delete', 'to-trim') was successful.\n", ''])
    const listed = (await groups('--list')).stdout.split('\n')
    assert.ok(!listed.includes('to-delete') && !listed.includes('to-trim'), listed.join())
    const gone = await groups('--delete', '--group', 'to-delete')
    assert.equal(gone.code, 1)
    assert.equal(gone.stderr, "Error: Deletion of some consumer groups failed:\n* Group 'to-delete' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n")
  })

  test('failures: one line on stderr and exit 1', async () => {
    const cases: [string[], string][] = [
      [['--describe', '--group', 'no-such-group'], "Error: Consumer group 'no-such-group' does not exist.\n"],
      [['--describe'], 'Error: Option [describe] takes one of these options: [group], [all-groups]\n'],
      [['--list', '--describe', '--all-groups'], 'Error: Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n'],
      [['--describe', '--group', 'g', '--members', '--state'], 'Error: Option [describe] takes at most one of these options: [members], [offsets], [state]\n'],
      [['--list', '--members'], 'Error: Option(s) [members] are unavailable given other options on the command line\n'],
      [['--list', '--state', 'bogus'], "Error: Invalid state list 'bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty\n"],
      [['--reset-offsets', '--group', 'g', '--topic', 't', '--to-earliest', '--to-latest', '--execute'], 'Error: Option "[to-earliest]" can\'t be used with option "[to-latest]"\n'],
      [['--reset-offsets', '--group', 'g', '--to-earliest', '--execute'], 'Error: One of the reset scopes should be defined: --all-topics, --topic.\n'],
      [['--reset-offsets', '--group', 'g', '--topic', 'replay', '--to-datetime', '2024-02-30T00:00:00.000', '--execute'], 'Error: Unparseable date: "2024-02-30T00:00:00.000"\n'],
      [['--reset-offsets', '--group', 'g', '--topic', 'replay', '--by-duration', '1H', '--execute'], 'Error: Text cannot be parsed to a Duration\n'],
      [['--reset-offsets', '--group', 'g', '--topic', 'replay:x', '--to-earliest', '--execute'], "Error: Invalid partition 'x' specified in topic arg 'replay:x''\n"],
      [['--reset-offsets', '--group', 'g', '--topic', 'no-such-topic', '--to-earliest', '--execute'], 'Error: Executing consumer group command failed due to org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n'],
      [['--delete', '--group', 'g', '--topic', 't'], 'Error: The consumer does not support topic-specific offset deletion from a consumer group.\n'],
    ]
    for (const [args, stderr] of cases) {
      const r = await groups(...args)
      assert.deepEqual([r.code, r.stderr, r.stdout], [1, stderr, ''], args.join(' '))
    }
    const noServer = await tool(['--list'])
    assert.deepEqual([noServer.code, noServer.stderr], [1, 'Error: Missing required argument "[bootstrap-server]"\n'])
    const unreachable = await tool(['--bootstrap-server', '127.0.0.1:1', '--list', '--timeout', '1000'])
    assert.equal(unreachable.code, 1)
    assert.match(unreachable.stderr, /^Error: Executing consumer group command failed due to .+\n$/)
  })
})
