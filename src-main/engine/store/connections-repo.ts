/**
 * Named database connections. The connection string is a secret: it is sealed at rest and only
 * opened for the runner that needs it.
 */
import type { Database } from 'better-sqlite3';
import type { ConnectionSpec } from '../types.ts';

export type ConnectionsRepo = ReturnType<typeof createConnectionsRepo>;

/** Builds the connections repository; `seal`/`open` encrypt and decrypt the connection string. */
export function createConnectionsRepo(db: Database, seal: (s: string) => string, open: (s: string) => string) {
  const allStmt = db.prepare<[], { name: string; type: ConnectionSpec['type']; connection_string: string }>(
    'SELECT name, type, connection_string FROM connections ORDER BY name',
  );
  const upsertStmt = db.prepare(`INSERT INTO connections (name, type, connection_string, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET type = excluded.type, connection_string = excluded.connection_string,
    updated_at = excluded.updated_at`);
  const deleteStmt = db.prepare('DELETE FROM connections WHERE name = ?');

  return {
    list(): ConnectionSpec[] {
      return allStmt.all().map((r) => ({ name: r.name, type: r.type, connectionString: open(r.connection_string) }));
    },
    /**
     * The connection with this name compared ignoring case, as a schedule file compares it; the
     * exact spelling first (a folder may hold two from before saving refused the second).
     */
    get(name: string): ConnectionSpec | undefined {
      const all = this.list();
      const key = name.toLowerCase();
      return all.find((c) => c.name === name) ?? all.find((c) => c.name.toLowerCase() === key);
    },
    upsert(connection: ConnectionSpec, now: number): void {
      upsertStmt.run(connection.name, connection.type, seal(connection.connectionString), now);
    },
    remove(name: string): boolean {
      return deleteStmt.run(name).changes === 1;
    },
  };
}
