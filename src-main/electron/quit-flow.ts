/**
 * Quitting while runs are active: the question is pure data and the answer a pure mapping, so
 * both are tested without Electron; main.ts shows the dialog and carries out the choice.
 */
import type { MessageBoxOptions } from 'electron';

/** What to do about active runs when the user quits. */
export type QuitChoice = 'quit' | 'wait' | 'cancel' | 'stay';

const BUTTONS = ['Wait for them, then quit', 'Cancel them and quit', 'Stay'] as const;
const CHOICES: QuitChoice[] = ['wait', 'cancel', 'stay'];
const NAMES_SHOWN = 5;

/** The dialog to show, or null when nothing runs and quitting needs no question. */
export function quitPrompt(runningSchedules: string[]): MessageBoxOptions | null {
  if (runningSchedules.length === 0) return null;
  const n = runningSchedules.length;
  const names = runningSchedules.slice(0, NAMES_SHOWN).join(', ') + (n > NAMES_SHOWN ? ` and ${n - NAMES_SHOWN} more` : '');
  return {
    type: 'question',
    title: 'Quit Batchlight',
    message: `${n === 1 ? '1 run is' : `${n} runs are`} still running: ${names}.`,
    detail:
      'Waiting lets them finish; no new runs start meanwhile. Cancelling ends their processes now and records them as cancelled. Staying keeps Batchlight running.',
    buttons: [...BUTTONS],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
  };
}

/** The choice for the dialog's button index; closing the dialog (or anything unknown) stays. */
export function quitChoice(response: number): QuitChoice {
  return CHOICES[response] ?? 'stay';
}
