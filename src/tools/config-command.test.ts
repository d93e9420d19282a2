import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseArgs, UsageError } from './command-line.js'
import { checkConfigArgs, CONFIGS_SPEC, parseAddConfig } from './config-command.js'

test("--add-config: commas and '=' inside [...] belong to the value, the brackets are dropped", () => {
  assert.deepEqual(parseAddConfig('k1=v1,k2=[v1,v2,v2],k3=v3'), { k1: 'v1', k2: 'v1,v2,v2', k3: 'v3' })
  assert.deepEqual(parseAddConfig('cleanup.policy=[compact,delete], retention.ms = 1000'), { 'cleanup.policy': 'compact,delete', 'retention.ms': '1000' })
  // An empty value is allowed (Kafka splits with a limit of -1); a trailing comma is dropped.
  assert.deepEqual(parseAddConfig('ssl.endpoint.identification.algorithm=,'), { 'ssl.endpoint.identification.algorithm': '' })
  assert.deepEqual(parseAddConfig('a=[x=1,y=2]'), { a: 'x=1,y=2' })
  for (const bad of ['retention.ms', 'a=1,b', '']) {
    assert.throws(() => parseAddConfig(bad), (e: unknown) => e instanceof UsageError && /^requirement failed: Invalid entity config/.test(e.message), bad)
  }
})

test('option checks with Kafka messages; the shorthand flags name the same entities', () => {
  const check = (...argv: string[]) => checkConfigArgs(parseArgs(CONFIGS_SPEC, ['--bootstrap-server', 'b:1', ...argv]))
  check('--describe', '--topic', 't')
  check('--describe', '--broker-defaults')
  check('--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'a')
  check('--describe', '--entity-type', 'users', '--entity-type', 'clients')
  assert.throws(() => check('--alter', '--topic', 't', '--add-config', 'a=1', '--add-config-file', 'f'), { message: 'Only one of --add-config or --add-config-file must be specified' })
  assert.throws(() => check('--describe', '--entity-type', 'broker-loggers'), { message: 'an entity name must be specified with --describe of broker-loggers' })
  assert.throws(() => check('--alter', '--describe', '--topic', 't'), { message: 'Command must include exactly one action: --describe, --alter' })
})
