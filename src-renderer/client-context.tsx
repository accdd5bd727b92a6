/** React access to the one client: `useClient()`, `useEvent(...)` and `useLoad(...)` for data that events refresh. */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { BatchlightEvents, EventName } from '../src-main/api/contract.ts';
import type { Client } from './api-client.ts';

/** Provided once by main.tsx. */
export const ClientContext = createContext<Client | null>(null);

/** The client of this window. */
export function useClient(): Client {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() outside <ClientContext.Provider>');
  return client;
}

/** Calls `handler` for each pushed event of the given names while mounted. */
export function useEvent<K extends EventName>(events: K[], handler: (payload: BatchlightEvents[K], name: K) => void): void {
  const { on } = useClient();
  const ref = useRef(handler);
  ref.current = handler;
  const key = events.join(',');
  useEffect(() => {
    const offs = (key.split(',') as K[]).map((name) => on(name, (payload) => ref.current(payload, name)));
    return () => offs.forEach((off) => off());
  }, [on, key]);
}

/** Result of useLoad. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

/** Loads data with `load`, again when `deps` change and when any of `refreshOn` events arrive. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshOn: EventName[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEvent(refreshOn, reload);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(value), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, reload };
}
