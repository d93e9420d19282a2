/**
 * Kafka's CommandLineUtils.parseKeyValueArgs, for `--property`: `key=value`
 * split at the first `=`, nothing trimmed (a separator may be a blank), and
 * `key` or `key=` alone meaning the empty string. Later keys win.
 */
export function parseKeyValueArgs(args: string[]): Record<string, string> {
  const props: Record<string, string> = {}
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq < 0) props[arg] = ''
    else props[arg.slice(0, eq)] = arg.slice(eq + 1)
  }
  return props
}
