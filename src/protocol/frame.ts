/**
 * Request and response framing for every API in the spec: looks the API up
 * in the full table (`API_SPECS`, which loads every codec module) and
 * delegates to `frame-core.ts`, which holds the size prefix and header logic.
 * Tests, tools and the client use this module; the broker uses frame-core
 * with the specs of the APIs it serves, so it loads only their codecs.
 */
import { DecodeError, EncodeError } from './codec-error.js'
import {
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponseWith,
  encodeRequestWith,
  encodeResponseWith,
  type DecodedRequestHeader,
  type RequestHeaderFields,
} from './frame-core.js'
import type { ApiSpec } from './message-spec.js'
import { API_SPECS } from './messages/index.js'

export { API_VERSIONS_KEY, decodeRequestHeader, requestHeaderVersion, responseHeaderVersion, type DecodedRequestHeader, type RequestHeaderFields } from './frame-core.js'

/** The API table indexed by api key; holes are keys the spec does not define. */
const BY_KEY: readonly (ApiSpec<unknown, unknown> | undefined)[] = (() => {
  const table: (ApiSpec<unknown, unknown> | undefined)[] = []
  for (const api of API_SPECS) table[api.apiKey] = api
  return table
})()

export function apiSpec(apiKey: number): ApiSpec<unknown, unknown> | undefined {
  return BY_KEY[apiKey]
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
  const body = decodeRequestBody(api, frame, decoded.bodyOffset, v)
  return { ...decoded, api, body }
}

function specOrThrow(apiKey: number): ApiSpec<unknown, unknown> {
  const api = apiSpec(apiKey)
  if (!api) throw new EncodeError(`unknown api key ${apiKey}`)
  return api
}

/** Encodes a request with its size prefix, ready for the socket. */
export function encodeRequest(h: RequestHeaderFields, body: unknown): Buffer {
  return encodeRequestWith(specOrThrow(h.apiKey), h, body)
}

/** Encodes a response with its size prefix, ready for the socket. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer {
  return encodeResponseWith(specOrThrow(apiKey), apiVersion, correlationId, body)
}

/** Decodes a response frame (the bytes after the size prefix) for the request it answers. */
export function decodeResponse<T = unknown>(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: T } {
  const api = apiSpec(apiKey)
  if (!api) throw new DecodeError(`unknown api key ${apiKey}`)
  return decodeResponseWith(api as ApiSpec<unknown, T>, apiVersion, frame)
}
