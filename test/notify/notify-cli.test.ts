/**
 * The CLI side of notifications: `config get/set` on the settings (secrets never printed and
 * sealed at rest) and `test-notify` against real SMTP and HTTP servers on loopback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { config, testNotify } from '../../src-main/cli/notify-commands.ts';
import { createContext, UsageError } from '../../src-main/cli/context.ts';
import { ValidationError } from '../../src-main/engine/errors.ts';
import { BIN } from '../cli/helpers.ts';
import { onCleanup, tempDir } from '../helpers/engine-harness.ts';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, startWebhookServer } from './notify-harness.ts';

/**
 * Runs one command function as the CLI would, on `dataDir`; returns exit code and output.
 * `input` is what standard input holds (for --stdin).
 */
async function cli(dataDir: string, run: typeof config | typeof testNotify, positionals: string[], flags: Record<string, string | boolean> = {}, input = '') {
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), input: async () => input };
  const ctx = createContext(positionals, { data: dataDir, ...flags }, io);
  onCleanup(() => ctx.close());
  try {
    const code = await run(ctx);
    return { code, out: out.join('\n') };
  } finally {
    await ctx.close();
  }
}

const smtpJson = (port: number, password = SMTP_PASSWORD) =>
  JSON.stringify({ host: '127.0.0.1', port, secure: 'none', user: SMTP_USER, password, from: 'batchlight@corp.test' });

