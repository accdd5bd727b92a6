/**
 * The HTTP runner: calls a REST API with undici, streams the answer into the run's output under
 * `maxResponseBytes`, and decides success from the status (`successStatus`, any 2xx by default)
 * and the body (`expect`). Only transient failures are retryable; a circuit breaker per host
 * makes calls to a host that keeps failing fail fast. Redirects are not followed: a 3xx that is
 * not in `successStatus` fails the run and names the Location, so credentials never follow a
 * redirect to another host.
 *
 * The run's stdout holds the request as sent (`> ` lines, credentials masked), then the status,
 * headers and body received (`< ` lines, then the body); the run's result holds
 * `{ status, headers, bodyBytes, truncated }`.
 */
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../clock.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../config/job-schema.ts';
import { isSecretHeaderName } from '../config/secret-fields.ts';
import { RunTimeoutError } from '../errors.ts';
import type { HttpJob } from '../types.ts';
import { DispatcherCache, type ProxyEnvironment } from './http-agents.ts';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions, type CircuitStatus } from './http-circuit-breaker.ts';
import { checkExpect, describeStatusRules, expectNeedsBody, statusAccepted } from './http-expect.ts';
import { describeRequestError, parseRetryAfter, reasonPhrase, statusFailure } from './http-outcome.ts';
import { isJsonContentType, prepareRequest, type PreparedRequest } from './http-request.ts';
import { formatResponseHead, streamBody, writeText, type ReceivedBody } from './http-response.ts';
import type { RunContext, Runner, RunnerOutcome } from './runner.ts';

/** The seams of the runner: the breaker's clock and settings, and the proxy environment. */
export interface HttpRunnerOptions {
  /** Wall clock of the circuit breaker; injectable for tests. */
  clock?: Pick<Clock, 'now'>;
  /** Circuit breaker settings; a function is read on each call, so a settings change applies at once. */
  breaker?: Partial<BreakerOptions> | (() => Partial<BreakerOptions>);
  /** Where HTTP_PROXY / HTTPS_PROXY / NO_PROXY are read; default process.env. */
  environment?: ProxyEnvironment;
}

/** The runner, plus what its owner needs: closing its connections, and the breaker's state. */
export interface HttpRunner extends Runner<HttpJob> {
  /** Closes every pooled connection; call it when the engine stops. */
  close(): Promise<void>;
  /** Hosts whose circuit has failures or is open, for the tray and UI. */
  circuitStates(): CircuitStatus[];
}

/** How much of a request body the output shows, and the log. */
const OUTPUT_BODY_LIMIT = 64 * 1024;
const LOG_BODY_LIMIT = 4 * 1024;
const MASK = '***';
/** Response headers whose values are credentials even though nobody configured them. */
const SECRET_RESPONSE_HEADERS = new Set(['set-cookie', 'www-authenticate', 'proxy-authenticate']);

type Verdict = 'success' | 'failure' | 'release';

/** Creates the runner the engine registers for `type: "http"` jobs. */
export function createHttpRunner(options: HttpRunnerOptions = {}): HttpRunner {
  const clock = options.clock ?? systemClock;
  const settings = (): BreakerOptions => ({
    ...DEFAULT_BREAKER,
    ...(typeof options.breaker === 'function' ? options.breaker() : options.breaker),
  });
  const breaker = new CircuitBreaker(clock, settings);
  const dispatchers = new DispatcherCache(options.environment ?? process.env);
  return {
    type: 'http',
    run: (ctx) => runHttp(ctx, breaker, dispatchers, clock),
    close: () => dispatchers.close(),
    circuitStates: () => breaker.states(),
  };
}

async function runHttp(
  ctx: RunContext<HttpJob>,
  breaker: CircuitBreaker,
  dispatchers: DispatcherCache,
  clock: Pick<Clock, 'now'>,
): Promise<RunnerOutcome> {
  ctx.signal.throwIfAborted();
  const { job } = ctx;
  const request = prepareRequest(job, ctx.values);
  const mask = masker(ctx.redact, request.secrets);
  const dispatcher = await dispatchers.forJob(job);
  if (job.tls?.rejectUnauthorized === false) {
    const warning = `TLS certificate checks are off for this job (tls.rejectUnauthorized: false): ${request.hostKey} is not verified`;
    ctx.logger.warn(warning);
    await writeText(ctx.output.stderr, `Warning: ${warning}\n`, ctx.signal);
  }
  const admission = breaker.admit(request.hostKey);
  if (!admission.ok) {
    ctx.logger.warn(admission.error);
    return { ok: false, retryable: true, error: admission.error, retryAfterMs: admission.retryAfterMs };
  }
  const state: { verdict: Verdict } = { verdict: 'release' };
  try {
    return await exchange(ctx, request, dispatcher, mask, clock, state);
  } catch (error) {
    if (ctx.signal.aborted) {
      if (ctx.signal.reason instanceof RunTimeoutError) state.verdict = 'failure';
      throw ctx.signal.reason;
    }
    throw error;
  } finally {
    breaker[state.verdict](request.hostKey);
  }
}

