import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TimeIndex } from './time-index.js'

test('maybeAppend keeps only growing timestamps; lookup and truncate', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-tidx-'))
  const path = join(dir, 'x.timeindex')
  const index = TimeIndex.create(path, 50, 1200)
  assert.deepEqual(index.lookup(5), { timestamp: -1, offset: 50 })
  index.maybeAppend(1000, 55)
  index.maybeAppend(1000, 60) // same timestamp: ignored
  index.maybeAppend(2000, 70)
  index.maybeAppend(3000, 80)
  assert.equal(index.entries, 3)
  assert.throws(() => index.maybeAppend(2500, 90), /below the last time index timestamp/)
  assert.deepEqual(index.lookup(999), { timestamp: -1, offset: 50 })
  assert.deepEqual(index.lookup(1000), { timestamp: 1000, offset: 55 })
  assert.deepEqual(index.lookup(2999), { timestamp: 2000, offset: 70 })
  assert.deepEqual(index.lookup(1e12), { timestamp: 3000, offset: 80 })
  await index.flush()
  const bytes = await readFile(path)
  assert.equal(bytes.length, 36)
  assert.equal(bytes.readBigInt64BE(12), 2000n)
  assert.equal(bytes.readInt32BE(20), 20)
  const reopened = await TimeIndex.open(path, 50, 1200)
  assert.deepEqual(reopened.lastEntry, { timestamp: 3000, offset: 80 })
  await reopened.load()
  reopened.truncateTo(70)
  assert.deepEqual(reopened.lastEntry, { timestamp: 1000, offset: 55 })
  await rm(dir, { recursive: true })
})

test('one slot stays free for the entry added when the segment becomes inactive', () => {
  const index = TimeIndex.create('/nonexistent/x.timeindex', 0, 36)
  assert.equal(index.maxEntries, 3)
  index.maybeAppend(1, 1)
  index.maybeAppend(2, 2)
  assert.equal(index.isFull, true)
  assert.throws(() => index.maybeAppend(3, 3), /full/)
  index.maybeAppend(3, 3, true)
  assert.equal(index.entries, 3)
})
