import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createLogger, formatLogEvent, formatTimestamp, memoryLogger, parseLogLevel, silentLogger } from './logger.js'
import { MockTime } from './time.js'

// 2026-11-28 18:00:00.123 UTC
const T = Date.UTC(2026, 10, 28, 18, 0, 0, 123)

describe('formatLogEvent', () => {
  it("writes Kafka's log4j-style line: [time] LEVEL [name] message key=value", () => {
    const line = formatLogEvent({ timeMs: T, level: 'info', name: 'ReplicaManager', msg: 'Appended batch', fields: { topic: 'orders', partition: 0, ok: true } }, true)
    assert.equal(line, '[2026-11-28 18:00:00,123] INFO [ReplicaManager] Appended batch topic=orders partition=0 ok=true')
  })

  it('omits [name] for an unnamed logger and quotes values with spaces, quotes or =', () => {
    const line = formatLogEvent({ timeMs: T, level: 'warn', name: '', msg: 'm', fields: { a: 'two words', b: 'x=y', c: '', d: null, e: undefined, f: { n: 1, big: 2n } } }, true)
    assert.equal(line, '[2026-11-28 18:00:00,123] WARN m a="two words" b="x=y" c="" d=null e=undefined f={"n":1,"big":"2"}')
  })

  it('prints an Error inline and its stack (with causes) on the following lines', () => {
    const cause = new Error('disk full')
    const err = new Error('append failed', { cause })
    const text = formatLogEvent({ timeMs: T, level: 'error', name: 'Log', msg: 'Failed', fields: { err } }, true)
    const lines = text.split('\n')
    assert.equal(lines[0], '[2026-11-28 18:00:00,123] ERROR [Log] Failed err="Error: append failed"')
    assert.equal(lines[1], 'Error: append failed')
    assert.ok(lines.some((l) => l.startsWith('    at ')))
    assert.ok(lines.includes('Caused by: Error: disk full'))
  })

  it('does not throw on circular objects', () => {
    const o: Record<string, unknown> = {}
    o.self = o
    assert.match(formatLogEvent({ timeMs: T, level: 'info', name: '', msg: 'm', fields: { o } }, true), /o=\[object Object\]/)
  })

  it('formats timestamps as log4j ISO8601 (local time by default)', () => {
    assert.equal(formatTimestamp(T, true), '2026-11-28 18:00:00,123')
    const local = new Date(T)
    assert.equal(formatTimestamp(T).slice(11, 13), String(local.getHours()).padStart(2, '0'))
    assert.match(formatTimestamp(T), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$/)
  })
})

describe('memoryLogger', () => {
  it('captures events and formatted lines, honours the level, and children share the sink', () => {
    const time = new MockTime(T)
    const log = memoryLogger({ level: 'info', name: 'kafka', time })
    log.debug('hidden')
    log.info('started', { port: 9092 })
    const child = log.child('LogManager')
    time.advance(1)
    child.warn('slow', { ms: 12 })
    child.trace?.('hidden too')
    assert.deepEqual(log.lines, ['[2026-11-28 18:00:00,123] INFO [kafka] started port=9092', '[2026-11-28 18:00:00,124] WARN [kafka.LogManager] slow ms=12'])
    assert.equal(log.events.length, 2)
    assert.equal(log.events[1]!.name, 'kafka.LogManager')
    assert.deepEqual(log.events[1]!.fields, { ms: 12 })
    log.clear()
    assert.equal(log.lines.length, 0)
  })

  it('defaults to trace and an unnamed root', () => {
    const log = memoryLogger({ time: new MockTime(T) })
    log.trace('t')
    log.child('a').child('b').debug('d')
    assert.deepEqual(log.lines, ['[2026-11-28 18:00:00,123] TRACE t', '[2026-11-28 18:00:00,123] DEBUG [a.b] d'])
  })
})

describe('silentLogger', () => {
  it('accepts everything and writes nothing', () => {
    silentLogger.error('x', { err: new Error('e') })
    silentLogger.trace?.('x')
    assert.equal(silentLogger.child('a'), silentLogger)
  })
})

describe('parseLogLevel', () => {
  it('parses level names in any case', () => {
    assert.equal(parseLogLevel('INFO'), 'info')
    assert.equal(parseLogLevel(' Debug '), 'debug')
    assert.throws(() => parseLogLevel('verbose'), /Unknown log level verbose/)
  })
})

describe('createLogger', () => {
  it('appends lines to a file and flushes them on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brook-log-'))
    try {
      const file = join(dir, 'server.log')
      const log = createLogger({ level: 'debug', destination: { file }, name: 'kafka', time: new MockTime(T), timeZone: 'utc' })
      assert.equal(log.level, 'debug')
      log.info('one')
      log.child('Log').debug('two', { offset: 5 })
      log.trace('not written')
      await log.close()
      log.info('after close is dropped')
      await log.close()
      assert.equal(await readFile(file, 'utf8'), '[2026-11-28 18:00:00,123] INFO [kafka] one\n[2026-11-28 18:00:00,123] DEBUG [kafka.Log] two offset=5\n')
      // Appends to an existing file.
      const again = createLogger({ destination: { file }, time: new MockTime(T), timeZone: 'utc' })
      again.error('three')
      await again.close()
      assert.match(await readFile(file, 'utf8'), /\n\[2026-11-28 18:00:00,123\] ERROR three\n$/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('writes to stdout by default', async () => {
    const written: string[] = []
    const original = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    }) as typeof process.stdout.write
    try {
      const log = createLogger({ name: 'kafka', time: new MockTime(T), timeZone: 'utc' })
      log.info('hello')
      log.debug('hidden at info')
      await log.close()
    } finally {
      process.stdout.write = original
    }
    assert.deepEqual(written, ['[2026-11-28 18:00:00,123] INFO [kafka] hello\n'])
  })

  it('survives an unwritable file: reports once on stderr and carries on', async () => {
    const errs: string[] = []
    const original = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array) => {
      errs.push(String(chunk))
      return true
    }) as typeof process.stderr.write
    try {
      const log = createLogger({ destination: { file: '/nonexistent-dir/brook/server.log' } })
      log.info('x')
      await new Promise((r) => setTimeout(r, 50))
      log.info('y')
      await log.close()
    } finally {
      process.stderr.write = original
    }
    assert.equal(errs.length, 1)
    assert.match(errs[0]!, /cannot write log file/)
  })
})
