/**
 * Server-sent events for browser UIs: every engine event, plus `run.output` from the output
 * tail, is written to each connected client as `event: <name>\ndata: <json>\n\n`. A `: ping`
 * comment every 15 s keeps proxies and idle timers from closing the stream; a client that
 * disconnects, or falls more than 8 MB behind, is dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine.ts';
import type { EngineEventMap } from '../engine/events.ts';
import type { Run } from '../engine/types.ts';
import type { BatchlightEvents, EventName } from './contract.ts';
import { createRunView } from './handlers.ts';
import { createOutputTail } from './output-tail.ts';

const ENGINE_EVENTS: Array<keyof EngineEventMap> = ['run.queued', 'run.started', 'run.skipped', 'run.finished', 'schedule.changed', 'engine.state'];
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** What the hub serves and how often it pings and polls output. */
export interface EventHubOptions {
  engine: Engine;
  /** Interval of the `: ping` comment, ms (default 15 000). */
  pingMs?: number;
  /** Output tail poll interval, ms (default 300). */
  outputPollMs?: number;
}

/** One SSE frame. JSON.stringify never emits a raw newline, so `data` is a single line. */
export function sseFrame<K extends EventName>(event: K, payload: BatchlightEvents[K]): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Fans engine events out to SSE clients until `close()`. */
export function createEventHub(options: EventHubOptions) {
  const { engine } = options;
  const clients = new Set<ServerResponse>();

  const write = (res: ServerResponse, text: string) => {
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      engine.logger.warn('An event-stream client fell too far behind; disconnecting it');
      clients.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  };
  const broadcast = <K extends EventName>(event: K, payload: BatchlightEvents[K]) => {
    if (clients.size === 0) return;
    const frame = sseFrame(event, payload);
    for (const res of clients) write(res, frame);
  };

  const runView = createRunView(engine);
  const unsubscribe = ENGINE_EVENTS.map((event) =>
    engine.events.on(event, (payload) => broadcast(event, (event.startsWith('run.') ? runView(payload as Run) : payload) as never)),
  );
  const tail = createOutputTail({ engine, emit: (payload) => broadcast('run.output', payload), pollMs: options.outputPollMs });
  const ping = setInterval(() => {
    for (const res of clients) write(res, ': ping\n\n');
  }, options.pingMs ?? 15_000);
  ping.unref();

  return {
    /** Turns a request into an event stream; starts with the current `engine.state`. */
    attach(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): void {
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      req.socket.setKeepAlive(true);
      req.socket.setTimeout(0);
      clients.add(res);
      const drop = () => clients.delete(res);
      req.on('close', drop);
      res.on('close', drop);
      res.write(`retry: 3000\n\n${sseFrame('engine.state', engine.state())}`);
    },
    get clientCount(): number {
      return clients.size;
    },
    close(): void {
      clearInterval(ping);
      tail.close();
      for (const off of unsubscribe) off();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
