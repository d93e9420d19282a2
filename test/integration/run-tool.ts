/**
 * Runs one of Brook's command-line tools (bin/<name>) as a child process,
 * as a user's script would, and resolves with its exit code and output.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { REPO } from './broker-process.js'

export interface ToolResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runTool(name: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ToolResult> {
  return runCommand(join(REPO, 'bin', name), args, opts)
}

/** Any command run from the repository root to its end (SIGKILL after the timeout), with its exit code and both outputs. */
export function runCommand(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The lines a tool printed, without the final newline's empty one. */
export const lines = (text: string): string[] => text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1))
