/**
 * Kafka's DefaultMessageFormatter (org.apache.kafka.tools.consumer, Kafka
 * 3.7-3.9): how kafka-console-consumer prints a record, configured by its
 * `--property` settings:
 *
 *   print.timestamp  `CreateTime:1700000000000` (or LogAppendTime:..., NO_TIMESTAMP)
 *   print.partition  `Partition:0`
 *   print.offset     `Offset:5`
 *   print.headers    `h1:v1,h2:v2` (headers.separator), `NO_HEADERS` when none
 *   print.key        the key's bytes
 *   print.value      the value's bytes (default true)
 *   key.separator (\t) between fields, line.separator (\n) after the record,
 *   null.literal ("null") for a null key, value or header value;
 *   key.deserializer, value.deserializer, headers.deserializer: see below.
 *
 * Fields come in that order, each followed by key.separator if another field
 * follows, else by line.separator; only print.value writes line.separator
 * itself, so with print.value=false the last field printed ends the line.
 *
 * Deserializers: the Java class names of Kafka's String, Integer, Long,
 * Short, Float and Double deserializers are understood (the value printed is
 * what the Java object's toString gives); as in Kafka, a null field reaches
 * the deserializer as the bytes of null.literal. Another class name is
 * reported, as Kafka reports one it cannot load, and the bytes are printed
 * as they are.
 */
import { UsageError } from './command-line.js'
import { logLine } from './tool-log.js'

/** The parts of a consumed record the formatter prints (Brook's ConsumerRecord has them). */
export interface FormattedRecord {
  topic: string
  partition: number
  offsetNumber: number
  timestamp: number
  timestampType: 'CreateTime' | 'LogAppendTime'
  key: Buffer | null
  value: Buffer | null
  headers: { key: string; value: Buffer | null }[]
}

/** A deserializer as the formatter uses one: bytes in, the Java object's toString out. */
type Deserializer = (data: Buffer) => string

/** A deserializer that refused its input (Java's SerializationException). */
export class DeserializationError extends Error {
  override name = 'SerializationException'
}

const sized = (name: string, size: number, read: (b: Buffer) => string): Deserializer => (b) => {
  if (b.length !== size) throw new DeserializationError(`Size of data received by ${name} is not ${size}`)
  return read(b)
}

const PREFIX = 'org.apache.kafka.common.serialization.'
const DESERIALIZERS: Record<string, Deserializer> = {
  StringDeserializer: (b) => b.toString('utf8'),
  IntegerDeserializer: sized('IntegerDeserializer', 4, (b) => String(b.readInt32BE(0))),
  LongDeserializer: sized('LongDeserializer', 8, (b) => String(b.readBigInt64BE(0))),
  ShortDeserializer: sized('ShortDeserializer', 2, (b) => String(b.readInt16BE(0))),
  // Java's DoubleDeserializer and FloatDeserializer say "Deserializer" in their message.
  DoubleDeserializer: sized('Deserializer', 8, (b) => javaDoubleString(b.readDoubleBE(0))),
  FloatDeserializer: sized('Deserializer', 4, (b) => javaFloatString(b.readFloatBE(0))),
}

/** Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDoubleString(v: number, digits: (v: number) => string = (x) => String(x)): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(v)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = digits(v)
    return s.includes('.') ? s : `${s}.0`
  }
  // Scientific: shortest digits d1.d2d3... and Java's `E` exponent.
  const [mantissa, exponent] = Number(digits(v)).toExponential().split('e') as [string, string]
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
}

/** Java's Float.toString: the shortest decimal that reads back as the same float. */
export function javaFloatString(v: number): string {
  const shortest = (x: number) => {
    for (let p = 1; p <= 9; p++) {
      const s = x.toPrecision(p)
      if (Math.fround(Number(s)) === x) return String(Number(s))
    }
    return String(x)
  }
  return javaDoubleString(v, shortest)
}

export class DefaultMessageFormatter {
  printTimestamp = false
  printKey = false
  printValue = true
  printPartition = false
  printOffset = false
  printHeaders = false
  keySeparator = Buffer.from('\t')
  lineSeparator = Buffer.from('\n')
  headersSeparator = Buffer.from(',')
  nullLiteral = Buffer.from('null')
  keyDeserializer: Deserializer | undefined
  valueDeserializer: Deserializer | undefined
  headersDeserializer: Deserializer | undefined

