/**
 * The runners every engine has: processes, HTTP calls and stored procedures. They share the
 * store's settings and connections, and hold pools and agents that the engine closes on stop.
 */
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { createHttpRunner } from './http-runner.ts';
import { createProcessRunner } from './process-runner.ts';
import type { Runner } from './runner.ts';
import { createSqlRunner } from './sql-runner.ts';

/** Builds the built-in runners for a store. */
export function createBuiltInRunners(store: Store, clock: Clock, logger: Logger) {
  const process = createProcessRunner({ allowedExecutables: () => store.settings.engine().allowedExecutables });
  const http = createHttpRunner({ clock });
  const sql = createSqlRunner({ connections: (name) => store.connections.get(name), logger: logger.child({ runner: 'sql' }), clock });
  return {
    runners: [process, http, sql] as Runner[],
    http,
    sql,
    /** Closes HTTP agents and database pools; safe to call twice. */
    async close(): Promise<void> {
      await Promise.all([http.close(), sql.close()]);
    },
  };
}
