/**
 * The loopback HTTP transport for browser UIs (`batchlight serve --ui`). Listens on 127.0.0.1
 * (or ::1) only; anything else is refused.
 *
 * Routes (documented for the renderer in /work/notes/http-api.md):
 * - `POST /api/<methodName>` — methodName is a key of BatchlightApi (contract.ts); the JSON body
 *   is the method's arguments (empty body = none). Needs `Authorization: Bearer <token>`.
 *   Answers JSON: 200 `{ ok: true, value }`; 200 `{ ok: false, error: { message } }` when the
 *   call was refused or failed (not found, connection failed…); 400 `{ ok: false, error:
 *   { message, problems: [{ path, message }] } }` for invalid input (bad JSON, a bad field).
 * - `GET /api/events` — server-sent events (`event: <name>\ndata: <json>\n\n`, names are the
 *   keys of BatchlightEvents), starting with `engine.state`, a `: ping` comment every 15 s.
 *   Token as the Bearer header or, since EventSource cannot set headers, `?token=` (here only).
 * - Any other GET/HEAD: a file of the built renderer (dist/renderer), no token needed.
 * Refusals: 401 missing or wrong token; 403 a Host header other than 127.0.0.1/localhost/[::1]
 * with our port (DNS rebinding) or an Origin other than http://127.0.0.1:PORT /
 * http://localhost:PORT; 404 unknown method; 405 wrong HTTP method; 413 body over 5 MB.
 * Every answer carries SECURITY_HEADERS (CSP, nosniff, no-referrer, no framing).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { duplicateKeyMessage, findDuplicateKeys } from '../engine/config/duplicate-keys.ts';
import { formatSegments } from '../engine/config/problems.ts';
import type { Engine } from '../engine/engine.ts';
import { NotFoundError, toError, ValidationError, type Problem } from '../engine/errors.ts';
import type { BatchlightApi } from './contract.ts';
import { createEventHub } from './event-hub.ts';
import { createApiHandlers } from './handlers.ts';
import { bearerToken, isAllowedHost, isAllowedOrigin, isLoopbackAddress, SECURITY_HEADERS, tokenMatches } from './http-security.ts';
import { serveStatic } from './static-files.ts';

/** The port `serve --ui` uses unless told otherwise. */
export const DEFAULT_UI_PORT = 8417;
/** The largest request body accepted (an imported schedule file can be large). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Where and how the transport listens, and what it serves. */
export interface HttpTransportOptions {
  engine: Engine;
  /** The secret every /api request must present. */
  token: string;
  /** A loopback address: `127.0.0.1` (default) or `::1`. Anything else is refused. */
  host?: string;
  /** Default DEFAULT_UI_PORT; 0 picks a free port. */
  port?: number;
  /** The built renderer; absent or unbuilt answers 503 with how to build it. */
  staticDir?: string;
  /** The API to serve; default createApiHandlers(engine). */
  api?: BatchlightApi;
  maxBodyBytes?: number;
  pingMs?: number;
  outputPollMs?: number;
}

/** A running transport. */
export interface HttpTransport {
  port: number;
  /** `http://127.0.0.1:PORT/` (without the token). */
  url: string;
  close(): Promise<void>;
}

