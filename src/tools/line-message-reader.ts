/**
 * Kafka's LineMessageReader (kafka.tools.ConsoleProducer.LineMessageReader,
 * Kafka 3.7-3.9): how kafka-console-producer turns a line of input into a
 * record, configured by its `--property` settings:
 *
 *   parse.key=false, key.separator=\t          "key\tvalue"
 *   parse.headers=false, headers.delimiter=\t  "h1:v1,h2:v2\tvalue"
 *   headers.separator=, (a regular expression, as Java's Pattern.split)
 *   headers.key.separator=:
 *   null.marker (unset)   a key, value, header value or whole header list equal to it is null
 *   ignore.error=false    a line without a separator is an error, else its text is the value
 *
 * With both, headers come first: "h1:v1\tkey\tvalue". Errors carry Kafka's
 * messages (KafkaException in Java), e.g. "No key separator found on line
 * number 2: 'abc'".
 *
 * Lines end at `\n`, `\r` or `\r\n` and are read as UTF-8, as Java's
 * BufferedReader.readLine over an InputStreamReader reads them.
 */
import { StringDecoder } from 'node:string_decoder'
import type { ProducerRecord } from '../client/producer/producer-record.js'
import { UsageError } from './command-line.js'

/** Kafka's KafkaException from the reader: printed as `Error: <message>`, exit 1. */
export class LineReaderError extends UsageError {}

export type LineRecord = ProducerRecord<Buffer, Buffer> & { headers: { key: string; value: Buffer | null }[] }

export class LineMessageReader {
  readonly topic: string
  readonly parseKey: boolean = false
  readonly keySeparator: string = '\t'
  readonly parseHeaders: boolean = false
  readonly headersDelimiter: string = '\t'
  readonly headersSeparator: string = ','
  readonly headersKeySeparator: string = ':'
  readonly ignoreError: boolean = false
  readonly nullMarker: string | undefined
  readonly #headersSeparatorPattern: RegExp
  /** The number of the line read last (1-based), as in the error messages. */
  lineNumber = 0

  /** `props` are the reader's properties (`--reader-config`, then `--property`); `topic` is set by the tool. */
  constructor(topic: string, props: Record<string, string>) {
    this.topic = topic
    const bool = (v: string) => v.trim().toLowerCase() === 'true'
    if ('parse.key' in props) this.parseKey = bool(props['parse.key']!)
    if ('key.separator' in props) this.keySeparator = props['key.separator']!
    if ('parse.headers' in props) this.parseHeaders = bool(props['parse.headers']!)
    if ('headers.delimiter' in props) this.headersDelimiter = props['headers.delimiter']!
    if ('headers.separator' in props) this.headersSeparator = props['headers.separator']!
    try {
      this.#headersSeparatorPattern = new RegExp(this.headersSeparator, 'g')
    } catch (e) {
      throw new LineReaderError(`headers.separator '${this.headersSeparator}' is not a valid regular expression: ${(e as Error).message}`)
    }
    if ('headers.key.separator' in props) this.headersKeySeparator = props['headers.key.separator']!
    if ('ignore.error' in props) this.ignoreError = bool(props['ignore.error']!)
    if (this.headersDelimiter === this.headersSeparator) throw new LineReaderError('headers.delimiter and headers.separator may not be equal')
    if (this.headersDelimiter === this.headersKeySeparator) throw new LineReaderError('headers.delimiter and headers.key.separator may not be equal')
    if (this.headersSeparator === this.headersKeySeparator) throw new LineReaderError('headers.separator and headers.key.separator may not be equal')
    if ('null.marker' in props) this.nullMarker = props['null.marker']
    if (this.nullMarker === this.keySeparator) throw new LineReaderError('null.marker and key.separator may not be equal')
    if (this.nullMarker === this.headersSeparator) throw new LineReaderError('null.marker and headers.separator may not be equal')
    if (this.nullMarker === this.headersDelimiter) throw new LineReaderError('null.marker and headers.delimiter may not be equal')
    if (this.nullMarker === this.headersKeySeparator) throw new LineReaderError('null.marker and headers.key.separator may not be equal')
  }

