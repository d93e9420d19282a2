/**
 * Framing without the API table of codecs: the int32 size prefix, the header
 * whose version depends on the API and its version (KIP-482), and encoding or
 * decoding a body with an `ApiSpec` the caller supplies. Header versions come
 * from the data-only `messages/api-table.ts`, so importing this module loads
 * only the header codecs; the broker passes the specs of the APIs it serves
 * and never loads the rest. `frame.ts` wraps these with a lookup in the full
 * table for callers that speak every API (tests, tools, the client).
 *
 * Request header: v0 for ControlledShutdown v0 only; v1 (adds client id) for
 * non-flexible versions; v2 (v1 + tagged fields) for flexible ones.
 * Response header: v0 (correlation id) for non-flexible versions, v1 (+ tagged
 * fields) for flexible ones, except ApiVersions, which always answers with v0
 * so a client can read the reply whatever version it asked for.
 */
import { DecodeError } from './codec-error.js'
import type { ApiInfo, ApiSpec } from './message-spec.js'
import { API_TABLE } from './messages/api-table.js'
import { readRequestHeader, writeRequestHeader, type RequestHeader } from './messages/request-header.js'
import { readResponseHeader, writeResponseHeader } from './messages/response-header.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'

export const API_VERSIONS_KEY = 18
const CONTROLLED_SHUTDOWN_KEY = 7

/** The API table indexed by api key; holes are keys the spec does not define. */
const BY_KEY: readonly (ApiInfo | undefined)[] = (() => {
  const table: (ApiInfo | undefined)[] = []
  for (const api of API_TABLE) table[api.apiKey] = api
  return table
})()

/** What the spec says about an API key (versions, listeners), without its codecs. */
export function apiInfo(apiKey: number): ApiInfo | undefined {
  return BY_KEY[apiKey]
}

function isFlexible(api: ApiInfo | undefined, apiVersion: number): boolean {
  // Versions above the newest known count as flexible, as Kafka's
  // requestHeaderVersion() does, so a newer client's header still parses.
  return api !== undefined && api.flexibleMinVersion !== null && apiVersion >= api.flexibleMinVersion
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0
  return isFlexible(apiInfo(apiKey), apiVersion) ? 2 : 1
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0
  return isFlexible(apiInfo(apiKey), apiVersion) ? 1 : 0
}

export interface DecodedRequestHeader {
  header: RequestHeader
  headerVersion: 0 | 1 | 2
  /** Where the body starts in the frame. */
  bodyOffset: number
}

/** Reads the header of a request frame (the bytes after the size prefix). */
export function decodeRequestHeader(frame: Buffer): DecodedRequestHeader {
  if (frame.length < 8) throw new DecodeError(`request frame of ${frame.length} bytes is shorter than a header`)
  const headerVersion = requestHeaderVersion(frame.readInt16BE(0), frame.readInt16BE(2))
  const r = new Reader(frame)
  const header = readRequestHeader(r, headerVersion)
  return { header, headerVersion, bodyOffset: r.pos }
}

/**
 * Decodes the body of a request frame that starts at `bodyOffset`, at a
 * version the caller has checked is in `api`'s range. Throws DecodeError for
 * a body that does not parse or leaves bytes unread.
 */
export function decodeRequestBody<T>(api: ApiSpec<T, unknown>, frame: Buffer, bodyOffset: number, apiVersion: number): T {
  const r = new Reader(frame, bodyOffset)
  const body = api.request.read(r, apiVersion)
  if (r.remaining !== 0) throw new DecodeError(`${api.name} v${apiVersion} request has ${r.remaining} trailing bytes`, r.pos)
  return body
}

export interface RequestHeaderFields {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/** Encodes a request of `api` with its size prefix, ready for the socket. */
export function encodeRequestWith(api: ApiSpec<unknown, unknown>, h: RequestHeaderFields, body: unknown): Buffer {
  const w = new Writer()
  w.int32(0)
  writeRequestHeader(w, { requestApiKey: h.apiKey, requestApiVersion: h.apiVersion, correlationId: h.correlationId, clientId: h.clientId }, requestHeaderVersion(h.apiKey, h.apiVersion))
  api.request.write(w, body, h.apiVersion)
  w.setInt32At(0, w.length - 4)
  return w.finish()
}

/** Encodes a response of `api` with its size prefix, ready for the socket. */
export function encodeResponseWith(api: ApiSpec<unknown, unknown>, apiVersion: number, correlationId: number, body: unknown): Buffer {
  const w = new Writer()
  w.int32(0)
  writeResponseHeader(w, { correlationId }, responseHeaderVersion(api.apiKey, apiVersion))
  api.response.write(w, body, apiVersion)
  w.setInt32At(0, w.length - 4)
  return w.finish()
}

/** Decodes a response frame of `api` (the bytes after the size prefix) for the request it answers. */
export function decodeResponseWith<T = unknown>(api: ApiSpec<unknown, T>, apiVersion: number, frame: Buffer): { correlationId: number; body: T } {
  const r = new Reader(frame)
  const { correlationId } = readResponseHeader(r, responseHeaderVersion(api.apiKey, apiVersion))
  const body = api.response.read(r, apiVersion)
  if (r.remaining !== 0) throw new DecodeError(`${api.name} v${apiVersion} response has ${r.remaining} trailing bytes`, r.pos)
  return { correlationId, body }
}
