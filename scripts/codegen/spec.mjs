// @ts-check
/**
 * Reads Kafka's message definitions (JSON with // and block comments) into a
 * normalised model the emitter walks: every field with its kind, version
 * ranges and default, every struct resolved (inline or from commonStructs).
 *
 * The rules follow Kafka's own generator (generator/src/main/java/org/apache/
 * kafka/message/MessageSpec, FieldSpec, Versions): a range is "N+", "N-M", "N"
 * or "none"; a tagged field without `versions` exists in its `taggedVersions`.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Highest version any range can reach; Kafka's Versions uses Short.MAX_VALUE. */
export const MAX_VERSION = 0x7fff

/** @typedef {{ min: number, max: number }} Range  an empty range has min > max */
/**
 * @typedef {object} Field
 * @property {string} name        Kafka's name, e.g. TransactionalId
 * @property {string} prop        camelCase property, e.g. transactionalId
 * @property {string} about
 * @property {string} kind        int8 int16 int32 int64 uint16 uint32 float64 bool string bytes records uuid struct array
 * @property {Elem | null} elem   element of an array
 * @property {Struct | null} struct  the struct of a struct field
 * @property {Range} versions
 * @property {Range} nullable
 * @property {Range} tagged
 * @property {number | null} tag
 * @property {boolean} ignorable
 * @property {string | number | boolean | null | undefined} default  the spec's raw default
 * @property {Range | null} flexibleOverride  a field-level flexibleVersions (ClientId: "none")
 */
/** @typedef {{ kind: string, struct: Struct | null }} Elem */
/**
 * @typedef {object} Struct
 * @property {string} name   Kafka's struct name (TopicProduceData)
 * @property {string} tsName TypeScript name, prefixed by the message (ProduceRequestTopicProduceData)
 * @property {Field[]} fields
 */
/**
 * @typedef {object} Message
 * @property {string} file
 * @property {string} name         ProduceRequest
 * @property {string} type         request | response | header | data
 * @property {number | null} apiKey
 * @property {string[]} listeners
 * @property {Range} validVersions
 * @property {Range} flexibleVersions
 * @property {Range} deprecatedVersions
 * @property {boolean} latestVersionUnstable
 * @property {Struct} struct       the top-level struct (tsName = name)
 * @property {Struct[]} structs    every struct, nested and common, in emission order
 */

/** Removes // and /* comments outside string literals, so JSON.parse can read the file. */
export function stripComments(text) {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') out += text[++i]
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++
      i++
    } else {
      out += c
    }
  }
  return out
}

/** @param {string | undefined} text @returns {Range} */
export function parseRange(text) {
  if (text === undefined || text === 'none') return { min: 1, max: 0 }
  const plus = /^(\d+)\+$/.exec(text)
  if (plus) return { min: Number(plus[1]), max: MAX_VERSION }
  const span = /^(\d+)-(\d+)$/.exec(text)
  if (span) return { min: Number(span[1]), max: Number(span[2]) }
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) }
  throw new Error(`bad version range ${JSON.stringify(text)}`)
}

/** @param {Range} a @param {Range} b @returns {Range} */
export function intersect(a, b) {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) }
}

/** @param {Range} r */
export function isEmpty(r) {
  return r.min > r.max
}

/** @param {Range} r @param {number} v */
export function contains(r, v) {
  return v >= r.min && v <= r.max
}

/** Kafka's camelCase for generated fields: lower-case the first letter only. */
export function camel(name) {
  return name[0].toLowerCase() + name.slice(1)
}

const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid'])

/**
 * The TypeScript name of a struct: prefixed by its message so request and
 * response structs never clash (ProduceRequest + TopicProduceData ->
 * ProduceRequestTopicProduceData), without repeating a prefix the spec already
 * has (MetadataRequest + MetadataRequestTopic -> MetadataRequestTopic; FetchRequest +
 * FetchTopic -> FetchRequestTopic).
 * @param {string} messageName @param {string} structName
 */
function tsStructName(messageName, structName) {
  if (structName.startsWith(messageName)) return structName
  const api = messageName.replace(/(Request|Response)$/, '')
  if (api !== messageName && structName.startsWith(api) && /^[A-Z]/.test(structName.slice(api.length))) {
    return messageName + structName.slice(api.length)
  }
  return messageName + structName
}

/** @param {string} file @param {string} group  the folder, used for data files' namespaces @returns {Message} */
export function loadMessage(file, group) {
  const spec = JSON.parse(stripComments(readFileSync(file, 'utf8')))
  const messageName = spec.name
  /** @type {Map<string, any>} */
  const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s]))
  /** @type {Struct[]} */
  const structs = []
  /** @type {Map<string, Struct>} */
  const byName = new Map()

  /** @param {string} structName @param {any[]} fields @returns {Struct} */
  function defineStruct(structName, fields) {
    const existing = byName.get(structName)
    if (existing) return existing
    const tsName = tsStructName(messageName, structName)
    if ([...byName.values()].some((o) => o.tsName === tsName)) throw new Error(`${file}: two structs named ${tsName}`)
    /** @type {Struct} */
    const struct = { name: structName, tsName, fields: [] }
    byName.set(structName, struct)
    struct.fields = fields.map(toField)
    structs.push(struct)
    return struct
  }

  /** @param {string} typeName @param {any} raw @returns {Struct} */
  function structFor(typeName, raw) {
    if (raw.fields) return defineStruct(typeName, raw.fields)
    const c = common.get(typeName)
    if (!c) throw new Error(`${file}: unknown struct type ${typeName}`)
    return defineStruct(typeName, c.fields)
  }

  /** @param {any} raw @returns {Field} */
  function toField(raw) {
    const type = raw.type
    const versions = raw.versions !== undefined ? parseRange(raw.versions) : parseRange(raw.taggedVersions)
    /** @type {Field} */
    const f = {
      name: raw.name,
      prop: camel(raw.name),
      about: raw.about ?? '',
      kind: '',
      elem: null,
      struct: null,
      versions,
      nullable: parseRange(raw.nullableVersions),
      tagged: parseRange(raw.taggedVersions),
      tag: raw.tag ?? null,
      ignorable: raw.ignorable === true,
      default: raw.default,
      flexibleOverride: raw.flexibleVersions !== undefined ? parseRange(raw.flexibleVersions) : null,
    }
    if (type.startsWith('[]')) {
      const elemType = type.slice(2)
      f.kind = 'array'
      f.elem = PRIMITIVES.has(elemType) ? { kind: elemType, struct: null } : { kind: 'struct', struct: structFor(elemType, raw) }
    } else if (PRIMITIVES.has(type)) {
      f.kind = type
    } else {
      f.kind = 'struct'
      f.struct = structFor(type, raw)
    }
    return f
  }

  const top = defineStruct(messageName, spec.fields)
  return {
    file,
    name: messageName,
    type: spec.type,
    apiKey: spec.apiKey ?? null,
    listeners: spec.listeners ?? [],
    validVersions: parseRange(spec.validVersions),
    flexibleVersions: parseRange(spec.flexibleVersions),
    deprecatedVersions: parseRange(spec.deprecatedVersions),
    latestVersionUnstable: spec.latestVersionUnstable === true,
    struct: top,
    structs,
    group,
  }
}

/** Every JSON definition under the spec directory, grouped by folder. */
export function loadSpec(specDir) {
  /** @type {Message[]} */
  const messages = []
  for (const group of ['message', 'group-coordinator', 'transaction-coordinator', 'streams']) {
    const dir = join(specDir, group)
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.json')) messages.push(loadMessage(join(dir, name), group))
    }
  }
  return messages
}
