import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readOffsetCheckpoint, readOffsetCheckpointEntries, writeOffsetCheckpoint } from './offset-checkpoint-file.js'

test('offset checkpoints round trip in Kafka\'s text format, atomically', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-ckpt-'))
  const path = join(dir, 'recovery-point-offset-checkpoint')
  assert.equal((await readOffsetCheckpoint(path)).size, 0, 'missing file: no entries')
  const entries = [{ topic: 'orders', partition: 0, offset: 1234 }, { topic: 'my-topic.v2', partition: 11, offset: 0 }]
  await writeOffsetCheckpoint(path, entries)
  assert.equal(await readFile(path, 'utf8'), '0\n2\norders 0 1234\nmy-topic.v2 11 0\n')
  assert.deepEqual(await readOffsetCheckpointEntries(path), entries)
  assert.deepEqual([...(await readOffsetCheckpoint(path))], [['orders-0', 1234], ['my-topic.v2-11', 0]])
  assert.deepEqual(await readdir(dir), ['recovery-point-offset-checkpoint'], 'no temp file left behind')
  await writeOffsetCheckpoint(path, [])
  assert.equal(await readFile(path, 'utf8'), '0\n0\n')
  await rm(dir, { recursive: true })
})

test('malformed checkpoints are rejected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-ckpt-'))
  const path = join(dir, 'ckpt')
  for (const text of ['1\n0\n', '0\n2\nt 0 1\n', '0\n1\nt 0\n', '0\n1\nt x 5\n', 'zero\n0\n', '0\n1\nt 0 1\nextra 0 1\n']) {
    await writeFile(path, text)
    await assert.rejects(readOffsetCheckpoint(path), /Malformed checkpoint/, JSON.stringify(text))
  }
  await writeFile(path, '')
  assert.equal((await readOffsetCheckpoint(path)).size, 0, 'an empty file reads as empty, as in Kafka')
  await rm(dir, { recursive: true })
})
