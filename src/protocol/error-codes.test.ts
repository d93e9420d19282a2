import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ERRORS, ErrorCode, errorInfo, errorName, isKnownErrorCode, isRetriable } from './error-codes.js'
import { KafkaError, isKafkaError } from './kafka-error.js'

// Kafka 4.0.0 Errors.java: UNKNOWN_SERVER_ERROR (-1) through REBOOTSTRAP_REQUIRED (129).
const MAX_CODE = 129

test('the table covers every code from -1 to 129, each once, in order', () => {
  assert.equal(ERRORS.length, MAX_CODE + 2)
  assert.deepEqual(
    ERRORS.map((row) => row.code),
    Array.from({ length: MAX_CODE + 2 }, (_, i) => i - 1),
  )
  assert.equal(new Set(ERRORS.map((row) => row.code)).size, ERRORS.length)
  for (let code = -1; code <= MAX_CODE; code++) assert.ok(isKnownErrorCode(code), `code ${code}`)
  assert.equal(isKnownErrorCode(MAX_CODE + 1), false)
  assert.equal(isKnownErrorCode(-2), false)
})

test('names are unique UPPER_SNAKE and ErrorCode matches the table', () => {
  assert.equal(new Set(ERRORS.map((row) => row.name)).size, ERRORS.length)
  for (const { name } of ERRORS) assert.match(name, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
  assert.deepEqual(
    Object.entries(ErrorCode),
    ERRORS.map((row) => [row.name, row.code]),
  )
})

test('every code but NONE has a default message; rows are frozen', () => {
  for (const row of ERRORS) {
    if (row.code === ErrorCode.NONE) assert.equal(row.message, '')
    else assert.ok(row.message.length > 0, row.name)
    assert.ok(Object.isFrozen(row))
  }
  assert.ok(Object.isFrozen(ERRORS))
})

test('spot checks of known codes', () => {
  const expected: Record<string, number> = {
    UNKNOWN_SERVER_ERROR: -1,
    NONE: 0,
    OFFSET_OUT_OF_RANGE: 1,
    CORRUPT_MESSAGE: 2,
    UNKNOWN_TOPIC_OR_PARTITION: 3,
    NOT_LEADER_OR_FOLLOWER: 6,
    REQUEST_TIMED_OUT: 7,
    MESSAGE_TOO_LARGE: 10,
    NOT_COORDINATOR: 16,
    REBALANCE_IN_PROGRESS: 27,
    TOPIC_AUTHORIZATION_FAILED: 29,
    UNSUPPORTED_VERSION: 35,
    TOPIC_ALREADY_EXISTS: 36,
    OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
    INVALID_PRODUCER_EPOCH: 47,
    KAFKA_STORAGE_ERROR: 56,
    UNKNOWN_PRODUCER_ID: 59,
    FENCED_LEADER_EPOCH: 74,
    PRODUCER_FENCED: 90,
    UNKNOWN_TOPIC_ID: 100,
    FENCED_MEMBER_EPOCH: 110,
    TRANSACTION_ABORTABLE: 120,
    INVALID_REGULAR_EXPRESSION: 128,
    REBOOTSTRAP_REQUIRED: 129,
  }
  for (const [name, code] of Object.entries(expected)) {
    assert.equal(ErrorCode[name as keyof typeof ErrorCode], code, name)
    assert.equal(errorName(code), name)
  }
  assert.equal(errorInfo(ErrorCode.UNSUPPORTED_VERSION).message, 'The version of API is not supported.')
  assert.equal(errorInfo(ErrorCode.REQUEST_TIMED_OUT).message, 'The request timed out.')
})

test('retriable is exactly the codes whose Kafka exception extends RetriableException', () => {
  assert.equal(isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER), true)
  assert.equal(isRetriable(ErrorCode.REQUEST_TIMED_OUT), true)
  assert.equal(isRetriable(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), true)
  assert.equal(isRetriable(ErrorCode.TOPIC_AUTHORIZATION_FAILED), false)
  assert.equal(isRetriable(ErrorCode.OFFSET_OUT_OF_RANGE), false)
  assert.equal(isRetriable(ErrorCode.NONE), false)
  assert.equal(isRetriable(ErrorCode.UNKNOWN_SERVER_ERROR), false)
  // Despite its name, TRANSACTION_ABORTABLE is not retriable: the client aborts instead.
  assert.equal(isRetriable(ErrorCode.TRANSACTION_ABORTABLE), false)
  assert.deepEqual(
    ERRORS.filter((row) => row.retriable).map((row) => row.name),
    [
      'CORRUPT_MESSAGE', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER',
      'REQUEST_TIMED_OUT', 'REPLICA_NOT_AVAILABLE', 'NETWORK_EXCEPTION', 'COORDINATOR_LOAD_IN_PROGRESS',
      'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
      'NOT_CONTROLLER', 'CONCURRENT_TRANSACTIONS', 'KAFKA_STORAGE_ERROR', 'FETCH_SESSION_ID_NOT_FOUND',
      'INVALID_FETCH_SESSION_EPOCH', 'LISTENER_NOT_FOUND', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH',
      'OFFSET_NOT_AVAILABLE', 'PREFERRED_LEADER_NOT_AVAILABLE', 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
      'ELECTION_NOT_NEEDED', 'UNSTABLE_OFFSET_COMMIT', 'THROTTLING_QUOTA_EXCEEDED', 'UNKNOWN_TOPIC_ID',
      'INCONSISTENT_TOPIC_ID', 'FETCH_SESSION_TOPIC_ID_ERROR', 'SHARE_SESSION_NOT_FOUND',
      'INVALID_SHARE_SESSION_EPOCH',
    ],
  )
})

