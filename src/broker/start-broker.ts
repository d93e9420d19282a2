/**
 * `startBroker()`: a whole broker inside the calling process, for tests (Brook's
 * and users') and for embedding. It listens on 127.0.0.1 on an ephemeral port
 * by default and keeps its log in a fresh temporary directory, removed again by
 * `close()` unless a `logDir` was given.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, silentLogger, type Logger, type LogLevel } from '../common/logger.js'
import type { Time } from '../common/time.js'
import { parseKafkaConfig, type KafkaConfig } from './config/kafka-config.js'
import { KafkaServer } from './kafka-server.js'

export interface StartBrokerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  /** Host to bind and advertise; default 127.0.0.1. */
  host?: string
  /** Log directory; default a new temporary one, deleted by close(). */
  logDir?: string
  /** Any server.properties keys, e.g. `{ 'num.partitions': '3' }`. */
  config?: Record<string, string>
  /** A logger, or a level for one on stdout; default silent. */
  logger?: Logger | LogLevel
  time?: Time
}

export interface RunningBroker {
  /** `host:port`, for a client's bootstrap servers. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  readonly logDir: string
  readonly config: KafkaConfig
  readonly server: KafkaServer
  /** Shuts the broker down cleanly (and removes a temporary log dir). */
  close(): Promise<void>
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1'
  const temporary = options.logDir === undefined
  const logDir = options.logDir ?? (await mkdtemp(join(tmpdir(), 'brook-')))
  const { config } = parseKafkaConfig({
    'broker.id': '0',
    listeners: `PLAINTEXT://${host}:${options.port ?? 0}`,
    'log.dirs': logDir,
    ...options.config,
  })
  const logger = options.logger === undefined ? silentLogger : typeof options.logger === 'string' ? createLogger({ level: options.logger }) : options.logger
  const server = new KafkaServer(config, { logger, time: options.time })
  try {
    await server.startup()
  } catch (e) {
    await server.shutdown().catch(() => undefined)
    if (temporary) await rm(logDir, { recursive: true, force: true })
    throw e
  }
  const bound = server.boundListeners[0]!
  const advertisedHost = config.advertisedListeners[0]?.host || host
  return {
    bootstrap: `${advertisedHost}:${bound.port}`,
    host: advertisedHost,
    port: bound.port,
    logDir,
    config,
    server,
    async close() {
      await server.shutdown()
      if (temporary) await rm(logDir, { recursive: true, force: true })
    },
  }
}
