// @ts-check
/**
 * Turns the normalised spec model into TypeScript: for every struct an
 * interface, a default factory, a reader and a writer taking the version.
 * Version gates are emitted inline (`if (v >= 3)`) and simplified against the
 * versions the struct can be used in, so each function reads like the spec.
 */
import { intersect, isEmpty } from './spec.mjs'

/** @typedef {import('./spec.mjs').Range} Range */
/** @typedef {import('./spec.mjs').Field} Field */
/** @typedef {import('./spec.mjs').Struct} Struct */
/** @typedef {import('./spec.mjs').Message} Message */

/**
 * A JavaScript condition for "v is in `range`", knowing v is already in `ctx`.
 * Returns 'true' or 'false' when the answer does not depend on v.
 * @param {Range} range @param {Range} ctx
 */
export function cond(range, ctx) {
  const r = intersect(range, ctx)
  if (isEmpty(r)) return 'false'
  const parts = []
  if (r.min > ctx.min) parts.push(`v >= ${r.min}`)
  if (r.max < ctx.max) parts.push(`v <= ${r.max}`)
  if (r.min === r.max && parts.length === 2) return `v === ${r.min}`
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

/** @param {Field} f */
function isTagged(f) {
  return f.tag !== null
}

/** TypeScript type of a non-null value of `kind`. @param {string} kind @param {Struct | null} struct */
function tsBase(kind, struct) {
  switch (kind) {
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32': case 'float64':
      return 'number'
    case 'int64':
      return 'bigint'
    case 'bool':
      return 'boolean'
    case 'string': case 'uuid':
      return 'string'
    case 'bytes': case 'records':
      return 'Buffer'
    case 'struct':
      return /** @type {Struct} */ (struct).tsName
  }
  throw new Error(`no TypeScript type for ${kind}`)
}

/** @param {Field} f @param {Range} ctx */
function canBeNull(f, ctx) {
  return !isEmpty(intersect(f.nullable, intersect(f.versions, ctx))) || defaultIsNull(f)
}

/** @param {Field} f */
function defaultIsNull(f) {
  return f.default === 'null' || (f.default === null && f.kind === 'struct')
}

/** @param {Field} f @param {Range} ctx */
function tsType(f, ctx) {
  const base = f.kind === 'array' ? `${tsBase(/** @type {any} */ (f.elem).kind, /** @type {any} */ (f.elem).struct)}[]` : tsBase(f.kind, f.struct)
  return canBeNull(f, ctx) ? `${base} | null` : base
}

/** The TypeScript expression of a field's default value. @param {Field} f @param {Range} ctx */
export function defaultExpr(f, ctx) {
  const d = f.default
  if (defaultIsNull(f)) return 'null'
  switch (f.kind) {
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32': case 'float64':
      return d === undefined || d === '' ? '0' : String(Number(d))
    case 'int64':
      return d === undefined || d === '' ? '0n' : `${BigInt(Number(d))}n`
    case 'bool':
      return d === true || d === 'true' ? 'true' : 'false'
    case 'string':
      return JSON.stringify(d === undefined ? '' : String(d))
    case 'uuid':
      return 'ZERO_UUID'
    case 'bytes':
      return 'EMPTY_BYTES'
    case 'records':
      // Kafka's generator defaults a records field to null; keep that where null is allowed.
      return canBeNull(f, ctx) ? 'null' : 'EMPTY_BYTES'
    case 'array':
      return '[]'
    case 'struct':
      return `default${/** @type {Struct} */ (f.struct).tsName}()`
  }
  throw new Error(`no default for ${f.kind}`)
}

/** A condition that is true when `x` differs from the field's default. @param {Field} f @param {string} x @param {Range} ctx */
function nonDefaultExpr(f, x, ctx) {
  const d = defaultExpr(f, ctx)
  if (d === 'null') return `${x} !== null`
  const nullable = canBeNull(f, ctx)
  switch (f.kind) {
    case 'bytes': case 'records': case 'array':
      return nullable ? `(${x} === null || ${x}.length > 0)` : `${x}.length > 0`
    case 'struct':
      return `!sameValue(${x}, ${d})`
    default:
      return `${x} !== ${d}`
  }
}

const SCALAR_WRITE = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', uint16: 'uint16', uint32: 'uint32',
  float64: 'float64', bool: 'bool', uuid: 'uuid',
}

/** The runtime element reader/writer of a primitive array element. @param {string} kind */
function elemFnSuffix(kind) {
  return kind[0].toUpperCase() + kind.slice(1)
}

