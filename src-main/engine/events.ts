/**
 * Typed engine events for every UI (IPC, HTTP/SSE) and the notifier. A failing listener is
 * logged and never thrown back into the engine.
 */
import type { Logger } from './logger.ts';
import type { Run } from './types.ts';

export type ScheduleChange = 'created' | 'updated' | 'deleted' | 'paused' | 'resumed' | 'enabled' | 'disabled';

export interface EngineState {
  serving: boolean;
  pausedAll: boolean;
  running: number;
  queued: number;
}

export interface EngineEventMap {
  'run.queued': Run;
  'run.started': Run;
  'run.skipped': Run;
  'run.finished': Run;
  'schedule.changed': { name: string; change: ScheduleChange };
  'engine.state': EngineState;
}

type Listener<K extends keyof EngineEventMap> = (payload: EngineEventMap[K]) => void;

/** A small typed emitter; `emit` never throws. */
export class EngineEvents {
  readonly #listeners = new Map<keyof EngineEventMap, Set<Listener<never>>>();
  constructor(private readonly logger: Logger) {}

  on<K extends keyof EngineEventMap>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof EngineEventMap>(event: K, payload: EngineEventMap[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.logger.error(`A listener for ${event} failed`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