describe('batchlight config get / set', () => {
  it('config set stores a setting and config get prints it back', async () => {
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(2525)]);

    expect(await cli(dir, config, ['set', 'smtp.host', 'mail.corp'])).toEqual({ code: 0, out: 'smtp.host = mail.corp' });
    expect(await cli(dir, config, ['get', 'smtp.host'])).toEqual({ code: 0, out: 'mail.corp' });
    expect(await cli(dir, config, ['get', 'smtp.port'])).toEqual({ code: 0, out: '2525' });
  });

  it('config never prints a secret: the SMTP password shows as <secret set>, alone or inside smtp', async () => {
    const dir = tempDir();
    const set = await cli(dir, config, ['set', 'smtp', smtpJson(2525)]);

    const one = await cli(dir, config, ['get', 'smtp.password']);
    const whole = await cli(dir, config, ['get', 'smtp']);
    const all = await cli(dir, config, ['get']);

    expect(one.out).toBe('<secret set>');
    expect(JSON.parse(whole.out)).toMatchObject({ host: '127.0.0.1', password: '<secret set>' });
    for (const printed of [set.out, one.out, whole.out, all.out]) expect(printed).not.toContain(SMTP_PASSWORD);
  });

  it('config set smtp.password seals the new password at rest and prints no secret', async () => {
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(2525, 'old-password-1')]);

    const result = await cli(dir, config, ['set', 'smtp.password', '12345678']);

    expect(result).toEqual({ code: 0, out: 'smtp.password = <secret set>' });
    const ctx = createContext([], { data: dir }, { out: () => {}, err: () => {} });
    onCleanup(() => ctx.close());
    const stored = ctx.engine().store.settings.get<{ password: string }>('smtp')!.password;
    expect(stored).toMatch(/^enc:v1:/);
    expect(ctx.engine().store.box.decrypt(stored)).toBe('12345678');
  });

  it('config get of a setting that is not set prints <not set>; engine settings show their default', async () => {
    const dir = tempDir();

    expect(await cli(dir, config, ['get', 'smtp.host'])).toEqual({ code: 0, out: '<not set>' });
    expect(await cli(dir, config, ['get', 'smtp.password'])).toEqual({ code: 0, out: '<not set>' });
    expect(await cli(dir, config, ['get', 'retentionDays'])).toEqual({ code: 0, out: '90' });
  });

  it('config set parses JSON values: numbers and lists are stored as such', async () => {
    const dir = tempDir();

    await cli(dir, config, ['set', 'concurrency', '4']);
    await cli(dir, config, ['set', 'notify.defaultTo', '["ops@corp.test","oncall@corp.test"]']);

    expect((await cli(dir, config, ['get', 'concurrency'])).out).toBe('4');
    expect(JSON.parse((await cli(dir, config, ['get', 'notify.defaultTo'])).out)).toEqual(['ops@corp.test', 'oncall@corp.test']);
  });

  it('config set of an invalid value names the field and changes nothing', async () => {
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(2525)]);

    const attempt = cli(dir, config, ['set', 'smtp.port', 'not-a-port']);

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/settings › smtp\.port/);
    expect((await cli(dir, config, ['get', 'smtp.port'])).out).toBe('2525');
  });

  it('config set smtp.host on a store without SMTP asks for the rest of the smtp object', async () => {
    const dir = tempDir();

    await expect(cli(dir, config, ['set', 'smtp.host', 'mail.corp'])).rejects.toThrow(/settings › smtp\.from/);
  });

  it('config set addresses a webhook by its name; its URL, a credential, is kept encrypted and never printed', async () => {
    const [before, after] = [await startWebhookServer(), await startWebhookServer()];
    const dir = tempDir();
    await cli(dir, config, ['set', 'webhooks', JSON.stringify([{ name: 'ops-teams', url: `${before.url}/hook`, format: 'teams' }])]);

    await cli(dir, config, ['set', 'webhooks.ops-teams.url', `${after.url}/hook`]);

    expect((await cli(dir, config, ['get', 'webhooks.ops-teams.url'])).out).toBe('<secret set>');
    expect((await cli(dir, config, ['get', 'webhooks.0.format'])).out).toBe('teams');
    expect(await cli(dir, testNotify, [], { webhook: 'ops-teams' })).toEqual({ code: 0, out: 'webhook ops-teams: sent (1 attempt)' });
    expect([before.posts.length, after.posts.length]).toEqual([0, 1]);
    const database = fs.readdirSync(dir).filter((f) => f.startsWith('batchlight.db')).map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('');
    expect(database).not.toContain(after.url);
  });

  it('config set KEY --stdin takes the value from standard input, one trailing line break dropped', async () => {
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(2525, 'old-password-1')]);

    const piped = await cli(dir, config, ['set', 'smtp.password'], { stdin: true }, 'piped pass\r\n');

    expect(piped).toEqual({ code: 0, out: 'smtp.password = <secret set>' });
    const ctx = createContext([], { data: dir }, { out: () => {}, err: () => {} });
    onCleanup(() => ctx.close());
    expect(ctx.engine().store.box.decrypt(ctx.engine().store.settings.get<{ password: string }>('smtp')!.password)).toBe('piped pass');
  });

  it('config set --stdin with a VALUE too, or with nothing on standard input, is a usage error and changes nothing', async () => {
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(2525, 'kept-password-1')]);

    await expect(cli(dir, config, ['set', 'smtp.password', 'typed'], { stdin: true }, 'piped')).rejects.toThrow(/Give VALUE or --stdin, not both/);
    await expect(cli(dir, config, ['set', 'smtp.password'], { stdin: true }, '\n')).rejects.toThrow(/standard input was empty; nothing was changed/);
    await expect(cli(dir, config, ['set', 'smtp.password'])).rejects.toThrow(/Missing VALUE \(or --stdin/);

    const ctx = createContext([], { data: dir }, { out: () => {}, err: () => {} });
    onCleanup(() => ctx.close());
    expect(ctx.engine().store.box.decrypt(ctx.engine().store.settings.get<{ password: string }>('smtp')!.password)).toBe('kept-password-1');
  });

  it('the real command takes an SMTP password piped to it, and test-notify then logs in with that password', async () => {
    const smtp = await startSmtp();
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(smtp.port, 'wrong-password-9')]);

    const set = await execa(process.execPath, [BIN, 'config', 'set', 'smtp.password', '--stdin', '--data', dir], { input: `${SMTP_PASSWORD}\n`, reject: false, timeout: 20_000 });

    expect({ code: set.exitCode, out: set.stdout, err: set.stderr }).toEqual({ code: 0, out: 'smtp.password = <secret set>', err: '' });
    expect(await cli(dir, testNotify, [], { email: 'me@corp.test' })).toEqual({ code: 0, out: 'email to me@corp.test: sent (1 attempt)' });
    expect(smtp.messages).toHaveLength(1);
  });

  it('config get of an unknown key is a usage error listing the settings', async () => {
    await expect(cli(tempDir(), config, ['get', 'smpt.host'])).rejects.toThrow(UsageError);
    await expect(cli(tempDir(), config, ['get', 'smpt.host'])).rejects.toThrow(/settings are smtp, webhooks, notify/);
  });
});

