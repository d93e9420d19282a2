/**
 * ApiVersions (API key 18), versions 0-4.
 *
 * Lists the APIs and versions this broker serves (the handler table, so a
 * client is never offered an API Brook cannot answer). v3+ clients send their
 * software name and version, which must match Kafka's pattern
 * `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?` or the request is INVALID_REQUEST.
 * A request for a version newer than Brook's is answered by the network layer
 * in v0 with UNSUPPORTED_VERSION, as Kafka does.
 */
import type { RequestContext, SupportedApiVersion } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ApiVersionsApi, type ApiVersionsRequest, type ApiVersionsResponse } from '../../protocol/messages/api-versions.js'

const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export function handleApiVersions(supported: readonly SupportedApiVersion[], ctx: RequestContext, req: ApiVersionsRequest): ApiVersionsResponse {
  const res: ApiVersionsResponse = { ...ApiVersionsApi.response.create(), apiKeys: supported.map((s) => ({ apiKey: s.apiKey, minVersion: s.minVersion, maxVersion: s.maxVersion })) }
  if (ctx.apiVersion >= 3 && (!SOFTWARE_PATTERN.test(req.clientSoftwareName) || !SOFTWARE_PATTERN.test(req.clientSoftwareVersion))) {
    res.errorCode = ErrorCode.INVALID_REQUEST
  }
  return res
}
