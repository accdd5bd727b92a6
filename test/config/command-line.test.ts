import { describe, expect, it } from 'vitest';
import { splitWindowsCommandLine } from '../../src-main/engine/config/command-line.ts';

// Cases from Microsoft's "Parsing C++ command-line arguments" table and CommandLineToArgvW's rules.
const CASES: Array<[string, string[]]> = [
  ['', []],
  ['   \t ', []],
  ['-mode production -date {CurrentDate}', ['-mode', 'production', '-date', '{CurrentDate}']],
  ['"C:\\Program Files\\x.exe" -a "b c"', ['C:\\Program Files\\x.exe', '-a', 'b c']],
  ['a\\\\\\"b', ['a\\"b']],
  ['""', ['']],
  ['a "" b', ['a', '', 'b']],
  ['"abc" d e', ['abc', 'd', 'e']],
  ['a\\\\b d"e f"g h', ['a\\\\b', 'de fg', 'h']],
  ['a\\\\\\"b c d', ['a\\"b', 'c', 'd']],
  ['a\\\\\\\\"b c" d e', ['a\\\\b c', 'd', 'e']],
  ['a"b"" c d', ['ab" c d']],
  ['"a""b" c', ['a"b', 'c']],
  ['"ab\\"c" "\\\\" d', ['ab"c', '\\', 'd']],
  ['C:\\Jobs\\run.exe', ['C:\\Jobs\\run.exe']],
  ['trailing\\', ['trailing\\']],
  ['"unterminated quote here', ['unterminated quote here']],
  ['  lead\t\ttabs  ', ['lead', 'tabs']],
  ['line\r\nbreak', ['line', 'break']],
];

describe('splitWindowsCommandLine', () => {
  it.each(CASES)('splits %j like a Windows program receives it', (commandLine, expected) => {
    expect(splitWindowsCommandLine(commandLine)).toEqual(expected);
  });
});
