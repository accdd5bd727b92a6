/**
 * The tray app's one logger: electron-log's main-process entry writing `tray.log` in the data
 * folder's logs (the headless host writes batchlight.log there; two processes never share a
 * file), every line passed through the redactor, uncaught errors logged without a dialog.
 */
import path from 'node:path';
import { ipcMain } from 'electron';
import electronLog from 'electron-log/main';
import type { Logger, LogScope } from '../engine/logger.ts';

const MAX_BYTES = 5 * 1024 * 1024;

/** electron-log/main's channel for renderer log lines; it listens on it as soon as it loads. */
const ELECTRON_LOG_CHANNEL = '__ELECTRON_LOG__';

/** Creates the main process's logger; `redact` may change later (once the engine's redactor exists). */
export function createMainLogger(options: { logsDir: string; redact: (text: string) => string }): Logger {
  // The page logs nothing through electron-log, so no page gets to write into the main log.
  ipcMain.removeHandler(ELECTRON_LOG_CHANNEL);
  ipcMain.removeAllListeners(ELECTRON_LOG_CHANNEL);
  const log = electronLog.create({ logId: 'batchlight-tray' });
  log.transports.file.resolvePathFn = () => path.join(options.logsDir, 'tray.log');
  log.transports.file.maxSize = MAX_BYTES;
  log.transports.file.level = 'info';
  log.transports.console.level = false;
  log.hooks.push((message) => ({
    ...message,
    data: message.data.map((item: unknown) =>
      typeof item === 'string' ? options.redact(item) : item instanceof Error ? options.redact(item.stack ?? item.message) : item,
    ),
  }));
  log.errorHandler.startCatching({ showDialog: false });
  return scoped(log, {}, options.redact);
}

type LevelFn = (...data: unknown[]) => void;

function scoped(target: Record<'debug' | 'info' | 'warn' | 'error', LevelFn>, scope: LogScope, redact: (text: string) => string): Logger {
  const prefix = Object.entries(scope)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const line = (message: string, fields?: Record<string, unknown>) =>
    redact(`${prefix ? `[${prefix}] ` : ''}${message}${fields && Object.keys(fields).length ? ` ${json(fields)}` : ''}`);
  return {
    debug: (m, f) => target.debug(line(m, f)),
    info: (m, f) => target.info(line(m, f)),
    warn: (m, f) => target.warn(line(m, f)),
    error: (m, f) => target.error(line(m, f)),
    child: (more) => scoped(target, { ...scope, ...more }, redact),
  };
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
