/**
 * The admin client a tool talks to the cluster with, set up as Kafka's tools
 * set up theirs: the `--command-config` file's properties (Java names), then
 * `bootstrap.servers` from `--bootstrap-server` and a tool's client.id over
 * them. Admin settings that are not common client settings
 * (default.api.timeout.ms, retry.backoff.ms, retry.backoff.max.ms) are read
 * here; the rest go through clusterOptions (client-config.ts).
 */
import { Admin, type AdminOptions } from '../client/admin/admin.js'
import { clusterOptions, readConfigFile, type Properties } from './client-config.js'
import { UsageError } from './command-line.js'

const int = (key: string, v: string): number => {
  const n = Number(v)
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`Invalid value ${v} for configuration ${key}: Not a number of type INT`)
  return n
}

const ADMIN_ONLY: Record<string, (o: AdminOptions, v: string, key: string) => void> = {
  'default.api.timeout.ms': (o, v, k) => void (o.timeoutMs = int(k, v)),
  'retry.backoff.ms': (o, v, k) => void (o.retryBackoffMs = int(k, v)),
  'retry.backoff.max.ms': (o, v, k) => void (o.retryBackoffMaxMs = int(k, v)),
}

/** Admin options from client properties; `bootstrap` and `clientId` win over the file's. */
export function adminOptions(props: Properties, bootstrap: string, clientId?: string): AdminOptions {
  const common: Properties = {}
  for (const [k, v] of Object.entries(props)) if (!ADMIN_ONLY[k]) common[k] = v
  const opts: AdminOptions = clusterOptions({ ...common, 'bootstrap.servers': bootstrap })
  if (clientId !== undefined && props['client.id'] === undefined) opts.clientId = clientId
  for (const [k, v] of Object.entries(props)) ADMIN_ONLY[k]?.(opts, v, k)
  return opts
}

/** An Admin for `bootstrap`, with `--command-config` (when given) read first. */
export async function createToolAdmin(bootstrap: string, commandConfig: string | undefined, clientId?: string): Promise<Admin> {
  const props = commandConfig === undefined ? {} : await readConfigFile('--command-config', commandConfig)
  return new Admin(adminOptions(props, bootstrap, clientId))
}

/**
 * Kafka's ToolsUtils.validateBootstrapServer: every comma-separated entry
 * must have a port; otherwise "Please provide valid host:port like
 * host1:9091,host2:9092".
 */
export function validateBootstrapServer(hostPort: string): void {
  if (hostPort.trim() === '') throw new UsageError('Error while validating the bootstrap address')
  const valid = hostPort.split(',').every((hp) => /:(\d+)$/.test(hp.trim()))
  if (!valid) throw new UsageError('Please provide valid host:port like host1:9091,host2:9092')
}
