/**
 * A broker process shared by the tests of one `describe` block, with a
 * RawClient to it: started before them, and afterwards stopped, which must
 * be clean (exit 0 on SIGTERM), its log dir removed. Call inside `describe`.
 */
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { RawClient } from './raw-client.js'

export interface BrokerFixture {
  readonly broker: BrokerProcess
  readonly client: RawClient
  /** Stops the broker cleanly, runs `whileDown`, starts it again on the same log dir and reconnects. */
  restart(whileDown?: () => Promise<void>): Promise<void>
}

export function brokerFixture(config: Readonly<Record<string, string>>, opts: { beforeStop?: () => Promise<void> } = {}): BrokerFixture {
  let broker: BrokerProcess | undefined
  let client: RawClient | undefined
  before(async () => {
    broker = await startBrokerProcess({ config })
    client = await RawClient.connect(broker.port)
  })
  after(async () => {
    await opts.beforeStop?.()
    await client?.close()
    if (broker) {
      assert.equal(await broker.stop(), 0, 'clean exit on SIGTERM')
      await removeDir(broker.logDir)
    }
  })
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('brokerFixture: the broker starts in before()')
    return v
  }
  return {
    get broker() {
      return started(broker)
    },
    get client() {
      return started(client)
    },
    async restart(whileDown) {
      const b = started(broker)
      assert.equal(await b.stop(), 0)
      await started(client).close()
      await whileDown?.()
      broker = await startBrokerProcess({ logDir: b.logDir, config })
      client = await RawClient.connect(broker.port)
    },
  }
}
