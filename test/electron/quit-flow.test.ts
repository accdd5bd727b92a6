import { describe, expect, it } from 'vitest';
import { quitChoice, quitPrompt } from '../../src-main/electron/quit-flow.ts';

describe('quit flow', () => {
  it('quits without asking when nothing runs', () => {
    expect(quitPrompt([])).toBeNull();
  });

  it('asks to wait, cancel or stay when runs are active, naming them', () => {
    const prompt = quitPrompt(['invoices', 'backup']);
    expect(prompt?.message).toBe('2 runs are still running: invoices, backup.');
    expect(prompt?.buttons).toEqual(['Wait for them, then quit', 'Cancel them and quit', 'Stay']);
  });

  it('says "1 run is" for a single run', () => {
    expect(quitPrompt(['invoices'])?.message).toBe('1 run is still running: invoices.');
  });

  it('names five runs and counts the rest', () => {
    expect(quitPrompt(['a', 'b', 'c', 'd', 'e', 'f', 'g'])?.message).toBe('7 runs are still running: a, b, c, d, e and 2 more.');
  });

  it('Escape or closing the dialog means stay', () => {
    const prompt = quitPrompt(['a']);
    expect(quitChoice(prompt!.cancelId!)).toBe('stay');
  });

  it('Enter means wait, the safe choice', () => {
    const prompt = quitPrompt(['a']);
    expect(quitChoice(prompt!.defaultId!)).toBe('wait');
  });

  it.each([
    [0, 'wait'],
    [1, 'cancel'],
    [2, 'stay'],
    [3, 'stay'],
    [-1, 'stay'],
  ] as const)('button %i means %s', (response, choice) => {
    expect(quitChoice(response)).toBe(choice);
  });
});
