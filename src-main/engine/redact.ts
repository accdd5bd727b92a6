/**
 * Keeps secrets out of logs, run output, the UI, exports and notifications. Two nets:
 * - known values: every secret the engine decrypts is added, and each of its occurrences (also
 *   URL-encoded, form-encoded and JSON-escaped) becomes `***`. Values shorter than 4 characters
 *   are ignored: redacting every "1" or "abc" would wreck the text and protect nothing.
 * - shapes: values that look secret even when nobody said so: `Password=` / `Pwd=` in
 *   connection strings, `Authorization:` headers and `Bearer` tokens, the password in
 *   `scheme://user:password@host`, `"password": "…"`-style JSON members, and `token=`,
 *   `api_key=`, `sig=`-style query parameters.
 * Redaction over-redacts rather than leaks: a value that merely looks like a secret is hidden.
 */

/** Replaces secrets in text and in structured values. */
export interface Redactor {
  /** Remembers a secret value; later `redact` calls hide it. */
  add(secret: string): void;
  redact(text: string): string;
  /** A copy of `value` with every string redacted, and secret-named members hidden whole. */
  redactDeep<T>(value: T): T;
  /**
   * This redactor with `extra` hidden too, for one run's own secrets (a secret parameter given
   * with "run now" or read by a query), which are not remembered: each run would add its own.
   */
  including(extra: readonly string[]): RunRedactor;
}

/** What a run redacts with: the engine's secrets and its own. */
export type RunRedactor = Pick<Redactor, 'redact' | 'redactDeep'>;

const MASK = '***';

/** Member names whose values are secret whatever they hold (`dbPassword`, `x-api-key`, `token`). */
const SECRET_NAME = /pass(?:word|wd|phrase)$|^pass$|^pwd$|secret|token|api[-_]?key|^authorization$|^cookie$|^sig(?:nature)?$/i;

const ADO_VALUE = String.raw`"(?:[^"]|"")*"|'(?:[^']|'')*'|\{(?:[^}]|\}\})*\}|(?:(?!\s{1,8}\w{1,64}\s{0,8}=)[^;\r\n"\\]|\\.)*`;

/**
 * Shapes, applied in order after known values; each keeps the name and replaces the value.
 * Every repetition that could rescan the text from many start positions is bounded, so that a
 * long line of hostile output costs linear time (see the pathological cases in the tests).
 */