  /** Kafka's configure(): the `--property` and `--formatter-config` settings. */
  constructor(configs: Record<string, string>) {
    const bool = (k: string) => configs[k]!.trim().toLowerCase() === 'true'
    if ('print.timestamp' in configs) this.printTimestamp = bool('print.timestamp')
    if ('print.key' in configs) this.printKey = bool('print.key')
    if ('print.offset' in configs) this.printOffset = bool('print.offset')
    if ('print.partition' in configs) this.printPartition = bool('print.partition')
    if ('print.headers' in configs) this.printHeaders = bool('print.headers')
    if ('print.value' in configs) this.printValue = bool('print.value')
    if ('key.separator' in configs) this.keySeparator = Buffer.from(configs['key.separator']!)
    if ('line.separator' in configs) this.lineSeparator = Buffer.from(configs['line.separator']!)
    if ('headers.separator' in configs) this.headersSeparator = Buffer.from(configs['headers.separator']!)
    if ('null.literal' in configs) this.nullLiteral = Buffer.from(configs['null.literal']!)
    this.keyDeserializer = deserializer(configs, 'key.deserializer')
    this.valueDeserializer = deserializer(configs, 'value.deserializer')
    this.headersDeserializer = deserializer(configs, 'headers.deserializer')
  }

  /** The record's output, as chunks to write in order; throws DeserializationError. */
  format(r: FormattedRecord, out: Buffer[] = []): Buffer[] {
    const sep = (more: boolean) => out.push(more ? this.keySeparator : this.lineSeparator)
    if (this.printTimestamp) {
      out.push(Buffer.from(r.timestamp < 0 ? 'NO_TIMESTAMP' : `${r.timestampType}:${r.timestamp}`))
      sep(this.printOffset || this.printPartition || this.printHeaders || this.printKey || this.printValue)
    }
    if (this.printPartition) {
      out.push(Buffer.from(`Partition:${r.partition}`))
      sep(this.printOffset || this.printHeaders || this.printKey || this.printValue)
    }
    if (this.printOffset) {
      out.push(Buffer.from(`Offset:${r.offsetNumber}`))
      sep(this.printHeaders || this.printKey || this.printValue)
    }
    if (this.printHeaders) {
      if (r.headers.length === 0) out.push(Buffer.from('NO_HEADERS'))
      r.headers.forEach((h, i) => {
        out.push(Buffer.from(`${h.key}:`), this.#field(this.headersDeserializer, h.value))
        if (i < r.headers.length - 1) out.push(this.headersSeparator)
      })
      sep(this.printKey || this.printValue)
    }
    if (this.printKey) {
      out.push(this.#field(this.keyDeserializer, r.key))
      sep(this.printValue)
    }
    if (this.printValue) out.push(this.#field(this.valueDeserializer, r.value), this.lineSeparator)
    return out
  }

  #field(d: Deserializer | undefined, bytes: Buffer | null): Buffer {
    const b = bytes ?? this.nullLiteral
    return d === undefined ? b : Buffer.from(d(b))
  }
}

function deserializer(configs: Record<string, string>, key: string): Deserializer | undefined {
  const name = configs[key]
  if (name === undefined) return undefined
  const d = name.startsWith(PREFIX) ? DESERIALIZERS[name.slice(PREFIX.length)] : undefined
  // Kafka logs a class it cannot load and prints the bytes as they are.
  if (d === undefined) logLine('ERROR', `Unable to instantiate a deserializer from ${name}`, 'org.apache.kafka.tools.consumer.DefaultMessageFormatter', `Brook knows ${Object.keys(DESERIALIZERS).map((n) => PREFIX + n).join(', ')}`)
  return d
}

/** Formatters by class name (Kafka's --formatter); only the default one prints anything. */
export function formatterClass(name: string): 'default' | 'noop' {
  switch (name) {
    case 'org.apache.kafka.tools.consumer.DefaultMessageFormatter':
      return 'default'
    case 'org.apache.kafka.tools.consumer.NoOpMessageFormatter':
      return 'noop'
    case 'kafka.tools.DefaultMessageFormatter':
    case 'kafka.tools.NoOpMessageFormatter': {
      const short = name.slice('kafka.tools.'.length)
      process.stderr.write(`WARNING: ${name} is deprecated and will be removed in the next major release. Please use org.apache.kafka.tools.consumer.${short} instead\n`)
      return short === 'DefaultMessageFormatter' ? 'default' : 'noop'
    }
    default:
      throw new UsageError(`Brook does not have the formatter ${name}: use org.apache.kafka.tools.consumer.DefaultMessageFormatter or NoOpMessageFormatter`)
  }
}