/**
 * Statement(s) writing value `x` of field `f` at a version where it is present.
 * @param {Field} f @param {string} x @param {Range} ctx  versions where f is present @param {string} fl  flexible expression
 * @param {string} label @param {string} w  the writer variable
 */
function writeValue(f, x, ctx, fl, label, w) {
  const nul = cond(f.nullable, ctx)
  /** @param {string} nullable @param {string} notNull */
  const byNullability = (nullable, notNull) => {
    if (nul === 'true') return nullable
    if (nul === 'false') return notNull
    return `if (${nul}) ${nullable}\n    else ${notNull}`
  }
  const nn = canBeNull(f, ctx) ? `notNull(${x}, '${label}', v)` : x
  switch (f.kind) {
    case 'string':
      return byNullability(`${w}.nullableString(${x}, ${fl})`, `${w}.string(${nn}, ${fl})`)
    case 'bytes': case 'records':
      return byNullability(`${w}.nullableBytes(${x}, ${fl})`, `${w}.bytes(${nn}, ${fl})`)
    case 'array': {
      const elem = /** @type {import('./spec.mjs').Elem} */ (f.elem)
      const fn = elem.kind === 'struct' ? `write${/** @type {Struct} */ (elem.struct).tsName}` : `write${elemFnSuffix(elem.kind)}Elem`
      return byNullability(`writeNullableArray(${w}, ${x}, ${fl}, v, ${fn})`, `writeArray(${w}, ${nn}, ${fl}, v, ${fn})`)
    }
    case 'struct': {
      const fn = `write${/** @type {Struct} */ (f.struct).tsName}`
      // KIP-893: the presence marker is int8 (-1/1) in the body, uvarint (0/1) in a tagged field.
      const marker = isTagged(f) ? 'writeNullableTaggedStruct' : 'writeNullableStruct'
      return byNullability(`${marker}(${w}, ${x}, v, ${fn})`, `${fn}(${w}, ${nn}, v)`)
    }
    default:
      return `${w}.${/** @type {Record<string,string>} */ (SCALAR_WRITE)[f.kind]}(${x})`
  }
}

/** Expression reading field `f` at a version where it is present. @param {Field} f @param {Range} ctx @param {string} fl @param {string} r */
function readValue(f, ctx, fl, r) {
  const nul = cond(f.nullable, ctx)
  /** @param {string} nullable @param {string} notNull */
  const byNullability = (nullable, notNull) => (nul === 'true' ? nullable : nul === 'false' ? notNull : `(${nul} ? ${nullable} : ${notNull})`)
  switch (f.kind) {
    case 'string':
      return byNullability(`${r}.nullableString(${fl})`, `${r}.string(${fl})`)
    case 'bytes': case 'records':
      return byNullability(`${r}.nullableBytes(${fl})`, `${r}.bytes(${fl})`)
    case 'array': {
      const elem = /** @type {import('./spec.mjs').Elem} */ (f.elem)
      const fn = elem.kind === 'struct' ? `read${/** @type {Struct} */ (elem.struct).tsName}` : `read${elemFnSuffix(elem.kind)}Elem`
      return byNullability(`readNullableArray(${r}, ${fl}, v, ${fn})`, `readArray(${r}, ${fl}, v, ${fn})`)
    }
    case 'struct': {
      const fn = `read${/** @type {Struct} */ (f.struct).tsName}`
      const marker = isTagged(f) ? 'readNullableTaggedStruct' : 'readNullableStruct'
      return byNullability(`${marker}(${r}, v, ${fn})`, `${fn}(${r}, v)`)
    }
    default:
      return `${r}.${/** @type {Record<string,string>} */ (SCALAR_WRITE)[f.kind]}()`
  }
}

/** TSDoc block from a spec `about`. @param {string} about @param {string} indent */
function doc(about, indent) {
  if (!about) return ''
  return `${indent}/** ${about.replace(/\*\//g, '*\\/')} */\n`
}

/**
 * Emits interface, default factory, writer and reader of one struct.
 * @param {Struct} s @param {Range} ctx  versions in which the struct can appear
 * @param {Range} flexible @param {string} about
 */
