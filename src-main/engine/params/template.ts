/**
 * `{Name}` and `{Name:format}` substitution into arguments, environment values, URLs, headers
 * and bodies. Unknown names fail the run (NonRetryableError) naming the placeholder and field,
 * so a typo never reaches a command line. `{{` and `}}` stand for literal braces.
 */
import { NonRetryableError } from '../errors.ts';
import { formatDate, readIsoDate } from './format-date.ts';

/** A date-like value keeps its instant and zone so `{Name:yyyyMMdd}` can format it. */
export interface DateValue {
  kind: 'date';
  epochMs: number;
  timezone: string;
  /** Format used by a bare `{Name}`. */
  defaultFormat: string;
}

export type TemplateValue = string | null | DateValue;

/**
 * The zone a run's values show a text date written with an offset in: the schedule's, as for the
 * built-ins. builtInValues sets it; a symbol, so no placeholder can name it or list it.
 */
export const TIME_ZONE = Symbol('time zone');

export type TemplateValues = Readonly<Record<string, TemplateValue>> & { readonly [TIME_ZONE]?: string };

export interface SubstituteOptions {
  /** Names the field in error messages: "arguments[1]", "url". */
  field: string;
  /** Applied to each substituted value (URL-encoding, JSON-escaping); not to the literal text. */
  encode?: (value: string) => string;
}

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]+))?\}/g;

/** Replaces every placeholder in `text`; throws NonRetryableError on an unknown name. */
export function substitute(text: string, values: TemplateValues, options: SubstituteOptions): string {
  return text.replace(PLACEHOLDER, (match, name: string | undefined, format: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (name === undefined) return match;
    if (!Object.hasOwn(values, name)) {
      throw new NonRetryableError(
        `Unknown placeholder {${name}} in ${options.field} (known: ${Object.keys(values).sort().join(', ')})`,
      );
    }
    const rendered = render(values[name] ?? null, format, name, options.field, values[TIME_ZONE] ?? 'UTC');
    return options.encode ? options.encode(rendered) : rendered;
  });
}

/** The placeholder names used in `text`, for validation before a run. */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) if (match[1]) names.push(match[1]);
  return names;
}

function render(value: TemplateValue, format: string | undefined, name: string, field: string, timezone: string): string {
  if (value === null) return '';
  if (typeof value === 'string') {
    if (format === undefined) return value;
    const read = readIsoDate(value);
    if (read === undefined) {
      throw new NonRetryableError(`Placeholder {${name}:${format}} in ${field}: the value is not an ISO-8601 date such as 2026-01-31 or 2026-01-31T14:30:00, so it cannot take a format`);
    }
    // Without an offset, the fields written are the fields shown, whatever the zones; with one,
    // the instant it names, shown in the schedule's zone like the built-ins.
    return formatDate(read.at, format, read.local ? 'UTC' : timezone);
  }
  return formatDate(value.epochMs, format ?? value.defaultFormat, value.timezone);
}
