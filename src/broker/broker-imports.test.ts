/**
 * The broker loads only the codec modules of the APIs it serves (DESIGN.md,
 * "The broker loads only the codecs it serves"): walks the compiled import
 * graph from the broker's entry points and fails if it reaches a module that
 * imports every codec.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, relative, resolve } from 'node:path'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const FORBIDDEN = ['protocol/messages/index.js', 'protocol/messages/schemas.js', 'protocol/frame.js', 'protocol/index.js']
const RELATIVE_IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)import\s+['"](\.[^'"]+)['"]/g

/** Every module reachable from `entries` by relative static or literal dynamic imports, with who imported it first. */
function importGraph(entries: string[]): Map<string, string | null> {
  const seen = new Map<string, string | null>()
  const stack: [string, string | null][] = entries.map((e) => [resolve(SRC, e), null])
  while (stack.length > 0) {
    const [file, from] = stack.pop()!
    if (seen.has(file)) continue
    seen.set(file, from)
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      stack.push([resolve(dirname(file), (m[1] ?? m[2] ?? m[3])!), file])
    }
  }
  return seen
}

test('the broker imports neither the full codec index nor frame.js', () => {
  const graph = importGraph(['broker/kafka-server.js', 'cli/kafka-server-start.js'])
  assert.ok(graph.has(resolve(SRC, 'protocol/messages/produce.js')), 'the walk follows imports down to the served codecs')
  for (const f of FORBIDDEN) {
    const from = graph.get(resolve(SRC, f))
    assert.equal(from, undefined, `${f} is imported by ${from ? relative(SRC, from) : '?'}`)
  }
})
