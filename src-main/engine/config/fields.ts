/**
 * Field schemas shared by the schedule, job, connection and settings schemas. Each carries the
 * phrase its problems use ("a positive number"), so every field explains itself the same way.
 */
import { z } from 'zod';
import { EXPECT_MARK, UNKNOWN_MARK } from './problems.ts';
import { SECRET_PLACEHOLDER } from './secret-fields.ts';

/** The zod `error` option that makes a schema's problems read "Expected `x` to be <phrase>". */
export function expecting(phrase: string): { error: () => string } {
  return { error: () => EXPECT_MARK + phrase };
}

/** An object with exactly these fields; others are errors that name the field and suggest one. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, phrase: string) {
  const allowed = Object.keys(shape).join(',');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? UNKNOWN_MARK + allowed : EXPECT_MARK + phrase),
  });
}

/** A string with at least one character (and at most `max`). */
export function nonEmptyString(phrase = 'a non-empty string', max = 100_000) {
  return z.string(expecting(phrase)).min(1, expecting(phrase)).max(max, expecting(`${phrase} of at most ${max} characters`));
}

/** Any string up to `max` characters (descriptions, bodies). */
export function text(max: number) {
  return z.string(expecting('a string')).max(max, expecting(`a string of at most ${max} characters`));
}

/**
 * A number greater than zero, at most `max`, and at least `floor.min` when given (a zero or
 * negative value is told "a positive number" only, not the floor as well).
 */
export function positiveNumber(max: number, unit = '', floor?: { min: number; phrase: string }) {
  const phrase = 'a positive number';
  const positive = z.number(expecting(phrase)).positive({ ...expecting(phrase), abort: true });
  const floored = floor ? positive.min(floor.min, expecting(floor.phrase)) : positive;
  return floored.max(max, expecting(`at most ${max}${unit}`));
}

/** A number from `min` to `max` inclusive. */
export function numberIn(min: number, max: number) {
  const phrase = `a number from ${min} to ${max}`;
  return z.number(expecting(phrase)).min(min, expecting(phrase)).max(max, expecting(phrase));
}

/** An integer from `min` to `max` inclusive. */
export function intIn(min: number, max: number) {
  const phrase = `an integer from ${min} to ${max}`;
  return z.int(expecting(phrase)).min(min, expecting(phrase)).max(max, expecting(phrase));
}

/** true or false. */
export function bool() {
  return z.boolean(expecting('true or false'));
}

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(`one of ${values.join(', ')}`));
}

/** An array of items, with an optional minimum length. */
export function list<Item extends z.ZodType>(item: Item, phrase: string, min = 0) {
  return z.array(item, expecting(phrase)).min(min, expecting(`${phrase} with at least ${min} item${min === 1 ? '' : 's'}`));
}

/**
 * Names that no map the user fills may hold. JSON.parse makes `__proto__` an own key, which
 * zod's record drops without a word and an assignment (`values[name] = ...`) turns into a
 * prototype change; `constructor` and `prototype` name members that a lookup of an absent key
 * finds on every object.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
const RESERVED_PHRASE = 'a name other than __proto__, constructor or prototype';

/** True for a name in RESERVED_KEYS. */
export function isReservedKey(name: string): boolean {
  return RESERVED_KEYS.includes(name);
}

/** A map of names to strings (environment, headers, run-now parameters); reserved names are refused. */
export function stringMap(key: z.ZodType<string>, phrase: string, value: z.ZodType<string> = z.string(expecting('a string'))) {
  return withoutReservedKeys(z.record(key, value, expecting(phrase)));
}

/**
 * Reports each reserved key of an object as a bad name at its own path (`parameters.__proto__`),
 * before `map` parses it: the record would drop `__proto__` before checking its name.
 */
function withoutReservedKeys<Map extends z.ZodType>(map: Map) {
  const check = z.unknown().superRefine((input, ctx) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return;
    for (const key of Object.keys(input).filter(isReservedKey)) {
      const inner = { code: 'custom' as const, message: EXPECT_MARK + RESERVED_PHRASE, path: [], input: key };
      ctx.addIssue({ code: 'invalid_key', origin: 'record', input: key, path: [key], issues: [inner] });
    }
  });
  return check.pipe(map);
}

const NAME = /^[\p{L}\p{N}_.-](?:[\p{L}\p{N} _.-]{0,98}[\p{L}\p{N}_.-])?$/u;

/** A schedule or connection name: 1-100 letters, digits, spaces, `-`, `_`, `.`, not padded. */
export function entityName() {
  const phrase = 'a name of 1-100 letters, digits, spaces, `-`, `_` or `.`, not starting or ending with a space';
  return z.string(expecting(phrase)).regex(NAME, expecting(phrase));
}

/** True when `name` is a valid schedule or connection name; the legacy import builds names. */
export function isValidEntityName(name: string): boolean {
  return NAME.test(name);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A parameter name: usable as `{Name}` in templates and as a SQL parameter. */
export function identifier() {
  const phrase = 'an identifier (a letter or `_`, then letters, digits or `_`)';
  return z.string(expecting(phrase)).regex(IDENTIFIER, expecting(phrase));
}

const PLAIN_EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const NAMED_EMAIL = /^[^<>@]*<[^\s@<>,;"]+@[^\s@<>,;"]+>$/;

/** An email address, plain or as `Display Name <address>`. */
export function email() {
  const phrase = 'an email address such as ops@example.com';
  return z.string(expecting(phrase)).refine((v) => PLAIN_EMAIL.test(v) || NAMED_EMAIL.test(v.trim()), expecting(phrase));
}

const PLACEHOLDER = /\{[A-Za-z_][A-Za-z0-9_]*(?::[^{}]+)?\}/g;

/** True when `text` holds a `{Name}` or `{Name:format}` placeholder. */
export function hasPlaceholder(text: string): boolean {
  return text.search(PLACEHOLDER) !== -1;
}

/** True for an http(s) URL, once placeholders stand for `x`. */
export function isHttpUrl(url: string, allowPlaceholders: boolean): boolean {
  const candidate = allowPlaceholders ? url.replace(PLACEHOLDER, 'x') : url;
  if (!/^https?:\/\//i.test(candidate)) return false;
  try {
    new URL(candidate);
    return true;
  } catch {
    return false;
  }
}

/**
 * An http:// or https:// URL; placeholders such as `{Host}` are allowed when asked, and so is
 * `<secret>` for a URL that is itself a secret (an export stands it for the stored one).
 */
export function httpUrl(allowPlaceholders: boolean, secret = false) {
  const phrase = 'an http:// or https:// URL';
  return z.string(expecting(phrase)).refine((v) => (secret && v === SECRET_PLACEHOLDER) || isHttpUrl(v, allowPlaceholders), expecting(phrase));
}

/** A JavaScript regular expression source. */
export function regexSource() {
  return z.string(expecting('a regular expression')).superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
      ctx.addIssue({ code: 'custom', message: `Invalid regular expression \`${source}\`: ${reason}` });
    }
  });
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** An HTTP header name (an RFC 9110 token). */
export function headerName() {
  const phrase = 'an HTTP header name';
  return z.string(expecting(phrase)).regex(HEADER_NAME, expecting(phrase));
}

/** Header values may not hold line breaks (that would inject headers). */
export function headerMap() {
  const value = z.string(expecting('a string')).refine((v) => !/[\r\n\0]/.test(v), expecting('a header value without line breaks'));
  return withoutReservedKeys(z.record(headerName(), value, expecting('an object of header names to string values')));
}