/** What every API answer's JSON looks like. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; error: { message: string; problems?: Problem[] } };

/** Starts listening; rejects when the host is not loopback or the port is taken. */
export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    throw new Error(`Refusing to listen on \`${host}\`: the UI server only listens on a loopback address (127.0.0.1 or ::1)`);
  }
  if (options.token.length < 16) throw new Error('Refusing to start the UI server without a token of at least 16 characters');
  const { engine, token } = options;
  const api = options.api ?? createApiHandlers(engine);
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const hub = createEventHub({ engine, pingMs: options.pingMs, outputPollMs: options.outputPollMs });
  let port = options.port ?? DEFAULT_UI_PORT;

  const sendJson = (res: ServerResponse, status: number, body: JsonBody) => {
    let text: string;
    try {
      text = JSON.stringify(body);
    } catch (error) {
      status = 500;
      text = JSON.stringify({ ok: false, error: { message: `The answer could not be encoded: ${toError(error).message}` } });
    }
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  };
  const refuse = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { ok: false, error: { message } });

  const callMethod = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (!Object.hasOwn(api, name)) return refuse(res, 404, `Unknown API method \`${name}\``);
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return refuse(res, 413, `The request body is larger than ${maxBody} bytes`);
    }
    const text = body.toString('utf8');
    let args: unknown;
    try {
      args = body.length === 0 ? undefined : JSON.parse(text);
    } catch (error) {
      const problems = [{ path: '', message: `The request body is not valid JSON: ${toError(error).message}` }];
      return sendJson(res, 400, { ok: false, error: { message: problems[0]!.message, problems } });
    }
    // JSON.parse keeps the last of two equal keys without a word; a client sending both meant one.
    const { duplicates } = findDuplicateKeys(text, 20);
    if (duplicates.length > 0) {
      const problems = duplicates.map((d) => ({ path: formatSegments([...d.objectPath, d.key]), message: duplicateKeyMessage(d, 'the request body') }));
      return sendJson(res, 400, { ok: false, error: { message: problems[0]!.message, problems } });
    }
    const answer = await invokeApi(api, name, args, engine);
    sendJson(res, answer.status, answer.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, port)) return refuse(res, 403, 'Forbidden: unexpected Host header');
    if (!isAllowedOrigin(req.headers.origin, port)) return refuse(res, 403, 'Forbidden: cross-origin requests are not allowed');
    const [pathname = '/', query = ''] = (req.url ?? '/').split('?', 2);
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const isEvents = pathname === '/api/events';
      const given = bearerToken(req.headers.authorization) ?? (isEvents ? (new URLSearchParams(query).get('token') ?? undefined) : undefined);
      if (!tokenMatches(given, token)) return refuse(res, 401, 'Unauthorized: a valid token is required (open the URL printed by `batchlight serve --ui`)');
      if (isEvents) {
        if (req.method !== 'GET') return refuse(res, 405, 'Use GET for /api/events');
        return hub.attach(req, res, SECURITY_HEADERS);
      }
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        return refuse(res, 405, `Use POST for ${pathname}`);
      }
      return callMethod(req, res, pathname.slice('/api/'.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Only GET and HEAD are served outside /api');
    }
    return serveStatic(req, res, options.staticDir, SECURITY_HEADERS);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      engine.logger.error('The UI server failed to answer a request', { error: toError(error).message });
      if (!res.headersSent) refuse(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      hub.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use; pass another with --port N`, { cause: error })
          : new Error(`Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }),
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '::1' ? '[::1]' : host;
  return {
    port,
    url: `http://${shownHost}:${port}/`,
    async close() {
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Calls one API method and wraps the outcome the way every transport answers (the Electron IPC
 * can reuse it): `{ ok: true, value }`, or `{ ok: false, error }` with status 400 and `problems`
 * for invalid input and 200 for any other failure (message redacted). Never throws.
 */
export async function invokeApi(
  api: BatchlightApi,
  name: string,
  args: unknown,
  engine: Pick<Engine, 'store' | 'logger'>,
): Promise<{ status: 200 | 400 | 404; body: JsonBody }> {
  if (!Object.hasOwn(api, name)) return { status: 404, body: { ok: false, error: { message: `Unknown API method \`${name}\`` } } };
  try {
    const method = api[name as keyof BatchlightApi] as (args: unknown) => Promise<unknown>;
    return { status: 200, body: { ok: true, value: await method(args) } };
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, body: { ok: false, error: { message: error.message, problems: error.problems } } };
    const message = engine.store.redactor.redact(toError(error).message);
    if (!(error instanceof NotFoundError)) engine.logger.warn(`API method ${name} failed`, { error: message });
    return { status: 200, body: { ok: false, error: { message } } };
  }
}

/** The whole body, or 'too-large' as soon as it passes `max` bytes (the rest is discarded). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