const SHAPES: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  // "password": "…" (also 'dbPassword', "api_key", "client_secret", "accessToken")
  [
    /("[^"\\]{0,64}?(?:pass(?:word|wd)|pwd|secret|token|api[-_]?key)[^"\\]{0,64}"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    (_m, name) => `${name}"${MASK}"`,
  ],
  // ?token=…&api_key=…&key=…&sig=… in URLs and query strings
  [
    /((?:^|[?&#])(?:[\w.-]{0,64}token|api[-_]?key|apikey|key|password|passwd|pwd|[\w.-]{0,64}secret|sig|signature)=)[^&#\s"'<>]*/gi,
    (_m, name) => `${name}${MASK}`,
  ],
  // token=… / api_key=… / client_secret=… in plain text (log lines, command lines)
  [/((?<![\w.-])(?:[\w.-]{0,64}token|api[-_]?key|apikey|[\w.-]{0,64}secret)=)[^&#\s"'<>;,]*/gi, (_m, name) => `${name}${MASK}`],
  // scheme://user:password@host, the password up to the authority's last `@` (a raw `@` in it
  // is taken as part of it, as URL parsers do); the URL ends at a quote, comma or bracket too
  [/((?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/[^:/?#\s@"'<>,]+:)[^/?#\s"'<>,]{1,512}(@)(?=[^/?#\s@"'<>,]*(?:[/?#\s"'<>,]|$))/gi, (_m, head, at) => `${head}${MASK}${at}`],
  // and when that finds no end, up to the first `@` (the pattern before this change)
  [/((?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/[^:/?#\s@]+:)[^@/?#\s]+(@)/gi, (_m, head, at) => `${head}${MASK}${at}`],
  // Authorization: Basic …, "Authorization":"Bearer …", Proxy-Authorization=…
  [
    /(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:([A-Za-z][\w-]*)\s+)?[^\s"',;]+/gi,
    (_m, head, scheme) => `${head}${scheme ? `${scheme} ` : ''}${MASK}`,
  ],
  // a Bearer token anywhere (curl command lines, echoed headers)
  [/\b(Bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/g, (_m, head) => `${head}${MASK}`],
  // Password=…; / Pwd=…; in ADO.NET and ODBC connection strings (to the next `;`, or a quoted
  // value), and libpq `key=value key=value` ones (to the next ` name=`)
  [
    new RegExp(String.raw`((?<![?&])\b(?:password|pwd)\s*=\s*)(?:${ADO_VALUE})`, 'gi'),
    (_m, head) => `${head}${MASK}`,
  ],
];

/**
 * Text in which no shape can match: every shape above needs one of these words (or `://`).
 * Checked first, so the common line (most run output) costs one scan instead of seven.
 */
const SHAPE_HINT = /pass|pwd|secret|token|key|sig|:\/\/|authori|bearer/i;

/** A redactor with no known secrets yet; the engine keeps one per process. */
export function createRedactor(): Redactor {
  const secrets = new Set<string>();
  let version = 0;
  /** The alternation of `forms()`, built again only after a secret was added. */
  const patternFor = (forms: () => ReadonlySet<string>): (() => RegExp | null) => {
    let built = -1;
    let pattern: RegExp | null = null;
    return () => {
      if (built !== version) {
        pattern = patternOf(forms());
        built = version;
      }
      return pattern;
    };
  };
  const known = patternFor(() => secrets);
  const redact = (text: string): string => redactWith(known(), text);

  return {
    add(secret) {
      for (const form of formsOf(secret)) {
        if (!secrets.has(form)) {
          secrets.add(form);
          version += 1;
        }
      }
    },
    ...runRedactor(redact),
    including(extra) {
      const own = new Set(extra.flatMap(formsOf).filter((form) => !secrets.has(form)));
      if (own.size === 0) return runRedactor(redact);
      // One pattern over both sets, longest first: hiding a run's secret first could cut an
      // engine secret that contains it, and leave the rest of that one showing.
      const both = patternFor(() => new Set([...secrets, ...own]));
      return runRedactor((text) => redactWith(both(), text));
    },
  };
}

function runRedactor(redact: (text: string) => string): RunRedactor {
  return { redact, redactDeep: (value) => deepCopy(value, redact, new WeakMap()) as typeof value };
}

/** `text` with every match of `known` and every secret shape masked. */
function redactWith(known: RegExp | null, text: string): string {
  if (!text) return text;
  let out = known ? text.replace(known, MASK) : text;
  if (!SHAPE_HINT.test(out)) return out;
  for (const [shape, replace] of SHAPES) out = out.replace(shape, replace);
  return out;
}

/** One alternation of `forms`, longest first: JavaScript takes the first alternative that matches. */
function patternOf(forms: ReadonlySet<string>): RegExp | null {
  const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return sorted.length ? new RegExp(sorted.join('|'), 'g') : null;
}

/** The forms of `secret` worth hiding: none for a value under 4 characters. */
function formsOf(secret: string): string[] {
  if (typeof secret !== 'string' || secret.length < 4) return [];
  return encodedForms(secret).filter((form) => form.length >= 4);
}

/**
 * The ways a secret appears in text: as given; percent-encoded as encodeURIComponent does, with
 * `+` for spaces, in lower-case hex, and with `!'()*` encoded too (WHATWG URL encodes `'` in a
 * query; RFC 3986 encoders the rest); decoded, when it was given percent-encoded (a proxy URL's
 * password); and JSON-escaped.
 */
function encodedForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  return [
    secret,
    uri,
    uri.replace(/%20/g, '+'),
    uri.replace(/%[0-9A-F]{2}/g, (s) => s.toLowerCase()),
    uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    decodedForm(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function decodedForm(secret: string): string {
  try {
    return decodeURIComponent(secret);
  } catch {
    return secret;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function deepCopy(value: unknown, redact: (s: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(deepCopy(item, redact, seen));
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  const isError = value instanceof Error;
  if (proto !== Object.prototype && proto !== null && !isError) return value;
  const copy = Object.create(proto) as Record<string, unknown>;
  seen.set(value, copy);
  for (const key of Object.getOwnPropertyNames(value)) {
    const item = (value as Record<string, unknown>)[key];
    copy[key] =
      SECRET_NAME.test(key) && typeof item === 'string' && item !== '' ? MASK : deepCopy(item, redact, seen);
  }
  if (isError && value.cause !== undefined && !Object.hasOwn(copy, 'cause')) {
    copy.cause = deepCopy(value.cause, redact, seen);
  }
  return copy;
}
