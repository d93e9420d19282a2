/**
 * The log lines Kafka's tools print on stderr, in the layout of Kafka's
 * config/tools-log4j.properties (`[%d] %p %m (%c)%n`), for the messages
 * scripts and people know from Kafka: ConsoleProducer's "Error when sending
 * message to topic ...", ConsoleConsumer's "Error processing message,
 * terminating consumer process: ". Where Java then prints the exception's
 * stack trace, Brook prints the error's one-line message.
 */
import { SYSTEM_TIME, type Time } from '../common/time.js'

export type LogLevel = 'ERROR' | 'WARN' | 'INFO'

/** log4j's `%d` (ISO8601 in local time): `2024-05-01 12:00:00,123`. */
export function log4jDate(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
}

/** The error as the first line of a Java stack trace would show it. */
export function errorLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  return (e.message === '' ? e.name : e.message).split('\n')[0]!
}

/** One log4j line, `[date] LEVEL message (category)`, and the error's line under it when there is one. */
export function logLine(level: LogLevel, message: string, category: string, error?: unknown, time: Time = SYSTEM_TIME): void {
  const extra = error === undefined ? '' : `${errorLine(error)}\n`
  process.stderr.write(`[${log4jDate(time.nowMs())}] ${level} ${message} (${category})\n${extra}`)
}
