/**
 * Request and response framing: the int32 size prefix, and the header whose
 * version depends on the API and its version (KIP-482).
 *
 * Request header: v0 for ControlledShutdown v0 only; v1 (adds client id) for
 * non-flexible versions; v2 (v1 + tagged fields) for flexible ones.
 * Response header: v0 (correlation id) for non-flexible versions, v1 (+ tagged
 * fields) for flexible ones, except ApiVersions, which always answers with v0
 * so a client can read the reply whatever version it asked for.
 */
import { DecodeError, EncodeError } from './codec-error.js'
import type { ApiSpec } from './message-spec.js'
import { API_SPECS, readRequestHeader, readResponseHeader, writeRequestHeader, writeResponseHeader, type RequestHeader } from './messages/index.js'
import { Reader } from './reader.js'
import { Writer } from './writer.js'

export const API_VERSIONS_KEY = 18
const CONTROLLED_SHUTDOWN_KEY = 7

/** The API table indexed by api key; holes are keys the spec does not define. */
const BY_KEY: readonly (ApiSpec<unknown, unknown> | undefined)[] = (() => {
  const table: (ApiSpec<unknown, unknown> | undefined)[] = []
  for (const api of API_SPECS) table[api.apiKey] = api
  return table
})()

export function apiSpec(apiKey: number): ApiSpec<unknown, unknown> | undefined {
  return BY_KEY[apiKey]
}

function isFlexible(api: ApiSpec<unknown, unknown> | undefined, apiVersion: number): boolean {
  // Versions above the newest known count as flexible, as Kafka's
  // requestHeaderVersion() does, so a newer client's header still parses.
  return api !== undefined && api.flexibleMinVersion !== null && apiVersion >= api.flexibleMinVersion
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0
  return isFlexible(apiSpec(apiKey), apiVersion) ? 2 : 1
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0
  return isFlexible(apiSpec(apiKey), apiVersion) ? 1 : 0
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

export interface DecodedRequest<T = unknown> extends DecodedRequestHeader {
  api: ApiSpec<T, unknown>
  body: T
}

/**
 * Decodes a whole request frame. Throws DecodeError for an unknown API key, a
 * version outside the spec's range, or a body that does not parse or leaves
 * bytes unread.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const decoded = decodeRequestHeader(frame)
  const { requestApiKey: apiKey, requestApiVersion: v } = decoded.header
  const api = apiSpec(apiKey)
  if (!api) throw new DecodeError(`unknown api key ${apiKey}`)
  if (v < api.minVersion || v > api.maxVersion) throw new DecodeError(`${api.name} v${v} is outside versions ${api.minVersion}-${api.maxVersion}`)
  const r = new Reader(frame, decoded.bodyOffset)
  const body = api.request.read(r, v)
  if (r.remaining !== 0) throw new DecodeError(`${api.name} v${v} request has ${r.remaining} trailing bytes`, r.pos)
  return { ...decoded, api, body }
}

function specOrThrow(apiKey: number): ApiSpec<unknown, unknown> {
  const api = apiSpec(apiKey)
  if (!api) throw new EncodeError(`unknown api key ${apiKey}`)
  return api
}

export interface RequestHeaderFields {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/** Encodes a request with its size prefix, ready for the socket. */
export function encodeRequest(h: RequestHeaderFields, body: unknown): Buffer {
  const api = specOrThrow(h.apiKey)
  const w = new Writer()
  w.int32(0)
  writeRequestHeader(w, { requestApiKey: h.apiKey, requestApiVersion: h.apiVersion, correlationId: h.correlationId, clientId: h.clientId }, requestHeaderVersion(h.apiKey, h.apiVersion))
  api.request.write(w, body, h.apiVersion)
  w.setInt32At(0, w.length - 4)
  return w.finish()
}

/** Encodes a response with its size prefix, ready for the socket. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer {
  const api = specOrThrow(apiKey)
  const w = new Writer()
  w.int32(0)
  writeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion))
  api.response.write(w, body, apiVersion)
  w.setInt32At(0, w.length - 4)
  return w.finish()
}

/** Decodes a response frame (the bytes after the size prefix) for the request it answers. */
export function decodeResponse<T = unknown>(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: T } {
  const api = apiSpec(apiKey)
  if (!api) throw new DecodeError(`unknown api key ${apiKey}`)
  const r = new Reader(frame)
  const { correlationId } = readResponseHeader(r, responseHeaderVersion(apiKey, apiVersion))
  const body = api.response.read(r, apiVersion) as T
  if (r.remaining !== 0) throw new DecodeError(`${api.name} v${apiVersion} response has ${r.remaining} trailing bytes`, r.pos)
  return { correlationId, body }
}
