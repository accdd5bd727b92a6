/**
 * A throwaway PostgreSQL server for integration tests: a new data folder under the OS temp
 * folder (initdb), listening on 127.0.0.1 only on a free port, with password (SCRAM) logins over
 * TCP, fsync off; stopped and deleted by `stop()`. It uses the server binaries of the installed
 * PostgreSQL (Debian's `postgresql` package puts them in /usr/lib/postgresql/<version>/bin; set
 * BATCHLIGHT_PG_BIN to use others). initdb refuses to run as root, so under root (CI containers)
 * every server command runs as the `postgres` OS user the package creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A running test server. */
export interface PostgresServer {
  host: string;
  port: number;
  /** A database owned by `user`, for the tests' procedures and tables. */
  database: string;
  user: string;
  password: string;
  /** `postgres://user:password@127.0.0.1:port/database`, with overrides. */
  url(overrides?: { user?: string; password?: string; database?: string; port?: number }): string;
  /** Runs SQL as the superuser on the test database. */
  admin<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = 'batchlight-admin-pw';
const USER = 'batchlight';
const PASSWORD = 'batchlight-test-pw';
const DATABASE = 'batchlight_test';

/** The message a run without PostgreSQL prints: the SQL tests need it, CI installs it. */
export const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found: the SQL integration tests start a throwaway server. ' +
  'Install them with `sudo apt-get install postgresql` (Debian/Ubuntu; .ci/run does this), ' +
  'or set BATCHLIGHT_PG_BIN to the folder holding initdb and pg_ctl.';

/** Starts a server; throws with INSTALL_HINT when PostgreSQL is not installed. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinDir();
  if (!bin) throw new Error(INSTALL_HINT);
  const asPostgres = process.getuid?.() === 0 ? postgresAccount() : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batchlight-pg-'));
  const data = path.join(dir, 'data');
  const passwordFile = path.join(dir, 'pw');
  fs.writeFileSync(passwordFile, `${ADMIN_PASSWORD}\n`);
  if (asPostgres) {
    fs.chownSync(dir, asPostgres.uid, asPostgres.gid);
    fs.chownSync(passwordFile, asPostgres.uid, asPostgres.gid);
  }
  const run = (tool: string, args: string[]) => {
    const command = asPostgres ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] as const : [path.join(bin, tool), args] as const;
    const result = spawnSync(command[0], command[1], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(`${tool} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error?.message}`);
    }
  };
  run('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync']);

  let port = 0;
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50`;
    try {
      run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
      break;
    } catch (error) {
      if (attempt === 3) throw new Error(`${(error as Error).message}\n${readLog(dir)}`);
    }
  }
  let stopped = false;
  const stopServer = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that dies without teardown must not leave a server behind.
  process.once('exit', stopServer);

  const adminConfig = { host: '127.0.0.1', port, user: 'postgres', password: ADMIN_PASSWORD };
  const setup = new pg.Client({ ...adminConfig, database: 'postgres' });
  await setup.connect();
  try {
    await setup.query(`CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}'`);
    await setup.query(`CREATE DATABASE ${DATABASE} OWNER ${USER}`);
  } finally {
    await setup.end();
  }
  const admin = new pg.Pool({ ...adminConfig, database: DATABASE, max: 2 });
  admin.on('error', () => {});

  return {
    host: '127.0.0.1',
    port,
    database: DATABASE,
    user: USER,
    password: PASSWORD,
    url(overrides = {}) {
      const user = encodeURIComponent(overrides.user ?? USER);
      const password = encodeURIComponent(overrides.password ?? PASSWORD);
      return `postgres://${user}:${password}@127.0.0.1:${overrides.port ?? port}/${encodeURIComponent(overrides.database ?? DATABASE)}`;
    },
    admin: (text, values) => admin.query(text, values),
    async stop() {
      await admin.end().catch(() => {});
      process.removeListener('exit', stopServer);
      stopServer();
    },
  };
}

function findBinDir(): string | undefined {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  const configured = process.env.BATCHLIGHT_PG_BIN;
  if (configured) return has(configured) ? configured : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian) ? fs.readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(debian, v, 'bin')).find(has);
}

function postgresAccount(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`Running as root, but there is no \`postgres\` OS user to run the test server as (initdb refuses root). ${INSTALL_HINT}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No free port'))));
    });
  });
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}
