/**
 * The tray app's main process: one instance per user, the engine on the shared data folder, the
 * tray, the hidden window, IPC, failure notifications and the quit flow. Everything with a rule
 * in it lives in a pure module beside this one; this file only wires.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, Notification, protocol, safeStorage, shell, type BrowserWindow } from 'electron';
import { createApiHandlers } from '../api/handlers.ts';
import { createOutputTail } from '../api/output-tail.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { toError } from '../engine/errors.ts';
import type { EngineEventMap } from '../engine/events.ts';
import { dataPaths, resolveDataDir } from '../engine/store/data-folder.ts';
import type { DesktopEvents, DesktopSettings } from './desktop-contract.ts';
import { createDesktopHandlers, failuresSeenAt, isMuted, markFailuresSeen } from './desktop-handlers.ts';
import { API_EVENTS, API_METHODS, DESKTOP_METHODS, eventChannel } from './ipc-channels.ts';
import { bindIpc, forwardEvents, senderFacts, type InvokeEventLike } from './ipc.ts';
import { createMainLogger } from './main-logger.ts';
import { createFailureNotifier } from './notifications.ts';
import { quitChoice, quitPrompt } from './quit-flow.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { createTrayController } from './tray.ts';
import type { TrayAction } from './tray-model.ts';
import { readTraySnapshot } from './tray-snapshot.ts';
import { isTrustedSender } from './trusted-sender.ts';
import { APP_SCHEME } from './window-options.ts';
import { createMainWindow, guardWebContents, showWindow } from './window.ts';

const APP_ID = 'com.batchlight.app';
/** The longest timer Node arms (about 24.8 days): "wait for the runs" means wait. */
const WAIT_FOREVER_MS = 2 ** 31 - 1;
const CANCEL_GRACE_MS = 10_000;
const ENGINE_EVENTS = API_EVENTS.filter((e): e is keyof EngineEventMap => e !== 'run.output');

const here = path.dirname(fileURLToPath(import.meta.url));
const resources = app.isPackaged ? ((process as { resourcesPath?: string }).resourcesPath ?? here) : path.join(here, '..', '..', 'resources');

/** `--data <dir>` picks another data folder, as for the CLI; the default is the CLI's default. */
function dataDirArgument(argv: string[]): string | undefined {
  const at = argv.indexOf('--data');
  return at >= 0 ? argv[at + 1] : undefined;
}

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId(APP_ID);
  app.on('window-all-closed', () => {
    // A tray app keeps running with no window.
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => void shell.openExternal(url)));
  app.whenReady().then(start).catch(fail);
}

function fail(error: unknown): void {
  dialog.showErrorBox('Batchlight could not start', toError(error).message);
  app.exit(1);
}

async function start(): Promise<void> {
  const dataDir = resolveDataDir(dataDirArgument(process.argv));
  const logsDir = dataPaths(dataDir).logs;
  const redaction = { redact: (text: string) => text };
  const logger = createMainLogger({ logsDir, redact: (text) => redaction.redact(text) });
  let engine: Engine;
  try {
    engine = createEngine({
      dataDir,
      logger,
      // DPAPI on Windows: the data folder's key only opens for this user on this machine.
      secretOptions: safeStorage.isEncryptionAvailable()
        ? { protect: (key) => safeStorage.encryptString(key.toString('base64')), unprotect: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64') }
        : undefined,
    });
    redaction.redact = (text) => engine.store.redactor.redact(text);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, '..', 'renderer')));
    await engine.start();
  } catch (error) {
    logger.error('Start-up failed', { error: toError(error).message });
    fail(error);
    return;
  }
  wire(engine, logsDir);
  // Another engine took the data folder (this one was frozen past the lease's stale threshold):
  // the engine has stopped itself; say why and quit, as `serve` exits 1.
  engine.whenStopped().catch((error: unknown) => {
    dialog.showErrorBox('Batchlight stopped', toError(error).message);
    app.exit(1);
  });
}

