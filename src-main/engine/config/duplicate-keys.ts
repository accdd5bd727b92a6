/**
 * Keys given twice in one object of a JSON text. JSON.parse keeps the last and drops the other
 * without a word, so a hand-edited schedule file with `"timeoutSeconds"` twice would run with a
 * limit its author may not have meant. One linear pass over text that JSON.parse has accepted:
 * strings are skipped with indexOf, keys are unescaped only when they hold a backslash, and
 * nesting is a stack of frames, so deep documents cannot overflow the call stack.
 */
import type { PathSegment } from './problems.ts';

/** A 1-based line and column (in UTF-16 code units, as editors and json-errors.ts count). */
export interface TextPosition {
  line: number;
  column: number;
}

/** A key found a second time in one object. */
export interface DuplicateKey extends TextPosition {
  /** Where the object is: [] for the top level, ['schedules', 0, 'job'] for a job. */
  objectPath: PathSegment[];
  /** The key after JSON unescaping (`"n\u0061me"` is `name`). */
  key: string;
  /** Where the key was given first. */
  first: TextPosition;
}

/** The duplicates found (at most `limit`) and how many there are in all. */
export interface DuplicateKeys {
  duplicates: DuplicateKey[];
  total: number;
}

interface Frame {
  /** The keys of an object and the offset of their first occurrence; null for an array. */
  keys: Map<string, number> | null;
  /** The next item's index, for an array. */
  index: number;
  /** This container's segment in its parent (undefined for the top level). */
  segment: PathSegment | undefined;
}

interface Found {
  frames: PathSegment[];
  key: string;
  offset: number;
  firstOffset: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Every key given twice in one object of `text`, which must be JSON that JSON.parse accepted (on
 * other text the answer is unspecified, but the scan still ends without throwing).
 */
export function findDuplicateKeys(text: string, limit = 200): DuplicateKeys {
  const found: Found[] = [];
  let total = 0;
  const frames: Frame[] = [];
  let expectKey = false;
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey && top?.keys) {
        const key = readKey(text, i, end);
        const firstOffset = top.keys.get(key);
        if (firstOffset === undefined) top.keys.set(key, i);
        else {
          total += 1;
          if (found.length < limit) found.push({ frames: pathOf(frames), key, offset: i, firstOffset });
        }
        lastKey = key;
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const segment = top === undefined ? undefined : top.keys ? lastKey : top.index;
      frames.push({ keys: c === OPEN_OBJECT ? new Map() : null, index: 0, segment });
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
      expectKey = false;
    } else if (c === COMMA && top) {
      if (top.keys) expectKey = true;
      else top.index += 1;
    }
  }
  if (found.length === 0) return { duplicates: [], total };
  const locate = positionFinder(text);
  const duplicates = found.map((f) => ({ objectPath: f.frames, key: f.key, ...locate(f.offset), first: locate(f.firstOffset) }));
  return { duplicates, total };
}

/**
 * "Duplicate key `x` in <where> at line 3, column 5 (first at line 2, column 5); ..."; `where`
 * names the object as the reader knows it ("`schedules[0].job`", "the top level of the file").
 */
export function duplicateKeyMessage(duplicate: DuplicateKey, where: string): string {
  const shown = JSON.stringify(duplicate.key).slice(1, -1);
  const key = shown.length > 60 ? `${shown.slice(0, 59)}…` : shown;
  const at = `line ${duplicate.line}, column ${duplicate.column}`;
  const first = `line ${duplicate.first.line}, column ${duplicate.first.column}`;
  return `Duplicate key \`${key}\` in ${where} at ${at} (first at ${first}); JSON keeps only the last one, so remove one of them`;
}

/** The offset of the closing quote of the string opening at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
  return end === -1 ? text.length : end;
}

/** True when an odd run of backslashes precedes `offset`. */
function isEscaped(text: string, offset: number): boolean {
  let count = 0;
  for (let i = offset - 1; text.charCodeAt(i) === BACKSLASH; i -= 1) count += 1;
  return count % 2 === 1;
}

function readKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return raw;
  }
}

function pathOf(frames: readonly Frame[]): PathSegment[] {
  const path: PathSegment[] = [];
  for (const frame of frames) if (frame.segment !== undefined) path.push(frame.segment);
  return path;
}

/** Maps offsets to lines and columns; the line starts are collected once, only when needed. */
function positionFinder(text: string): (offset: number) => TextPosition {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  };
}
