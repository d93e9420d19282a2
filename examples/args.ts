/**
 * Command-line flags shared by the examples: `--bootstrap-server HOST:PORT`
 * (default localhost:9092), `--topic T` (required), `--help`, and each
 * example's own flags, declared as a small spec:
 *
 *   const args = parseExampleArgs(process.argv.slice(2), {
 *     name: 'async-producer',
 *     summary: 'Produces until Ctrl-C, counting delivery reports.',
 *     flags: { count: { type: 'number', description: 'stop after N messages' } },
 *   })
 *   args.topic; args.flags.count // number | undefined
 *
 * Examples are programs, so this prints and exits itself: `--help` prints
 * the usage and exits 0; an unknown flag, a missing `--topic` or a bad value
 * prints one line saying why and exits 2 (the usual code for a usage error).
 */
import { parseArgs } from 'node:util'

export interface FlagSpec {
  type: 'number' | 'string' | 'boolean'
  description: string
  /** Shown in the usage and used when the flag is absent. */
  default?: number | string | boolean
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'number' ? number : S['type'] extends 'string' ? string : boolean
/** A flag with a default always has a value; one without may be undefined (booleans default to false). */
export type FlagValues<F extends Record<string, FlagSpec>> = {
  [K in keyof F]: F[K] extends { default: unknown } ? FlagValue<F[K]> : F[K]['type'] extends 'boolean' ? boolean : FlagValue<F[K]> | undefined
}

export interface ExampleArgs<F extends Record<string, FlagSpec>> {
  bootstrapServer: string
  topic: string
  /** The example's own flags by name (`--max-messages` is `flags['max-messages']`). */
  flags: FlagValues<F>
}

export function parseExampleArgs<F extends Record<string, FlagSpec> = Record<never, FlagSpec>>(argv: string[], spec: { name: string; summary: string; flags?: F }): ExampleArgs<F> {
  const extra: Record<string, FlagSpec> = spec.flags ?? {}
  const usage = usageText(spec.name, spec.summary, extra)
  let parsed: ReturnType<typeof parseArgs>['values']
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'bootstrap-server': { type: 'string', default: 'localhost:9092' },
        topic: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        ...Object.fromEntries(Object.entries(extra).map(([name, f]) => [name, { type: f.type === 'boolean' ? ('boolean' as const) : ('string' as const) }])),
      },
    }).values
  } catch (e) {
    // parseArgs explains at length how to pass a value starting with '-': its first sentence is the reason.
    return fail(spec.name, (e as Error).message.split('. ')[0]!)
  }
  if (parsed.help) {
    process.stdout.write(usage)
    process.exit(0)
  }
  if (typeof parsed.topic !== 'string' || parsed.topic === '') return fail(spec.name, 'missing --topic')
  const flags: Record<string, number | string | boolean | undefined> = {}
  for (const [name, f] of Object.entries(extra)) {
    const raw = parsed[name]
    if (raw === undefined) flags[name] = f.default ?? (f.type === 'boolean' ? false : undefined)
    else if (f.type === 'number') {
      const n = Number(raw)
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isSafeInteger(n) || n < 0) return fail(spec.name, `--${name} expects a whole number >= 0, got '${String(raw)}'`)
      flags[name] = n
    } else flags[name] = raw as string | boolean
  }
  return { bootstrapServer: parsed['bootstrap-server'] as string, topic: parsed.topic, flags: flags as FlagValues<F> }
}

function usageText(name: string, summary: string, extra: Record<string, FlagSpec>): string {
  const rows: [string, string][] = [
    ['--bootstrap-server HOST:PORT', 'a broker to start from (default localhost:9092)'],
    ['--topic T', 'the topic (required)'],
    ...Object.entries(extra).map(([flag, f]): [string, string] => [`--${flag}${f.type === 'boolean' ? '' : f.type === 'number' ? ' N' : ' VALUE'}`, f.default === undefined ? f.description : `${f.description} (default ${String(f.default)})`]),
    ['-h, --help', 'this text'],
  ]
  const width = Math.max(...rows.map(([flag]) => flag.length))
  return `usage: npx tsx examples/${name}.ts --topic T [options]\n\n${summary}\n\n${rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n')}\n`
}

function fail(name: string, reason: string): never {
  process.stderr.write(`${name}: ${reason} (--help for usage)\n`)
  process.exit(2)
}
