/**
 * Streams an HTTP response into the run's output without ever holding more than
 * `maxResponseBytes` of it: a header block (`< 200 OK`, `< name: value`), then the body bytes as
 * they arrive. Past the cap the rest is still read and counted, then dropped, so `bodyBytes` is
 * what the server sent, the connection stays reusable, and a gigabyte answer costs time (bounded
 * by the run's time limit) but no memory. A JSON body of at most 1 MB is held back and printed
 * indented; the indentation keeps every literal as sent (no number is rounded by a parse).
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** What was received, for the run's result and the expect check. */
export interface ReceivedBody {
  /** Bytes the server sent, including those past the cap. */
  bodyBytes: number;
  keptBytes: number;
  truncated: boolean;
  /** The kept bytes, only when asked for (the expect check needs them). */
  kept: Buffer | undefined;
  /** The first bytes of the body, for a failure's detail. */
  head: Buffer;
}

/** How streamBody treats one body. */
export interface StreamOptions {
  maxBytes: number;
  /** Keep the kept bytes in memory (up to maxBytes) for the caller. */
  keep: boolean;
  /** Hold a small body back and print it indented. */
  prettyJson: boolean;
  signal: AbortSignal;
}

/** A JSON body larger than this streams as sent instead of being held back for indentation. */
export const PRETTY_LIMIT_BYTES = 1024 * 1024;
const HEAD_BYTES = 1024;

/** Writes `text` to the sink, waiting while it is full. */
export async function writeText(sink: NodeJS.WritableStream, text: string | Buffer, signal: AbortSignal): Promise<void> {
  if (sink.write(text)) return;
  await once(sink, 'drain', { signal });
}

/** The status line and headers as the output shows them. */
export function formatResponseHead(status: number, statusText: string, headers: Record<string, string | string[]>): string {
  const lines = [`< ${status} ${statusText}`.trimEnd()];
  for (const [name, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`< ${name}: ${item}`);
  }
  return `${lines.join('\n')}\n<\n`;
}

/** Copies `body` into `sink` under the cap; resolves once the body ended and the sink took it. */
export async function streamBody(body: Readable, sink: NodeJS.WritableStream, options: StreamOptions): Promise<ReceivedBody> {
  const keptChunks: Buffer[] = [];
  const heldChunks: Buffer[] = [];
  const headChunks: Buffer[] = [];
  let holding = options.prettyJson;
  let bodyBytes = 0;
  let keptBytes = 0;
  let headBytes = 0;
  let lastByte = -1;

  for await (const chunk of body as AsyncIterable<Buffer>) {
    bodyBytes += chunk.length;
    if (keptBytes >= options.maxBytes) continue;
    const slice = chunk.length > options.maxBytes - keptBytes ? chunk.subarray(0, options.maxBytes - keptBytes) : chunk;
    keptBytes += slice.length;
    lastByte = slice[slice.length - 1] ?? lastByte;
    if (options.keep) keptChunks.push(slice);
    if (headBytes < HEAD_BYTES) {
      headChunks.push(slice.subarray(0, HEAD_BYTES - headBytes));
      headBytes += Math.min(slice.length, HEAD_BYTES - headBytes);
    }
    if (holding) {
      heldChunks.push(slice);
      if (keptBytes <= PRETTY_LIMIT_BYTES) continue;
      holding = false;
      await writeText(sink, Buffer.concat(heldChunks), options.signal);
      heldChunks.length = 0;
    } else {
      await writeText(sink, slice, options.signal);
    }
  }

  const truncated = bodyBytes > keptBytes;
  if (holding && keptBytes > 0) {
    const held = Buffer.concat(heldChunks);
    const pretty = truncated ? undefined : indentJson(held.toString('utf8'));
    await writeText(sink, pretty === undefined ? held : `${pretty}\n`, options.signal);
    lastByte = pretty === undefined ? lastByte : 0x0a;
  }
  if (keptBytes > 0 && lastByte !== 0x0a) await writeText(sink, '\n', options.signal);
  if (truncated) {
    await writeText(sink, `[response cut at maxResponseBytes: ${keptBytes} of ${bodyBytes} bytes kept]\n`, options.signal);
  }
  return {
    bodyBytes,
    keptBytes,
    truncated,
    kept: options.keep ? Buffer.concat(keptChunks) : undefined,
    head: Buffer.concat(headChunks),
  };
}

/**
 * `text` indented by two spaces per level, or undefined when it is not JSON. Works on the text
 * (strings and numbers are copied as written), after JSON.parse has said it is valid.
 */
export function indentJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  let out = '';
  let depth = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end;
    } else if (ch === '{' || ch === '[') {
      const close = nextSignificant(text, i + 1);
      if (text[close] === (ch === '{' ? '}' : ']')) {
        out += ch === '{' ? '{}' : '[]';
        i = close;
      } else {
        depth += 1;
        out += ch + newline();
      }
    } else if (ch === '}' || ch === ']') {
      depth -= 1;
      out += newline() + ch;
    } else if (ch === ',') {
      out += `,${newline()}`;
    } else if (ch === ':') {
      out += ': ';
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}