  /** The record for the next line of input; throws LineReaderError for a line without a separator (unless ignore.error). */
  readRecord(line: string): LineRecord {
    this.lineNumber++
    const headers = this.#parse(this.parseHeaders, line, 0, this.headersDelimiter, 'headers delimiter')
    const headerOffset = headers === null ? 0 : headers.length + this.headersDelimiter.length
    const key = this.#parse(this.parseKey, line, headerOffset, this.keySeparator, 'key separator')
    const keyOffset = key === null ? 0 : key.length + this.keySeparator.length
    const value = line.slice(headerOffset + keyOffset)
    return {
      topic: this.topic,
      key: key !== null && key !== this.nullMarker ? Buffer.from(key) : null,
      value: value !== this.nullMarker ? Buffer.from(value) : null,
      headers: headers !== null && headers !== this.nullMarker ? this.#splitHeaders(headers) : [],
    }
  }

  /** The text from `start` to the separator; null when not parsing this part (or, with ignore.error, when there is no separator). */
  #parse(enabled: boolean, line: string, start: number, separator: string, name: string): string | null {
    if (!enabled) return null
    const at = line.indexOf(separator, start)
    if (at >= 0) return line.slice(start, at)
    if (this.ignoreError) return null
    throw new LineReaderError(`No ${name} found on line number ${this.lineNumber}: '${line}'`)
  }

  #splitHeaders(headers: string): { key: string; value: Buffer | null }[] {
    return javaSplit(headers, this.#headersSeparatorPattern).map((pair) => {
      const at = pair.indexOf(this.headersKeySeparator)
      if (at < 0) {
        if (this.ignoreError) return { key: pair, value: null }
        throw new LineReaderError(`No header key separator found in pair '${pair}' on line number ${this.lineNumber}`)
      }
      const key = pair.slice(0, at)
      if (key === this.nullMarker) throw new LineReaderError(`Header keys should not be equal to the null marker '${this.nullMarker}' as they can't be null`)
      const value = pair.slice(at + this.headersKeySeparator.length)
      return { key, value: value === this.nullMarker ? null : Buffer.from(value) }
    })
  }
}

/**
 * Java's `Pattern.split(input)`: no match gives the input itself; otherwise
 * trailing empty strings are dropped, and a zero-width match at the start
 * makes no leading empty string.
 */
export function javaSplit(input: string, pattern: RegExp): string[] {
  const out: string[] = []
  let from = 0
  let matched = false
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    if (m[0].length === 0) {
      re.lastIndex++
      if (m.index === 0 || m.index >= input.length) continue
    }
    matched = true
    out.push(input.slice(from, m.index))
    from = m.index + m[0].length
  }
  if (!matched) return [input]
  out.push(input.slice(from))
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}

/**
 * Cuts a byte stream into lines as BufferedReader.readLine does: a line ends
 * at `\n`, `\r` or `\r\n` (the terminator is not part of it), and text after
 * the last terminator is a last line. Bytes are decoded as UTF-8 across chunk
 * boundaries; invalid sequences become U+FFFD, as Java's decoder replaces them.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8')
  #partial = ''
  /** The previous chunk ended in `\r`: a `\n` first in the next one belongs to it. */
  #skipLf = false

  /** The whole lines completed by this chunk. */
  push(chunk: Buffer): string[] {
    let text = this.#decoder.write(chunk)
    if (this.#skipLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1)
      this.#skipLf = false
    }
    const lines: string[] = []
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      lines.push(this.#partial + text.slice(start, i))
      this.#partial = ''
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++
        } else this.#skipLf = true
      }
      start = i + 1
    }
    this.#partial += text.slice(start)
    return lines
  }

  /** The last line, if the input did not end with a terminator. */
  end(): string | undefined {
    const rest = this.#partial + this.#decoder.end()
    this.#partial = ''
    return rest === '' ? undefined : rest
  }
}
