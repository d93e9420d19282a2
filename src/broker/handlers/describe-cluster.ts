/**
 * DescribeCluster (API key 60), versions 0-1 (KIP-700).
 *
 * Answers as Kafka's KafkaApis.handleDescribeCluster: the brokers (here only
 * this one, at the advertised address of the listener the request came
 * through), the cluster id and the controller id, which in single-node mode
 * is this broker. v1 asks for an endpoint type: only brokers (1) are served
 * here, controllers (2) are UNSUPPORTED_ENDPOINT_TYPE. With
 * includeClusterAuthorizedOperations the answer has every operation
 * Kafka's authorizer defines for the cluster, as Kafka answers without an
 * authorizer; otherwise Integer.MIN_VALUE ("not requested").
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { defaultDescribeClusterResponse, type DescribeClusterRequest, type DescribeClusterResponse } from '../../protocol/messages/describe-cluster.js'

const BROKER_ENDPOINT_TYPE = 1
/** Sentinel of "not requested" for authorized-operations fields (Integer.MIN_VALUE). */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
/**
 * AclEntry.supportedOperations(CLUSTER) as AclOperation bits: CREATE 5, ALTER 7,
 * DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
 */
const ALL_CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0)

export async function handleDescribeCluster(broker: BrokerContext, ctx: RequestContext, req: DescribeClusterRequest): Promise<DescribeClusterResponse> {
  const response = defaultDescribeClusterResponse()
  if (req.endpointType !== BROKER_ENDPOINT_TYPE) {
    // Only v1+ can ask for another type; the response's endpointType stays at its default (1).
    return { ...response, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${req.endpointType}` }
  }
  const listener = broker.advertisedListeners.find((l) => l.name === ctx.listenerName) ?? broker.advertisedListeners[0]!
  const self = broker.settings.brokerId
  return {
    ...response,
    clusterId: broker.clusterId,
    controllerId: self,
    brokers: [{ brokerId: self, host: listener.host, port: listener.port, rack: broker.settings.rack }],
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  }
}
