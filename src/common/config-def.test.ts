import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  atLeast,
  between,
  camelCase,
  ConfigDef,
  ConfigError,
  customValidator,
  formatConfigValue,
  formatJavaDouble,
  isConfigError,
  LONG_MAX_VALUE,
  parseType,
  renderConfigMarkdown,
  validList,
  validString,
} from './config-def.js'

function expectConfigError(fn: () => unknown, key: string, message: RegExp | string): ConfigError {
  try {
    fn()
  } catch (e) {
    assert.ok(isConfigError(e), `expected a ConfigError, got ${String(e)}`)
    assert.ok(e instanceof ConfigError)
    assert.equal(e.code, 'ERR_CONFIG_INVALID')
    assert.equal(e.key, key)
    if (typeof message === 'string') assert.equal(e.message, message)
    else assert.match(e.message, message)
    return e
  }
  assert.fail('expected a ConfigError')
}

describe('parseType (Kafka ConfigDef.parseType rules)', () => {
  it('booleans: true/false in any case, trimmed; anything else is an error', () => {
    assert.equal(parseType('k', 'true', 'boolean'), true)
    assert.equal(parseType('k', ' FALSE ', 'boolean'), false)
    assert.equal(parseType('k', 'TrUe', 'boolean'), true)
    expectConfigError(() => parseType('k', 'yes', 'boolean'), 'k', 'Invalid value yes for configuration k: Expected value to be either true or false')
    expectConfigError(() => parseType('k', '1', 'boolean'), 'k', /either true or false/)
  })

  it('ints: decimal with optional sign in int32 range', () => {
    assert.equal(parseType('k', '42', 'int'), 42)
    assert.equal(parseType('k', ' -7 ', 'int'), -7)
    assert.equal(parseType('k', '+3', 'int'), 3)
    assert.equal(parseType('k', '2147483647', 'int'), 2147483647)
    assert.equal(parseType('k', '-2147483648', 'int'), -2147483648)
    expectConfigError(() => parseType('k', '2147483648', 'int'), 'k', 'Invalid value 2147483648 for configuration k: Not a number of type INT')
    for (const bad of ['abc', '1.5', '0x10', '', '1e3', '1_000', '12a']) {
      expectConfigError(() => parseType('k', bad, 'int'), 'k', /Not a number of type INT/)
    }
  })

  it('shorts: int16 range', () => {
    assert.equal(parseType('k', '32767', 'short'), 32767)
    expectConfigError(() => parseType('k', '32768', 'short'), 'k', /Not a number of type SHORT/)
  })

  it('longs: int64 range; Long.MAX_VALUE and anything beyond the safe range clamps to MAX_SAFE_INTEGER', () => {
    assert.equal(parseType('k', '604800000', 'long'), 604800000)
    assert.equal(parseType('k', '-1', 'long'), -1)
    assert.equal(parseType('k', '9223372036854775807', 'long'), Number.MAX_SAFE_INTEGER)
    assert.equal(parseType('k', '9007199254740993', 'long'), Number.MAX_SAFE_INTEGER)
    assert.equal(parseType('k', '-9223372036854775808', 'long'), -Number.MAX_SAFE_INTEGER)
    assert.equal(parseType('k', '9007199254740991', 'long'), Number.MAX_SAFE_INTEGER)
    expectConfigError(() => parseType('k', '9223372036854775808', 'long'), 'k', /Not a number of type LONG/)
    expectConfigError(() => parseType('k', '1.0', 'long'), 'k', /Not a number of type LONG/)
  })

  it('doubles: decimals, exponents, NaN, Infinity', () => {
    assert.equal(parseType('k', '0.5', 'double'), 0.5)
    assert.equal(parseType('k', '1', 'double'), 1)
    assert.equal(parseType('k', '.25', 'double'), 0.25)
    assert.equal(parseType('k', '1.7976931348623157E308', 'double'), Number.MAX_VALUE)
    assert.equal(parseType('k', '-2e-3', 'double'), -0.002)
    assert.ok(Number.isNaN(parseType('k', 'NaN', 'double')))
    assert.equal(parseType('k', 'Infinity', 'double'), Infinity)
    expectConfigError(() => parseType('k', 'half', 'double'), 'k', /Not a number of type DOUBLE/)
    expectConfigError(() => parseType('k', '', 'double'), 'k', /Not a number of type DOUBLE/)
  })

  it('lists: comma-separated and trimmed; empty string is the empty list; empty elements are kept', () => {
    assert.deepEqual(parseType('k', 'a,b', 'list'), ['a', 'b'])
    assert.deepEqual(parseType('k', '  a ,  b  ,c ', 'list'), ['a', 'b', 'c'])
    assert.deepEqual(parseType('k', '', 'list'), [])
    assert.deepEqual(parseType('k', '   ', 'list'), [])
    assert.deepEqual(parseType('k', 'a,,b,', 'list'), ['a', '', 'b', ''])
    assert.ok(Object.isFrozen(parseType('k', 'a', 'list')))
  })

  it('strings, passwords and classes are trimmed text', () => {
    assert.equal(parseType('k', '  hello world ', 'string'), 'hello world')
    assert.equal(parseType('k', ' s3cret ', 'password'), 's3cret')
    assert.equal(parseType('k', 'org.example.Foo', 'class'), 'org.example.Foo')
    assert.equal(parseType('k', '', 'string'), '')
  })
})

