import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, dataFolder, FIXTURES } from './helpers.ts';

const fixture = (name: string) => path.join(FIXTURES, name);

describe('batchlight validate', { timeout: 60_000 }, () => {
  it('a good schedule file is valid: exit 0 and a summary', async () => {
    const result = await cli(['validate', fixture('valid-schedules.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid: 2 schedules/);
  });

  it('a bad file prints every problem with the schedule name and field, and exits 1', async () => {
    const result = await cli(['validate', fixture('invalid-schedules.json')]);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    const problem = (name: string, field: string) => lines.find((l) => l.includes(`"${name}"`) && l.includes(`› ${field}:`));
    expect(problem('nightly-report', 'cron')).toMatch(/61/);
    expect(problem('ping-api', 'timezone')).toMatch(/Mars\/Olympus/);
    expect(problem('ping-api', 'job.url')).toMatch(/ftp:\/\/example\.com/);
    expect(problem('ping-api', 'timeoutSeconds')).toMatch(/positive number.*-1/);
    expect(result.stderr).toMatch(/4 problems/);
  });

  it('a missing file is a one-line reason naming the file, exit non-zero', async () => {
    const missing = path.join(dataFolder(), 'nope.json');
    const result = await cli(['validate', missing]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toMatch(/ENOENT/);
  });

  it('a file that is not JSON is a reason with line and column, no stack trace, exit non-zero', async () => {
    const result = await cli(['validate', fixture('not-json.json')]);
    expect(result.code).not.toBe(0);
    const reason = result.stderr.split('\n').find((l) => l.includes('Invalid JSON'));
    expect(reason).toMatch(/not-json\.json: Invalid JSON at line \d+, column \d+/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('batchlight next', { timeout: 60_000 }, () => {
  it('lists the next instants in the zone, including the one moved by the spring-forward gap', async () => {
    const result = await cli(['next', '30 2 * * *', '--tz', 'America/New_York', '--from', '2026-03-07T00:00:00Z', '--count', '3', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('a bad cron expression is an error naming the expression', async () => {
    const result = await cli(['next', '61 * * * *']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/61 \* \* \* \*/);
  });

  it('a --from without an offset is a wall-clock time in --tz, as the occurrences are shown', async () => {
    const result = await cli(['next', '0 * * * *', '--tz', 'America/New_York', '--from', '2026-01-31T10:00', '--count', '1', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['2026-01-31T16:00:00.000Z']);
  });

  it('an expression that can never fire is an error saying so, as validation says', async () => {
    const result = await cli(['next', '0 0 31 2 *']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')[0]).toBe('batchlight next: Cron expression `0 0 31 2 *` never fires (no such date)');
  });

  it('an unknown --tz is an error naming the zone', async () => {
    const result = await cli(['next', '0 * * * *', '--tz', 'Mars/Olympus']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unknown time zone `Mars\/Olympus`/);
  });
});

describe('command-line usage', { timeout: 60_000 }, () => {
  it('an unknown command exits 2 and prints the usage', async () => {
    const result = await cli(['frobnicate', '--data', dataFolder()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command `frobnicate`/);
    expect(result.stderr).toMatch(/Usage: batchlight COMMAND/);
  });

  it('an unknown flag exits 2, names the flag and prints the usage', async () => {
    const result = await cli(['list', '--frobnicate', '--data', dataFolder()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--frobnicate/);
    expect(result.stderr).toMatch(/Usage: batchlight/);
  });
});
