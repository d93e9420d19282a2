/**
 * ConfigDef: a typed, validated configuration schema, after Kafka's
 * `org.apache.kafka.common.config.ConfigDef` (STYLE.md §7: one ConfigDef per
 * module, parsed once into a frozen typed object).
 *
 * A module defines its keys with Kafka's dotted names, types, defaults,
 * validators and docs; `parse()` turns the strings of a `.properties` file into
 * typed values, applying Kafka's parsing rules:
 *
 * - every value is trimmed first;
 * - boolean: `true`/`false`, case-insensitive;
 * - int / short: decimal (optional sign) in the int32 / int16 range;
 * - long: decimal in the int64 range, held as a JS number. Values beyond
 *   ±Number.MAX_SAFE_INTEGER are clamped to it: Kafka uses them only as "no
 *   limit" (`Long.MAX_VALUE` = 9223372036854775807), and every such value is
 *   far beyond any real time or size. `formatValue()` prints MAX_SAFE_INTEGER
 *   back as 9223372036854775807 so DescribeConfigs shows what Kafka shows;
 * - double: a decimal or exponent number, `NaN`, `Infinity`;
 * - list: comma-separated, each element trimmed; `''` is the empty list;
 * - string, password, class: the trimmed text (a class is only a name here).
 *
 * Invalid values throw `ConfigError` (`code = 'ERR_CONFIG_INVALID'`) with
 * Kafka's message shape: `Invalid value X for configuration Y: reason`.
 * Keys the def does not know are returned in `unknownKeys`, not thrown, so the
 * caller can warn (Kafka logs "The configuration 'x' was supplied but isn't a
 * known config.").
 */

const CONFIG_ERROR_BRAND = Symbol.for('brook.ConfigError')