test('unknown codes get a synthetic non-retriable row and never throw', () => {
  for (const code of [MAX_CODE + 1, 1000, 32767, -2, -32768, 1.5, Number.NaN]) {
    const info = errorInfo(code)
    assert.equal(info.name, `UNKNOWN_ERROR_CODE_${code}`)
    assert.equal(info.code, code)
    assert.equal(info.retriable, false)
    assert.ok(info.message.length > 0)
    assert.equal(errorName(code), info.name)
    assert.equal(isRetriable(code), false)
  }
  // Known rows are shared; a lookup does not allocate.
  assert.equal(errorInfo(6), errorInfo(6))
})

test('KafkaError carries code, name, retriability and location', () => {
  const e = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 'orders', partition: 3 })
  assert.ok(e instanceof Error)
  assert.ok(e instanceof KafkaError)
  assert.ok(isKafkaError(e))
  assert.equal(e.name, 'KafkaError')
  assert.equal(e.errorCode, 6)
  assert.equal(e.errorName, 'NOT_LEADER_OR_FOLLOWER')
  assert.equal(e.retriable, true)
  assert.equal(e.topic, 'orders')
  assert.equal(e.partition, 3)
  assert.equal(e.errorMessage, undefined)
  assert.equal(e.message, `NOT_LEADER_OR_FOLLOWER (orders-3): ${errorInfo(6).message}`)
  assert.match(String(e.stack), /^KafkaError: NOT_LEADER_OR_FOLLOWER/)
})

test('KafkaError message combines the default and the server message', () => {
  const e = new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, {
    topic: 'secret',
    errorMessage: 'Principal User:bob may not Write',
  })
  assert.equal(e.retriable, false)
  assert.equal(e.partition, undefined)
  assert.equal(e.errorMessage, 'Principal User:bob may not Write')
  assert.equal(
    e.message,
    'TOPIC_AUTHORIZATION_FAILED (secret): Topic authorization failed. Server: Principal User:bob may not Write',
  )

  // A server message equal to the default is not repeated; null and '' mean none.
  const timedOut = 'The request timed out.'
  assert.equal(
    new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { errorMessage: timedOut }).message,
    `REQUEST_TIMED_OUT: ${timedOut}`,
  )
  assert.equal(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { errorMessage: null }).errorMessage, undefined)
  assert.equal(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { errorMessage: '' }).errorMessage, undefined)
})

test('KafkaError accepts unknown codes and a cause', () => {
  const cause = new Error('EIO: i/o error, write')
  const storage = new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, { cause })
  assert.equal(storage.cause, cause)
  assert.equal(new KafkaError(ErrorCode.CORRUPT_MESSAGE).cause, undefined)

  const unknown = new KafkaError(4242, { errorMessage: 'from the future' })
  assert.equal(unknown.errorCode, 4242)
  assert.equal(unknown.errorName, 'UNKNOWN_ERROR_CODE_4242')
  assert.equal(unknown.retriable, false)
  assert.match(unknown.message, /^UNKNOWN_ERROR_CODE_4242: .* Server: from the future$/)
})

test('isKafkaError is false for other values', () => {
  for (const v of [new Error('x'), null, undefined, 'KafkaError', 6, { errorCode: 6 }]) {
    assert.equal(isKafkaError(v), false)
    assert.equal(v instanceof KafkaError, false)
  }
})

test('the brand works across two copies of the module', async () => {
  // A query string makes Node load and evaluate a second, separate module instance,
  // as when two versions of the package end up in node_modules.
  const url = new URL('./kafka-error.js?second-copy', import.meta.url).href
  const other = (await import(url)) as typeof import('./kafka-error.js')
  assert.notEqual(other.KafkaError, KafkaError)

  const foreign = new other.KafkaError(ErrorCode.NOT_COORDINATOR)
  assert.equal(Object.getPrototypeOf(foreign), other.KafkaError.prototype)
  assert.ok(isKafkaError(foreign))
  assert.ok(foreign instanceof KafkaError)
  assert.ok(other.isKafkaError(new KafkaError(ErrorCode.NOT_COORDINATOR)))
  assert.ok(new KafkaError(ErrorCode.NOT_COORDINATOR) instanceof other.KafkaError)
})
