/**
 * The tray app's one logger: electron-log's main-process entry writing `tray.log` in the data
 * folder's logs (the headless host writes batchlight.log there; two processes never share a
 * file), every line passed through the redactor, uncaught errors logged without a dialog.
 */
import path from 'node:path';
import { ipcMain } from 'electron';
import electronLog from 'electron-log/main';
import type { Logger } from '../engine/logger.ts';
import { redactingHook, scopedLogger } from '../log-scope.ts';

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
  log.hooks.push(redactingHook(options.redact));
  log.errorHandler.startCatching({ showDialog: false });
  return scopedLogger(log, {}, options.redact);
}
