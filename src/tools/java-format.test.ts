import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaDefaultFixed, javaFixed, metricsTable, simpleDateFormat } from './java-format.js'

test("%.Nf rounds HALF_UP from the shortest decimal, as Java's Formatter does", () => {
  // toFixed rounds the binary value: 1.005 is 1.00499999... and gives "1.00"; Java prints "1.01".
  assert.equal(javaFixed(1.005, 2), '1.01')
  assert.equal(javaFixed(0.05, 1), '0.1')
  assert.equal(javaFixed(2.5, 0), '3')
  assert.equal(javaFixed(1234.5678, 4), '1234.5678')
  assert.equal(javaFixed(0, 4), '0.0000')
  assert.equal(javaFixed(1e-7, 4), '0.0000')
  assert.equal(javaFixed(1.5e21, 1), '1500000000000000000000.0')
  assert.equal(javaFixed(-0.001, 2), '-0.00')
  assert.equal(javaFixed(-12.345, 2), '-12.35')
  assert.equal(javaDefaultFixed(117647.05882352941), '117647.058824')
  assert.equal(javaDefaultFixed(20000 / 3), '6666.666667')
})

test('NaN and infinities print as Java prints them (a division by a zero elapsed time)', () => {
  assert.equal(javaFixed(0 / 0, 2), 'NaN')
  assert.equal(javaFixed(1 / 0, 4), 'Infinity')
  assert.equal(javaFixed(-1 / 0, 4), '-Infinity')
})

test("SimpleDateFormat: Kafka's default pattern, names, quotes, zones; an unknown letter is Java's error", () => {
  const ms = new Date(2024, 0, 5, 9, 3, 7, 42).getTime()
  assert.equal(simpleDateFormat('yyyy-MM-dd HH:mm:ss:SSS')(ms), '2024-01-05 09:03:07:042')
  assert.equal(simpleDateFormat("EEE, d MMM yy 'at' h:mm a")(ms), 'Fri, 5 Jan 24 at 9:03 AM')
  assert.equal(simpleDateFormat("EEEE MMMM ''yy''")(ms), "Friday January '24'")
  assert.equal(simpleDateFormat('D k K')(ms), '5 9 9')
  assert.match(simpleDateFormat('Z')(ms), /^[+-]\d{4}$/)
  assert.match(simpleDateFormat('XXX')(ms), /^(Z|[+-]\d{2}:\d{2})$/)
  assert.throws(() => simpleDateFormat('yyyy-qq'), /Illegal pattern character 'q'/)
  assert.throws(() => simpleDateFormat("yyyy 'open"), /Unterminated quote/)
})

test("Kafka's metrics table: a blank line, a header, names padded and sorted, %.3f values", () => {
  assert.deepEqual(metricsTable({ 'g:b:{}': 2, 'g:a-longer:{}': 1.23456 }), ['', 'Metric Name     Value', 'g:a-longer:{} : 1.235', 'g:b:{}        : 2.000'])
})
