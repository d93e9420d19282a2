/**
 * kafka-server-start: runs a broker from a Kafka server.properties file, as
 * Kafka's bin/kafka-server-start.sh does.
 *
 *   kafka-server-start.sh [-daemon] server.properties [--override property=value]*
 *
 * Unknown keys are warned about; an invalid value stops start-up with a
 * message naming the key. SIGTERM and SIGINT shut the broker down cleanly
 * (flush, checkpoints, clean-shutdown marker) and exit 0.
 */
import { ConfigError, isConfigError } from '../common/config-def.js'
import { createLogger } from '../common/logger.js'
import { loadServerProperties } from '../broker/config/kafka-config.js'
import { KafkaServer } from '../broker/kafka-server.js'

const USAGE = `USAGE: kafka-server-start.sh [-daemon] server.properties [--override property=value]*

Starts a Brook broker from a Kafka server.properties file.

Option                                  Description
------                                  -----------
--override <property=value>             Optional property that should override values set in
                                          server.properties file
--help                                  Print usage information.
--version                               Display Brook version.
-daemon                                 Accepted for compatibility; Brook stays in the foreground
                                          (use your service manager or '&').

Every supported key, with its default, is listed in docs/CONFIG.md.`

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE)
    return 0
  }
  if (argv.includes('--version')) {
    console.log('brook 0.1.0')
    return 0
  }
  const overrides: Record<string, string> = {}
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '-daemon') continue
    if (a === '--override') {
      const kv = argv[++i]
      const eq = kv?.indexOf('=') ?? -1
      if (!kv || eq <= 0) {
        console.error(`Invalid --override ${kv ?? ''}: expected property=value`)
        return 1
      }
      overrides[kv.slice(0, eq)] = kv.slice(eq + 1)
    } else if (a.startsWith('-')) {
      console.error(`Unknown option ${a}\n\n${USAGE}`)
      return 1
    } else {
      positional.push(a)
    }
  }
  if (positional.length !== 1) {
    console.error(USAGE)
    return 1
  }

  let parsed
  try {
    parsed = await loadServerProperties(positional[0]!, overrides)
  } catch (e) {
    if (isConfigError(e) || e instanceof ConfigError) console.error(`Invalid configuration: ${(e as Error).message}`)
    else console.error(`Cannot read ${positional[0]}: ${(e as Error).message}`)
    return 1
  }
  const { config, unknownKeys } = parsed
  const destination = config.brookLogDestination === 'stdout' ? 'stdout' : { file: config.brookLogDestination }
  const logger = createLogger({ level: config.brookLogLevel, destination })
  for (const key of unknownKeys) logger.warn(`The configuration '${key}' was supplied but isn't a known config.`)

  const server = new KafkaServer(config, { logger })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info(`Received ${signal}, shutting down`)
    server.shutdown().then(
      async () => {
        await logger.close()
        process.exit(0)
      },
      async (e) => {
        logger.error('Shutdown failed', { error: e })
        await logger.close()
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  try {
    await server.startup()
  } catch (e) {
    logger.error(`Fatal error during broker start-up: ${(e as Error).message}`, { error: e })
    await server.shutdown().catch(() => undefined)
    await logger.close()
    return 1
  }
  return -1
}

// Run when executed directly (bin/kafka-server-start imports this module).
// No top-level await: the bundle bin/ runs is CommonJS (scripts/bundle.mjs).
void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code)
})
