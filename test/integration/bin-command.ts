/**
 * Test helper: one of Brook's commands (bin/<name>) run as a child process to
 * its end, with its exit code and both outputs whatever the code (broker-
 * process.ts's run() rejects on a non-zero exit, which failure tests expect).
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { REPO } from './broker-process.js'

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runBin(name: string, args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, 'bin', name), args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