describe('batchlight test-notify', () => {
  it('--email sends a test email through the configured server and prints that it was sent', async () => {
    const smtp = await startSmtp();
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(smtp.port)]);

    const result = await cli(dir, testNotify, [], { email: 'me@corp.test' });

    expect(result).toEqual({ code: 0, out: 'email to me@corp.test: sent (1 attempt)' });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo).toEqual(['me@corp.test']);
    expect(smtp.messages[0]!.subject).toMatch(/^\[Batchlight\] TEST notification from /);
    expect(smtp.messages[0]!.text).toContain('test-notify');
  });

  it('--webhook posts a test message to that webhook only', async () => {
    const server = await startWebhookServer();
    const dir = tempDir();
    await cli(dir, config, ['set', 'webhooks', JSON.stringify([
      { name: 'chat', url: `${server.url}/chat`, format: 'slack' },
      { name: 'other', url: `${server.url}/other`, format: 'json' },
    ])]);

    const result = await cli(dir, testNotify, [], { webhook: 'chat' });

    expect(result).toEqual({ code: 0, out: 'webhook chat: sent (1 attempt)' });
    expect(server.posts.map((p) => p.path)).toEqual(['/chat']);
    expect(server.posts[0]!.body).toMatchObject({ text: expect.stringMatching(/^\[Batchlight\] TEST notification from /) });
  });

  it('without options it mails the default recipients and posts to every webhook', async () => {
    const smtp = await startSmtp();
    const server = await startWebhookServer();
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(smtp.port)]);
    await cli(dir, config, ['set', 'notify.defaultTo', '["ops@corp.test"]']);
    await cli(dir, config, ['set', 'webhooks', JSON.stringify([{ name: 'a', url: `${server.url}/a` }, { name: 'b', url: `${server.url}/b`, format: 'teams' }])]);

    const result = await cli(dir, testNotify, []);

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual(['email to ops@corp.test: sent (1 attempt)', 'webhook a: sent (1 attempt)', 'webhook b: sent (1 attempt)']);
    expect(smtp.messages[0]!.envelopeTo).toEqual(['ops@corp.test']);
    expect(server.posts.map((p) => p.path).sort()).toEqual(['/a', '/b']);
  });

  it('a wrong SMTP password is printed as a failure with the server reply, exit code 1', async () => {
    const smtp = await startSmtp();
    const dir = tempDir();
    await cli(dir, config, ['set', 'smtp', smtpJson(smtp.port, 'wrong-password-9')]);

    const result = await cli(dir, testNotify, [], { email: 'me@corp.test' });

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^email to me@corp\.test: FAILED after 1 attempt: SMTP 127\.0\.0\.1:\d+: Invalid login: 535/);
    expect(result.out).not.toContain('wrong-password-9');
    expect(smtp.messages).toEqual([]);
  });

  it('with nothing configured it says what is missing, exit code 1', async () => {
    const result = await cli(tempDir(), testNotify, []);

    expect(result.code).toBe(1);
    expect(result.out).toBe('email to (nobody): FAILED after 0 attempts: No recipient: give --email ADDRESS or set notify.defaultTo');
  });
});
