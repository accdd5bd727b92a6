/**
 * Case 1's schedule file: `count` schedules firing every second (UTC), as the engine side imports
 * it and the store-floor side stores it, so both measure the same rows.
 */
import { validateScheduleFile, type ScheduleFile } from '../src-main/engine/config/validate.ts';

export function everySecondFile(count: number): ScheduleFile {
  const file = validateScheduleFile({
    schedules: Array.from({ length: count }, (_, i) => ({
      name: `every-second-${String(i).padStart(4, '0')}`,
      cron: '* * * * * *',
      timezone: 'UTC',
      job: { type: 'process', executablePath: process.execPath, arguments: ['-e', '0'] },
    })),
  });
  if (!file.ok) throw new Error(file.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return file.value;
}