describe('validators', () => {
  it('atLeast and between use Kafka messages', () => {
    expectConfigError(() => atLeast(1).ensureValid('num.partitions', 0), 'num.partitions', 'Invalid value 0 for configuration num.partitions: Value must be at least 1')
    atLeast(1).ensureValid('k', 1)
    expectConfigError(() => between(0, 1).ensureValid('r', 1.5), 'r', 'Invalid value 1.5 for configuration r: Value must be no more than 1')
    expectConfigError(() => between(0, 1).ensureValid('r', -0.1), 'r', /Value must be no less than 0/)
    between(0, 1).ensureValid('r', 0)
    assert.equal(atLeast(1).description, '[1,...]')
    assert.equal(between(0, 1).description, '[0,...,1]')
  })

  it('validString and validList', () => {
    validString('CreateTime', 'LogAppendTime').ensureValid('t', 'CreateTime')
    expectConfigError(() => validString('CreateTime', 'LogAppendTime').ensureValid('t', 'createtime'), 't', 'Invalid value createtime for configuration t: String must be one of: CreateTime, LogAppendTime')
    validList('compact', 'delete').ensureValid('p', ['compact', 'delete'])
    validList('compact', 'delete').ensureValid('p', [])
    expectConfigError(() => validList('compact', 'delete').ensureValid('p', ['delete', 'purge']), 'p', 'Invalid value delete,purge for configuration p: String must be one of: compact, delete')
  })

  it('customValidator returns a reason or nothing', () => {
    const even = customValidator<number>('even numbers', (n) => (n % 2 === 0 ? undefined : 'must be even'))
    even.ensureValid('k', 2)
    expectConfigError(() => even.ensureValid('k', 3), 'k', 'Invalid value 3 for configuration k: must be even')
  })
})

