/**
 * The API table: every API key in the spec, and the version range Brook
 * advertises for it in ApiVersions responses.
 *
 * Rule: an API is advertised when the spec serves it on a broker endpoint
 * (`listeners` includes `broker` or `zkBroker`; KRaft-controller-only APIs
 * such as Vote or BeginQuorumEpoch are not), over the spec's full version
 * range, less the newest version where the spec marks it unstable
 * (`latestVersionUnstable`), as Kafka does unless
 * `unstable.api.versions.enable` is set. The codecs cover every version, so
 * whatever is advertised can be decoded; the broker narrows this table to the
 * APIs it implements.
 */
import type { ApiInfo } from './message-spec.js'
// The data-only table, not messages/index.js: the broker imports this module
// and must not load the codecs of APIs it does not serve.
import { API_TABLE } from './messages/api-table.js'

export interface ApiVersionRange {
  apiKey: number
  name: string
  minVersion: number
  maxVersion: number
}

const BROKER_LISTENERS = new Set(['broker', 'zkBroker'])

function advertisedRange(api: ApiInfo): ApiVersionRange | null {
  if (!api.listeners.some((l) => BROKER_LISTENERS.has(l))) return null
  const maxVersion = api.latestVersionUnstable ? api.maxVersion - 1 : api.maxVersion
  if (maxVersion < api.minVersion) return null
  return { apiKey: api.apiKey, name: api.name, minVersion: api.minVersion, maxVersion }
}

/** Every API in the spec with its full range of valid versions, in api key order. */
export const API_KEYS: readonly ApiVersionRange[] = API_TABLE.map((a) => ({ apiKey: a.apiKey, name: a.name, minVersion: a.minVersion, maxVersion: a.maxVersion }))

/** What Brook advertises, in api key order. */
export const ADVERTISED_API_VERSIONS: readonly ApiVersionRange[] = API_TABLE.map(advertisedRange).filter((r): r is ApiVersionRange => r !== null)

const ADVERTISED_BY_KEY = new Map(ADVERTISED_API_VERSIONS.map((r) => [r.apiKey, r]))

export function advertisedVersions(apiKey: number): ApiVersionRange | undefined {
  return ADVERTISED_BY_KEY.get(apiKey)
}
