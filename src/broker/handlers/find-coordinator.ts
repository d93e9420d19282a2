/**
 * FindCoordinator (API key 10), versions 0-6.
 *
 * Every group's coordinator is this broker (it leads every partition of
 * `__consumer_offsets`); the first request creates that topic. The answer
 * names the broker by the advertised listener the request arrived on.
 * v4+ batches keys (KIP-699): one result per key.
 *
 * Errors: an unknown key type INVALID_REQUEST; an empty group id
 * INVALID_REQUEST; transaction keys (type 1) COORDINATOR_NOT_AVAILABLE until
 * Brook has a transaction coordinator.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode, errorInfo } from '../../protocol/error-codes.js'
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/find-coordinator.js'

const GROUP_KEY_TYPE = 0
const TRANSACTION_KEY_TYPE = 1

export async function handleFindCoordinator(broker: BrokerContext, ctx: RequestContext, req: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  const listener = broker.advertisedListeners.find((l) => l.name === ctx.listenerName) ?? broker.advertisedListeners[0]!
  const keys = ctx.apiVersion >= 4 ? req.coordinatorKeys : [req.key]
  const results = await Promise.all(
    keys.map(async (key) => {
      let errorCode: number
      if (req.keyType === GROUP_KEY_TYPE) errorCode = await broker.groupCoordinator.findCoordinator(key)
      else if (req.keyType === TRANSACTION_KEY_TYPE) errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE
      else errorCode = ErrorCode.INVALID_REQUEST
      const ok = errorCode === ErrorCode.NONE
      return {
        key,
        nodeId: ok ? broker.settings.brokerId : -1,
        host: ok ? listener.host : '',
        port: ok ? listener.port : -1,
        errorCode,
        errorMessage: ok ? null : errorInfo(errorCode).message,
      }
    }),
  )
  if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 0, host: '', port: 0, coordinators: results }
  const r = results[0]!
  return { throttleTimeMs: 0, errorCode: r.errorCode, errorMessage: r.errorMessage, nodeId: r.nodeId, host: r.host, port: r.port, coordinators: [] }
}