describe('ConfigDef', () => {
  const def = new ConfigDef()
    .define({ name: 'num.partitions', type: 'int', default: 1, validator: atLeast(1), doc: 'partitions' })
    .define({ name: 'log.dirs', type: 'list', default: null, doc: 'dirs' })
    .define({ name: 'cluster.id', type: 'string', doc: 'required' })
    .define({ name: 'ts.type', type: 'string', default: 'CreateTime', validator: validString('CreateTime', 'LogAppendTime'), doc: 'ts' })
    .define({ name: 'retention.ms', type: 'long', default: LONG_MAX_VALUE, doc: 'r' })
    .define({ name: 'ssl.key.password', type: 'password', default: null, doc: 'secret', importance: 'high' })

  it('parses into typed camelCase values and dotted byName, with defaults, frozen', () => {
    const { values, byName, unknownKeys } = def.parse({ 'num.partitions': '3', 'cluster.id': 'abc', 'log.dirs': '/a, /b' })
    assert.equal(values.numPartitions, 3)
    assert.deepEqual(values.logDirs, ['/a', '/b'])
    assert.equal(values.clusterId, 'abc')
    assert.equal(values.tsType, 'CreateTime')
    assert.equal(values.retentionMs, LONG_MAX_VALUE)
    assert.equal(values.sslKeyPassword, null)
    assert.equal(byName['num.partitions'], 3)
    assert.deepEqual(unknownKeys, [])
    assert.ok(Object.isFrozen(values))
    assert.ok(Object.isFrozen(byName))
    // Compile-time: the field types follow the definitions.
    const typed: { n: number; dirs: readonly string[] | null; t: 'CreateTime' | 'LogAppendTime' } = { n: values.numPartitions, dirs: values.logDirs, t: values.tsType }
    assert.ok(typed)
  })

  it('returns unknown keys instead of throwing, in input order', () => {
    const { unknownKeys } = def.parse({ 'cluster.id': 'x', 'zzz.unknown': '1', 'aaa.unknown': '2' })
    assert.deepEqual(unknownKeys, ['zzz.unknown', 'aaa.unknown'])
  })

  it('throws ConfigError naming the key for invalid values and missing required keys', () => {
    expectConfigError(() => def.parse({ 'cluster.id': 'x', 'num.partitions': 'abc' }), 'num.partitions', 'Invalid value abc for configuration num.partitions: Not a number of type INT')
    expectConfigError(() => def.parse({ 'cluster.id': 'x', 'num.partitions': '0' }), 'num.partitions', 'Invalid value 0 for configuration num.partitions: Value must be at least 1')
    expectConfigError(() => def.parse({}), 'cluster.id', 'Missing required configuration "cluster.id" which has no default value.')
  })

  it('ignores inherited properties of the input object', () => {
    const props = Object.create({ 'num.partitions': 'abc' }) as Record<string, string>
    props['cluster.id'] = 'x'
    assert.equal(def.parse(props).values.numPartitions, 1)
  })

  it('parseValue checks one key', () => {
    assert.equal(def.parseValue('num.partitions', '7'), 7)
    expectConfigError(() => def.parseValue('num.partitions', '-1'), 'num.partitions', /at least 1/)
    expectConfigError(() => def.parseValue('nope', '1'), 'nope', 'Unknown configuration nope')
  })

  it('rejects duplicate keys, bad defaults and defaults that fail validation at define time', () => {
    assert.throws(() => new ConfigDef().define({ name: 'a', type: 'int', default: 1, doc: '' }).define({ name: 'a', type: 'int', default: 1, doc: '' }), /defined twice/)
    assert.throws(() => new ConfigDef().define({ name: 'a', type: 'int', default: 0, validator: atLeast(1), doc: '' }), /Value must be at least 1/)
    assert.throws(() => new ConfigDef().define({ name: 'a', type: 'int', default: 1.5, doc: '' }), /not of type int/)
  })

  it('keys() exposes metadata; formatValue prints as Kafka does', () => {
    const key = def.key('ssl.key.password')!
    assert.equal(key.type, 'password')
    assert.equal(key.importance, 'high')
    assert.equal(key.field, 'sslKeyPassword')
    assert.equal(def.key('cluster.id')!.required, true)
    assert.deepEqual(def.names(), ['num.partitions', 'log.dirs', 'cluster.id', 'ts.type', 'retention.ms', 'ssl.key.password'])
    assert.equal(def.formatValue('retention.ms', LONG_MAX_VALUE), '9223372036854775807')
    assert.equal(def.formatValue('log.dirs', ['/a', '/b']), '/a,/b')
    assert.equal(def.formatValue('log.dirs', null), null)
    assert.equal(def.formatValue('ssl.key.password', 'x'), '[hidden]')
  })

  it('renders a markdown table row per key', () => {
    const md = renderConfigMarkdown(def)
    assert.match(md, /^\| Name \| Type \| Default \|/)
    assert.match(md, /\| `num.partitions` \| int \| `1` \| \[1,\.\.\.\] \| medium \| honoured \| partitions \|/)
    assert.match(md, /\| `cluster.id` \| string \| \(required\) \|/)
    assert.match(md, /\| `retention.ms` \| long \| `9223372036854775807` \|/)
  })
})

describe('formatting helpers', () => {
  it('camelCase', () => {
    assert.equal(camelCase('log.segment.bytes'), 'logSegmentBytes')
    assert.equal(camelCase('broker.id'), 'brokerId')
    assert.equal(camelCase('listeners'), 'listeners')
  })

  it("formats doubles as Java's Double.toString", () => {
    assert.equal(formatJavaDouble(0.5), '0.5')
    assert.equal(formatJavaDouble(1), '1.0')
    assert.equal(formatJavaDouble(0), '0.0')
    assert.equal(formatJavaDouble(1e7), '1.0E7')
    assert.equal(formatJavaDouble(Number.MAX_VALUE), '1.7976931348623157E308')
    assert.equal(formatJavaDouble(0.0001), '1.0E-4')
    assert.equal(formatJavaDouble(123.25), '123.25')
  })

  it('formatConfigValue', () => {
    assert.equal(formatConfigValue(true, 'boolean'), 'true')
    assert.equal(formatConfigValue(-LONG_MAX_VALUE, 'long'), '-9223372036854775808')
    assert.equal(formatConfigValue([], 'list'), '')
    assert.equal(formatConfigValue(undefined, 'string'), null)
  })
})
