/**
 * A tiny ANSI SGR parser: turns job output into styled segments (rendered as React spans, so
 * the text is escaped by React, never injected as HTML). Other escape sequences are dropped.
 */

/** A run of text with one style. */
export interface AnsiSegment {
  text: string;
  fg?: number;
  bg?: number;
  bold?: boolean;
  underline?: boolean;
}

const ESCAPE = /\u001b\[([0-9;]*)([A-Za-z])/g;

/** Splits text into styled segments; colours are 0-15 palette indices. */
export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let style: Omit<AnsiSegment, 'text'> = {};
  let last = 0;
  for (const match of input.matchAll(ESCAPE)) {
    if (match.index > last) out.push({ ...style, text: input.slice(last, match.index) });
    last = match.index + match[0].length;
    if (match[2] !== 'm') continue;
    const codes = (match[1] ?? '').split(';').map((c) => (c === '' ? 0 : Number(c)));
    style = applyCodes(style, codes);
  }
  if (last < input.length) out.push({ ...style, text: input.slice(last) });
  return out;
}

function applyCodes(current: Omit<AnsiSegment, 'text'>, codes: number[]): Omit<AnsiSegment, 'text'> {
  const style = { ...current };
  for (const code of codes) {
    if (code === 0) for (const key of Object.keys(style)) delete style[key as keyof typeof style];
    else if (code === 1) style.bold = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) delete style.bold;
    else if (code === 24) delete style.underline;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) delete style.fg;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) delete style.bg;
  }
  return style;
}

/** The CSS class names for a segment (palette in styles.css). */
export function segmentClass(segment: AnsiSegment): string {
  const names: string[] = [];
  if (segment.fg !== undefined) names.push(`ansi-fg${segment.fg}`);
  if (segment.bg !== undefined) names.push(`ansi-bg${segment.bg}`);
  if (segment.bold) names.push('ansi-bold');
  if (segment.underline) names.push('ansi-underline');
  return names.join(' ');
}
