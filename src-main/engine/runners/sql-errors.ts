/**
 * What went wrong talking to a database, in words an operator can act on: the host name did
 * not resolve, nothing listens on the port, the login or the database was refused, TLS failed,
 * or the server rejected the SQL. Both drivers wrap the underlying error differently (mssql
 * keeps tedious' error in `originalError`, Node's socket error travels as `cause`, a
 * multi-address connect fails with an AggregateError), so the chain is searched for a code.
 */

/** The kinds of failure a test connection and a run distinguish. */
export type SqlErrorCategory = 'dns' | 'refused' | 'network' | 'timeout' | 'login' | 'database' | 'tls' | 'server' | 'other';

/** A driver error, classified. */
export interface ClassifiedSqlError {
  category: SqlErrorCategory;
  /** One line for the operator, starting with what failed. */
  message: string;
  /** The database's own message, when the server sent one. */
  serverMessage?: string;
  /** SQLSTATE (PostgreSQL), error number (SQL Server) or socket/driver code. */
  code?: string;
  /** False when trying again cannot help without a change (login, unknown procedure). */
  retryable: boolean;
}

/** What a message may name: never the connection string, only its parts that are not secret. */
export interface SqlTarget {
  /** `host:port` or `host\instance`. */
  target: string;
  host: string;
  user?: string;
  database?: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const NETWORK_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TLS_CODE = /^(?:ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(?:VERIFY|GET)_|HOSTNAME_MISMATCH|EPROTO)/;
/** PostgreSQL SQLSTATE classes no retry fixes: 22 data exception, 42 syntax or access rule, 0A not supported. */
const PG_PERMANENT = /^(?:22|42|0A|2F|3F|28)/;
/** SQL Server errors no retry fixes: unknown procedure/object/column, wrong or missing arguments, conversions, permissions. */
const MSSQL_PERMANENT = new Set([201, 207, 208, 229, 2812, 8114, 8144, 8145, 8152, 2628, 245, 515, 547]);

/** Classifies any error a driver threw for `target`. */
export function classifySqlError(error: unknown, target: SqlTarget): ClassifiedSqlError {
  const chain = errorChain(error);
  const codes = chain.map((e) => e.code).filter((c): c is string => typeof c === 'string');
  const top = chain[0];
  const message = top?.message ?? String(error);
  const dns = codes.find((c) => DNS_CODES.has(c));
  if (dns) return { category: 'dns', code: dns, retryable: true, message: `DNS: cannot resolve host '${target.host}' (${dns})` };
  if (codes.includes('ECONNREFUSED')) {
    return { category: 'refused', code: 'ECONNREFUSED', retryable: true, message: `Refused: nothing listens on ${target.target} (connection refused)` };
  }
  // A message only counts when the server did not send it: a procedure may well say "certificate".
  const local = chain.filter((e) => e.severity === undefined && e.number === undefined);
  const tls = codes.find((c) => TLS_CODE.test(c)) ?? (local.some((e) => /\b(?:ssl|tls|certificate)\b/i.test(e.message)) ? 'TLS' : undefined);
  if (tls) {
    const detail = local.find((e) => /ssl|tls|certificate|self[- ]signed/i.test(e.message))?.message ?? message;
    const hint = /self[- ]signed|unable to (?:verify|get)/i.test(detail)
      ? '; the server certificate is not trusted: install its CA, or set TrustServerCertificate=True (sslmode=require for PostgreSQL) to accept it'
      : '';
    return { category: 'tls', code: tls, retryable: false, message: `TLS: ${detail}${hint}` };
  }
  const network = codes.find((c) => NETWORK_CODES.has(c));
  if (network) return { category: 'network', code: network, retryable: true, message: `Network: the connection to ${target.target} failed (${network}: ${message})` };

  const pg = chain.find((e) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string');
  if (pg) return classifyPostgres(pg, target);
  const mssql = chain.find((e) => e.code === 'ELOGIN' || typeof e.number === 'number');
  if (mssql) return classifyMssql(mssql, target);
  if (codes.includes('EINSTLOOKUP') || codes.includes('ETIMEDOUT') || codes.includes('ETIMEOUT') || /timeout|timed out/i.test(message)) {
    // tedious finds a named instance's port by asking the SQL Server Browser on UDP 1434.
    const hint = target.target.includes('\\')
      ? '; a named instance is found through the SQL Server Browser service (UDP 1434): check that it runs, or give the port (Server=host,port)'
      : '';
    return { category: 'timeout', code: codes[0] ?? 'ETIMEOUT', retryable: true, message: `Timeout: no answer from ${target.target} (${message})${hint}` };
  }
  return { category: 'other', retryable: true, message, ...(codes[0] ? { code: codes[0] } : {}) };
}

interface ChainLink {
  message: string;
  code?: unknown;
  number?: unknown;
  severity?: unknown;
}

function classifyPostgres(error: ChainLink, target: SqlTarget): ClassifiedSqlError {
  const code = String(error.code);
  const base = { code, serverMessage: error.message };
  if (code === '28P01' || code === '28000') {
    return { ...base, category: 'login', retryable: false, message: `Login failed for user '${target.user ?? '(default)'}': ${error.message}` };
  }
  if (code === '3D000') {
    return { ...base, category: 'database', retryable: false, message: `Database '${target.database ?? '(default)'}' does not exist or is not accessible: ${error.message}` };
  }
  return { ...base, category: 'server', retryable: !PG_PERMANENT.test(code), message: error.message };
}

function classifyMssql(error: ChainLink, target: SqlTarget): ClassifiedSqlError {
  const number = typeof error.number === 'number' ? error.number : undefined;
  const base = { code: number === undefined ? String(error.code) : String(number), serverMessage: error.message };
  if (number === 4060 || /cannot open database/i.test(error.message)) {
    return { ...base, category: 'database', retryable: false, message: `Database '${target.database ?? '(default)'}' does not exist or is not accessible: ${error.message}` };
  }
  if (error.code === 'ELOGIN' || number === 18456) {
    return { ...base, category: 'login', retryable: false, message: `Login failed for user '${target.user ?? '(default)'}': ${error.message}` };
  }
  return { ...base, category: 'server', retryable: number === undefined || !MSSQL_PERMANENT.has(number), message: error.message };
}

/** The error, its causes and wrapped originals, and the members of aggregate errors, in order. */
function errorChain(error: unknown): ChainLink[] {
  const seen = new Set<unknown>();
  const chain: ChainLink[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    chain.push({
      message: typeof record.message === 'string' ? record.message : String(value),
      code: record.code,
      number: record.number,
      severity: record.severity,
    });
    visit(record.originalError, depth + 1);
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return chain;
}
