import { describe, it, expect } from 'vitest';
import { NonRetryableError } from '../../src-main/engine/errors.ts';
import { buildCommand, mergeEnvironment, shellQuote } from '../../src-main/engine/runners/process-command.ts';

const windowsEnv = { SystemRoot: 'C:\\Windows' };
const cmdExe = 'C:\\Windows\\System32\\cmd.exe';

function batchLine(args: string[], file = 'C:\\Jobs\\run.bat'): string {
  const built = buildCommand({ executablePath: file, arguments: args }, 'win32', windowsEnv);
  expect(built.file).toBe(cmdExe);
  expect(built.windowsVerbatimArguments).toBe(true);
  expect(built.args.slice(0, 3)).toEqual(['/d', '/s', '/c']);
  return built.args[3]!;
}

describe('buildCommand on Windows', () => {
  it('runs an .exe directly with its arguments untouched (Node quotes them, no shell)', () => {
    const built = buildCommand({ executablePath: 'C:\\Tools\\app.exe', arguments: ['a b', '& del *', '%PATH%'] }, 'win32', windowsEnv);
    expect(built).toEqual({ file: 'C:\\Tools\\app.exe', args: ['a b', '& del *', '%PATH%'] });
  });

  it('runs a .bat through cmd.exe /d /s /c with the whole line in outer quotes', () => {
    expect(batchLine(['plain'])).toBe(String.raw`"C:\Jobs\run.bat ^^^"plain^^^""`);
  });

  it('treats .cmd (any case) like .bat', () => {
    const built = buildCommand({ executablePath: 'C:\\Jobs\\RUN.CMD', arguments: ['x'] }, 'win32', windowsEnv);
    expect(built.args).toEqual(['/d', '/s', '/c', String.raw`"C:\Jobs\RUN.CMD ^^^"x^^^""`]);
  });

  it.each([
    ['a&b', String.raw`^^^"a^^^&b^^^"`],
    ['x|y', String.raw`^^^"x^^^|y^^^"`],
    ['<in>', String.raw`^^^"^^^<in^^^>^^^"`],
    ['^', String.raw`^^^"^^^^^^^"`],
    ['%PATH%', String.raw`^^^"^^^%PATH^^^%^^^"`],
    ['say "hi"', String.raw`^^^"say^^^ \^^^"hi\^^^"^^^"`],
    ['C:\\dir\\', String.raw`^^^"C:\dir\\^^^"`],
    ['a b', String.raw`^^^"a^^^ b^^^"`],
  ])('escapes the batch argument %j so cmd.exe keeps it literal', (arg, escaped) => {
    expect(batchLine([arg])).toBe(`"C:\\Jobs\\run.bat ${escaped}"`);
  });

  it('caret-escapes spaces and parentheses in the batch file path', () => {
    expect(batchLine([], 'C:\\Program Files\\Jobs\\run (1).cmd')).toBe(String.raw`"C:\Program^ Files\Jobs\run^ ^(1^).cmd"`);
  });

  it('refuses a batch argument with a line break, which cmd.exe would cut the command at', () => {
    expect(() => batchLine(['ok', 'two\nlines'])).toThrow(NonRetryableError);
    expect(() => batchLine(['ok', 'two\nlines'])).toThrow(/arguments\[1\] contains a line break/);
  });

  it('uses ComSpec for cmd.exe when the environment names it', () => {
    const built = buildCommand({ executablePath: 'C:\\Jobs\\run.bat', arguments: [] }, 'win32', { COMSPEC: 'D:\\Win\\cmd.exe' });
    expect(built.file).toBe('D:\\Win\\cmd.exe');
  });

  it('runs a .ps1 through powershell.exe -File with arguments as an array', () => {
    const built = buildCommand({ executablePath: 'C:\\Jobs\\clean.ps1', arguments: ['-Days', '$(Remove-Item *)'] }, 'win32', windowsEnv);
    expect(built).toEqual({
      file: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', 'C:\\Jobs\\clean.ps1', '-Days', '$(Remove-Item *)'],
    });
  });

  it('shell: true hands the line to cmd.exe as written, the only case a shell interprets it', () => {
    const built = buildCommand({ executablePath: 'dir', arguments: ['/b', '&', 'echo', 'done'], shell: true }, 'win32', windowsEnv);
    expect(built).toEqual({ file: cmdExe, args: ['/d', '/s', '/c', '"dir /b & echo done"'], windowsVerbatimArguments: true });
  });
});

describe('buildCommand on Linux', () => {
  it('runs the executable directly with the arguments as given', () => {
    const args = ['; rm -rf /', '$(id)', '`id`', '"q"'];
    expect(buildCommand({ executablePath: '/usr/bin/env', arguments: args }, 'linux')).toEqual({ file: '/usr/bin/env', args });
  });

  it('runs a .sh as is (its shebang decides the interpreter)', () => {
    expect(buildCommand({ executablePath: '/opt/jobs/run.sh', arguments: ['a'] }, 'linux')).toEqual({ file: '/opt/jobs/run.sh', args: ['a'] });
  });

  it('does not treat .bat or .ps1 specially', () => {
    expect(buildCommand({ executablePath: '/x/run.bat', arguments: ['&'] }, 'linux')).toEqual({ file: '/x/run.bat', args: ['&'] });
  });

  it('shell: true runs /bin/sh -c with the line as written', () => {
    expect(buildCommand({ executablePath: 'echo', arguments: ['a', '&&', 'echo', 'b'], shell: true }, 'linux')).toEqual({
      file: '/bin/sh',
      args: ['-c', 'echo a && echo b'],
    });
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain', `'plain'`],
    [`it's`, `'it'\\''s'`],
    ['; rm -rf / $(id) `id`', `'; rm -rf / $(id) \`id\`'`],
  ])('quotes %j as one POSIX shell word', (value, quoted) => {
    expect(shellQuote(value, 'linux')).toBe(quoted);
  });

  it('escapes a value for cmd.exe once (the line is parsed once)', () => {
    expect(shellQuote('a & del *', 'win32')).toBe(String.raw`^"a^ ^&^ del^ ^*^"`);
  });

  it('refuses a line break in a value for cmd.exe', () => {
    expect(() => shellQuote('a\r\nb', 'win32')).toThrow(NonRetryableError);
  });
});

describe('mergeEnvironment', () => {
  it('on Windows an override replaces the inherited variable whatever its case', () => {
    expect(mergeEnvironment({ Path: 'C:\\old', TEMP: 'C:\\t' }, { PATH: 'C:\\new' }, 'win32')).toEqual({ TEMP: 'C:\\t', PATH: 'C:\\new' });
  });

  it('on Linux names differing in case are different variables', () => {
    expect(mergeEnvironment({ Path: '/old' }, { PATH: '/new' }, 'linux')).toEqual({ Path: '/old', PATH: '/new' });
  });

  it('drops inherited variables that are unset', () => {
    expect(mergeEnvironment({ A: undefined, B: 'b' }, {}, 'linux')).toEqual({ B: 'b' });
  });
});
