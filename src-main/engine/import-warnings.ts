/**
 * What an imported schedule names but neither its file nor the data folder holds: a SQL job's
 * connection, a query parameter's connection, a notification's webhook. The import is not refused
 * (the connection may come in the next file, or be typed into the window), but the operator hears
 * of it at once rather than when the first run or notification fails hours later.
 */
import { itemPrefix } from './config/validate.ts';
import type { WebhookSettings } from './config/settings-schema.ts';
import type { Problem } from './errors.ts';
import type { Store } from './store/store.ts';
import type { ScheduleSpec } from './types.ts';

/** One problem per missing name, at the field that names it; read after the import is applied. */
export function missingReferences(store: Store, schedules: readonly ScheduleSpec[]): Problem[] {
  const connections = new Set(store.connections.list().map((c) => c.name.toLowerCase()));
  const webhooks = new Set((store.settings.get<WebhookSettings[]>('webhooks') ?? []).map((w) => w.name));
  const problems: Problem[] = [];
  schedules.forEach((spec, index) => {
    const at = (field: string) => `${itemPrefix('schedules', index, spec)} › ${field}`;
    const connection = (name: string, field: string) => {
      if (connections.has(name.toLowerCase())) return;
      problems.push({ path: at(field), message: `No connection named '${name}' in the file or the data folder: runs fail until one is added` });
    };
    if (spec.job.type === 'sql') connection(spec.job.connection, 'job.connection');
    spec.parameters.forEach((p, i) => p.query && connection(p.query.connection, `parameters[${i}].query.connection`));
    const target = spec.notify?.webhook?.target;
    if (target !== undefined && !webhooks.has(target)) {
      problems.push({ path: at('notify.webhook.target'), message: `No webhook named '${target}' in the settings: these notifications fail until one is added` });
    }
  });
  return problems;
}
