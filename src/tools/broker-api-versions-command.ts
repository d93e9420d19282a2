/**
 * kafka-broker-api-versions: Kafka's BrokerApiVersionsCommand (3.7-3.9).
 * Asks every broker of the cluster for its API versions and prints them as
 * Kafka's NodeApiVersions.toString(true) does:
 *
 *   127.0.0.1:9092 (id: 0 rack: null) -> (
 *   	Produce(0): 0 to 11 [usable: 11],
 *   	...
 *   	LeaderAndIsr(4): UNSUPPORTED,
 *   	...
 *   )
 *
 * One line per API key, ascending: `Name(key): min to max` (or `min` alone
 * when the two are equal) and what this client can use of it, `[usable: N]`
 * with N the highest version both sides have, or `[unusable: node too old]`
 * / `[unusable: node too new]`. APIs the broker serves that this client
 * does not know print as `UNKNOWN(key): ...`; APIs a ZooKeeper-mode Kafka
 * broker serves (the spec's `zkBroker` listener) that this one does not
 * print `UNSUPPORTED`. This client is Brook's, whose codecs cover every
 * version of the protocol spec (src/protocol/messages/api-table.ts).
 *
 * A broker that cannot be asked prints `<broker> -> ERROR: <reason>`.
 * Brokers are printed in node id order.
 */
import type { BrokerNode } from '../client/admin/brokers.js'
import { KafkaProtocolError } from '../client/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ApiInfo } from '../protocol/message-spec.js'
import { API_TABLE } from '../protocol/messages/api-table.js'
import { ApiVersionsApi, type ApiVersionsResponseApiVersion } from '../protocol/messages/api-versions.js'
import type { ParsedArgs, ToolSpec } from './command-line.js'
import { kafkaExceptionString } from './kafka-exceptions.js'
import { createToolAdmin } from './tool-admin.js'

export const BROKER_API_VERSIONS_COMMAND: ToolSpec = {
  name: 'kafka-broker-api-versions',
  summary: 'This tool helps to retrieve broker version information.',
  options: {
    'bootstrap-server': { arg: 'String: server(s) to use for bootstrapping', description: 'REQUIRED: The server to connect to.' },
    'command-config': { arg: 'String: command config property file', description: 'A property file containing configs to be passed to Admin Client.' },
  },
}

/** One API's text, as NodeApiVersions.apiVersionToText. */
function apiVersionText(v: ApiVersionsResponseApiVersion, clientApis: ReadonlyMap<number, ApiInfo>): string {
  const client = clientApis.get(v.apiKey)
  const range = v.minVersion === v.maxVersion ? `${v.minVersion}` : `${v.minVersion} to ${v.maxVersion}`
  if (!client) return `UNKNOWN(${v.apiKey}): ${range}`
  let usable: string
  if (client.maxVersion < v.minVersion) usable = '[unusable: node too new]'
  else if (v.maxVersion < client.minVersion) usable = '[unusable: node too old]'
  else usable = `[usable: ${Math.min(client.maxVersion, v.maxVersion)}]`
  return `${client.name}(${v.apiKey}): ${range} ${usable}`
}

/** NodeApiVersions.toString(true) for a broker's ApiVersions answer; `client` is the API table of the client's codecs. */
export function nodeApiVersionsText(apiKeys: readonly ApiVersionsResponseApiVersion[], client: readonly ApiInfo[] = API_TABLE): string {
  const clientApis = new Map(client.map((a) => [a.apiKey, a]))
  const text = new Map<number, string>()
  for (const v of apiKeys) text.set(v.apiKey, apiVersionText(v, clientApis))
  // A ZooKeeper-mode broker's APIs the node lacks (ApiKeys.zkBrokerApis()).
  for (const api of client) if (api.listeners.includes('zkBroker') && !text.has(api.apiKey)) text.set(api.apiKey, `${api.name}(${api.apiKey}): UNSUPPORTED`)
  const lines = [...text].sort((a, b) => a[0] - b[0]).map(([, t]) => t)
  return `(\n\t${lines.join(',\n\t')}\n)`
}

/** Kafka's Node.toString() (3.x). */
export const nodeText = (b: BrokerNode): string => `${b.host}:${b.port} (id: ${b.nodeId} rack: ${b.rack ?? 'null'})`

export async function brokerApiVersionsCommand(args: ParsedArgs): Promise<number> {
  const admin = await createToolAdmin(args.required('bootstrap-server'), args.value('command-config'))
  try {
    const { brokers } = await admin.describeCluster()
    // The client's connections are to brokers its metadata names.
    await admin.cluster.refresh()
    const answers = await Promise.all(
      brokers.map(async (b) => {
        try {
          const c = await admin.cluster.connection(b.nodeId)
          const res = await c.request(ApiVersionsApi, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'brook-tools', clientSoftwareVersion: '0.1.0' })
          if (res.errorCode !== ErrorCode.NONE) return `ERROR: ${kafkaExceptionString(res.errorCode)}`
          return nodeApiVersionsText(res.apiKeys)
        } catch (e) {
          return `ERROR: ${e instanceof KafkaProtocolError ? kafkaExceptionString(e.errorCode) : (e as Error).message}`
        }
      }),
    )
    process.stdout.write(brokers.map((b, i) => `${nodeText(b)} -> ${answers[i]}\n`).join(''))
    return 0
  } finally {
    await admin.close()
  }
}
