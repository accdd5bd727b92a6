/**
 * The tray as a pure function of engine state: icon, tooltip and menu are plain data with action
 * ids, so they are tested without Electron; tray.ts only turns them into Electron objects.
 */
import type { EngineState } from '../engine/events.ts';
import type { OverlapPolicy, RunStatus } from '../engine/types.ts';

/** Which of the four tray icons to show. */
export type TrayIconState = 'idle' | 'running' | 'failure' | 'paused';

/** What a menu item does when clicked; main.ts carries it out. */
export type TrayAction =
  | { kind: 'open' }
  | { kind: 'trigger'; schedule: string }
  | { kind: 'cancel'; runId: string }
  | { kind: 'openRun'; runId: string }
  | { kind: 'pauseAll'; paused: boolean }
  | { kind: 'startAtLogin'; enabled: boolean }
  | { kind: 'quit' };

/** A menu item as plain data (no Electron types). */
export type MenuItemSpec =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: MenuItemSpec[] };

export interface TraySchedule {
  name: string;
  tags: string[];
  enabled: boolean;
  paused: boolean;
  overlap: OverlapPolicy;
  nextRunAt: number | null;
}

export interface TrayRun {
  id: string;
  scheduleName: string;
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Everything the tray shows, read from the engine and the shell at one instant. */
export interface TraySnapshot {
  now: number;
  /** IANA zone for times in labels; the system zone when absent. */
  timeZone?: string;
  engine: EngineState;
  schedules: TraySchedule[];
  running: TrayRun[];
  /** Failed, timed-out and interrupted runs of the last 24 hours, newest first. */
  failures: TrayRun[];
  /** Failures that ended at or before this instant have been looked at (window opened, log read). */
  failuresSeenAt: number;
  startAtLogin: boolean;
}

export interface TrayView {
  icon: TrayIconState;
  tooltip: string;
  menu: MenuItemSpec[];
}

/** Windows truncates tray tooltips past 127 characters; we cut first and say so with an ellipsis. */
export const TOOLTIP_MAX = 127;
const MAX_FAILURES_LISTED = 10;
const DAY_MS = 86_400_000;
const FAILURE_WORDS: Partial<Record<RunStatus, string>> = { failed: 'failed', timed_out: 'timed out', interrupted: 'interrupted' };

/** The tray's icon, tooltip and menu for one snapshot. */
export function trayView(s: TraySnapshot): TrayView {
  return { icon: iconState(s), tooltip: tooltip(s), menu: menu(s) };
}

/**
 * An unseen failure outranks everything (it is the alert the icon exists for); then "paused",
 * since nothing will run on schedule; then "running".
 */
export function iconState(s: TraySnapshot): TrayIconState {
  if (unseenFailures(s) > 0) return 'failure';
  if (s.engine.pausedAll) return 'paused';
  if (s.engine.running > 0 || s.running.length > 0) return 'running';
  return 'idle';
}

/** "Batchlight — 2 running, next: invoice-processor 02:30", cut to what Windows shows. */
export function tooltip(s: TraySnapshot): string {
  const text = `Batchlight — ${statusText(s)}`;
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

/** The status line shared by the tooltip and the top of the menu. */
export function statusText(s: TraySnapshot): string {
  if (!s.engine.serving) return 'engine stopped';
  const parts: string[] = [];
  const running = Math.max(s.engine.running, s.running.length);
  if (s.engine.pausedAll) parts.push('paused');
  if (running > 0) parts.push(`${running} running`);
  if (s.engine.queued > 0) parts.push(`${s.engine.queued} queued`);
  const unseen = unseenFailures(s);
  if (unseen > 0) parts.push(`${unseen} failed`);
  const next = s.engine.pausedAll ? undefined : nextSchedule(s);
  if (next) parts.push(`next: ${next.name} ${formatTime(next.nextRunAt as number, s)}`);
  return parts.length ? parts.join(', ') : 'idle';
}

function unseenFailures(s: TraySnapshot): number {
  return s.failures.filter((f) => (f.finishedAt ?? 0) > s.failuresSeenAt).length;
}

function nextSchedule(s: TraySnapshot): TraySchedule | undefined {
  const due = s.schedules.filter((x) => x.enabled && !x.paused && x.nextRunAt !== null);
  return due.sort((a, b) => (a.nextRunAt as number) - (b.nextRunAt as number) || a.name.localeCompare(b.name))[0];
}

/** "02:30" within 24 hours, else "24 Nov 02:30", in the snapshot's zone. */
export function formatTime(at: number, s: Pick<TraySnapshot, 'now' | 'timeZone'>): string {
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: s.timeZone }).format(at);
  if (Math.abs(at - s.now) < DAY_MS) return time;
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: s.timeZone }).format(at);
  return `${day} ${time}`;
}

