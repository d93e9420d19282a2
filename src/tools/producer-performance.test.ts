import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MockTime } from '../common/time.js'
import { UsageError } from './command-line.js'
import { ProducerPerfStats, expandProducerProps, percentiles } from './producer-performance.js'
import { ThroughputThrottler } from './throughput-throttler.js'

test("--producer-props takes every following argument up to the next option, as argparse's nargs='+'", () => {
  assert.deepEqual(expandProducerProps(['--producer-props', 'a=1', 'b=2', '--throughput', '-1', '--topic', 't']), [
    '--producer-props',
    'a=1',
    '--producer-props',
    'b=2',
    '--throughput',
    '-1',
    '--topic',
    't',
  ])
  assert.deepEqual(expandProducerProps(['--topic', 't', '--producer-props', 'x=-5']), ['--topic', 't', '--producer-props', 'x=-5'])
  assert.throws(() => expandProducerProps(['--producer-props', '--topic', 't']), (e: unknown) => e instanceof UsageError && /expected at least one argument/.test(e.message))
})

test("Stats prints Kafka's window line every interval and its summary with %f, %.2f and integer percentiles", () => {
  const time = new MockTime(1_000_000)
  const lines: string[] = []
  const stats = new ProducerPerfStats(4, 5000, (l) => lines.push(l), time)
  time.advance(1000)
  stats.record(10, 100, time.nowMs())
  time.advance(1000)
  stats.record(30, 100, time.nowMs())
  assert.deepEqual(lines, [], 'no window line before 5 s')
  time.advance(3000)
  stats.record(20, 100, time.nowMs())
  // 3 records, 300 bytes in 5 s: 0.6 rec/s, avg 20 ms, max 30 ms.
  assert.deepEqual(lines, ['3 records sent, 0.6 records/sec (0.00 MB/sec), 20.0 ms avg latency, 30.0 ms max latency.'])
  time.advance(1000)
  stats.record(4, 100, time.nowMs())
  stats.printTotal()
  assert.equal(lines[1], '4 records sent, 0.666667 records/sec (0.00 MB/sec), 16.00 ms avg latency, 30.00 ms max latency, 20 ms 50th, 30 ms 95th, 30 ms 99th, 30 ms 99.9th.')
})

test("percentiles pick latencies[(int) (p * n)] of the sorted sample, as Kafka's Stats does", () => {
  const sample = Int32Array.from([5, 1, 4, 2, 3, 0, 0])
  assert.deepEqual(percentiles(sample, 5, [0.5, 0.95, 0.99, 0.999]), [3, 5, 5, 5])
  assert.deepEqual(percentiles(new Int32Array(1), 0, [0.5]), [0])
})

test('the throttler holds a sender near its target: no throttling below it, none at all for -1', async () => {
  const start = 1_000_000
  const t = new ThroughputThrottler(1000, start)
  assert.equal(t.shouldThrottle(500, start + 1000), false, '500 in 1 s is below 1000/s')
  assert.equal(t.shouldThrottle(1500, start + 1000), true, '1500 in 1 s is above')
  assert.equal(t.shouldThrottle(10, start), false, 'nothing elapsed yet')
  assert.equal(new ThroughputThrottler(-1, start).shouldThrottle(1e9, start + 1), false)
  // 1000/s: 1 ms of deficit per record; the second throttle() call reaches the 2 ms minimum and sleeps.
  const began = performance.now()
  await t.throttle()
  await t.throttle()
  assert.ok(performance.now() - began >= 1.5, 'slept about 2 ms')
})
