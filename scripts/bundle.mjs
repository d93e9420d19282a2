// @ts-check
/**
 * Bundles each command-line entry point (dist/src/cli/<name>.js, compiled by
 * tsc) into one CommonJS file, dist/cli/<name>.bundle.cjs, and writes
 * dist/cli/<name>.cjs, which bin/ runs: scripts/cli-launcher.cjs, which runs
 * the bundle through a V8 code cache.
 *
 * Why: start-up time. Node 20 loads ES modules one file at a time (resolve,
 * read, compile, link), and the broker's ~90 modules cost about 45 ms of a
 * 155 ms start-up on the benchmark machine. One ES module file started in
 * about 110 ms; CommonJS saves a few ms more, because `require` of a
 * built-in does not build an ES module facade over all its exports (which
 * for node:fs loads the streams code). Packages in node_modules stay external
 * (they are native addons loaded on first use), so the bundle holds only
 * Brook's code. The sources stay ES modules: `import.meta.url` is defined
 * from the bundle's own file name, and entry points avoid top-level await.
 *
 *   node scripts/bundle.mjs     (part of npm run build)
 */
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const cliDir = join(root, 'dist/src/cli')
const entries = readdirSync(cliDir).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
if (entries.length === 0) throw new Error(`no entry points in ${cliDir}: run tsc first`)

await build({
  entryPoints: entries.map((f) => ({ in: join(cliDir, f), out: f.replace(/\.js$/, '.bundle') })),
  outdir: join(root, 'dist/cli'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  target: 'node20',
  // Whitespace only (names stay, for stack traces): V8 parses less at start-up.
  // NODE_OPTIONS=--enable-source-maps maps traces back to the TypeScript.
  minifyWhitespace: true,
  sourcemap: 'linked',
  logLevel: 'warning',
})

// The launcher's V8 code caches belong to the bundles just replaced. V8 checks a cache against the
// source's length only, so a rebuilt bundle of the same length would run the old code: remove them.
for (const f of readdirSync(join(root, 'dist/cli'))) if (f.endsWith('.v8cache')) rmSync(join(root, 'dist/cli', f), { force: true })

// Each command's entry, dist/cli/<name>.cjs: the launcher that runs its bundle through a V8 code cache.
const launcher = readFileSync(join(root, 'scripts/cli-launcher.cjs'), 'utf8')
for (const f of entries) {
  const name = f.replace(/\.js$/, '')
  writeFileSync(join(root, 'dist/cli', `${name}.cjs`), launcher.replaceAll('__BUNDLE__', `${name}.bundle.cjs`))
}
