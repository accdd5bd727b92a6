/**
 * The engine's logging seam. The host hands in one Logger (electron-log in the tray app,
 * electron-log/node headless); the engine scopes it per schedule and run and never calls
 * console.*. Every message and field passes through the redactor first.
 */
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

/** A logger that drops everything, for tests and benchmarks that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
