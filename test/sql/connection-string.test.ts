import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { parseAdoPairs, parseMssqlConnectionString, parsePostgresConnectionString } from '../../src-main/engine/runners/sql-connection-string.ts';

describe('ADO.NET connection strings (SQL Server)', () => {
  it('reads the keywords users write, with their synonyms', () => {
    expect(parseMssqlConnectionString('Server=sql01,1444;Initial Catalog=Billing;UID=app;PWD=s3cret;Encrypt=False;Connect Timeout=30;Application Name=Nightly')).toEqual({
      server: 'sql01',
      port: 1444,
      database: 'Billing',
      user: 'app',
      password: 's3cret',
      encrypt: false,
      trustServerCertificate: false,
      connectTimeoutSeconds: 30,
      applicationName: 'Nightly',
    });
  });

  it('encrypts by default and trusts the certificate only when told', () => {
    expect(parseMssqlConnectionString('Data Source=tcp:sql01;User Id=a;Password=b;TrustServerCertificate=True')).toMatchObject({
      server: 'sql01',
      encrypt: true,
      trustServerCertificate: true,
    });
    expect(parseMssqlConnectionString('Server=s;Encrypt=Strict').encrypt).toBe('strict');
    expect(parseMssqlConnectionString('Server=s;Encrypt=Mandatory').encrypt).toBe(true);
  });

  it('a named instance uses the instance name, unless a port is given too', () => {
    expect(parseMssqlConnectionString('Server=.\\SQLEXPRESS;Database=x')).toMatchObject({ server: 'localhost', instanceName: 'SQLEXPRESS' });
    expect(parseMssqlConnectionString('Server=(local)\\SQLEXPRESS,1433')).toEqual(expect.objectContaining({ server: 'localhost', port: 1433 }));
    expect(parseMssqlConnectionString('Server=(local)\\SQLEXPRESS,1433').instanceName).toBeUndefined();
  });

  it('quoted values may hold semicolons and quotes; keywords ignore case and spacing', () => {
    const pairs = parseAdoPairs(`server = a ; PASSWORD="pa;ss""word" ; user id='it''s'; Database={odd}}name};`);
    expect(Object.fromEntries(pairs)).toEqual({ server: 'a', password: 'pa;ss"word', 'user id': "it's", database: 'odd}name' });
  });

  it('Integrated Security with DOMAIN\\user and a password logs in with NTLM', () => {
    expect(parseMssqlConnectionString('Server=s;Integrated Security=SSPI;User Id=CORP\\batch;Password=pw')).toMatchObject({
      domain: 'CORP',
      user: 'batch',
      password: 'pw',
    });
  });

  it('Integrated Security without an account fails and says what to use instead', () => {
    expect(() => parseMssqlConnectionString('Server=sql01;Database=Billing;Trusted_Connection=True;')).toThrow(
      /needs the msnodesqlv8 driver.*Use SQL authentication \(User Id=\.\.\.;Password=\.\.\.\), or NTLM/,
    );
  });

  it.each([
    ['Database=x', 'names no server'],
    ['Server=s;Colour=blue', "Keyword 'colour' not supported in a SQL Server connection string"],
    ['Server=s;Encrypt=maybe', 'Expected Encrypt to be True or False, got `maybe`'],
    ['Server=s,port', 'Expected the port after `,` in Server to be a whole number'],
    ['Server=np:\\\\.\\pipe\\sql', 'Named pipes (np:) are not supported'],
    ['Server=s;Password="unclosed', "The value of 'password' in the connection string has no closing \""],
    ['Server=s;Authentication=ActiveDirectoryIntegrated', 'Authentication=ActiveDirectoryIntegrated is not supported'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseMssqlConnectionString(text)).toThrow(NonRetryableError);
    expect(() => parseMssqlConnectionString(text)).toThrow(message);
  });

  it('no message ever shows the password', () => {
    for (const text of ['Server=s;Password="hunter2-secret', 'Server=s;Password=hunter2-secret;Bogus=1', 'Password=hunter2-secret', 'Server=s;Password=abc;hunter2-tail;']) {
      expect(() => parseMssqlConnectionString(text)).toThrow();
      try {
        parseMssqlConnectionString(text);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('a password holding an unquoted `;` is refused, saying where and how to quote it, without the rest of it', () => {
    expect(() => parseMssqlConnectionString('Server=s;Password=abc;hunter2-tail;Database=d')).toThrow(
      'Expected `keyword=value` in the connection string, got 12 characters without `=` after the value of `password`; a value that holds `;` must be quoted (Password="a;b")',
    );
  });
});

describe('PostgreSQL connection strings', () => {
  it('a URL', () => {
    expect(parsePostgresConnectionString('postgresql://app:p%40ss@db.example:6543/reports?sslmode=verify-full&application_name=nightly')).toEqual({
      host: 'db.example',
      port: 6543,
      database: 'reports',
      user: 'app',
      password: 'p@ss',
      tls: { rejectUnauthorized: true, verifyHostname: true },
      applicationName: 'nightly',
    });
  });

  it('libpq key=value pairs, quoted values included', () => {
    expect(parsePostgresConnectionString("host=db port=5433 dbname=app user=batch password='it\\'s secret' connect_timeout=5")).toEqual({
      host: 'db',
      port: 5433,
      database: 'app',
      user: 'batch',
      password: "it's secret",
      tls: false,
      connectTimeoutSeconds: 5,
    });
  });

  it('Npgsql-style Key=Value; pairs', () => {
    expect(parsePostgresConnectionString('Host=db;Database=app;Username=batch;Password=pw;SSL Mode=Require;Trust Server Certificate=true')).toEqual({
      host: 'db',
      port: 5432,
      database: 'app',
      user: 'batch',
      password: 'pw',
      tls: { rejectUnauthorized: false, verifyHostname: false },
    });
  });

  it.each([
    ['require', { rejectUnauthorized: false, verifyHostname: false }],
    ['verify-ca', { rejectUnauthorized: true, verifyHostname: false }],
    ['prefer', false],
    ['disable', false],
  ])('sslmode=%s', (mode, tls) => {
    expect(parsePostgresConnectionString(`host=db sslmode=${mode}`).tls).toEqual(tls);
  });

  it.each([
    ['host=db sslmode=sometimes', 'Expected sslmode to be disable, allow, prefer, require, verify-ca or verify-full'],
    ['Host=db;Flavour=x', "Keyword 'flavour' not supported in a PostgreSQL connection string"],
    ['just some words', 'Expected a PostgreSQL connection string as a URL'],
    ['host=db port=abc', 'Expected Port to be a whole number'],
  ])('%j is refused', (text, message) => {
    expect(() => parsePostgresConnectionString(text)).toThrow(message);
  });
});
