/**
 * librdkafka's mock cluster, a Kafka-compatible broker Brook did not write:
 * Debian's kcat started with `-X test.mock.num.brokers=3` keeps three mock
 * brokers alive while it consumes, and prints their addresses with
 * `-X debug=mock`. Brook's client is tested against it as well as against
 * Brook, so the two cannot share a misunderstanding of the protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface MockCluster {
  readonly bootstrap: string
  readonly brokers: { host: string; port: number }[]
  stop(): Promise<void>
}

export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const child: ChildProcess = spawn('kcat', ['-b', 'ignored:9092', '-X', `test.mock.num.brokers=${brokers}`, '-X', 'debug=mock', '-C', '-t', 'mock-keepalive', '-o', 'end', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  let seen = ''
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock cluster printed no bootstrap address:\n${seen.slice(0, 2000)}`)), 15_000)
    const onData = (d: Buffer) => {
      seen += d.toString()
      const m = /bootstrap\.servers=([0-9.:,]+)/.exec(seen)
      if (m) {
        clearTimeout(timer)
        child.stderr!.off('data', onData)
        // Keep draining its (verbose) log so it never blocks on a full pipe.
        child.stderr!.resume()
        resolve(m[1]!)
      }
    }
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`kcat exited (${code}) before the mock cluster started:\n${seen.slice(0, 2000)}`)))
  })
  return {
    bootstrap,
    brokers: bootstrap.split(',').map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
