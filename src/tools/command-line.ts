/**
 * What every command-line tool shares (kafka-topics, kafka-console-producer,
 * ...): Kafka's option syntax, its `--help` table, and how a tool ends.
 *
 * Options are parsed as Kafka's tools parse them (joptsimple): `--name value`
 * or `--name=value`, options that take a value and flags that do not, some
 * repeatable (`--config a=1 --config b=2`), option names matched exactly.
 * `--help` prints the usage in Kafka's two-column "Option / Description"
 * layout and exits 0; `--version` prints Brook's version. Any failure (a bad
 * option, a missing required one, an error from the broker) prints one line,
 * `Error: <reason>`, on stderr and exits 1, so scripts can rely on the exit
 * code and read the reason.
 *
 * A tool's module is an entry point (src/cli/<name>.ts) that calls runTool();
 * it is bundled into dist/cli/ and run by bin/<name> (see scripts/bundle.mjs).
 */
import { KafkaClientError } from '../client/errors.js'

export const BROOK_VERSION = '0.1.0'

export interface OptionSpec {
  /** What the value is, shown as `<String: arg>`; absent for a flag that takes no value. */
  arg?: string
  description: string
  /** May be given more than once; every value is kept. */
  multiple?: boolean
  /** Shown as `(default: ...)`; `value()` returns it when the option is absent. */
  default?: string
}

export interface ToolSpec {
  /** The command's name, e.g. `kafka-topics` (`.sh` is added in the usage line). */
  name: string
  /** One paragraph printed above the options. */
  summary: string
  options: Record<string, OptionSpec>
  /** Positional arguments allowed (Kafka's tools take none, except kafka-server-start). */
  positional?: boolean
}

/** A mistake in how the tool was called: printed as `Error: <message>`, exit 1. */
export class UsageError extends Error {}

export class ParsedArgs {
  constructor(
    readonly spec: ToolSpec,
    readonly given: Map<string, string[]>,
    readonly positional: string[],
  ) {}

  has(name: string): boolean {
    return this.given.has(name)
  }

  /** The option's value (the last one if repeated), else its default. */
  value(name: string): string | undefined {
    const v = this.given.get(name)
    return v && v.length > 0 ? v[v.length - 1] : this.spec.options[name]?.default
  }

  /** Every value given for a repeatable option (in order). */
  values(name: string): string[] {
    return this.given.get(name) ?? []
  }

  /** The value, or a UsageError naming the missing option. */
  required(name: string): string {
    const v = this.value(name)
    if (v === undefined) throw new UsageError(`Missing required argument "[${name}]"`)
    return v
  }

  /** A whole number option (Kafka's Integer/Long options), or undefined when absent. */
  int(name: string): number | undefined {
    const v = this.value(name)
    if (v === undefined) return undefined
    const n = Number(v)
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`Cannot parse argument '${v}' of option ${name}`)
    return n
  }
}

/** Parses argv against the spec; UsageError for an unknown option, a missing value or a stray argument. */
export function parseArgs(spec: ToolSpec, argv: string[]): ParsedArgs {
  const given = new Map<string, string[]>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith('--') || a === '--') {
      if (!spec.positional) throw new UsageError(`Found non-option argument '${a}'`)
      positional.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)).trim()
    const opt = spec.options[name]
    if (!opt) throw new UsageError(`${name} is not a recognized option`)
    let value: string
    if (opt.arg === undefined) {
      if (eq > 0) throw new UsageError(`Option ${name} does not take an argument`)
      value = ''
    } else if (eq > 0) {
      value = a.slice(eq + 1)
    } else {
      const next = argv[i + 1]
      if (next === undefined) throw new UsageError(`Option ${name} requires an argument`)
      value = next
      i++
    }
    const list = given.get(name) ?? []
    if (list.length > 0 && !opt.multiple && opt.arg !== undefined) list.length = 0
    list.push(value)
    given.set(name, list)
  }
  return new ParsedArgs(spec, given, positional)
}

/** `--help`: the usage line, the summary, and Kafka's option table (descriptions wrapped at 80 columns). */
export function usage(spec: ToolSpec): string {
  const all: Record<string, OptionSpec> = { ...spec.options, help: { description: 'Print usage information.' }, version: { description: 'Display Brook version.' } }
  const rows: [string, string][] = Object.entries(all).map(([name, o]) => [
    `--${name}${o.arg === undefined ? '' : ` <${o.arg}>`}`,
    `${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`,
  ])
  rows.sort((a, b) => a[0].localeCompare(b[0]))
  const width = 40
  const wrap = (text: string, w: number) => {
    const out: string[] = []
    let line = ''
    for (const word of text.split(/\s+/)) {
      if (line !== '' && line.length + 1 + word.length > w) {
        out.push(line)
        line = word
      } else line = line === '' ? word : `${line} ${word}`
    }
    if (line !== '') out.push(line)
    return out
  }
  const lines = [`${'Option'.padEnd(width)}Description`, `${'------'.padEnd(width)}-----------`]
  for (const [flag, text] of rows) {
    const right = wrap(text, 80 - width - 2)
    // A flag too long for its column gets a line of its own, as joptsimple does.
    if (flag.length >= width) lines.push(flag, ...right.map((r, i) => `${' '.repeat(width)}${i === 0 ? r : `  ${r}`}`))
    else right.forEach((r, i) => lines.push(`${(i === 0 ? flag : '').padEnd(width)}${i === 0 ? r : `  ${r}`}`))
  }
  return `${spec.summary}\n${lines.join('\n')}\n`
}

/**
 * Runs a tool: `--help` and `--version` first, then `body` with the parsed
 * arguments; its number (default 0) is the exit code. A UsageError or a
 * client error becomes `Error: <message>` on stderr and exit 1.
 */
export function runTool(spec: ToolSpec, argv: string[], body: (args: ParsedArgs) => Promise<number | void>): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(spec))
    process.exit(0)
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${BROOK_VERSION} (Brook)\n`)
    process.exit(0)
  }
  // A reader that stops early (`kafka-topics --list | head -1`) closes the pipe: stop quietly, as Kafka's
  // tools do (Java's System.out drops what it cannot write), instead of dying on an unhandled EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0)
    throw e
  })
  let args: ParsedArgs
  try {
    args = parseArgs(spec, argv)
  } catch (e) {
    fail(e)
  }
  body(args).then(
    (code) => exitAfterFlush(code ?? 0),
    (e: unknown) => fail(e),
  )
}

/** Prints the one-line reason and exits 1. */
export function fail(e: unknown): never {
  const message = e instanceof UsageError || e instanceof KafkaClientError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  process.stderr.write(`Error: ${message.split('\n')[0]}\n`)
  process.exit(1)
}

/** Exits once stdout has been written out (a pipe may still hold output). */
function exitAfterFlush(code: number): void {
  if (process.stdout.writableLength === 0) process.exit(code)
  process.stdout.once('drain', () => process.exit(code))
}
