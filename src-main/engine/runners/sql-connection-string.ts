/**
 * Connection strings as operators write them, read into driver options. SQL Server strings are
 * ADO.NET-style (`Server=sql01\SQLEXPRESS,1433;Database=Billing;User Id=app;Password=...;
 * Encrypt=True;TrustServerCertificate=True`); PostgreSQL ones are URLs
 * (`postgres://user:pw@host:5432/db?sslmode=require`), libpq `key=value` pairs (`host=db
 * dbname=app user=app`) or Npgsql-style (`Host=db;Database=app;Username=app;Password=...`).
 * As ADO.NET does, an unknown keyword is an error rather than silently ignored. Messages name
 * keywords and non-secret values only: a password never appears in one.
 */
import { NonRetryableError } from '../errors.ts';

/** What the mssql (tedious) pool needs from a SQL Server connection string. */
export interface MssqlConnectionOptions {
  server: string;
  port?: number;
  instanceName?: string;
  database?: string;
  user?: string;
  password?: string;
  /** Set for NTLM: `Integrated Security=True` with `User Id=DOMAIN\user`. */
  domain?: string;
  encrypt: boolean | 'strict';
  trustServerCertificate: boolean;
  connectTimeoutSeconds?: number;
  applicationName?: string;
  readOnlyIntent?: boolean;
  poolMax?: number;
  poolMin?: number;
}

/** TLS for PostgreSQL: off, or on with or without checking the server's certificate. */
export type PostgresTls = false | { rejectUnauthorized: boolean; verifyHostname: boolean; caFile?: string };

/** What a pg pool needs from a PostgreSQL connection string. */
export interface PostgresConnectionOptions {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  tls: PostgresTls;
  connectTimeoutSeconds?: number;
  applicationName?: string;
  poolMax?: number;
}

/**
 * Splits an ADO.NET connection string into lower-cased keywords and values. Values may be
 * quoted with `"` or `'` (a doubled quote is literal) or ODBC-style `{...}` (`}}` is literal);
 * empty segments are skipped; a repeated keyword keeps its last value, as in ADO.NET.
 */
export function parseAdoPairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  let i = 0;
  let lastKey: string | undefined;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const semi = text.indexOf(';', i);
    if (eq === -1 || (semi !== -1 && semi < eq)) {
      // Not shown: a stray segment is most often the rest of a password that holds a `;`.
      const stray = text.slice(i, semi === -1 ? text.length : semi).trim();
      if (stray) {
        const where = lastKey ? `after the value of \`${lastKey}\`` : 'at its start';
        throw new NonRetryableError(`Expected \`keyword=value\` in the connection string, got ${stray.length} characters without \`=\` ${where}; a value that holds \`;\` must be quoted (Password="a;b")`);
      }
      i = semi === -1 ? text.length : semi + 1;
      continue;
    }
    const key = text.slice(i, eq).trim().toLowerCase().replace(/\s+/g, ' ');
    if (!key) throw new NonRetryableError('The connection string has a value without a keyword before `=`');
    const { value, end } = readAdoValue(text, eq + 1, key);
    pairs.set(key, value);
    lastKey = key;
    i = end;
  }
  return pairs;
}

