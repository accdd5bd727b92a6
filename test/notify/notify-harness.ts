/**
 * Real servers on loopback for notification tests: an SMTP server (smtp-server, authentication
 * required) that keeps every message it accepts, an HTTP server that records webhook posts, a TCP
 * server that accepts and never answers, and an engine with a notifier attached.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { systemClock, type Clock } from '../../src-main/engine/clock.ts';
import { validateScheduleFile } from '../../src-main/engine/config/validate.ts';
import type { Engine } from '../../src-main/engine/engine.ts';
import { silentLogger } from '../../src-main/engine/logger.ts';
import { createNotifier, type Notifier } from '../../src-main/engine/notify/notifier.ts';
import { makeEngine, onCleanup, scheduleSpec } from '../helpers/engine-harness.ts';

export const SMTP_USER = 'batch';
export const SMTP_PASSWORD = 'smtp-pw-5e6f7a8b';

/** A message as the SMTP server received it, decoded enough to assert on. */
export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

/** Starts an SMTP server on 127.0.0.1 that requires AUTH with SMTP_USER / SMTP_PASSWORD. */
export async function startSmtp() {
  const messages: ReceivedMail[] = [];
  const logins: Array<{ user: string; ok: boolean }> = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === SMTP_USER && auth.password === SMTP_PASSWORD;
      logins.push({ user: auth.username ?? '', ok });
      if (ok) callback(null, { user: auth.username });
      else callback(new Error('Authentication failed'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  onCleanup(() => new Promise<void>((resolve) => server.close(resolve)));
  return { port, messages, logins };
}

/** A webhook post as received. */
export interface ReceivedPost {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** Starts an HTTP server that records posts and answers `status()` (200 by default; undefined: never answers). */
export async function startWebhookServer(status: () => number | undefined = () => 200) {
  const posts: ReceivedPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const code = status();
      if (code !== undefined) res.writeHead(code, { 'content-type': 'text/plain' }).end(code < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

/** A TCP server that accepts connections and never says a word (an SMTP server that hangs). */
export async function startSilentServer() {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, connections: () => sockets.length };
}

/** A loopback port nobody listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The settings section for an SMTP server on `port` (security none) plus `extra`. */
export function smtpSettings(port: number, extra: Record<string, unknown> = {}, password = SMTP_PASSWORD) {
  return { smtp: { host: '127.0.0.1', port, secure: 'none', user: SMTP_USER, password, from: 'batchlight@corp.test' }, ...extra };
}

/**
 * A started engine with a notifier attached (short retry backoff), its settings imported as a
 * schedule file would carry them. `clock` is the notifier's clock (flood-control tests move it).
 */
export async function notifyingEngine(settings: Record<string, unknown>, options: { clock?: Clock; timeoutMs?: number; closeTimeoutMs?: number } = {}) {
  const engine = makeEngine({ notifications: false });
  importSettings(engine, settings);
  await engine.start({ scheduling: false });
  const attach = () =>
    createNotifier({
      store: engine.store,
      events: engine.events,
      clock: options.clock ?? systemClock,
      logger: silentLogger,
      host: 'HOST',
      delivery: { backoffMs: [20, 40], timeoutMs: options.timeoutMs ?? 5_000 },
      closeTimeoutMs: options.closeTimeoutMs,
    });
  let notifier: Notifier = attach();
  onCleanup(() => notifier.close());
  return {
    engine,
    get notifier() {
      return notifier;
    },
    /** Closes the notifier and starts a new one on the same store, as a restart does. */
    async restartNotifier() {
      await notifier.close();
      notifier = attach();
    },
  };
}

/** Imports a settings section through the schedule-file validator, as `batchlight import` does. */
export function importSettings(engine: Engine, settings: Record<string, unknown>): void {
  const file = validateScheduleFile({ schedules: [], settings });
  if (!file.ok) throw new Error(file.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  engine.importFile(file.value);
}

/** Saves a schedule running `node -e script` with the given extra fields. */
export function saveNodeSchedule(engine: Engine, name: string, script: string, extra: Record<string, unknown> = {}) {
  return engine.saveSchedule(scheduleSpec({ name, job: { type: 'process', executablePath: process.execPath, arguments: ['-e', script] }, ...extra }));
}

/** Splits a MIME message into headers and its text/plain and text/html parts, decoded. */
export function parseMail(raw: string): { headers: Map<string, string>; subject: string; text: string; html: string } {
  const { headers, body } = splitHead(raw);
  const parts = { text: '', html: '' };
  const visit = (head: Map<string, string>, content: string) => {
    const type = head.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.startsWith('multipart/') && boundary) {
      for (const part of content.split(`--${boundary}`).slice(1, -1)) {
        const inner = splitHead(part.replace(/^\r?\n/, ''));
        visit(inner.headers, inner.body);
      }
      return;
    }
    const decoded = decodeBody(content, head.get('content-transfer-encoding') ?? '7bit').replace(/\r\n/g, '\n');
    if (type.startsWith('text/plain')) parts.text = decoded;
    if (type.startsWith('text/html')) parts.html = decoded;
  };
  visit(headers, body);
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), ...parts };
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: end < 0 ? '' : raw.slice(end + 4) };
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body.replace(/=\r?\n/g, ''));
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes long subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
