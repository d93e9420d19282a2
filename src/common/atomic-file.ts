/**
 * Durable file replacement, as Kafka writes checkpoints and snapshots: write a
 * temporary file, fsync it, rename it over the target, fsync the directory.
 * After a crash the target holds either the old or the new content, never a
 * mix, and the rename itself survives (DESIGN.md principle 3).
 */
import { open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/** The suffix of the temporary file; start-up code may delete leftovers with it. */
export const TEMP_FILE_SUFFIX = '.tmp'

export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = path + TEMP_FILE_SUFFIX
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } catch (e) {
    await fh.close()
    await rm(tmp, { force: true })
    throw e
  }
  await fh.close()
  await rename(tmp, path)
  await fsyncDir(dirname(path))
}

/** fsync of a directory, so a rename or unlink in it is durable (Kafka's `Utils.flushDir`). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
