/**
 * Where a JSON text is broken, by line and column. Node 20's JSON.parse does not say where, and
 * hand-edited schedule files break in a few typical ways (a Windows path with single
 * backslashes, a trailing comma, a comment), each of which gets its own message. The scan is
 * iterative, so deeply nested input cannot overflow the stack.
 */

/** A syntax error at a 1-based line and column. */
export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** The first syntax error in `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const fail = (offset: number, message: string): JsonSyntaxError => ({ ...lineAndColumn(text, offset), message });
  const stack: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i += 1;
    if (i >= text.length) {
      if (stack.length === 0 && expect === 'after') return null;
      return fail(i, text.trim() === '' ? 'The file is empty' : 'Unexpected end of file (a bracket or quote is not closed)');
    }
    const c = text.charAt(i);
    if (c === '/' && (text.charAt(i + 1) === '/' || text.charAt(i + 1) === '*')) return fail(i, 'Comments are not allowed in JSON');
    if (expect === 'colon') {
      if (c !== ':') return fail(i, `Expected \`:\` after the property name, found ${show(c)}`);
      expect = 'value';
      i += 1;
      continue;
    }
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return fail(i, `Unexpected ${show(c)} after the end of the JSON value`);
      const close = top === '{' ? '}' : ']';
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else if (c === close) stack.pop();
      else return fail(i, `Expected \`,\` or \`${close}\`, found ${show(c)}`);
      i += 1;
      continue;
    }
    if (c === '}' || c === ']') {
      const closes = (c === '}' && expect === 'keyOrClose') || (c === ']' && expect === 'valueOrClose');
      const afterComma = stack.length > 0 && (expect === 'key' || expect === 'value');
      if (!closes) return fail(i, afterComma ? `Trailing comma before \`${c}\`` : `Unexpected \`${c}\``);
      stack.pop();
      expect = 'after';
      i += 1;
      continue;
    }
    if (expect === 'key' || expect === 'keyOrClose') {
      if (c !== '"') return fail(i, `Expected a property name in double quotes, found ${show(c)}`);
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.message);
      i = end;
      expect = 'colon';
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
      i += 1;
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.message);
      i = end;
    } else {
      const length = scalarLength(text, i);
      if (length === 0) return fail(i, `Unexpected ${show(c)}; expected a value (string, number, object, array, true, false or null)`);
      i += length;
    }
    expect = 'after';
  }
}

function scanString(text: string, start: number): number | { offset: number; message: string } {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') return i + 1;
    if (c === '\\') {
      const next = text.charAt(i + 1);
      if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
        i += 6;
        continue;
      }
      if (!ESCAPES.has(next)) {
        return { offset: i, message: `Invalid escape \`\\${next}\` in a string; write a backslash as \`\\\\\` (e.g. "C:\\\\Jobs")` };
      }
      i += 2;
      continue;
    }
    if (c < ' ') return { offset: i, message: 'Line break or control character inside a string; write it as \\n or \\t' };
    i += 1;
  }
  return { offset: start, message: 'Unterminated string (a closing `"` is missing)' };
}

function scalarLength(text: string, i: number): number {
  for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return word.length;
  NUMBER.lastIndex = i;
  const match = NUMBER.exec(text);
  return match ? match[0].length : 0;
}

function show(c: string): string {
  return c === '`' ? '"`"' : `\`${c}\``;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charAt(i) === '\n') {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
