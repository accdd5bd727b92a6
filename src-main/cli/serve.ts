/**
 * `batchlight serve`: the headless host. Runs the engine on the data folder until SIGINT or
 * SIGTERM, then stops gracefully (running jobs get the grace period, then their trees end).
 */
import { createEngine } from '../engine/engine.ts';
import { openStore } from '../engine/store/store.ts';
import { createHostLogger } from '../logging.ts';
import type { CliContext } from './context.ts';

/** Serves until a signal; resolves with the exit code. */
export async function serve(ctx: CliContext): Promise<number> {
  const probe = openStore(ctx.dataDir);
  const { dataDir, paths } = probe;
  probe.close();
  const holder: { redact: (t: string) => string } = { redact: (t) => t };
  const logger = createHostLogger({ logsDir: paths.logs, redact: (t) => holder.redact(t), console: ctx.flags.quiet !== true });
  const engine = createEngine({ dataDir, logger });
  holder.redact = (t) => engine.store.redactor.redact(t);
  await engine.start();
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second Ctrl+C: stop now. process.exit runs the hook that kills every job tree still
        // running (a signal's default action would skip it and leave the jobs orphaned).
        ctx.err(`${signal} received again: exiting now; running jobs are ended and recorded as interrupted at the next start`);
        process.exit(1);
      }
      stopping = true;
      ctx.out(`${signal} received: stopping (running jobs get the grace period)…`);
      engine.stop().then(
        () => resolve(0),
        (error: unknown) => {
          ctx.err(`Stopped with an error: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // Only now: whoever waits for this line may signal at once, and without a listener the
    // signal's default action would kill the process with no graceful stop.
    ctx.out(`Batchlight is serving ${dataDir} (pid ${process.pid}); logs in ${paths.logs}. Press Ctrl+C to stop.`);
  });
}