function emitStruct(s, ctx, flexible, about) {
  const fl = cond(flexible, ctx)
  const hasFlexible = fl !== 'false'
  const out = []
  const label = (/** @type {Field} */ f) => `${s.tsName}.${f.prop}`

  out.push(doc(about, ''))
  out.push(`export interface ${s.tsName} {\n`)
  for (const f of s.fields) {
    out.push(doc(f.about, '  '))
    out.push(`  ${f.prop}: ${tsType(f, ctx)}\n`)
  }
  if (hasFlexible) out.push('  /** Tagged fields this version of Brook does not know, kept so a round trip is exact. */\n  unknownTaggedFields?: TaggedField[]\n')
  out.push('}\n\n')

  out.push(`export function default${s.tsName}(): ${s.tsName} {\n  return {\n`)
  for (const f of s.fields) out.push(`    ${f.prop}: ${defaultExpr(f, ctx)},\n`)
  out.push('  }\n}\n\n')

  // Writer: regular fields in order, then the tagged-field section.
  out.push(`export function write${s.tsName}(w: Writer, m: ${s.tsName}, v: number): void {\n`)
  if (hasFlexible && fl !== 'true') out.push(`  const flexible = ${fl}\n`)
  const flx = fl === 'true' || fl === 'false' ? fl : 'flexible'
  for (const f of s.fields) {
    const x = `m.${f.prop}`
    const fieldFl = f.flexibleOverride ? cond(f.flexibleOverride, ctx) : flx
    const fieldCtx = intersect(f.versions, ctx)
    // Kafka's generated write(): a field the version lacks must hold its default
    // unless it is ignorable (then it is dropped silently).
    const inVersion = cond(isTagged(f) ? f.tagged : f.versions, ctx)
    const nonDefault = nonDefaultExpr(f, x, ctx)
    const mayThrow = !f.ignorable && inVersion !== 'true'
    if (isTagged(f)) {
      // Present values go to the tagged section below; only the version check is here.
      if (mayThrow) out.push(`  if (${inVersion === 'false' ? '' : `${negate(inVersion)} && `}${nonDefault}) unsupportedField('${label(f)}', v)\n`)
    } else if (inVersion === 'true') {
      out.push(`  ${writeValue(f, x, fieldCtx, fieldFl, label(f), 'w')}\n`)
    } else if (inVersion === 'false') {
      if (mayThrow) out.push(`  if (${nonDefault}) unsupportedField('${label(f)}', v)\n`)
    } else {
      out.push(`  if (${inVersion}) {\n    ${writeValue(f, x, fieldCtx, fieldFl, label(f), 'w')}\n  }`)
      if (mayThrow) out.push(` else if (${nonDefault}) {\n    unsupportedField('${label(f)}', v)\n  }`)
      out.push('\n')
    }
  }
  const tagged = s.fields.filter(isTagged).sort((a, b) => /** @type {number} */ (a.tag) - /** @type {number} */ (b.tag))
  if (hasFlexible) {
    const lines = []
    if (tagged.length === 0) {
      lines.push('writeTaggedFields(w, undefined, m.unknownTaggedFields)')
    } else {
      lines.push('const tagged: TaggedField[] = []')
      for (const f of tagged) {
        const x = `m.${f.prop}`
        const inVersion = cond(f.tagged, ctx)
        if (inVersion === 'false') continue
        const fieldCtx = intersect(f.tagged, ctx)
        const guard = inVersion === 'true' ? nonDefaultExpr(f, x, fieldCtx) : `${inVersion} && ${nonDefaultExpr(f, x, fieldCtx)}`
        lines.push(`if (${guard}) {\n      const tw = new Writer(64)\n      ${writeValue(f, x, fieldCtx, 'true', label(f), 'tw')}\n      tagged.push({ tag: ${f.tag}, data: tw.finish() })\n    }`)
      }
      lines.push('writeTaggedFields(w, tagged, m.unknownTaggedFields)')
    }
    if (fl === 'true') out.push(lines.map((l) => `  ${l.replace(/\n {4}/g, '\n  ')}\n`).join(''))
    else out.push(`  if (flexible) {\n${lines.map((l) => `    ${l}\n`).join('')}  }\n`)
  }
  out.push('}\n\n')

  // Reader: one object literal in wire order (tagged fields start at their default).
  out.push(`export function read${s.tsName}(r: Reader, v: number): ${s.tsName} {\n`)
  if (hasFlexible && fl !== 'true') out.push(`  const flexible = ${fl}\n`)
  out.push(`  const m: ${s.tsName} = {\n`)
  for (const f of s.fields) {
    const present = isTagged(f) ? 'false' : cond(f.versions, ctx)
    const fieldFl = f.flexibleOverride ? cond(f.flexibleOverride, ctx) : flx
    const fieldCtx = intersect(f.versions, ctx)
    const dflt = defaultExpr(f, ctx)
    if (present === 'true') out.push(`    ${f.prop}: ${readValue(f, fieldCtx, fieldFl, 'r')},\n`)
    else if (present === 'false') out.push(`    ${f.prop}: ${dflt},\n`)
    else out.push(`    ${f.prop}: ${present} ? ${readValue(f, fieldCtx, fieldFl, 'r')} : ${dflt},\n`)
  }
  out.push('  }\n')
  if (hasFlexible) {
    const body = []
    if (tagged.length === 0) {
      body.push('readTaggedFields(r, m)')
    } else {
      body.push('const n = r.uvarint()')
      body.push('for (let i = 0; i < n; i++) {')
      body.push('  const tag = r.uvarint()')
      body.push('  const tr = r.sub(r.uvarint())')
      let first = true
      for (const f of tagged) {
        const inVersion = cond(f.tagged, ctx)
        if (inVersion === 'false') continue
        const fieldCtx = intersect(f.tagged, ctx)
        const test = inVersion === 'true' ? `tag === ${f.tag}` : `tag === ${f.tag} && ${inVersion}`
        body.push(`  ${first ? 'if' : 'else if'} (${test}) m.${f.prop} = ${readValue(f, fieldCtx, 'true', 'tr')}`)
        first = false
      }
      body.push(`  ${first ? '' : 'else '}keepUnknownTaggedField(m, tag, tr)`)
      body.push('}')
    }
    if (fl === 'true') out.push(body.map((l) => `  ${l}\n`).join(''))
    else out.push(`  if (flexible) {\n${body.map((l) => `    ${l}\n`).join('')}  }\n`)
  }
  out.push('  return m\n}\n\n')
  return out.join('')
}

