import { it } from 'vitest';
import { makeEngine, scheduleSpec } from '../helpers/engine-harness.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { createRecordingRunner } from '../helpers/recording-runner.ts';

it('probe', async () => {
  const clock = createFakeClock(Date.parse('2026-01-01T00:00:01Z'));
  const runner = createRecordingRunner(clock);
  const engine = makeEngine({ clock, runners: [runner], pollMs: 60_000 });
  await engine.start();
  engine.saveSchedule(scheduleSpec({ name: 'y', cron: '0 0 1 1 *', job: { type: 'process', executablePath: 'x', arguments: [] } }));
  let t = performance.now();
  for (let i = 0; i < 1; i++) clock.advance(86_400_000);
  console.log('1 day ms', performance.now() - t, clock.requestedDelays.length);
});