/** Reads a SQL Server ADO.NET connection string. */
export function parseMssqlConnectionString(text: string): MssqlConnectionOptions {
  const pairs = new Keywords(parseAdoPairs(text));
  const server = pairs.take('server', 'data source', 'address', 'addr', 'network address');
  if (!server) throw new NonRetryableError('The connection string names no server (`Server=host` or `Data Source=host`)');
  const options: MssqlConnectionOptions = {
    ...parseServer(server),
    encrypt: true,
    trustServerCertificate: false,
  };
  const database = pairs.take('database', 'initial catalog');
  if (database) options.database = database;
  const user = pairs.take('user id', 'uid', 'user', 'username', 'user name');
  const password = pairs.take('password', 'pwd');
  if (password !== undefined) options.password = password;
  const integrated = pairs.take('integrated security', 'trusted_connection');
  const authentication = pairs.take('authentication');
  if (authentication !== undefined && !['sqlpassword', 'sql password'].includes(authentication.toLowerCase())) {
    throw new NonRetryableError(`Authentication=${authentication} is not supported; use SQL authentication (User Id and Password)`);
  }
  if (integrated !== undefined && (integrated.toLowerCase() === 'sspi' || parseBool(integrated, 'Integrated Security'))) {
    // tedious cannot log in as the account the service runs as (SSPI/Kerberos); the mssql README
    // says so ("tedious does not support Windows Authentication/Trusted Connection, however the
    // msnodesqlv8 driver does"). It does speak NTLM with an explicit domain account.
    const domainUser = user === undefined ? undefined : /^([^\\]+)\\(.+)$/.exec(user);
    if (!domainUser || password === undefined) {
      throw new NonRetryableError(
        'Integrated Security (logging in as the Windows account Batchlight runs as) needs the msnodesqlv8 driver, which ' +
          'Batchlight does not include. Use SQL authentication (User Id=...;Password=...), or NTLM with ' +
          'Integrated Security=True;User Id=DOMAIN\\user;Password=...',
      );
    }
    options.domain = domainUser[1];
    options.user = domainUser[2];
  } else if (user !== undefined) {
    options.user = user;
  }
  const encrypt = pairs.take('encrypt');
  if (encrypt !== undefined) {
    const lower = encrypt.toLowerCase();
    options.encrypt = lower === 'strict' ? 'strict' : lower === 'mandatory' ? true : lower === 'optional' ? false : parseBool(encrypt, 'Encrypt');
  }
  const trust = pairs.take('trustservercertificate', 'trust server certificate');
  if (trust !== undefined) options.trustServerCertificate = parseBool(trust, 'TrustServerCertificate');
  const timeout = pairs.take('connect timeout', 'connection timeout', 'timeout');
  if (timeout !== undefined) options.connectTimeoutSeconds = parseCount(timeout, 'Connect Timeout', 0);
  const appName = pairs.take('application name', 'app');
  if (appName) options.applicationName = appName;
  const intent = pairs.take('applicationintent', 'application intent');
  if (intent !== undefined) options.readOnlyIntent = intent.toLowerCase() === 'readonly';
  const max = pairs.take('max pool size');
  if (max !== undefined) options.poolMax = parseCount(max, 'Max Pool Size', 1);
  const min = pairs.take('min pool size');
  if (min !== undefined) options.poolMin = parseCount(min, 'Min Pool Size', 0);
  // Accepted and not needed here: the runner sets its own timeouts, and tedious always uses one
  // connection per request with multiple result sets.
  pairs.ignore('command timeout', 'pooling', 'multipleactiveresultsets', 'multiple active result sets', 'persist security info',
    'packet size', 'workstation id', 'wsid', 'multisubnetfailover', 'multi subnet failover', 'connectretrycount', 'connect retry count',
    'connectretryinterval', 'connect retry interval', 'load balance timeout', 'connection lifetime', 'enlist', 'current language', 'language');
  pairs.rejectRest('SQL Server');
  return options;
}