/** A configuration value that does not parse or validate, or a missing required key. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG_INVALID'
  /** The configuration key the error is about. */
  readonly key: string
  /** The offending value (the raw string when it did not parse), if any. */
  readonly value: unknown

  /**
   * With a reason: `Invalid value <value> for configuration <key>: <reason>`.
   * Pass `message` to use a message of another shape (still naming the key).
   */
  constructor(key: string, value: unknown, reason?: string, options?: { message?: string; cause?: unknown }) {
    super(
      options?.message ?? `Invalid value ${displayValue(value)} for configuration ${key}${reason ? `: ${reason}` : ''}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'ConfigError'
    this.key = key
    this.value = value
  }

  get [CONFIG_ERROR_BRAND](): true {
    return true
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return isConfigError(x)
  }
}

/** True for a ConfigError, even one from another copy of this package. */
export function isConfigError(x: unknown): x is ConfigError {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[CONFIG_ERROR_BRAND] === true
}

function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  return String(value)
}

export type ConfigType = 'boolean' | 'int' | 'short' | 'long' | 'double' | 'string' | 'list' | 'password' | 'class'
export type Importance = 'high' | 'medium' | 'low'

/** The JS type a config type parses to. */
export type ConfigValueOf<T extends ConfigType> = T extends 'boolean'
  ? boolean
  : T extends 'int' | 'short' | 'long' | 'double'
    ? number
    : T extends 'list'
      ? readonly string[]
      : string

/** DescribeConfigs (v3+) `configType` codes, as Kafka's `DescribeConfigsResponse.ConfigType`. */
export const CONFIG_TYPE_CODES: Readonly<Record<ConfigType, number>> = Object.freeze({
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
})

/** Java's Long.MAX_VALUE, Kafka's "no limit", as Brook holds it (see the module comment). */
export const LONG_MAX_VALUE = Number.MAX_SAFE_INTEGER
const JAVA_LONG_MAX = 9223372036854775807n
const JAVA_LONG_MIN = -9223372036854775808n

/** `'a' | 'b'` → string, `readonly ('a' | 'b')[]` → readonly string[]: what a validator receives. */
export type Widen<V> = V extends string ? string : V extends readonly string[] ? readonly string[] : V

/**
 * Checks a parsed, non-null value; throws ConfigError. `V` is the type of
 * the values it lets through, which becomes the parsed field's type (so
 * `validString('CreateTime', 'LogAppendTime')` types the field as that union).
 */
export interface Validator<V = unknown> {
  ensureValid(name: string, value: Widen<V>): void
  /** The valid values as the docs print them, e.g. `[1,...]`, `[delete, compact]`. */
  readonly description: string
  /** Type-level only, never set: carries `V` for inference. */
  readonly __valid?: V
}

/** Kafka's `Range.atLeast(min)`. */
export function atLeast(min: number): Validator<number> {
  return {
    ensureValid(name, value) {
      if (value < min) throw new ConfigError(name, formatNumber(value), `Value must be at least ${min}`)
    },
    description: `[${min},...]`,
  }
}

/** Kafka's `Range.between(min, max)`, inclusive. */
export function between(min: number, max: number): Validator<number> {
  return {
    ensureValid(name, value) {
      if (value < min) throw new ConfigError(name, formatNumber(value), `Value must be no less than ${min}`)
      if (value > max) throw new ConfigError(name, formatNumber(value), `Value must be no more than ${max}`)
    },
    description: `[${min},...,${max}]`,
  }
}

/** Kafka's `ValidString.in(...)`: the value must be one of these (case-sensitive, as Kafka). */
export function validString<const S extends string>(...values: S[]): Validator<S> {
  return {
    ensureValid(name, value) {
      if (!(values as readonly string[]).includes(value)) throw new ConfigError(name, value, `String must be one of: ${values.join(', ')}`)
    },
    description: `[${values.join(', ')}]`,
  }
}

/** Kafka's `ValidList.in(...)`: every element must be one of these. */
export function validList<const S extends string>(...values: S[]): Validator<readonly S[]> {
  return {
    ensureValid(name, value) {
      for (const element of value) {
        if (!(values as readonly string[]).includes(element)) {
          throw new ConfigError(name, value, `String must be one of: ${values.join(', ')}`)
        }
      }
    },
    description: `[${values.join(', ')}]`,
  }
}

/**
 * A validator from a function that returns a reason when the value is invalid
 * (or throws a ConfigError itself), and nothing when it is valid.
 */
export function customValidator<V>(description: string, check: (value: Widen<V>, name: string) => string | undefined): Validator<V> {
  return {
    ensureValid(name, value) {
      const reason = check(value, name)
      if (reason !== undefined) throw new ConfigError(name, value, reason)
    },
    description,
  }
}

/** One key of a ConfigDef, as defined. */
export interface ConfigKey {
  readonly name: string
  /** The camelCase field name in parsed values (`log.segment.bytes` → `logSegmentBytes`). */
  readonly field: string
  readonly type: ConfigType
  /** True when the key has no default and must be set. */
  readonly required: boolean
  /** The typed default; `null` for a nullable key with no default value; `undefined` when required. */
  readonly defaultValue: unknown
  readonly validator: Validator<never> | undefined
  readonly doc: string
  readonly importance: Importance
  /** Read-only at runtime (DescribeConfigs `readOnly`); undefined = the caller's default. */
  readonly readOnly: boolean | undefined
  /** What Brook does with the key: read it, or accept it for compatibility and ignore it. */
  readonly support: 'honoured' | 'ignored'
  /** Brook-specific behaviour, for docs/CONFIG.md. */
  readonly note: string | undefined
}

export interface ConfigKeyOptions<N extends string, T extends ConfigType, X, D> {
  name: N
  type: T
  /** The typed default. Omit it (or pass undefined) for a required key; `null` makes the key nullable. */
  default?: D
  validator?: Validator<X>
  doc: string
  importance?: Importance
  readOnly?: boolean
  /** Default 'honoured'. */
  support?: 'honoured' | 'ignored'
  note?: string
}

/** `log.segment.bytes` → `logSegmentBytes`. */
export type CamelCase<S extends string> = S extends `${infer H}.${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S
export type CamelCaseKeys<V> = { readonly [K in keyof V & string as CamelCase<K>]: V[K] }

export function camelCase(name: string): string {
  const parts = name.split('.')
  return parts[0] + parts.slice(1).map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : '')).join('')
}

/** The dotted-name value map a ConfigDef parses to. */
export type ConfigValues<D> = D extends ConfigDef<infer V> ? V : never

export interface ParsedConfig<V> {
  /** Typed values by camelCase field name; frozen. */
  readonly values: CamelCaseKeys<V>
  /** The same values by dotted key name; frozen. */
  readonly byName: Readonly<V>
  /** Keys in the input the def does not define, in input order. */
  readonly unknownKeys: readonly string[]
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export class ConfigDef<V extends object = {}> {
  readonly #keys = new Map<string, ConfigKey>()
  readonly #fields = new Set<string>()

  /**
   * Adds a key. The default is parsed-typed (a number, boolean, string array,
   * ...), checked against the validator here, so a bad default fails at
   * module load rather than at parse time.
   */
  define<
    N extends string,
    T extends ConfigType,
    X extends ConfigValueOf<T> = ConfigValueOf<T>,
    D extends X | null | undefined = undefined,
  >(options: ConfigKeyOptions<N, T, X, D>): ConfigDef<V & { [K in N]: [D] extends [null] ? X | null : X }> {
    const { name, type } = options
    if (this.#keys.has(name)) throw new Error(`Configuration ${name} is defined twice.`)
    const field = camelCase(name)
    if (this.#fields.has(field)) throw new Error(`Configuration ${name} maps to field ${field}, already used.`)
    const required = options.default === undefined
    const defaultValue = options.default === null ? null : freezeValue(options.default)
    if (!required && defaultValue !== null) {
      checkDefaultType(name, type, defaultValue)
      options.validator?.ensureValid(name, defaultValue as unknown as Widen<X>)
    }
    this.#keys.set(name, {
      name,
      field,
      type,
      required,
      defaultValue,
      validator: options.validator as Validator<never> | undefined,
      doc: options.doc,
      importance: options.importance ?? 'medium',
      readOnly: options.readOnly,
      support: options.support ?? 'honoured',
      note: options.note,
    })
    this.#fields.add(field)
    return this as unknown as ConfigDef<V & { [K in N]: [D] extends [null] ? X | null : X }>
  }

  /** Every key, in definition order. */
  keys(): readonly ConfigKey[] {
    return [...this.#keys.values()]
  }

  names(): string[] {
    return [...this.#keys.keys()]
  }

  key(name: string): ConfigKey | undefined {
    return this.#keys.get(name)
  }

  has(name: string): boolean {
    return this.#keys.has(name)
  }

  /**
   * Parses and validates every defined key from `props` (absent keys take
   * their defaults) and lists the keys it does not know.
   */
  parse(props: Readonly<Record<string, string>>): ParsedConfig<V> {
    const byName: Record<string, unknown> = {}
    const values: Record<string, unknown> = {}
    for (const key of this.#keys.values()) {
      let value: unknown
      if (Object.hasOwn(props, key.name)) {
        value = this.parseValue(key.name, props[key.name]!)
      } else if (key.required) {
        throw new ConfigError(key.name, undefined, undefined, {
          message: `Missing required configuration "${key.name}" which has no default value.`,
        })
      } else {
        value = key.defaultValue
      }
      byName[key.name] = value
      values[key.field] = value
    }
    const unknownKeys = Object.keys(props).filter((k) => !this.#keys.has(k))
    return Object.freeze({
      values: Object.freeze(values) as CamelCaseKeys<V>,
      byName: Object.freeze(byName) as Readonly<V>,
      unknownKeys: Object.freeze(unknownKeys),
    })
  }

  /** Parses and validates one key's raw string (e.g. one entry of an AlterConfigs request). */
  parseValue(name: string, raw: string): unknown {
    const key = this.#keys.get(name)
    if (key === undefined) throw new ConfigError(name, raw, undefined, { message: `Unknown configuration ${name}` })
    const value = parseType(name, raw, key.type)
    if (key.validator !== undefined) (key.validator as Validator<unknown>).ensureValid(name, value)
    return value
  }

  /**
   * A value as Kafka prints it (`ConfigDef.convertToString`): lists joined by
   * commas, doubles as Java prints them, Brook's "Long.MAX_VALUE" as
   * 9223372036854775807; null stays null. Passwords print as `[hidden]`
   * (DescribeConfigs sends null for them instead).
   */
  formatValue(name: string, value: unknown): string | null {
    const key = this.#keys.get(name)
    return formatConfigValue(value, key?.type ?? 'string')
  }
}

/** Kafka's `ConfigDef.convertToString` for a value of the given type. */
export function formatConfigValue(value: unknown, type: ConfigType): string | null {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'password':
      return '[hidden]'
    case 'list':
      return (value as readonly string[]).join(',')
    case 'long':
      return formatLong(value as number)
    case 'double':
      return formatJavaDouble(value as number)
    default:
      return String(value)
  }
}

function formatLong(n: number): string {
  if (n >= LONG_MAX_VALUE) return JAVA_LONG_MAX.toString()
  if (n <= -LONG_MAX_VALUE) return JAVA_LONG_MIN.toString()
  return String(n)
}

function formatNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= LONG_MAX_VALUE ? formatLong(n) : String(n)
}

/** Java's `Double.toString`: `0.5`, `1.0`, `1.0E7`, `1.7976931348623157E308`. */
export function formatJavaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return 'Infinity'
  if (n === -Infinity) return '-Infinity'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(n)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n)
    return s.includes('.') ? s : `${s}.0`
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string]
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}

