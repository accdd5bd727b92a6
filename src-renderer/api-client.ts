/**
 * The renderer's only way to the engine: window.batchlight (Electron preload) when present,
 * otherwise the loopback HTTP transport (`POST /api/<method>`, SSE at `/api/events`) with the
 * token taken from `#token=...` once, kept in sessionStorage and removed from the URL.
 */
import type { BatchlightApi, BatchlightEvents, EventName } from '../src-main/api/contract.ts';
import type { Problem } from '../src-main/engine/errors.ts';

/** A failed call; `problems` carries the validator's messages with their field paths. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(message: string, readonly problems: Problem[] = []) {
    super(message);
  }
}

type Handler<K extends EventName> = (payload: BatchlightEvents[K]) => void;

/** The API plus a way to listen to pushed events; `on` returns the unsubscribe function. */
export interface Client {
  api: BatchlightApi;
  on: <K extends EventName>(event: K, handler: Handler<K>) => () => void;
  isDesktop: boolean;
}

/** What the Electron preload exposes on window.batchlight. */
interface PreloadBridge extends BatchlightApi {
  on: <K extends EventName>(event: K, handler: Handler<K>) => () => void;
}

const TOKEN_KEY = 'batchlight.token';
const EVENT_NAMES: EventName[] = ['run.queued', 'run.started', 'run.skipped', 'run.finished', 'run.output', 'schedule.changed', 'engine.state'];

/** Reads the token from the URL fragment (then hides it) or from this tab's sessionStorage. */
export function takeToken(): string {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Creates the client for this window. */
export function createClient(): Client {
  const bridge = (window as unknown as { batchlight?: PreloadBridge }).batchlight;
  if (bridge) return { api: bridge, on: (event, handler) => bridge.on(event, handler), isDesktop: true };
  return createHttpClient(takeToken());
}

function createHttpClient(token: string): Client {
  const call = async (method: string, args: unknown): Promise<unknown> => {
    const response = await fetch(`api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(args ?? {}),
    });
    let body: { ok: boolean; value?: unknown; error?: { message: string; problems?: Problem[] } };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiError(`The server answered ${response.status} ${response.statusText} without JSON`);
    }
    if (!body.ok) throw new ApiError(body.error?.message ?? `Call ${method} failed`, body.error?.problems ?? []);
    return body.value;
  };
  const api = new Proxy({} as BatchlightApi, {
    get: (_target, method: string) => (args: unknown) => call(method, args),
  });
  const handlers = new Map<EventName, Set<Handler<never>>>();
  let source: EventSource | null = null;
  const connect = () => {
    source = new EventSource(`api/events?token=${encodeURIComponent(token)}`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as never;
        for (const handler of handlers.get(name) ?? []) handler(payload);
      });
    }
  };
  return {
    api,
    isDesktop: false,
    on: (event, handler) => {
      if (!source) connect();
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as Handler<never>);
      return () => set.delete(handler as Handler<never>);
    },
  };
}
