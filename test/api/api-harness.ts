/**
 * Shared set-up for the HTTP API tests: a started engine on a temp data folder behind the real
 * loopback transport, raw HTTP requests (any Host header, any path, no normalisation), JSON
 * calls with the token, and an SSE reader over fetch's body (Node 20 has no EventSource).
 */
import http from 'node:http';
import { startHttpTransport, type HttpTransport, type HttpTransportOptions } from '../../src-main/api/http-transport.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { makeEngine, onCleanup, tempDir, waitFor } from '../helpers/engine-harness.ts';

export const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';

/** What a raw request got back. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ApiFixture {
  engine: Engine;
  transport: HttpTransport;
  port: number;
  /** Any request, exactly as given (Host included unless `host: null`). */
  raw(options: { method?: string; path: string; headers?: Record<string, string>; host?: string | null; body?: string }): Promise<RawResponse>;
  /** POST /api/<method> with the token; the parsed JSON answer and the status. */
  call<T = unknown>(method: string, args?: unknown): Promise<{ status: number; body: { ok: boolean; value?: T; error?: { message: string; problems?: Array<{ path: string; message: string }> } } }>;
  /** The value of a successful call; throws with the error otherwise. */
  value<T = unknown>(method: string, args?: unknown): Promise<T>;
  events(): Promise<SseReader>;
}

/** A started engine with the transport in front of it; both stopped after the test. */
export async function startApi(options: Partial<HttpTransportOptions> = {}): Promise<ApiFixture> {
  const engine = makeEngine({ dataDir: tempDir(), notifications: false });
  await engine.start();
  const transport = await startHttpTransport({ engine, token: TOKEN, port: 0, pingMs: 200, outputPollMs: 50, ...options });
  onCleanup(() => transport.close());
  const port = transport.port;
  const raw: ApiFixture['raw'] = ({ method = 'GET', path, headers = {}, host = `127.0.0.1:${port}`, body }) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path, setHost: false, headers: { ...(host === null ? {} : { host }), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const call: ApiFixture['call'] = async (method, args) => {
    const response = await fetch(`${transport.url}api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: args === undefined ? undefined : JSON.stringify(args),
    });
    return { status: response.status, body: (await response.json()) as never };
  };
  const value = async <T,>(method: string, args?: unknown): Promise<T> => {
    const { status, body } = await call<T>(method, args);
    if (status !== 200 || !body.ok) throw new Error(`${method} answered ${status}: ${JSON.stringify(body.error)}`);
    return body.value as T;
  };
  const events = async () => {
    const reader = await openSse(`${transport.url}api/events?token=${TOKEN}`);
    onCleanup(() => reader.close());
    return reader;
  };
  return { engine, transport, port, raw, call, value, events };
}

/** One parsed SSE frame (comments are kept as `event: ':'`). */
export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseReader {
  status: number;
  received: SseEvent[];
  waitFor(predicate: (e: SseEvent) => boolean, what?: string, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens an event stream with fetch and parses frames as they arrive. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const received: SseEvent[] = [];
  if (response.ok && response.body) {
    const decoder = new TextDecoder();
    let buffer = '';
    (async () => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) received.push({ event: ':', data: frame.slice(1).trim() });
          const name = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (name && data !== undefined) received.push({ event: name, data: JSON.parse(data) });
        }
      }
    })().catch(() => {});
  }
  return {
    status: response.status,
    received,
    waitFor: (predicate, what = 'an event', timeoutMs = 15_000) => waitFor(() => received.find(predicate), timeoutMs, what),
    close: () => controller.abort(),
  };
}

/** A process job printing `text` then exiting 0, as a schedule spec input. */
export function echoSpec(name: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    cron: '0 0 1 1 *',
    timezone: 'UTC',
    job: { type: 'process', executablePath: process.execPath, arguments: ['-e', script] },
    ...extra,
  };
}
