/**
 * Brook's logger. One line per event in the style of Kafka's log4j layout
 * (`[%d] %p %m (%c)%n`), with the logger name in brackets before the message
 * and structured fields after it:
 *
 *   [2026-11-28 18:00:00,123] INFO [ReplicaManager] Appended batch topic=orders partition=0 offset=42
 *
 * The timestamp is local time, as log4j prints `%d` (ISO8601 with a comma
 * before the milliseconds). An Error among the fields is printed inline as
 * `name: message` and its stack follows on the next lines, with each `cause`
 * as a `Caused by:` block, as a Java stack trace reads.
 *
 * Levels, most to least severe: error, warn, info, debug, trace. A logger
 * prints events at its level and above.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { SYSTEM_TIME, type Time } from './time.js'

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace'
export type LogFields = Record<string, unknown>

export interface Logger {
  error(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  debug(msg: string, fields?: LogFields): void
  trace?(msg: string, fields?: LogFields): void
  /** A logger for a part of this one; its name is `<parent>.<name>` (or `name` for an unnamed parent). */
  child(name: string): Logger
}

export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['error', 'warn', 'info', 'debug', 'trace'])
const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 }

/** Parses a level name, case-insensitively (`INFO`, `debug`; log4j's `WARNING` is not a level). */
export function parseLogLevel(s: string): LogLevel {
  const level = s.trim().toLowerCase()
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel
  throw new Error(`Unknown log level ${s}: expected one of ${LOG_LEVELS.map((l) => l.toUpperCase()).join(', ')}`)
}

export interface LogEvent {
  readonly timeMs: number
  readonly level: LogLevel
  readonly name: string
  readonly msg: string
  readonly fields: LogFields | undefined
}

export interface CreateLoggerOptions {
  /** Default 'info'. */
  level?: LogLevel
  /** Default 'stdout'. A file is opened for appending. */
  destination?: 'stdout' | { file: string }
  /** The root logger's name; '' prints no `[name]`. Default ''. */
  name?: string
  /** Clock for timestamps (default the system clock). */
  time?: Time
  /** Default 'local', as log4j; 'utc' for machine-compared output. */
  timeZone?: 'local' | 'utc'
}

export interface RootLogger extends Logger {
  readonly level: LogLevel
  trace(msg: string, fields?: LogFields): void
  /** Flushes and closes a file destination; a no-op for stdout. Logging after close is dropped. */
  close(): Promise<void>
}

/** A logger writing formatted lines to stdout or a file. */
export function createLogger(options: CreateLoggerOptions = {}): RootLogger {
  const level = options.level ?? 'info'
  const time = options.time ?? SYSTEM_TIME
  const utc = options.timeZone === 'utc'
  const destination = options.destination ?? 'stdout'
  let stream: WriteStream | undefined
  let closed = false
  let streamFailed = false
  if (destination !== 'stdout') {
    stream = createWriteStream(destination.file, { flags: 'a' })
    // A failing log file must not crash the broker: report once on stderr and carry on.
    stream.on('error', (err) => {
      if (!streamFailed) process.stderr.write(`Brook: cannot write log file ${destination.file}: ${err.message}\n`)
      streamFailed = true
    })
  } else {
    // stdout piped into a reader that went away (`kafka-server-start ... | head`): EPIPE must not
    // crash the broker; log4j drops such output too. Listening once per process is enough.
    if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => undefined)
  }
  const write = (line: string): void => {
    if (closed) return
    if (stream === undefined) {
      if (!process.stdout.destroyed) process.stdout.write(line)
    } else if (!streamFailed) stream.write(line)
  }
  const sink = (event: LogEvent): void => write(formatLogEvent(event, utc) + '\n')
  const root = new LineLogger(options.name ?? '', level, time, sink)
  return Object.assign(root, {
    level,
    close(): Promise<void> {
      if (closed) return Promise.resolve()
      closed = true
      if (stream === undefined || streamFailed) return Promise.resolve()
      const s = stream
      return new Promise<void>((resolve) => {
        s.once('close', () => resolve())
        s.end()
      })
    },
  })
}

