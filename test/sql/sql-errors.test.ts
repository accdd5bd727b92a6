import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import { classifySqlError } from '../../src-main/engine/runners/sql-errors.ts';

const target = { target: 'sql01:1433', host: 'sql01', user: 'app', database: 'Billing' };

/** A SQL Server error as mssql reports it: a RequestError carrying the server's number. */
function requestError(number: number, message: string): Error {
  return Object.assign(new sql.RequestError(message, 'EREQUEST'), { number });
}

describe('classifying driver errors (shapes the live tests cannot reach without SQL Server)', () => {
  it('SQL Server: a refused login names the user', () => {
    const error = new sql.ConnectionError("Login failed for user 'app'.", 'ELOGIN');
    expect(classifySqlError(error, target)).toMatchObject({ category: 'login', retryable: false, message: "Login failed for user 'app': Login failed for user 'app'." });
  });

  it('SQL Server: a database the login cannot open is a database failure', () => {
    const error = new sql.ConnectionError('Cannot open database "Billing" requested by the login. The login failed.', 'ELOGIN');
    expect(classifySqlError(error, target)).toMatchObject({ category: 'database', message: expect.stringMatching(/^Database 'Billing' does not exist or is not accessible: Cannot open database/) });
  });

  it('SQL Server: an unknown procedure is not retried; a RAISERROR from the procedure is', () => {
    expect(classifySqlError(requestError(2812, "Could not find stored procedure 'dbo.nope'."), target)).toMatchObject({ category: 'server', retryable: false, code: '2812' });
    expect(classifySqlError(requestError(50000, 'Archive failed'), target)).toMatchObject({ category: 'server', retryable: true, message: 'Archive failed' });
  });

  it('an untrusted certificate deep in the chain is TLS, with what to do about it', () => {
    const socket = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const error = new sql.ConnectionError(Object.assign(new Error('Failed to connect to sql01:1433 - self-signed certificate'), { cause: socket }), 'ESOCKET');
    const classified = classifySqlError(error, target);
    expect(classified).toMatchObject({ category: 'tls', retryable: false });
    expect(classified.message).toMatch(/^TLS: .*self-signed certificate; the server certificate is not trusted: install its CA, or set TrustServerCertificate=True/);
  });

  it('a server message that merely mentions a certificate is not a TLS failure', () => {
    expect(classifySqlError(requestError(50000, 'Customer certificate expired'), target).category).toBe('server');
  });

  it('a refused connect to several addresses (AggregateError) is "refused"', () => {
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    const error = new AggregateError([refused('::1:1433'), refused('127.0.0.1:1433')], 'connect failed');
    expect(classifySqlError(error, target)).toMatchObject({ category: 'refused', message: 'Refused: nothing listens on sql01:1433 (connection refused)' });
  });

  it('PostgreSQL: deadlocks are retried, undefined tables are not', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });
    expect(classifySqlError(pgError('40P01', 'deadlock detected'), target)).toMatchObject({ category: 'server', retryable: true });
    expect(classifySqlError(pgError('42P01', 'relation "x" does not exist'), target)).toMatchObject({ category: 'server', retryable: false });
  });

  it('a named instance that does not answer points at the SQL Server Browser', () => {
    const error = new sql.ConnectionError('Failed to connect to sql01\\SQLEXPRESS in 15000ms', 'ETIMEOUT');
    expect(classifySqlError(error, { ...target, target: 'sql01\\SQLEXPRESS' }).message).toContain('SQL Server Browser service (UDP 1434)');
  });
});