/** @param {string} c */
function negate(c) {
  if (c === 'true') return 'false'
  if (c === 'false') return 'true'
  return `!(${c})`
}

/**
 * The version range each struct is used in: the message's valid versions
 * narrowed by the versions of the fields leading to it. Used to simplify gates.
 * @param {Message} m @returns {Map<Struct, Range>}
 */
function structContexts(m) {
  /** @type {Map<Struct, Range>} */
  const ctx = new Map()
  /** @param {Struct} s @param {Range} range */
  const visit = (s, range) => {
    const prev = ctx.get(s)
    const merged = prev ? { min: Math.min(prev.min, range.min), max: Math.max(prev.max, range.max) } : range
    if (prev && prev.min === merged.min && prev.max === merged.max) return
    ctx.set(s, merged)
    for (const f of s.fields) {
      const child = f.kind === 'struct' ? f.struct : f.kind === 'array' ? /** @type {any} */ (f.elem).struct : null
      const fr = intersect(f.versions, merged)
      if (child && !isEmpty(fr)) visit(child, fr)
    }
  }
  visit(m.struct, m.validVersions)
  return ctx
}

/**
 * One message's code: its structs, innermost first so readers see helpers
 * defined above their use.
 * @param {Message} m
 */
export function emitMessage(m) {
  const ctxs = structContexts(m)
  const parts = []
  for (const s of m.structs) {
    const ctx = ctxs.get(s)
    // A struct only reachable through fields that exist in no valid version is never on the wire.
    if (!ctx) continue
    parts.push(emitStruct(s, ctx, m.flexibleVersions, s === m.struct ? describeMessage(m) : ''))
  }
  return parts.join('')
}

/** @param {Message} m */
function describeMessage(m) {
  const v = m.validVersions
  const f = m.flexibleVersions
  const flex = isEmpty(f) ? 'never flexible' : `flexible from v${f.min}`
  return `${m.name}, versions ${v.min}-${v.max}, ${flex}. Generated from ${m.file.split('/').slice(-2).join('/')}.`
}

/** Names the runtime helpers a chunk of generated code uses, for its import line. @param {string} code */
export function runtimeImports(code) {
  const names = [
    'EMPTY_BYTES', 'ZERO_UUID', 'TaggedField', 'keepUnknownTaggedField', 'notNull', 'readArray', 'readNullableArray',
    'readNullableStruct', 'readNullableTaggedStruct', 'readTaggedFields', 'sameValue', 'unsupportedField', 'writeArray', 'writeNullableArray',
    'writeNullableStruct', 'writeNullableTaggedStruct', 'writeTaggedFields',
  ]
  for (const k of ['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'string', 'bytes', 'uuid']) {
    names.push(`read${elemFnSuffix(k)}Elem`, `write${elemFnSuffix(k)}Elem`)
  }
  return names.filter((n) => new RegExp(`\\b${n}\\b`).test(code)).sort()
}
