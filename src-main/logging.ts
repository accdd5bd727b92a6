/**
 * The host's logger: electron-log (its `electron-log/node` entry, so the headless host needs no
 * Electron) writing `logs/batchlight.log` under the data folder, rotated at 5 MB with five old
 * files kept. Every line carries its scope (schedule, run, runner) and passes the redactor.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import electronLog from 'electron-log/node';
import type { Logger, LogScope } from './engine/logger.ts';

export interface HostLoggerOptions {
  logsDir: string;
  redact: (text: string) => string;
  /** Also print to the console (serve in a terminal); default false. */
  console?: boolean;
  level?: 'debug' | 'info' | 'warn' | 'error';
}

const MAX_BYTES = 5 * 1024 * 1024;
const KEEP_FILES = 5;

/** Creates the process's one logger. */
export function createHostLogger(options: HostLoggerOptions): Logger {
  const log = electronLog.create({ logId: `batchlight:${options.logsDir}` });
  const file = path.join(options.logsDir, 'batchlight.log');
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = MAX_BYTES;
  log.transports.file.level = options.level ?? 'info';
  log.transports.file.archiveLogFn = (old) => rotate(old.path);
  log.transports.console.level = options.console ? (options.level ?? 'info') : false;
  log.hooks.push((message) => ({
    ...message,
    data: message.data.map((item: unknown) => (typeof item === 'string' ? options.redact(item) : item)),
  }));
  return scoped(log, {}, options.redact);
}

/** Shifts batchlight.log → .1.log → … → .5.log, dropping the oldest. */
function rotate(current: string): void {
  const archive = (n: number) => current.replace(/\.log$/, `.${n}.log`);
  rmSync(archive(KEEP_FILES), { force: true });
  for (let n = KEEP_FILES - 1; n >= 1; n -= 1) if (existsSync(archive(n))) renameSync(archive(n), archive(n + 1));
  renameSync(current, archive(1));
}

type LevelFn = (...data: unknown[]) => void;
interface LevelTarget {
  debug: LevelFn;
  info: LevelFn;
  warn: LevelFn;
  error: LevelFn;
}

function scoped(target: LevelTarget, scope: LogScope, redact: (text: string) => string): Logger {
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
    child: (more) => scoped(target, { ...scope, ...more }, redact),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