const INT_RE = /^[+-]?\d+$/
const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/

/** Kafka's `ConfigDef.parseType`: one raw string to a typed value, or ConfigError. */
export function parseType(name: string, raw: string, type: ConfigType): unknown {
  const trimmed = raw.trim()
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase()
      if (lower === 'true') return true
      if (lower === 'false') return false
      throw new ConfigError(name, raw, 'Expected value to be either true or false')
    }
    case 'int':
      return parseInteger(name, raw, trimmed, -2147483648n, 2147483647n, 'INT')
    case 'short':
      return parseInteger(name, raw, trimmed, -32768n, 32767n, 'SHORT')
    case 'long': {
      const n = parseInteger(name, raw, trimmed, JAVA_LONG_MIN, JAVA_LONG_MAX, 'LONG')
      return Math.max(-LONG_MAX_VALUE, Math.min(LONG_MAX_VALUE, n))
    }
    case 'double': {
      if (trimmed === 'NaN') return Number.NaN
      if (/^[+-]?Infinity$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity
      if (!DOUBLE_RE.test(trimmed)) throw new ConfigError(name, raw, 'Not a number of type DOUBLE')
      return Number.parseFloat(trimmed)
    }
    case 'list':
      if (trimmed === '') return Object.freeze([])
      return Object.freeze(trimmed.split(/\s*,\s*/))
    case 'string':
    case 'password':
    case 'class':
      return trimmed
  }
}

