/**
 * The host's logger: electron-log (its `electron-log/node` entry, so the headless host needs no
 * Electron) writing `logs/batchlight.log` under the data folder, rotated at 5 MB with five old
 * files kept. Every line carries its scope (schedule, run, runner) and passes the redactor.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import electronLog from 'electron-log/node';
import type { Logger } from './engine/logger.ts';
import { redactingHook, scopedLogger } from './log-scope.ts';

export interface HostLoggerOptions {
  logsDir: string;
  redact: (text: string) => string;
  /** Also print to the console (serve in a terminal); default false. */
  console?: boolean;
  level?: 'debug' | 'info' | 'warn' | 'error';
  /** Rotate the file past this size; default 5 MB. */
  maxBytes?: number;
}

const MAX_BYTES = 5 * 1024 * 1024;
const KEEP_FILES = 5;

/** Creates the process's one logger. */
export function createHostLogger(options: HostLoggerOptions): Logger {
  const log = electronLog.create({ logId: `batchlight:${options.logsDir}` });
  const file = path.join(options.logsDir, 'batchlight.log');
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = options.maxBytes ?? MAX_BYTES;
  log.transports.file.level = options.level ?? 'info';
  log.transports.file.archiveLogFn = (old) => rotate(old.path);
  log.transports.console.level = options.console ? (options.level ?? 'info') : false;
  log.hooks.push(redactingHook(options.redact));
  return scopedLogger(log, {}, options.redact);
}

/** Shifts batchlight.log → .1.log → … → .5.log, dropping the oldest. */
function rotate(current: string): void {
  const archive = (n: number) => current.replace(/\.log$/, `.${n}.log`);
  rmSync(archive(KEEP_FILES), { force: true });
  for (let n = KEEP_FILES - 1; n >= 1; n -= 1) if (existsSync(archive(n))) renameSync(archive(n), archive(n + 1));
  renameSync(current, archive(1));
}
