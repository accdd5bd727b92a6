/**
 * The undici dispatchers an HTTP runner sends through, one per combination of TLS settings and
 * proxy, kept for the runner's life so that connections are reused across runs (keep-alive), and
 * closed with it.
 *
 * - `tls.caFile` adds a root (a corporate CA) to Node's bundled ones; it does not replace them.
 *   Node does not read the Windows certificate store, so a root that Windows trusts must still be
 *   exported (Base-64 encoded X.509, i.e. PEM) and named here.
 * - `tls.rejectUnauthorized: false` turns certificate checks off (the runner warns on each run).
 * - `proxy` sends every call of the job through that proxy (CONNECT tunnels). Without it the
 *   standard HTTP_PROXY / HTTPS_PROXY / NO_PROXY variables (either case) apply, read when the
 *   dispatcher is first made. A proxy set only in Windows' Internet Options (WinINET) is not seen.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { NonRetryableError } from '../errors.ts';
import type { HttpJob } from '../types.ts';

/** Where the proxy variables are read; process.env unless a test passes its own. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/** Dispatchers by TLS settings and proxy. */
export class DispatcherCache {
  readonly #dispatchers = new Map<string, Dispatcher>();
  readonly #environment: ProxyEnvironment;

  constructor(environment: ProxyEnvironment) {
    this.#environment = environment;
  }

  /** The dispatcher for `job`; reads `tls.caFile` (throws NonRetryableError when unusable). */
  async forJob(job: HttpJob): Promise<Dispatcher> {
    const ca = job.tls?.caFile === undefined ? undefined : await readCa(job.tls.caFile);
    const rejectUnauthorized = job.tls?.rejectUnauthorized ?? true;
    const key = JSON.stringify([rejectUnauthorized, job.proxy ?? null, ca ? createHash('sha256').update(ca).digest('hex') : null]);
    let dispatcher = this.#dispatchers.get(key);
    if (!dispatcher) {
      dispatcher = this.#create(rejectUnauthorized, ca, job.proxy);
      this.#dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }

  /** Closes every dispatcher (waiting for requests in flight) and forgets them. */
  async close(): Promise<void> {
    const all = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(all.map((d) => d.close()));
  }

  #create(rejectUnauthorized: boolean, ca: string | undefined, proxy: string | undefined): Dispatcher {
    const tls = { rejectUnauthorized, ...(ca ? { ca: [...rootCertificates, ca] } : {}) };
    // The server's idle limits are off: the run's time limit (an AbortSignal) governs.
    const limits = { headersTimeout: 0, bodyTimeout: 0 };
    if (proxy) return new ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls, ...limits });
    const env = this.#environment;
    const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? '';
    const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY ?? '';
    if (!httpProxy && !httpsProxy) return new Agent({ connect: tls, ...limits });
    const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
    return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy, connect: tls, requestTls: tls, proxyTls: tls, ...limits });
  }
}

async function readCa(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new NonRetryableError(`Could not read tls.caFile \`${file}\`: ${reason}`, { cause: error });
  }
  if (!text.includes(PEM_CERTIFICATE)) {
    throw new NonRetryableError(
      `tls.caFile \`${file}\` holds no PEM certificate (${PEM_CERTIFICATE}); export it as "Base-64 encoded X.509"`,
    );
  }
  return text;
}
