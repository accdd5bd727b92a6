/**
 * `batchlight serve`: the headless host. Runs the engine on the data folder until SIGINT or
 * SIGTERM, then stops gracefully (running jobs get the grace period, then their trees end).
 * If another engine takes the data folder (this one was frozen past the lease's stale threshold),
 * the engine stops itself and `serve` exits 1 saying so; restarted, it refuses while the other serves.
 * With `--ui [--port N]` it also serves the browser UI and its API on 127.0.0.1 and prints, once,
 * the URL with the access token (kept in the data folder's `http-token` file).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_UI_PORT, startHttpTransport, type HttpTransport } from '../api/http-transport.ts';
import { loadOrCreateToken } from '../api/token.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { openStore } from '../engine/store/store.ts';
import { createHostLogger } from '../logging.ts';
import { UsageError, type CliContext } from './context.ts';

/** Where `npm run build:ui` puts the renderer, relative to this file (src-main/cli). */
const RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'renderer');

/** Serves until a signal; resolves with the exit code. */
export async function serve(ctx: CliContext): Promise<number> {
  const port = uiPort(ctx);
  const probe = openStore(ctx.dataDir);
  const { dataDir, paths } = probe;
  probe.close();
  const holder: { redact: (t: string) => string } = { redact: (t) => t };
  const logger = createHostLogger({ logsDir: paths.logs, redact: (t) => holder.redact(t), console: ctx.flags.quiet !== true });
  const engine = createEngine({ dataDir, logger });
  holder.redact = (t) => engine.store.redactor.redact(t);
  await engine.start();
  const ui = ctx.flags.ui === true ? await startUi(engine, dataDir, port) : undefined;
  return new Promise((resolve) => {
    let stopping = false;
    const close = (code: number) =>
      (ui?.transport.close() ?? Promise.resolve()).then(() => engine.stop()).then(
        () => resolve(code),
        (error: unknown) => {
          ctx.err(`Stopped with an error: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    const stop = (signal: string) => {
      if (stopping) {
        // A second Ctrl+C: stop now. process.exit runs the hook that kills every job tree still
        // running (a signal's default action would skip it and leave the jobs orphaned).
        ctx.err(`${signal} received again: exiting now; running jobs are ended and recorded as interrupted at the next start`);
        process.exit(1);
      }
      stopping = true;
      ctx.out(`${signal} received: stopping (running jobs get the grace period)…`);
      void close(0);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // The engine stopped itself (another engine took the folder): exit non-zero for a service
    // manager to restart us; started again, `serve` refuses while that engine serves.
    engine.whenStopped().catch((error: unknown) => {
      if (stopping) return;
      stopping = true;
      ctx.err(`batchlight serve: ${error instanceof Error ? error.message : String(error)}; exiting`);
      void close(1);
    });
    // Only now: whoever waits for this line may signal at once, and without a listener the
    // signal's default action would kill the process with no graceful stop.
    ctx.out(`Batchlight is serving ${dataDir} (pid ${process.pid}); logs in ${paths.logs}. Press Ctrl+C to stop.`);
    if (ui) ctx.out(`Batchlight UI: ${ui.transport.url}#token=${ui.token}`);
  });
}

/** `--port N`: 0 (any free port) to 65535; default DEFAULT_UI_PORT. */
function uiPort(ctx: CliContext): number {
  const raw = ctx.flags.port;
  if (raw === undefined) return DEFAULT_UI_PORT;
  if (ctx.flags.ui !== true) throw new UsageError('--port only applies with --ui');
  const port = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || port > 65_535) {
    throw new UsageError(`Expected --port to be a port number from 0 to 65535, got \`${String(raw)}\``);
  }
  return port;
}

/** Starts the loopback UI server; if it cannot, stops the engine and fails with the reason. */
async function startUi(engine: Engine, dataDir: string, port: number): Promise<{ transport: HttpTransport; token: string }> {
  try {
    const token = loadOrCreateToken(dataDir);
    const transport = await startHttpTransport({ engine, token, port, staticDir: RENDERER_DIR });
    return { transport, token };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
