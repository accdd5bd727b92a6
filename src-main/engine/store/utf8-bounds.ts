/**
 * Where UTF-8 characters start and end in a run's output bytes, so that caps, tails and pages
 * never cut a character in half.
 */

/** The index of the first UTF-8 character start at or after `i` (skipping continuation bytes). */
export function charStart(bytes: Buffer, i: number): number {
  let j = Math.max(0, i);
  while (j < bytes.length && j < i + 3 && ((bytes[j] ?? 0) & 0xc0) === 0x80) j++;
  return j;
}

/** The length of `bytes` without a trailing character whose last bytes have not arrived yet. */
export function completeEnd(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The index where a cut at `i` must move back to so it does not split a character. */
export function charCut(bytes: Buffer, i: number): number {
  let j = i;
  while (j > 0 && j > i - 3 && ((bytes[j] ?? 0) & 0xc0) === 0x80) j--;
  return j;
}
