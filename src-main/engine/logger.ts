/**
 * The engine's logging seam. The host hands in one Logger (electron-log in the tray app,
 * electron-log/node headless); the engine scopes it per schedule and run and never calls
 * console.*. Every message and field passes through the redactor first.
 */
import type { RunRedactor } from './redact.ts';

export interface LogScope {
  scheduleId?: string;
  schedule?: string;
  runId?: string;
  runner?: string;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: LogScope): Logger;
}

/**
 * `logger` with every message and field passed through `redactor` first: for a run with secrets
 * of its own, which the host's redactor does not know.
 */
export function redactingLogger(logger: Logger, redactor: RunRedactor): Logger {
  return {
    debug: (message, fields) => logger.debug(redactor.redact(message), fields && redactor.redactDeep(fields)),
    info: (message, fields) => logger.info(redactor.redact(message), fields && redactor.redactDeep(fields)),
    warn: (message, fields) => logger.warn(redactor.redact(message), fields && redactor.redactDeep(fields)),
    error: (message, fields) => logger.error(redactor.redact(message), fields && redactor.redactDeep(fields)),
    child: (scope) => redactingLogger(logger.child(scope), redactor),
  };
}

/** A logger that drops everything, for tests and benchmarks that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