/** Sends the request and turns the answer into the outcome; sets how the breaker should count it. */
async function exchange(
  ctx: RunContext<HttpJob>,
  request: PreparedRequest,
  dispatcher: Dispatcher,
  mask: (text: string) => string,
  clock: Pick<Clock, 'now'>,
  state: { verdict: Verdict },
): Promise<RunnerOutcome> {
  const { job, signal } = ctx;
  const stdout = ctx.output.stdout;
  const shown = request.describe(OUTPUT_BODY_LIMIT).map(mask);
  await writeText(stdout, `${shown.map((line) => (line ? `> ${line}` : '>')).join('\n')}\n\n`, signal);
  // The same lines, masked once, unless the body is longer than the log keeps.
  const logged = request.body !== undefined && Buffer.byteLength(request.body) > LOG_BODY_LIMIT
    ? request.describe(LOG_BODY_LIMIT).map(mask)
    : shown;
  ctx.logger.info(`HTTP ${logged[0]}`, { request: logged.slice(1).join('\n') });

  let response: Dispatcher.ResponseData;
  try {
    // The dispatcher's own request(), not undici's top-level one, which copies these options into
    // an object with two more keys: a hidden class per run, kept alive past the young generation.
    response = await dispatcher.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    const failure = describeRequestError(error, request.hostKey, job.proxy);
    state.verdict = failure.transient ? 'failure' : 'release';
    return failed(ctx, mask(failure.message), failure.transient);
  }

  const status = response.statusCode;
  const statusText = reasonPhrase(status, response.statusText);
  const headers = maskHeaders(response.headers, mask);
  await writeText(stdout, formatResponseHead(status, statusText, headers), signal);
  const accepted = statusAccepted(status, job.successStatus);
  const contentType = firstValue(response.headers['content-type']);
  let received: ReceivedBody;
  try {
    received = await streamBody(response.body, stdout, {
      maxBytes: job.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      keep: accepted && expectNeedsBody(job.expect),
      prettyJson: isJsonContentType(contentType),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    const failure = describeRequestError(error, request.hostKey, job.proxy);
    state.verdict = 'failure';
    return failed(ctx, mask(`The answer from ${request.hostKey} broke off: ${failure.reason}`), true);
  }

  const result = { status, headers, bodyBytes: received.bodyBytes, truncated: received.truncated };
  ctx.logger.info(`HTTP ${status} ${statusText}`.trimEnd(), { bodyBytes: received.bodyBytes, truncated: received.truncated });
  if (received.truncated) {
    ctx.logger.warn(`Response cut at maxResponseBytes: ${received.keptBytes} of ${received.bodyBytes} bytes kept`);
  }

  if (!accepted) {
    const failure = statusFailure(status, statusText, describeStatusRules(job.successStatus), headers.location?.toString());
    state.verdict = failure.retryable ? 'failure' : 'success';
    const retryAfterMs = failure.retryable ? parseRetryAfter(response.headers['retry-after'], clock.now()) : undefined;
    const wait = retryAfterMs === undefined ? '' : `; the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying`;
    const whole = received.head.length === received.bodyBytes;
    const detail = received.head.length
      ? `Response body${whole ? '' : ` (first ${received.head.length} of ${received.bodyBytes} bytes)`}: ${received.head.toString('utf8')}`
      : undefined;
    return {
      ...failed(ctx, mask(failure.error + wait), failure.retryable),
      errorDetail: detail === undefined ? undefined : mask(detail),
      result,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }

  state.verdict = 'success';
  const text = received.kept === undefined ? '' : decode(received.kept, contentType);
  const unmet = checkExpect(job.expect, { text, receivedBytes: received.bodyBytes, keptBytes: received.keptBytes, truncated: received.truncated });
  if (unmet !== undefined) return { ...failed(ctx, mask(unmet), false), result };
  return { ok: true, result };
}

/** A failed outcome, also written to the run's stderr and log so the output tells the whole story. */
function failed(ctx: RunContext<HttpJob>, error: string, retryable: boolean): RunnerOutcome {
  ctx.logger.warn(error);
  ctx.output.stderr.write(`${error}\n`);
  return { ok: false, error, retryable };
}

/** Masks the runner's own credentials (also when the engine's redactor does not know them), then redacts. */
function masker(redact: (text: string) => string, secrets: string[]): (text: string) => string {
  // Like the engine's redactor, values shorter than 4 characters are left alone.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => redact(values.reduce((out, value) => out.split(value).join(MASK), text));
}

function maskHeaders(headers: Record<string, string | string[] | undefined>, mask: (text: string) => string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const secret = SECRET_RESPONSE_HEADERS.has(name.toLowerCase()) || isSecretHeaderName(name);
    out[name] = Array.isArray(value) ? value.map((v) => (secret ? MASK : mask(v))) : secret ? MASK : mask(value);
  }
  return out;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text in the charset the server named (UTF-8 when it named none or an unknown one). */
function decode(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
