/**
 * The native compression libraries, loaded on first use. Most produce and
 * fetch traffic never decompresses on the broker, and loading the three
 * N-API addons at start-up costs 40-60 ms and about 20 MiB of resident memory
 * (docs/BENCHMARKS.md), so nothing loads them until a codec is needed.
 *
 * The cached handles are module state, but immutable once set: the same
 * library object for the life of the process.
 */
import { createRequire } from 'node:module'
import type * as Lz4 from 'lz4-napi'
import type * as Snappy from 'snappy'
import type * as Zstd from 'zstd-napi'
import type ZstdBinding from 'zstd-napi/binding.js'

const require = createRequire(import.meta.url)

let snappy: typeof Snappy | undefined
let lz4: typeof Lz4 | undefined
let zstd: typeof Zstd | undefined
let zstdBinding: typeof ZstdBinding | undefined

export function snappyLib(): typeof Snappy {
  return (snappy ??= require('snappy') as typeof Snappy)
}

export function lz4Lib(): typeof Lz4 {
  return (lz4 ??= require('lz4-napi') as typeof Lz4)
}

export function zstdLib(): typeof Zstd {
  return (zstd ??= require('zstd-napi') as typeof Zstd)
}

export function zstdBindingLib(): typeof ZstdBinding {
  return (zstdBinding ??= require('zstd-napi/binding.js') as typeof ZstdBinding)
}