/** Reads a PostgreSQL connection string: URL, libpq `key=value`, or Npgsql `Key=Value;`. */
export function parsePostgresConnectionString(text: string): PostgresConnectionOptions {
  const trimmed = text.trim();
  const pairs = new Keywords(/^postgres(?:ql)?:\/\//i.test(trimmed) ? urlPairs(trimmed) : trimmed.includes(';') ? parseAdoPairs(trimmed) : libpqPairs(trimmed));
  const host = pairs.take('host', 'server', 'hostaddr') ?? 'localhost';
  const port = pairs.take('port');
  const options: PostgresConnectionOptions = { host, port: port ? parseCount(port, 'Port', 1) : 5432, tls: false };
  const database = pairs.take('dbname', 'database', 'db');
  if (database) options.database = database;
  const user = pairs.take('user', 'username', 'user id', 'userid', 'user name', 'uid');
  if (user) options.user = user;
  const password = pairs.take('password', 'pwd');
  if (password !== undefined) options.password = password;
  const mode = (pairs.take('sslmode', 'ssl mode') ?? 'disable').toLowerCase().replace(/[-_\s]/g, '');
  const trust = pairs.take('trust server certificate', 'trustservercertificate');
  const caFile = pairs.take('sslrootcert', 'root certificate', 'rootcertificate');
  options.tls = postgresTls(mode, trust === undefined ? false : parseBool(trust, 'Trust Server Certificate'), caFile);
  const timeout = pairs.take('connect_timeout', 'timeout', 'connect timeout');
  if (timeout !== undefined) options.connectTimeoutSeconds = parseCount(timeout, 'connect_timeout', 0);
  const appName = pairs.take('application_name', 'application name');
  if (appName) options.applicationName = appName;
  const max = pairs.take('maximum pool size', 'max pool size');
  if (max !== undefined) options.poolMax = parseCount(max, 'Maximum Pool Size', 1);
  pairs.ignore('command timeout', 'pooling', 'minimum pool size', 'min pool size', 'include error detail', 'keepalive', 'keepalives',
    'client_encoding', 'encoding', 'ssl', 'search path', 'options', 'target_session_attrs');
  pairs.rejectRest('PostgreSQL');
  return options;
}

/** `host:port` (or `host\instance`) for messages. */
export function describeTarget(options: { server?: string; host?: string; port?: number; instanceName?: string }): string {
  const host = options.server ?? options.host ?? 'localhost';
  if (options.instanceName && options.port === undefined) return `${host}\\${options.instanceName}`;
  return `${host}:${options.port ?? 1433}`;
}

/** The keywords of one string; each is taken once, and whatever is left is an error. */
class Keywords {
  constructor(private readonly pairs: Map<string, string>) {}

  take(...names: string[]): string | undefined {
    let found: string | undefined;
    for (const name of names) {
      if (this.pairs.has(name)) found = this.pairs.get(name);
      this.pairs.delete(name);
    }
    return found;
  }

  ignore(...names: string[]): void {
    for (const name of names) this.pairs.delete(name);
  }

  rejectRest(server: string): void {
    const rest = [...this.pairs.keys()];
    if (rest.length) {
      throw new NonRetryableError(`Keyword${rest.length === 1 ? '' : 's'} ${rest.map((k) => `'${k}'`).join(', ')} not supported in a ${server} connection string`);
    }
  }
}

function readAdoValue(text: string, start: number, key: string): { value: string; end: number } {
  let i = start;
  while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i += 1;
  const open = text.charAt(i);
  if (open === '"' || open === "'" || open === '{') {
    const close = open === '{' ? '}' : open;
    let value = '';
    i += 1;
    for (;;) {
      if (i >= text.length) throw new NonRetryableError(`The value of '${key}' in the connection string has no closing ${close}`);
      const char = text.charAt(i);
      if (char === close) {
        if (text.charAt(i + 1) === close) {
          value += close;
          i += 2;
          continue;
        }
        i += 1;
        break;
      }
      value += char;
      i += 1;
    }
    const semi = text.indexOf(';', i);
    const after = text.slice(i, semi === -1 ? text.length : semi).trim();
    if (after) throw new NonRetryableError(`Unexpected text after the quoted value of '${key}' in the connection string`);
    return { value, end: semi === -1 ? text.length : semi + 1 };
  }
  const semi = text.indexOf(';', i);
  return { value: text.slice(i, semi === -1 ? text.length : semi).trim(), end: semi === -1 ? text.length : semi + 1 };
}

/** libpq `key=value key='quoted \' value'` pairs (PostgreSQL "Connection Strings", 34.1.1). */
function libpqPairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|((?:[^\s'\\]|\\.)*))/gy;
  let match: RegExpExecArray | null;
  let last = 0;
  while ((match = pattern.exec(text)) !== null && match[0] !== '') {
    pairs.set(match[1]!.toLowerCase(), (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1'));
    last = pattern.lastIndex;
  }
  if (text.slice(last).trim()) {
    throw new NonRetryableError('Expected a PostgreSQL connection string as a URL (postgres://...), libpq `key=value` pairs or `Key=Value;` pairs');
  }
  return pairs;
}

function urlPairs(text: string): Map<string, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NonRetryableError('The PostgreSQL connection URL is not a valid URL');
  }
  const pairs = new Map<string, string>();
  for (const [key, value] of url.searchParams) pairs.set(key.toLowerCase(), value);
  const decode = (part: string) => decodeURIComponent(part);
  if (url.hostname) pairs.set('host', url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (url.port) pairs.set('port', url.port);
  if (url.username) pairs.set('user', decode(url.username));
  if (url.password) pairs.set('password', decode(url.password));
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database) pairs.set('dbname', database);
  return pairs;
}

function parseServer(server: string): Pick<MssqlConnectionOptions, 'server' | 'port' | 'instanceName'> {
  let value = server.trim();
  if (/^np:/i.test(value)) throw new NonRetryableError('Named pipes (np:) are not supported; connect over TCP');
  value = value.replace(/^tcp:/i, '');
  const comma = value.lastIndexOf(',');
  let port: number | undefined;
  if (comma !== -1) {
    port = parseCount(value.slice(comma + 1).trim(), 'the port after `,` in Server', 1);
    value = value.slice(0, comma).trim();
  }
  const slash = value.indexOf('\\');
  let instanceName: string | undefined;
  if (slash !== -1) {
    instanceName = value.slice(slash + 1);
    value = value.slice(0, slash);
  }
  if (value === '.' || value.toLowerCase() === '(local)' || value.toLowerCase() === '(localdb)') value = 'localhost';
  if (!value) throw new NonRetryableError('The server in the connection string has no host name');
  const result: Pick<MssqlConnectionOptions, 'server' | 'port' | 'instanceName'> = { server: value };
  // A port wins over an instance name (as in SqlClient): no SQL Browser lookup is needed then.
  if (port !== undefined) result.port = port;
  else if (instanceName) result.instanceName = instanceName;
  return result;
}

function postgresTls(mode: string, trust: boolean, caFile: string | undefined): PostgresTls {
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // pg has no "try TLS, fall back to plain"; these modes connect without TLS.
      return false;
    case 'require':
      return { rejectUnauthorized: !trust && caFile !== undefined, verifyHostname: false, ...(caFile ? { caFile } : {}) };
    case 'verifyca':
      return { rejectUnauthorized: !trust, verifyHostname: false, ...(caFile ? { caFile } : {}) };
    case 'verifyfull':
      return { rejectUnauthorized: !trust, verifyHostname: !trust, ...(caFile ? { caFile } : {}) };
    default:
      throw new NonRetryableError(`Expected sslmode to be disable, allow, prefer, require, verify-ca or verify-full, got \`${mode}\``);
  }
}

function parseBool(value: string, keyword: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'yes') return true;
  if (lower === 'false' || lower === 'no') return false;
  throw new NonRetryableError(`Expected ${keyword} to be True or False, got \`${value}\``);
}

function parseCount(value: string, keyword: string, min: number): number {
  const parsed = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > 65_535 * 1000) {
    throw new NonRetryableError(`Expected ${keyword} to be a whole number${min > 0 ? ` from ${min}` : ''}, got \`${value}\``);
  }
  return parsed;
}
