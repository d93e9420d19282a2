/**
 * Java `.properties` files (`java.util.Properties.load` / `store`), the format
 * of Kafka's server.properties, meta.properties and the tools'
 * --command-config files.
 *
 * Reading follows `Properties.load`:
 * - lines end at `\n`, `\r` or `\r\n`; blank lines and lines whose first
 *   non-blank character is `#` or `!` are comments;
 * - a line ending in an odd number of backslashes continues on the next line,
 *   whose leading blanks are dropped (a comment line never continues);
 * - the key runs to the first unescaped `=`, `:` or blank; blanks around the
 *   separator are skipped, and the rest of the line is the value (trailing
 *   blanks are kept, as Java keeps them);
 * - escapes: `\t \n \r \f`, `\uXXXX`, and a backslash before any other
 *   character stands for that character (`\=`, `\:`, `\ `, `\\`, `\#`);
 * - a later duplicate key wins.
 * Deviation: Java's `load(InputStream)` decodes ISO-8859-1; Brook reads files
 * as UTF-8. The two agree on ASCII, and `\uXXXX` escapes work in both.
 *
 * Writing follows `Properties.store`: `key=value` lines with `\`, `=`, `:`,
 * `#`, `!`, control characters and (in keys, and leading in values) blanks
 * escaped, and every character outside printable ASCII as `\uXXXX`, so any
 * Java or Brook reader gets the same map back.
 */
import { readFile } from 'node:fs/promises'

/** A malformed `\uXXXX` escape; Java throws IllegalArgumentException("Malformed \\uxxxx encoding."). */
export class PropertiesError extends Error {
  readonly code = 'ERR_PROPERTIES_INVALID'
  /** 1-based line where the logical line containing the error starts. */
  readonly line: number

  constructor(message: string, line: number) {
    super(`${message} (line ${line})`)
    this.name = 'PropertiesError'
    this.line = line
  }
}

const BLANK = new Set([' ', '\t', '\f'])

/** Parses the text of a `.properties` file into its key/value map (insertion order kept). */
export function parseProperties(text: string): Record<string, string> {
  const entries = new Map<string, string>()
  // Strip a UTF-8 byte-order mark, which editors on some systems write.
  const naturalLines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  for (let i = 0; i < naturalLines.length; i++) {
    const startLine = i + 1
    let line = skipLeadingBlanks(naturalLines[i]!)
    if (line === '' || line[0] === '#' || line[0] === '!') continue
    // Join continuation lines: an odd number of trailing backslashes.
    while (endsWithOddBackslashes(line) && i + 1 < naturalLines.length) {
      line = line.slice(0, -1) + skipLeadingBlanks(naturalLines[++i]!)
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1) // continuation at end of file
    const [key, value] = splitKeyValue(line)
    entries.set(unescape(key, startLine), unescape(value, startLine))
  }
  return Object.fromEntries(entries)
}

/** Reads and parses a `.properties` file (UTF-8). */
export async function readPropertiesFile(path: string): Promise<Record<string, string>> {
  return parseProperties(await readFile(path, 'utf8'))
}

function skipLeadingBlanks(s: string): string {
  let i = 0
  while (i < s.length && BLANK.has(s[i]!)) i++
  return s.slice(i)
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++
  return n % 2 === 1
}

/** Splits a logical line (escapes still in place) into raw key and raw value. */
function splitKeyValue(line: string): [string, string] {
  let i = 0
  while (i < line.length) {
    const c = line[i]!
    if (c === '\\') {
      i += 2
      continue
    }
    if (c === '=' || c === ':' || BLANK.has(c)) break
    i++
  }
  const key = line.slice(0, Math.min(i, line.length))
  let j = i
  while (j < line.length && BLANK.has(line[j]!)) j++
  if (j < line.length && (line[j] === '=' || line[j] === ':')) {
    j++
    while (j < line.length && BLANK.has(line[j]!)) j++
  }
  return [key, line.slice(j)]
}

function unescape(s: string, line: number): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c !== '\\') {
      out += c
      continue
    }
    const next = s[++i]
    if (next === undefined) break
    switch (next) {
      case 't':
        out += '\t'
        break
      case 'n':
        out += '\n'
        break
      case 'r':
        out += '\r'
        break
      case 'f':
        out += '\f'
        break
      case 'u': {
        const hex = s.slice(i + 1, i + 5)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesError('Malformed \\uxxxx encoding.', line)
        out += String.fromCharCode(Number.parseInt(hex, 16))
        i += 4
        break
      }
      default:
        out += next
    }
  }
  return out
}

export interface StringifyPropertiesOptions {
  /** Comment lines written first, each prefixed with `#`. */
  comments?: readonly string[]
}

/**
 * Serializes a map as a `.properties` file (`Properties.store` escaping, `\n`
 * line ends, keys in the map's order). `parseProperties` reads it back exactly.
 */
export function stringifyProperties(props: Readonly<Record<string, string>>, options: StringifyPropertiesOptions = {}): string {
  const lines: string[] = []
  for (const comment of options.comments ?? []) {
    for (const part of comment.split(/\r\n|\r|\n/)) lines.push(`#${escapeComment(part)}`)
  }
  for (const [key, value] of Object.entries(props)) {
    lines.push(`${escape(key, true)}=${escape(value, false)}`)
  }
  return lines.join('\n') + '\n'
}

function escape(s: string, isKey: boolean): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    const code = c.charCodeAt(0)
    switch (c) {
      case ' ':
        out += i === 0 || isKey ? '\\ ' : ' '
        break
      case '\t':
        out += '\\t'
        break
      case '\n':
        out += '\\n'
        break
      case '\r':
        out += '\\r'
        break
      case '\f':
        out += '\\f'
        break
      case '\\':
      case '=':
      case ':':
      case '#':
      case '!':
        out += `\\${c}`
        break
      default:
        out += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : c
    }
  }
  return out
}

function escapeComment(s: string): string {
  let out = ''
  for (const c of s) {
    const code = c.charCodeAt(0)
    if (c.length > 1 || code > 0x7e) {
      for (let k = 0; k < c.length; k++) out += `\\u${c.charCodeAt(k).toString(16).toUpperCase().padStart(4, '0')}`
    } else {
      out += c
    }
  }
  return out
}