function parseInteger(name: string, raw: string, trimmed: string, min: bigint, max: bigint, typeName: string): number {
  if (!INT_RE.test(trimmed)) throw new ConfigError(name, raw, `Not a number of type ${typeName}`)
  const big = BigInt(trimmed)
  if (big < min || big > max) throw new ConfigError(name, raw, `Not a number of type ${typeName}`)
  // Long values beyond the safe range lose precision here; the caller clamps them.
  return Number(big)
}

function checkDefaultType(name: string, type: ConfigType, value: unknown): void {
  const ok =
    type === 'boolean'
      ? typeof value === 'boolean'
      : type === 'list'
        ? Array.isArray(value)
        : type === 'string' || type === 'password' || type === 'class'
          ? typeof value === 'string'
          : typeof value === 'number' && (type === 'double' || Number.isInteger(value))
  if (!ok) throw new Error(`Default value ${String(value)} of configuration ${name} is not of type ${type}`)
}

function freezeValue<T>(value: T): T {
  return Array.isArray(value) ? (Object.freeze([...value]) as T) : value
}

export interface ConfigMarkdownOptions {
  /** Extra column: for each key, text such as the broker synonym (topic keys). */
  extraColumn?: { header: string; cell: (key: ConfigKey) => string }
}

/**
 * One markdown table row per key: name, type, default, valid values,
 * importance, what Brook does with it, and the doc. Used by
 * `scripts/config-docs.mjs` to write docs/CONFIG.md.
 */
export function renderConfigMarkdown(def: ConfigDef<object>, options: ConfigMarkdownOptions = {}): string {
  const extra = options.extraColumn
  const headers = ['Name', 'Type', 'Default', 'Valid values', ...(extra ? [extra.header] : []), 'Importance', 'Brook', 'Description']
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`]
  for (const key of def.keys()) {
    const cells = [
      `\`${key.name}\``,
      key.type,
      key.required ? '(required)' : markdownCode(formatConfigValue(key.defaultValue, key.type === 'password' ? 'string' : key.type)),
      key.validator?.description ?? '',
      ...(extra ? [extra.cell(key)] : []),
      key.importance,
      key.support === 'honoured' ? `honoured${key.note ? `: ${key.note}` : ''}` : `accepted, ignored${key.note ? `: ${key.note}` : ''}`,
      stripHtml(key.doc),
    ]
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`)
  }
  return lines.join('\n') + '\n'
}

function markdownCode(s: string | null): string {
  if (s === null) return 'null'
  if (s === '') return '""'
  return `\`${s}\``
}

function stripHtml(s: string): string {
  return s.replace(/<\/?code>/g, '`').replace(/<br>/g, ' ').replace(/<[^>]+>/g, '')
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
