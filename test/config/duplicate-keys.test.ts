/**
 * A schedule file that gives a key twice in one object is refused: JSON.parse would keep the
 * last one and drop the other without a word. The problem names where the object is, the key,
 * and the line and column of both occurrences.
 */
import { describe, expect, it } from 'vitest';
import { findDuplicateKeys } from '../../src-main/engine/config/duplicate-keys.ts';
import { parseScheduleFileText } from '../../src-main/engine/config/validate.ts';

const problemsOf = (text: string) => {
  const result = parseScheduleFileText(text);
  return result.ok ? [] : result.problems;
};

const FILE = `{
  "schedules": [
    {
      "name": "nightly",
      "cron": "0 30 2 * * *",
      "job": {
        "type": "process",
        "executablePath": "node",
        "timeoutSeconds": 60,
        "timeoutSeconds": 600
      }
    }
  ]
}`;

describe('duplicate keys in a schedule file', () => {
  it('a key given twice in a job is refused, naming the object, the key and both places', () => {
    expect(problemsOf(FILE)).toEqual([
      {
        path: 'schedules[0] "nightly" › job.timeoutSeconds',
        message:
          'Duplicate key `timeoutSeconds` in `schedules[0].job` at line 10, column 9 (first at line 9, column 9); JSON keeps only the last one, so remove one of them',
      },
    ]);
  });

  it('keys are compared after unescaping: "name" and "n\\u0061me" are the same key', () => {
    const found = problemsOf('{"schedules": [{"name": "a", "n\\u0061me": "b", "cron": "@daily", "job": {"type": "process", "executablePath": "x"}}]}');
    expect(found.map((p) => p.message)).toEqual([
      'Duplicate key `name` in `schedules[0]` at line 1, column 30 (first at line 1, column 17); JSON keeps only the last one, so remove one of them',
    ]);
  });

  it('a duplicate at the top level is named as such', () => {
    expect(problemsOf('{"settings": {},\n"settings": {"concurrency": 2}}')).toEqual([
      { path: 'settings', message: 'Duplicate key `settings` in the top level of the file at line 2, column 1 (first at line 1, column 2); JSON keeps only the last one, so remove one of them' },
    ]);
  });

  it('a duplicate deep in a header map is found, with the header named as written', () => {
    const text = '{"settings": {"webhooks": [{"name": "w", "url": "https://x.test/", "headers": {"X-Key": "1", "X-Key": "2"}}]}}';
    expect(problemsOf(text).map((p) => [p.path, p.message.split(' at ')[0]])).toEqual([
      ['settings.webhooks[0].headers["X-Key"]', 'Duplicate key `X-Key` in `settings.webhooks[0].headers`'],
    ]);
  });

  it('every duplicate is reported, not only the first', () => {
    const text = '{"schedules": [{"name": "a", "name": "b"}, {"cron": "x", "cron": "y"}], "connections": [], "connections": []}';
    expect(problemsOf(text).map((p) => p.path)).toEqual(['schedules[0] "b" › name', 'schedules[1] › cron', 'connections']);
  });

  it('the same key in different objects, and a key-like text inside a string, are not duplicates', () => {
    const text = String.raw`{"schedules": [
      {"name": "a", "cron": "@daily", "job": {"type": "process", "executablePath": "x", "arguments": ["\"name\": 1, \"name\": 2", "{\"a\":1,\"a\":2}"]}},
      {"name": "b", "cron": "@daily", "job": {"type": "process", "executablePath": "x\\", "environment": {"name": "\\\"", "Name": "y"}}}
    ]}`;
    const result = parseScheduleFileText(text);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('a legacy JobConfiguration JSON string with a duplicate key is refused too', () => {
    const item = { Name: 'Old', CronExpression: '0 0 12 * * ?', JobType: 'ApiCall', JobConfiguration: '{"Url": "https://a.test/", "Url": "https://b.test/"}' };
    expect(problemsOf(JSON.stringify({ schedules: [item] }))).toEqual([
      {
        path: 'schedules[0] "Old" › JobConfiguration',
        message: 'Duplicate key `Url` in `JobConfiguration` (a JSON string) at line 1, column 28 (first at line 1, column 2); JSON keeps only the last one, so remove one of them',
      },
    ]);
  });
});

describe('findDuplicateKeys', () => {
  it('finds nothing in a large file of distinct keys, and the one duplicate at its end', () => {
    const entries = Array.from({ length: 200_000 }, (_, i) => `"k${i}": {"a": [1, "x\\"y", {"b": null}]}`);
    const text = `{${entries.join(',\n')}}`;
    expect(findDuplicateKeys(text)).toEqual({ duplicates: [], total: 0 });
    const found = findDuplicateKeys(`{${entries.join(',\n')},\n"k0": 1}`);
    expect(found.total).toBe(1);
    expect(found.duplicates[0]).toMatchObject({ objectPath: [], key: 'k0', line: 200_001, column: 1, first: { line: 1, column: 2 } });
  });

  it('keeps at most `limit` duplicates but counts them all', () => {
    const text = `{${Array.from({ length: 10 }, () => '"a": 1').join(', ')}}`;
    const found = findDuplicateKeys(text, 3);
    expect([found.duplicates.length, found.total]).toEqual([3, 9]);
  });

  it('a deeply nested document is scanned without overflowing the stack', () => {
    expect(findDuplicateKeys(`${'{"a": ['.repeat(100_000)}${']}'.repeat(100_000)}`).total).toBe(0);
  });
});
