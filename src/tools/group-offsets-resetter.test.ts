import { test } from 'node:test'
import assert from 'node:assert/strict'
import { UsageError } from './command-line.js'
import { parseTopicsWithPartitions } from './consumer-group-command.js'
import { withStateValue } from './consumer-group-command-options.js'
import { exportOffsetsToCsv, formatOffsetsToReset, parseDateTime, parseDuration, parseResetPlan } from './group-offsets-resetter.js'

test('parseDateTime reads Kafka\'s yyyy-MM-ddTHH:mm:ss.SSS with an optional zone, UTC by default, strictly', () => {
  assert.equal(parseDateTime('2024-01-01T00:02:00.000'), Date.UTC(2024, 0, 1, 0, 2))
  assert.equal(parseDateTime('2024-01-01T00:02:00.000Z'), Date.UTC(2024, 0, 1, 0, 2))
  assert.equal(parseDateTime('2024-01-01T01:02:30.250+01:00'), Date.UTC(2024, 0, 1, 0, 2, 30, 250))
  assert.equal(parseDateTime('2024-01-01T00:00:00.000-0530'), Date.UTC(2024, 0, 1, 5, 30))
  assert.equal(parseDateTime('2024-01-01T00:00:00.000+02'), Date.UTC(2023, 11, 31, 22))
  assert.equal(parseDateTime('2024-02-29T23:59:59.999'), Date.UTC(2024, 1, 29, 23, 59, 59, 999))
  assert.throws(() => parseDateTime('2024-01-01 00:00:00.000'), { message: "Error parsing timestamp. It does not contain a 'T' according to ISO8601 format" })
  for (const bad of ['2023-02-29T00:00:00.000', '2024-13-01T00:00:00.000', '2024-01-01T24:00:00.000', '2024-01-01T00:00:00', '2024-01-01T00:00:00.000+25:00']) {
    assert.throws(() => parseDateTime(bad), { message: `Unparseable date: "${bad}"` }, bad)
  }
})

test('parseDuration reads java.time.Duration text', () => {
  assert.equal(parseDuration('PT1H'), 3_600_000)
  assert.equal(parseDuration('P2D'), 2 * 86_400_000)
  assert.equal(parseDuration('P1DT2H3M4.5S'), 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4500)
  assert.equal(parseDuration('pt15m'), 15 * 60_000)
  assert.equal(parseDuration('-PT1M'), -60_000)
  assert.equal(parseDuration('PT-1.5S'), -1500)
  for (const bad of ['1H', 'P', 'PT', 'P1H', 'PT1D', '']) assert.throws(() => parseDuration(bad), UsageError, bad)
})

test('reset plans: the table, the CSV export and reading it back', () => {
  const plans: [string, { topic: string; partition: number; offset: bigint }[]][] = [['g', [{ topic: 't', partition: 0, offset: 3n }, { topic: 't', partition: 1, offset: 12n }]]]
  assert.equal(
    formatOffsetsToReset(plans),
    '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \ng                              t                              0          3              \ng                              t                              1          12             \n',
  )
  assert.equal(formatOffsetsToReset([]), '')
  assert.equal(exportOffsetsToCsv(plans, true), 't,0,3\nt,1,12\n')
  assert.equal(exportOffsetsToCsv([['a,"b"', plans[0]![1]]], false), '"a,""b""",t,0,3\n"a,""b""",t,1,12\n')
  assert.deepEqual(parseResetPlan('t,0,3\nt,1,12\n\n', 'g'), new Map([['g', [{ topic: 't', partition: 0, offset: 3n }, { topic: 't', partition: 1, offset: 12n }]]]))
  assert.deepEqual(parseResetPlan('"a,""b""",t,0,3\r\nh,t,1,4\n', undefined), new Map([['a,"b"', [{ topic: 't', partition: 0, offset: 3n }]], ['h', [{ topic: 't', partition: 1, offset: 4n }]]]))
  // One --group but lines with a group column: they are read as such.
  assert.deepEqual([...parseResetPlan('g,t,0,3\n', 'g').keys()], ['g'])
  assert.throws(() => parseResetPlan('t,x,3\n', 'g'), UsageError)
})

test('--topic t:0,1 and --state without a value', () => {
  assert.deepEqual(parseTopicsWithPartitions('t:0,2'), [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }])
  assert.throws(() => parseTopicsWithPartitions('t:'), { message: "Invalid topic arg 't:', expected topic name and partitions" })
  assert.throws(() => parseTopicsWithPartitions('t:0,,1'), { message: "Invalid partition '' specified in topic arg 't:0,,1''" })
  assert.deepEqual(withStateValue(['--list', '--state']), ['--list', '--state='])
  assert.deepEqual(withStateValue(['--state', '--list']), ['--state=', '--list'])
  assert.deepEqual(withStateValue(['--list', '--state', 'stable']), ['--list', '--state', 'stable'])
})
