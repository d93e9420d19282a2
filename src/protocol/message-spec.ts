/**
 * What the generated index (`messages/index.ts`) says about each message and
 * API: its versions and its codec functions. The network layer and the client
 * dispatch on these instead of importing one module per API.
 */
import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

export interface MessageSpec<T> {
  name: string
  minVersion: number
  maxVersion: number
  /** First version using compact encodings and tagged fields; null if never. */
  flexibleMinVersion: number | null
  read(r: Reader, v: number): T
  write(w: Writer, m: T, v: number): void
  /** A message with every field at its default. */
  create(): T
}

/**
 * What an API is, without its codecs: the rows of the generated
 * `messages/api-table.ts`, which code that must not load every codec module
 * (the broker) reads instead of `API_SPECS`.
 */
export interface ApiInfo {
  apiKey: number
  name: string
  minVersion: number
  maxVersion: number
  flexibleMinVersion: number | null
  deprecatedVersions: { min: number; max: number } | null
  /** The spec marks its newest version as still in development. */
  latestVersionUnstable: boolean
  /** `broker`, `zkBroker`, `controller`: which kind of endpoint serves it. */
  listeners: readonly string[]
}

export interface ApiSpec<Req, Res> extends ApiInfo {
  request: MessageSpec<Req>
  response: MessageSpec<Res>
}