function wire(engine: Engine, logsDir: string): void {
  const { logger } = engine;
  const settings = engine.store.settings;
  let quitting = false;
  const window: BrowserWindow = createMainWindow({
    preload: path.join(here, 'preload.js'),
    icon: path.join(resources, 'icon.png'),
    isQuitting: () => quitting,
  });
  const send = (channel: string, payload: unknown) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const pushDesktop = <E extends keyof DesktopEvents>(event: E, payload: DesktopEvents[E]) => {
    const deliver = () => send(eventChannel(event), payload);
    if (window.webContents.isLoading()) window.webContents.once('did-finish-load', deliver);
    else deliver();
  };

  const open = () => {
    showWindow(window);
    markFailuresSeen(settings, engine.clock.now());
    tray.refresh();
  };
  const openRun = (runId: string) => {
    open();
    pushDesktop('desktop.openRun', { runId });
  };
  const startAtLogin = () => app.getLoginItemSettings().openAtLogin;
  const desktopChanged = (current: DesktopSettings) => {
    tray.refresh();
    pushDesktop('desktop.settings', current);
  };

  const act = (action: TrayAction) => {
    try {
      switch (action.kind) {
        case 'open':
          return open();
        case 'trigger':
          engine.trigger(action.schedule, { triggeredBy: 'tray' });
          return;
        case 'cancel':
          engine.cancel(action.runId, 'tray');
          return;
        case 'openRun':
          return openRun(action.runId);
        case 'pauseAll':
          return engine.setPausedAll(action.paused);
        case 'startAtLogin':
          void desktopHandlers.setStartAtLogin({ enabled: action.enabled });
          return;
        case 'quit':
          return app.quit();
      }
    } catch (error) {
      logger.error(`Tray action ${action.kind} failed`, { error: toError(error).message });
      dialog.showErrorBox('Batchlight', toError(error).message);
    }
  };

  const tray = createTrayController({
    iconDir: path.join(resources, 'tray'),
    read: () => readTraySnapshot(engine, { failuresSeenAt: failuresSeenAt(settings), startAtLogin: startAtLogin() }),
    onAction: act,
    onClick: open,
    onError: (error) => logger.error('Tray update failed', { error: toError(error).message }),
  });

  const desktopHandlers = createDesktopHandlers({
    settings,
    logFolder: logsDir,
    getStartAtLogin: startAtLogin,
    setStartAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    openFolder: async (folder) => {
      const problem = await shell.openPath(folder);
      if (problem) throw new Error(`Cannot open the log folder ${folder}: ${problem}`);
    },
    changed: desktopChanged,
  });

  const trusted = new Set([window.webContents.id]);
  const ipcOptions = {
    isTrusted: (event: InvokeEventLike) => isTrustedSender(senderFacts(event), trusted),
    logger,
    redact: (text: string) => engine.store.redactor.redact(text),
  };
  const unbind = [
    bindIpc(ipcMain, createApiHandlers(engine), API_METHODS, ipcOptions),
    bindIpc(ipcMain, desktopHandlers, DESKTOP_METHODS, ipcOptions),
    forwardEvents(engine.events, ENGINE_EVENTS, send),
    ...ENGINE_EVENTS.map((event) => engine.events.on(event, () => tray.refresh())),
    engine.events.on(
      'run.finished',
      createFailureNotifier({
        create: (message) => new Notification({ ...message, icon: path.join(resources, 'icon.png') }),
        isMuted: () => isMuted(settings),
        openRun,
      }),
    ),
  ];
  const outputTail = createOutputTail({ engine, emit: (payload) => send(eventChannel('run.output'), payload) });

  app.on('second-instance', open);

  let stopping = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    confirmQuit().then(
      (quit) => {
        if (!quit) {
          stopping = false;
          return;
        }
        quitting = true;
        outputTail.close();
        unbind.forEach((off) => off());
        tray.destroy();
        app.quit();
      },
      (error: unknown) => {
        logger.error('Quitting failed', { error: toError(error).message });
        app.exit(1);
      },
    );
  });

  /** Asks when runs are active, then stops the engine as chosen; false means stay. */
  async function confirmQuit(): Promise<boolean> {
    const running = engine.state().running > 0 ? engine.listRuns({ statuses: ['running'], limit: 100 }) : [];
    const prompt = quitPrompt(running.map((run) => run.scheduleName));
    const choice = prompt ? quitChoice((await dialog.showMessageBox(prompt)).response) : 'quit';
    if (choice === 'stay') return false;
    if (choice === 'cancel') for (const run of running) engine.cancel(run.id, 'quit');
    await engine.stop(choice === 'wait' ? { graceMs: WAIT_FOREVER_MS } : choice === 'cancel' ? { graceMs: CANCEL_GRACE_MS } : {});
    return true;
  }

  logger.info('Tray app started', { dataDir: engine.store.dataDir });
}
