// @ts-check
'use strict'
/*
 * The command Node runs for `bin/<name>`: it runs the bundle
 * `__BUNDLE__` (scripts/bundle.mjs) through a V8 code cache.
 *
 * Why: parsing and compiling the bundle is about a tenth of the broker's
 * start-up on the benchmark machine, and Node 20 has no compile cache of its
 * own (module.enableCompileCache arrived in Node 22). The caches sit next to
 * the bundle, named for the Node version and architecture, and are written
 * when missing or rejected (another V8). A cache that cannot be read or
 * written only costs speed.
 */
const { readFileSync, renameSync, writeFileSync } = require('node:fs')
const { createRequire, wrap } = require('node:module')
const { join } = require('node:path')
const { Script } = require('node:vm')

const bundle = join(__dirname, '__BUNDLE__')
const cacheBase = join(__dirname, `__BUNDLE__.${process.version}-${process.arch}`)
// Two caches: one written after a second of running (covers what a long-lived
// command such as the broker compiles while starting), preferred over one
// written at the exit of a short run (--help, a quick tool invocation).
const runCache = `${cacheBase}.run.v8cache`
const exitCache = `${cacheBase}.exit.v8cache`
/** @param {string} file */
const read = (file) => {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}
const fromRun = read(runCache)
const cachedData = fromRun ?? read(exitCache)
const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData })
const accepted = cachedData !== undefined && !script.cachedDataRejected
/** @param {string} file */
const writeCache = (file) => {
  try {
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, script.createCachedData())
    renameSync(tmp, file)
  } catch {
    // read-only install or a full disk: run without a cache
  }
}
if (!(accepted && fromRun !== undefined)) setTimeout(() => writeCache(runCache), 1000).unref()
if (!accepted) process.once('exit', () => writeCache(exitCache))
const run = script.runInThisContext()
const mod = { exports: {} }
run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, __dirname)