function menu(s: TraySnapshot): MenuItemSpec[] {
  return [
    { type: 'normal', label: capitalise(statusText(s)), enabled: false },
    { type: 'separator' },
    { type: 'normal', label: 'Open Batchlight', enabled: true, action: { kind: 'open' } },
    runNowMenu(s),
    runningMenu(s),
    failuresMenu(s),
    { type: 'separator' },
    s.engine.pausedAll
      ? { type: 'normal', label: 'Resume all', enabled: true, action: { kind: 'pauseAll', paused: false } }
      : { type: 'normal', label: 'Pause all', enabled: true, action: { kind: 'pauseAll', paused: true } },
    { type: 'checkbox', label: 'Start at login', checked: s.startAtLogin, action: { kind: 'startAtLogin', enabled: !s.startAtLogin } },
    { type: 'separator' },
    { type: 'normal', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  ];
}

/**
 * Schedules grouped by tag (a schedule with two tags is under both; untagged ones last under
 * "Untagged"); a flat list when no schedule has a tag. A running `skip` schedule would only
 * record a skipped run, so it is shown running and cannot be clicked.
 */
function runNowMenu(s: TraySnapshot): MenuItemSpec {
  const label = 'Run now';
  if (s.schedules.length === 0) return { type: 'submenu', label, enabled: false, submenu: [] };
  const running = new Set(s.running.map((r) => r.scheduleName));
  const item = (x: TraySchedule): MenuItemSpec => {
    if (x.overlap === 'skip' && running.has(x.name)) return { type: 'normal', label: `${x.name} (running)`, enabled: false };
    return { type: 'normal', label: x.enabled ? x.name : `${x.name} (disabled)`, enabled: true, action: { kind: 'trigger', schedule: x.name } };
  };
  const sorted = [...s.schedules].sort((a, b) => a.name.localeCompare(b.name));
  const tags = [...new Set(sorted.flatMap((x) => x.tags))].sort((a, b) => a.localeCompare(b));
  if (tags.length === 0) return { type: 'submenu', label, enabled: true, submenu: sorted.map(item) };
  const groups: MenuItemSpec[] = tags.map((tag) => ({
    type: 'submenu',
    label: tag,
    enabled: true,
    submenu: sorted.filter((x) => x.tags.includes(tag)).map(item),
  }));
  const untagged = sorted.filter((x) => x.tags.length === 0);
  if (untagged.length) groups.push({ type: 'submenu', label: 'Untagged', enabled: true, submenu: untagged.map(item) });
  return { type: 'submenu', label, enabled: true, submenu: groups };
}

function runningMenu(s: TraySnapshot): MenuItemSpec {
  const submenu: MenuItemSpec[] = s.running.map((r) => ({
    type: 'submenu',
    label: r.startedAt === null ? r.scheduleName : `${r.scheduleName} (since ${formatTime(r.startedAt, s)})`,
    enabled: true,
    submenu: [
      { type: 'normal', label: 'Open log', enabled: true, action: { kind: 'openRun', runId: r.id } },
      { type: 'normal', label: 'Cancel', enabled: true, action: { kind: 'cancel', runId: r.id } },
    ],
  }));
  return { type: 'submenu', label: `Running (${s.running.length})`, enabled: submenu.length > 0, submenu };
}

function failuresMenu(s: TraySnapshot): MenuItemSpec {
  const submenu: MenuItemSpec[] = s.failures.slice(0, MAX_FAILURES_LISTED).map((r) => ({
    type: 'normal',
    label: `${r.scheduleName} — ${FAILURE_WORDS[r.status] ?? r.status}${r.finishedAt === null ? '' : ` ${formatTime(r.finishedAt, s)}`}`,
    enabled: true,
    action: { kind: 'openRun', runId: r.id },
  }));
  return { type: 'submenu', label: `Recent failures (${s.failures.length})`, enabled: submenu.length > 0, submenu };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
