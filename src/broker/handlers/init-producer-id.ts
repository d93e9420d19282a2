/**
 * InitProducerId (API key 22), versions 0-5 (KIP-98, KIP-360).
 *
 * Idempotent producers (transactionalId null) get a new producer id with
 * epoch 0 from the ProducerIdManager, every time, as Kafka's
 * TransactionCoordinator.handleInitProducerId "blindly accepts" them: the
 * producerId/epoch a v3+ request carries (KIP-360) only matter for
 * transactional ids, so a client resending its old pair (or
 * @platformatic/kafka's 0/0 for a fresh producer) also gets a fresh id.
 * Kafka's KafkaApis first rejects a half-set pair (exactly one of
 * producerId and producerEpoch -1) with INVALID_REQUEST, and so does Brook.
 * Failing to claim a new id block (I/O) is UNKNOWN_SERVER_ERROR, as in Kafka.
 *
 * Transactional ids are checked as Kafka checks them before consulting its
 * transaction state: "" is INVALID_REQUEST, a transactionTimeoutMs outside
 * 1..transaction.max.timeout.ms is INVALID_TRANSACTION_TIMEOUT. Deviation:
 * Brook has no transaction coordinator yet, so any other transactional id
 * is COORDINATOR_NOT_AVAILABLE ("The coordinator is not available"), the
 * honest code Kafka uses when no coordinator can serve a request. It is
 * retriable: a transactional producer retries until its own timeout
 * (max.block.ms in Java) rather than failing as if unauthorized.
 * Errors answer producerId -1 and epoch -1 (Kafka's initTransactionError).
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/messages/init-producer-id.js'

const NO_PRODUCER_ID = -1n
const NO_PRODUCER_EPOCH = -1

export async function handleInitProducerId(broker: BrokerContext, ctx: RequestContext, req: InitProducerIdRequest): Promise<InitProducerIdResponse> {
  const error = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH })
  if ((req.producerId === NO_PRODUCER_ID) !== (req.producerEpoch === NO_PRODUCER_EPOCH)) return error(ErrorCode.INVALID_REQUEST)

  if (req.transactionalId === null) {
    try {
      const producerId = await broker.producerIds.generateProducerId()
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch: 0 }
    } catch (e) {
      broker.logger.error('InitProducerId could not allocate a producer id', { error: e })
      return error(ErrorCode.UNKNOWN_SERVER_ERROR)
    }
  }
  if (req.transactionalId === '') return error(ErrorCode.INVALID_REQUEST)
  if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > broker.settings.transactionMaxTimeoutMs) return error(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  return error(ErrorCode.COORDINATOR_NOT_AVAILABLE)
}
