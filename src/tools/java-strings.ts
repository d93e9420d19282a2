/**
 * Java's string handling where Kafka's tools lean on its quirks, so that the
 * same input is accepted, refused or split as Kafka does.
 */

/**
 * `String.split(regex)`: JavaScript's split, less the empty strings at the
 * end, except that an input the pattern never matches comes back whole (so
 * `"".split(",")` is `[""]` and `"a,,".split(",")` is `["a"]`).
 */
export function javaSplit(s: string, separator: RegExp | string): string[] {
  const parts = s.split(separator)
  if (parts.length === 1) return parts
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/** `Integer.parseInt`: an optional sign and decimal digits within int32, else NumberFormatException's message. */
export function javaParseInt(s: string): number {
  const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new Error(`For input string: "${s}"`)
  return n
}

/** A Java `List`'s `toString()`: `[1, 2, 3]`. */
export function javaListString(items: readonly unknown[]): string {
  return `[${items.join(', ')}]`
}
