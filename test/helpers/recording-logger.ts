/** A Logger for tests that writes down `level message fields` lines, to assert what was logged. */
import type { Logger } from '../../src-main/engine/logger.ts';

/** A logger appending one `level message {fields}` line per call to `lines`. */
export function recordingLogger(lines: string[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}