class LineLogger implements Logger {
  readonly #name: string
  readonly #severity: number
  readonly #level: LogLevel
  readonly #time: Time
  readonly #sink: (event: LogEvent) => void

  constructor(name: string, level: LogLevel, time: Time, sink: (event: LogEvent) => void) {
    this.#name = name
    this.#level = level
    this.#severity = SEVERITY[level]
    this.#time = time
    this.#sink = sink
  }

  error(msg: string, fields?: LogFields): void {
    this.#log('error', msg, fields)
  }

  warn(msg: string, fields?: LogFields): void {
    this.#log('warn', msg, fields)
  }

  info(msg: string, fields?: LogFields): void {
    this.#log('info', msg, fields)
  }

  debug(msg: string, fields?: LogFields): void {
    this.#log('debug', msg, fields)
  }

  trace(msg: string, fields?: LogFields): void {
    this.#log('trace', msg, fields)
  }

  child(name: string): Logger {
    return new LineLogger(this.#name ? `${this.#name}.${name}` : name, this.#level, this.#time, this.#sink)
  }

  #log(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (SEVERITY[level] > this.#severity) return
    this.#sink({ timeMs: this.#time.nowMs(), level, name: this.#name, msg, fields })
  }
}

/** Formats one event as its line(s), without the final newline. */
export function formatLogEvent(event: LogEvent, utc = false): string {
  let line = `[${formatTimestamp(event.timeMs, utc)}] ${event.level.toUpperCase()} `
  if (event.name) line += `[${event.name}] `
  line += event.msg
  const errors: Error[] = []
  if (event.fields) {
    for (const [key, value] of Object.entries(event.fields)) {
      if (value instanceof Error) errors.push(value)
      line += ` ${key}=${formatFieldValue(value)}`
    }
  }
  for (const err of errors) line += '\n' + formatStack(err)
  return line
}

/** `2026-11-28 18:00:00,123`, log4j's ISO8601 date format. */
export function formatTimestamp(ms: number, utc = false): string {
  const d = new Date(ms)
  const p2 = (n: number): string => String(n).padStart(2, '0')
  const [y, mo, day, h, mi, s, milli] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]
  return `${y}-${p2(mo)}-${p2(day)} ${p2(h)}:${p2(mi)}:${p2(s)},${String(milli).padStart(3, '0')}`
}

const BARE = /^[^\s"=]+$/

function formatFieldValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return BARE.test(value) ? value : JSON.stringify(value)
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value)
    case 'symbol':
      return value.toString()
    case 'function':
      return `[function ${value.name}]`
  }
  if (value === null) return 'null'
  if (value instanceof Error) return formatFieldValue(`${value.name}: ${value.message}`)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
  } catch {
    return String(value) // circular
  }
}

function formatStack(err: Error, depth = 0): string {
  let text = err.stack ?? `${err.name}: ${err.message}`
  if (err.cause instanceof Error && depth < 10) text += '\nCaused by: ' + formatStack(err.cause, depth + 1)
  return text
}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  child(): Logger {
    return silentLogger
  },
})

export interface MemoryLogger extends RootLogger {
  /** Every event logged at the logger's level or above, by this logger and its children. */
  readonly events: readonly LogEvent[]
  /** The same events, formatted as createLogger would write them (UTC timestamps). */
  readonly lines: readonly string[]
  clear(): void
}

/** A logger that keeps its events in memory, for tests. Default level 'trace'. */
export function memoryLogger(options: { level?: LogLevel; name?: string; time?: Time } = {}): MemoryLogger {
  const events: LogEvent[] = []
  const lines: string[] = []
  const level = options.level ?? 'trace'
  const root = new LineLogger(options.name ?? '', level, options.time ?? SYSTEM_TIME, (event) => {
    events.push(event)
    lines.push(formatLogEvent(event, true))
  })
  return Object.assign(root, {
    level,
    events,
    lines,
    clear(): void {
      events.length = 0
      lines.length = 0
    },
    close: (): Promise<void> => Promise.resolve(),
  })
}
