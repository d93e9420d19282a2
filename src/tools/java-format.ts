/**
 * Java's number and date formatting as Kafka's tools print them, for output
 * that scripts parse: `String.format("%.2f")` and `%f`, and
 * `java.text.SimpleDateFormat` (kafka-consumer-perf-test's `--date-format`).
 *
 * `%.Nf`: Java rounds HALF_UP from the shortest decimal that identifies the
 * double (`Double.toString`'s digits), so `%.2f` of 1.005 is "1.01" where
 * JavaScript's `toFixed(2)` gives "1.00" (it rounds the exact binary value).
 * NaN and infinities print as Java prints them ("NaN", "Infinity").
 */
import { UsageError } from './command-line.js'

/** Java's `String.format("%.<digits>f", x)`. */
export function javaFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'
  const negative = x < 0 || Object.is(x, -0)
  // The shortest digits that identify x: "d.ddde±n" (toExponential without an argument).
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string]
  const significand = BigInt(mantissa.replace('.', ''))
  // x = significand * 10^shift; scaled by 10^digits, rounded HALF_UP to an integer.
  const shift = Number(exponent) - (mantissa.length - (mantissa.includes('.') ? 2 : 1)) + digits
  let scaled: bigint
  if (shift >= 0) scaled = significand * 10n ** BigInt(shift)
  else {
    const divisor = 10n ** BigInt(-shift)
    scaled = (significand * 2n + divisor) / (divisor * 2n)
  }
  let text = scaled.toString().padStart(digits + 1, '0')
  if (digits > 0) text = `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`
  return negative ? `-${text}` : text
}

/**
 * Kafka's metrics table (`ToolsUtils.printMetrics`, printed by the perf
 * tools' --print-metrics): a blank line, a header, then `name : %.3f` lines
 * sorted by name, names padded to the longest.
 */
export function metricsTable(metrics: Record<string, number>): string[] {
  const names = Object.keys(metrics).sort()
  const width = Math.max(...names.map((n) => n.length))
  return ['', `${'Metric Name'.padEnd(width)}   Value`, ...names.map((n) => `${n.padEnd(width)} : ${javaFixed(metrics[n]!, 3)}`)]
}

/** Java's `%f`: six decimals. */
export function javaDefaultFixed(x: number): string {
  return javaFixed(x, 6)
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

type DatePart = (d: Date) => string

/** Minutes east of UTC for a local date (Java's zone offset, the opposite sign of getTimezoneOffset). */
const offsetMinutes = (d: Date): number => -d.getTimezoneOffset()

function zoneOffset(d: Date, colon: boolean, withMinutes = true): string {
  const total = offsetMinutes(d)
  const sign = total < 0 ? '-' : '+'
  const hh = String(Math.floor(Math.abs(total) / 60)).padStart(2, '0')
  const mm = String(Math.abs(total) % 60).padStart(2, '0')
  return withMinutes ? `${sign}${hh}${colon ? ':' : ''}${mm}` : `${sign}${hh}`
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1)
  const midnight = new Date(d.getFullYear(), d.getMonth(), d.getDate())
  return Math.round((midnight.getTime() - start.getTime()) / 86_400_000) + 1
}

/** One pattern letter repeated `n` times (SimpleDateFormat's rules for text and numbers). */
function field(letter: string, n: number): DatePart {
  const num = (get: (d: Date) => number): DatePart => (d) => String(get(d)).padStart(n, '0')
  switch (letter) {
    case 'G':
      return (d) => (d.getFullYear() > 0 ? 'AD' : 'BC')
    case 'y':
    case 'Y':
    case 'u':
      if (letter === 'u') return num((d) => d.getDay() || 7)
      return n === 2 ? (d) => String(d.getFullYear() % 100).padStart(2, '0') : num((d) => d.getFullYear())
    case 'M':
    case 'L':
      if (n >= 4) return (d) => MONTHS[d.getMonth()]!
      if (n === 3) return (d) => MONTHS[d.getMonth()]!.slice(0, 3)
      return num((d) => d.getMonth() + 1)
    case 'd':
      return num((d) => d.getDate())
    case 'D':
      return num(dayOfYear)
    case 'E':
      return n >= 4 ? (d) => DAYS[d.getDay()]! : (d) => DAYS[d.getDay()]!.slice(0, 3)
    case 'a':
      return (d) => (d.getHours() < 12 ? 'AM' : 'PM')
    case 'H':
      return num((d) => d.getHours())
    case 'k':
      return num((d) => d.getHours() || 24)
    case 'K':
      return num((d) => d.getHours() % 12)
    case 'h':
      return num((d) => d.getHours() % 12 || 12)
    case 'm':
      return num((d) => d.getMinutes())
    case 's':
      return num((d) => d.getSeconds())
    case 'S':
      return num((d) => d.getMilliseconds())
    case 'z':
      return (d) => `GMT${zoneOffset(d, true)}`
    case 'Z':
      return (d) => zoneOffset(d, false)
    case 'X':
      return (d) => (offsetMinutes(d) === 0 ? 'Z' : n === 1 ? zoneOffset(d, false, false) : zoneOffset(d, n >= 3))
    default:
      // SimpleDateFormat's constructor: IllegalArgumentException("Illegal pattern character 'x'").
      throw new UsageError(`Illegal pattern character '${letter}'`)
  }
}

/**
 * Compiles a `java.text.SimpleDateFormat` pattern (local time zone, English
 * names) into a formatter of epoch milliseconds. Letters and quoting follow
 * SimpleDateFormat: runs of one letter are fields, text in single quotes is
 * literal (`''` is a quote), other characters are copied. An unknown letter
 * is a UsageError with Java's message. Week-based fields (w, W, F) are not
 * supported and count as unknown; `z` prints the offset as `GMT+hh:mm`.
 */
export function simpleDateFormat(pattern: string): (epochMs: number) => string {
  const parts: DatePart[] = []
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        parts.push(() => "'")
        i += 2
        continue
      }
      let text = ''
      i++
      while (i < pattern.length) {
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'"
            i += 2
            continue
          }
          break
        }
        text += pattern[i]
        i++
      }
      if (i >= pattern.length) throw new UsageError('Unterminated quote')
      i++
      parts.push(() => text)
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1
      while (pattern[i + n] === c) n++
      parts.push(field(c, n))
      i += n
    } else {
      parts.push(() => c)
      i++
    }
  }
  return (epochMs) => {
    const d = new Date(epochMs)
    return parts.map((p) => p(d)).join('')
  }
}
