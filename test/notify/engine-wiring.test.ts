import { describe, expect, it } from 'vitest';
import { makeEngine, waitFor, waitForEnd } from '../helpers/engine-harness.ts';
import { importSettings, saveNodeSchedule, smtpSettings, startSmtp } from './notify-harness.ts';

describe('the engine notifies on its own once started', () => {
  it('a failed run of a schedule with an e-mail recipient is mailed by the started engine, and stored on the run', async () => {
    const smtp = await startSmtp();
    const engine = makeEngine();
    importSettings(engine, smtpSettings(smtp.port));
    saveNodeSchedule(engine, 'nightly', 'process.exit(4)', { notify: { email: { to: ['ops@corp.test'] } } });
    await engine.start({ scheduling: false });
    const run = await waitForEnd(engine, engine.trigger('nightly').id);
    expect(run.status).toBe('failed');
    const mail = await waitFor(() => smtp.messages[0], 15_000, 'the e-mail');
    expect(mail.subject).toMatch(/^\[Batchlight\] FAILED nightly on /);
    await engine.stop({ graceMs: 0 });
  });
});
