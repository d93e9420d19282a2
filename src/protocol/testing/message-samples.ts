/**
 * Builds sample messages from the generated schemas: for a version, every
 * field that exists in it set to a value that differs from its default
 * (tagged fields included), optionally nullable fields set to null and an
 * unknown tagged field added to every flexible struct. Used by the codec
 * round-trip and fuzz tests; deterministic, so failures reproduce.
 */
import { createHash } from 'node:crypto'
import type { FieldSchema, StructSchema } from '../message-schema.js'
import { inRange } from '../message-schema.js'
import { uuidFromBytes } from '../uuid.js'

export interface SampleOptions {
  /** Set every field that may be null in this version to null. */
  nulls?: boolean
  /** Add an unknown tagged field to every struct in flexible versions. */
  unknownTags?: boolean
}

/** A small positive number derived from a name, so samples vary between fields. */
function seedOf(name: string): number {
  return createHash('sha1').update(name).digest().readUInt16BE(0) % 97 + 1
}

function scalar(kind: string, seed: number, dflt: unknown): unknown {
  switch (kind) {
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32':
      return seed === dflt ? seed + 1 : seed
    case 'int64': {
      const x = BigInt(seed) * 1_000_000_007n
      return x === dflt ? x + 1n : x
    }
    case 'float64':
      return seed + 0.25
    case 'bool':
      return dflt !== true
    case 'string':
      return `s${seed}-é✓`
    case 'uuid':
      return uuidFromBytes(createHash('sha1').update(String(seed)).digest())
    case 'bytes': case 'records':
      return Buffer.from([seed, 0, 255, seed ^ 0x5a])
  }
  throw new Error(`no sample for kind ${kind}`)
}

export function buildSample(schema: StructSchema, v: number, flexibleMinVersion: number | null, options: SampleOptions = {}): Record<string, unknown> {
  const flexible = flexibleMinVersion !== null && v >= flexibleMinVersion
  const m = schema.create() as Record<string, unknown>
  for (const f of schema.fields) {
    if (!inRange(f.versions, v)) continue
    if (f.tag !== null && !inRange(f.tagged, v)) continue
    if (options.nulls && inRange(f.nullable, v)) {
      m[f.prop] = null
      continue
    }
    m[f.prop] = fieldSample(f, v, flexibleMinVersion, options, m[f.prop])
  }
  if (options.unknownTags && flexible) {
    // Tags far above any the spec assigns, so they stay unknown.
    m.unknownTaggedFields = [
      { tag: 9000, data: Buffer.from([1, 2, 3]) },
      { tag: 9001, data: Buffer.alloc(0) },
    ]
  }
  return m
}

function fieldSample(f: FieldSchema, v: number, flexibleMinVersion: number | null, options: SampleOptions, dflt: unknown): unknown {
  const seed = seedOf(f.name)
  if (f.kind === 'struct') return buildSample(f.struct!, v, flexibleMinVersion, options)
  if (f.kind === 'array') {
    const elem = f.elem!
    if (elem.kind === 'struct') {
      return [buildSample(elem.struct!, v, flexibleMinVersion, options), buildSample(elem.struct!, v, flexibleMinVersion, options)]
    }
    return [scalar(elem.kind, seed, undefined), scalar(elem.kind, seed + 1, undefined)]
  }
  return scalar(f.kind, seed, dflt)
}
