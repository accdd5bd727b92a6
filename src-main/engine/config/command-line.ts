/**
 * Splitting one command-line string into arguments the way a Windows program receives them.
 * Schedules may give `arguments` as one string (and the original platform's `Arguments` always
 * was one), but runners pass an argument array, never a string through a shell. Splitting here
 * with the Windows rules keeps the meaning the author saw when the string went to CreateProcess.
 *
 * The rules are those of CommandLineToArgvW and the Microsoft C runtime (2008 and later), from
 * "Parsing C++ command-line arguments" (learn.microsoft.com):
 * - space and tab separate arguments (CR and LF too here: a JSON string may hold them, and no
 *   Windows command line can);
 * - a double quote starts or ends a quoted part, in which whitespace is kept; quoted and
 *   unquoted parts join into one argument (`a"b c"d` is `ab cd`);
 * - backslashes are literal unless they come right before a double quote: then each pair gives
 *   one backslash, and an odd one left over makes the quote literal;
 * - inside a quoted part, `""` gives one literal quote and the quoted part goes on (the
 *   runtime's behaviour since 2008; older runtimes ended the quoted part there).
 * The first argument is not given the program-name treatment, because the executable is a
 * separate field.
 */

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/** Splits a command-line string into its arguments with the Windows rules above. */
export function splitWindowsCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArgument = false;
  let inQuotes = false;
  let i = 0;
  while (i < commandLine.length) {
    const char = commandLine.charAt(i);
    if (WHITESPACE.has(char) && !inQuotes) {
      if (inArgument) args.push(current);
      current = '';
      inArgument = false;
      i += 1;
      continue;
    }
    inArgument = true;
    if (char === '\\') {
      let count = 0;
      while (commandLine.charAt(i) === '\\') {
        count += 1;
        i += 1;
      }
      if (commandLine.charAt(i) === '"') {
        current += '\\'.repeat(Math.floor(count / 2));
        if (count % 2 === 1) {
          current += '"';
          i += 1;
        }
      } else {
        current += '\\'.repeat(count);
      }
      continue;
    }
    if (char === '"') {
      if (inQuotes && commandLine.charAt(i + 1) === '"') {
        current += '"';
        i += 2;
        continue;
      }
      inQuotes = !inQuotes;
      i += 1;
      continue;
    }
    current += char;
    i += 1;
  }
  if (inArgument) args.push(current);
  return args;
}
