/**
 * Crash (issue 3, acceptance): kafkajs producers with acks=1 write in a loop
 * to two partitions while the broker process is killed with SIGKILL; the
 * broker restarts on the same log dir, says it recovered, and every record
 * whose send resolved (the exact acknowledged set, with the offsets the broker
 * answered) is read back by kcat at that offset, in order, exactly once.
 * Records in flight at the kill may or may not be there, but offsets stay
 * contiguous from 0 and nothing is duplicated. The partition dirs still have
 * Kafka's layout, and produce continues at the recovered log end.
 *
 * Small segments (segment.bytes 16 KiB) make the kill land in a log of
 * several segments, so recovery crosses segment boundaries and rebuilds
 * indexes that were never flushed.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { readdir } from 'node:fs/promises'
import { SEGMENT_FILE_NAME, assertSegmentsWhole, partitionFiles, removeDir, run, startBrokerProcess, type BrokerProcess } from './broker-process.js'

const require = createRequire(import.meta.url)

const TOPIC = 'crash'
const PARTITIONS = 2
/** Acknowledged sends (per partition, at least) before the kill. */
const KILL_AFTER_ACKED_SENDS = 150
/** A bound on the loop, in case the kill never takes effect. */
const MAX_SENDS = 5_000
const MESSAGES_PER_SEND = 5

interface Acked {
  offset: number
  value: string
}

describe('crash: SIGKILL under acks=1 load', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined)
  })

  test('every acknowledged record survives, once, at its offset; the log recovers', async () => {
    const { Kafka, logLevel } = require('kafkajs')
    const first: BrokerProcess = await startBrokerProcess({ config: { 'log.segment.bytes': String(16 * 1024) } })
    cleanup.push(() => removeDir(first.logDir), () => first.kill())

    const kafka = new Kafka({ clientId: 'crash-it', brokers: [first.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 5000 })
    const admin = kafka.admin()
    await admin.connect()
    assert.equal(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] }), true)
    await admin.disconnect()

    // One producer per partition, each with one send in flight at a time, so
    // acknowledged offsets are increasing per partition. No retries: a send
    // that fails is never repeated, so any duplicate would be the broker's.
    const acked: Acked[][] = Array.from({ length: PARTITIONS }, () => [])
    const sent: Set<string>[] = Array.from({ length: PARTITIONS }, () => new Set())
    const producers = Array.from({ length: PARTITIONS }, () => kafka.producer({ retry: { retries: 0 }, allowAutoTopicCreation: false }))
    for (const p of producers) await p.connect()
    cleanup.push(async () => {
      for (const p of producers) await p.disconnect().catch(() => undefined)
    })

    let killed = false
    const kill = () => {
      if (killed) return
      killed = true
      first.child.kill('SIGKILL')
    }
    const loop = async (partition: number): Promise<string> => {
      for (let i = 0; i < MAX_SENDS; i++) {
        const messages = Array.from({ length: MESSAGES_PER_SEND }, (_, j) => {
          const value = `p${partition}-${String(i * MESSAGES_PER_SEND + j).padStart(6, '0')}-${'v'.repeat((i * 7 + j) % 90)}`
          sent[partition]!.add(value)
          return { key: `k${j}`, value }
        })
        let result: { partition: number; baseOffset: string; errorCode: number }[]
        try {
          result = await producers[partition]!.send({ topic: TOPIC, acks: 1, messages: messages.map((m) => ({ ...m, partition })) })
        } catch (e) {
          if (killed) return `stopped by the kill after ${i} sends`
          throw e
        }
        const r = result.find((x) => x.partition === partition)!
        assert.equal(r.errorCode, 0)
        const base = Number(r.baseOffset)
        messages.forEach((m, j) => acked[partition]!.push({ offset: base + j, value: m.value }))
        if (acked.every((a) => a.length >= KILL_AFTER_ACKED_SENDS * MESSAGES_PER_SEND)) kill()
      }
      return 'ran out of sends'
    }
    const outcomes = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => loop(p)))
    assert.ok(killed, `the broker was killed (${outcomes.join('; ')})`)
    await first.kill() // waits for the exit
    assert.equal(first.child.signalCode, 'SIGKILL')
    assert.doesNotMatch(first.output(), /Shut down cleanly/)
    for (const p of producers) await p.disconnect().catch(() => undefined)

    const second = await startBrokerProcess({ logDir: first.logDir, config: { 'log.segment.bytes': String(16 * 1024) } })
    cleanup.push(() => second.stop())
    assert.match(second.output(), /recovered after an unclean shutdown/, 'the broker says it recovered')

    for (let partition = 0; partition < PARTITIONS; partition++) {
      const out = await run('kcat', ['-b', second.bootstrap, '-C', '-t', TOPIC, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%o %s\n'])
      const stored = out.split('\n').filter((l) => l !== '').map((l) => {
        const sp = l.indexOf(' ')
        return { offset: Number(l.slice(0, sp)), value: l.slice(sp + 1) }
      })
      const ackedHere = acked[partition]!
      assert.ok(ackedHere.length >= KILL_AFTER_ACKED_SENDS * MESSAGES_PER_SEND)
      // Offsets are contiguous from 0 and increasing.
      assert.deepEqual(stored.map((r) => r.offset), stored.map((_, i) => i), `partition ${partition}: offsets contiguous from 0`)
      // Every acknowledged record is at the offset the broker acknowledged, so all are there, in order.
      for (const a of ackedHere) assert.equal(stored[a.offset]?.value, a.value, `partition ${partition}: acknowledged offset ${a.offset}`)
      // Nothing appears twice, and anything beyond the acknowledged records is something that was sent.
      const values = stored.map((r) => r.value)
      assert.equal(new Set(values).size, values.length, `partition ${partition}: no duplicates`)
      for (const v of values) assert.ok(sent[partition]!.has(v), `partition ${partition}: ${v.slice(0, 20)} was sent`)

      // Kafka's layout: only 20-digit segment files besides the partition's metadata files.
      const files = await partitionFiles(first.logDir, TOPIC, partition)
      const logs = files.filter((f) => f.endsWith('.log'))
      assert.ok(logs.length >= 2, `partition ${partition}: several segments (${logs.join(',')})`)
      for (const f of files) assert.ok(SEGMENT_FILE_NAME.test(f) || f === 'leader-epoch-checkpoint' || f === 'partition.metadata', `unexpected file ${f}`)
      assert.ok(logs.includes('00000000000000000000.log'))
    }
    const top = (await readdir(first.logDir)).filter((f) => !f.startsWith('__'))
    for (let partition = 0; partition < PARTITIONS; partition++) assert.ok(top.includes(`${TOPIC}-${partition}`))
    assert.ok(top.includes('meta.properties'))

    // Writing continues at the recovered log end.
    const endBefore = Number((await run('kcat', ['-b', second.bootstrap, '-Q', '-t', `${TOPIC}:0:-1`])).match(/offset (\d+)/)?.[1])
    await run('kcat', ['-b', second.bootstrap, '-P', '-t', TOPIC, '-p', '0', '-X', 'acks=1'], 'after-restart\n')
    const tail = await run('kcat', ['-b', second.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', '-1', '-e', '-q', '-f', '%o %s\n'])
    assert.equal(tail, `${endBefore} after-restart\n`)

    assert.equal(await second.stop(), 0)
    // On disk, every segment is whole valid batches: the torn tail (if any) was cut, nothing corrupt was kept.
    for (let partition = 0; partition < PARTITIONS; partition++) await assertSegmentsWhole(first.logDir, TOPIC, partition)
  })
})
