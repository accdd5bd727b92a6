/**
 * Quartz.NET cron expressions, as the original platform stored them, translated to the form
 * parseCron reads. Quartz has seconds first (as our 6-field form does), an optional 7th year
 * field, `?` for "no specific value" (parseCron reads it as `*`), and numbers its weekdays
 * 1-7 from Sunday where cron uses 0-6: without the shift, "0 0 12 ? * 2" (Mondays in Quartz)
 * would silently run on Tuesdays. Quartz also writes "every 15 from 0" as `0/15`, which
 * parseCron wants as a range, `0-59/15`.
 */

/** A translated expression, or why it cannot be translated. */
export type QuartzTranslation = { ok: true; cron: string } | { ok: false; message: string };

const FIELD_MAX = [59, 59, 23, 31, 12];
const START_STEP = /^(\d+)\/(\d+)$/;
const DOW_ITEM = /^([A-Za-z]{3}|\d+)(?:-([A-Za-z]{3}|\d+))?(L|#\d+)?(?:\/(\d+))?$/;

/** Translates a Quartz cron expression; anything it does not recognise is left for parseCron. */
export function quartzToCron(expression: string): QuartzTranslation {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 7) {
    const year = fields.pop();
    if (year !== '*' && year !== '?') {
      return { ok: false, message: `The Quartz year field \`${year}\` is not supported; remove it or use \`*\`` };
    }
  }
  if (fields.length !== 6) return { ok: true, cron: expression.trim() };
  FIELD_MAX.forEach((max, index) => {
    fields[index] = (fields[index] ?? '').split(',').map((item) => item.replace(START_STEP, `$1-${max}/$2`)).join(',');
  });
  const dow = fields[5] ?? '*';
  const items: string[] = [];
  for (const item of dow.split(',')) {
    const translated = translateWeekdayItem(item);
    if (translated === null) {
      return { ok: false, message: `Quartz day-of-week \`${item}\` must use 1-7 (1 = Sunday) or SUN-SAT` };
    }
    items.push(translated);
  }
  fields[5] = items.join(',');
  return { ok: true, cron: fields.join(' ') };
}

function translateWeekdayItem(item: string): string | null {
  if (item === '*' || item === '?') return item;
  const match = DOW_ITEM.exec(item);
  if (!match) return item;
  const [, from = '', to, suffix = '', step] = match;
  const start = shift(from);
  const end = to === undefined ? '' : shift(to);
  if (start === null || end === null) return null;
  if (step !== undefined) return `${start}-${to === undefined ? '6' : end}${suffix}/${step}`;
  return `${start}${to === undefined ? '' : `-${end}`}${suffix}`;
}

function shift(day: string): string | null {
  if (!/^\d+$/.test(day)) return day;
  const n = Number(day);
  return n >= 1 && n <= 7 ? String(n - 1) : null;
}
