/**
 * CLI commands about database connections: test-connection.
 */
import { NotFoundError } from '../engine/errors.ts';
import { testSqlConnection } from '../engine/runners/sql-test-connection.ts';
import { intFlag, required, type CliContext } from './context.ts';

/**
 * The longest `--timeout` a connection test may wait, in seconds: an hour is already far past
 * any login timeout, and the drivers' timers hold no more than about 24 days.
 */
const MAX_TEST_SECONDS = 3600;

/**
 * `test-connection NAME [--timeout S] [--json]`: connects with the stored connection string and
 * says what failed (DNS, refused, login, database, TLS, timeout); exit 1 if it failed.
 */
export async function testConnection(ctx: CliContext): Promise<number> {
  const name = required(ctx, 0, 'NAME (the connection)');
  const timeoutSeconds = ctx.flags.timeout === undefined ? undefined : intFlag(ctx, 'timeout', 15, MAX_TEST_SECONDS);
  const store = ctx.engine().store;
  const spec = store.connections.get(name);
  if (!spec) {
    const known = store.connections.list().map((c) => c.name);
    throw new NotFoundError(`No connection named '${name}' (known: ${known.length ? known.join(', ') : 'none; import a schedule file with "connections"'})`);
  }
  const result = await testSqlConnection(spec, timeoutSeconds === undefined ? {} : { timeoutSeconds });
  const message = store.redactor.redact(result.message);
  if (ctx.flags.json) ctx.out(JSON.stringify({ ...result, message }, null, 2));
  else if (result.ok) ctx.out(message);
  else ctx.err(`batchlight test-connection: ${name}: ${message}`);
  return result.ok ? 0 : 1;
}
