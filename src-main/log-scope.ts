/**
 * The scoped, redacted Logger both hosts hand the engine (electron-log/node headless,
 * electron-log/main in the tray): each line carries its scope (schedule, run, runner) and passes
 * the redactor, and a redaction hook for electron-log's own messages.
 */
import type { Logger, LogScope } from './engine/logger.ts';

type LevelFn = (...data: unknown[]) => void;

/** Anything with electron-log's four level functions. */
export type LevelTarget = Record<'debug' | 'info' | 'warn' | 'error', LevelFn>;

/** A Logger writing to `target`, every line prefixed by its scope and redacted. */
export function scopedLogger(target: LevelTarget, scope: LogScope, redact: (text: string) => string): Logger {
  const prefix = Object.entries(scope)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const line = (message: string, fields?: Record<string, unknown>) =>
    redact(`${prefix ? `[${prefix}] ` : ''}${message}${fields && Object.keys(fields).length ? ` ${safeJson(fields)}` : ''}`);
  return {
    debug: (m, f) => target.debug(line(m, f)),
    info: (m, f) => target.info(line(m, f)),
    warn: (m, f) => target.warn(line(m, f)),
    error: (m, f) => target.error(line(m, f)),
    child: (more) => scopedLogger(target, { ...scope, ...more }, redact),
  };
}

/** An electron-log hook that redacts every string (and error stack) a message carries. */
export function redactingHook(redact: (text: string) => string) {
  return <M extends { data: unknown[] }>(message: M): M => ({
    ...message,
    data: message.data.map((item: unknown) =>
      typeof item === 'string' ? redact(item) : item instanceof Error ? redact(item.stack ?? item.message) : item,
    ),
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
