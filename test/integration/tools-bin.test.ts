/**
 * Every command in bin/ is installed by npm (package.json `bin`), runs, and
 * answers --help with Kafka's option table and exit 0; the `.sh` name and the
 * Homebrew-style name without it are the same command.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from './broker-process.js'

const BIN = join(REPO, 'bin')

function runHelp(file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => execFile(file, ['--help'], { timeout: 30_000 }, (e, stdout) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout })))
}

test('package.json bin names every command in bin/, each executable', () => {
  const files = readdirSync(BIN).sort()
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }
  assert.deepEqual(Object.keys(pkg.bin).sort(), files)
  for (const f of files) {
    assert.equal(pkg.bin[f], `bin/${f}`)
    accessSync(join(BIN, f), constants.X_OK)
  }
  // Each command comes with and without .sh.
  const names = new Set(files.map((f) => f.replace(/\.sh$/, '')))
  for (const n of names) assert.ok(files.includes(n) && files.includes(`${n}.sh`), n)
})

test('every command answers --help with its option table and exit 0, under both names', async () => {
  for (const f of readdirSync(BIN)) {
    const { code, stdout } = await runHelp(join(BIN, f))
    assert.equal(code, 0, f)
    assert.match(stdout, /^Option {2,}Description$/m, f)
    assert.match(stdout, /--help/, f)
  }
})
