/**
 * `npm run bench [-- scheduler|process|http]`: runs the benchmark cases, each in a child process of
 * its own, one at a time; prints a table per case and a markdown summary for the README, and
 * writes every figure as JSON under the OS temp folder. Benchmarks print figures; they never
 * fail on them.
 *
 * Env: BENCH_SECONDS (case 1 window, default 30), BENCH_PROCESS_ROUNDS (case 2, default 3),
 * BENCH_NODE_FLAGS (extra node flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`),
 * BENCH_OUT (the JSON file; default <tmpdir>/batchlight-bench/latest.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpAims, httpMarkdown, printHttpCase, runHttpCase, type HttpCase } from './http-bench.ts';
import { printProcessCase, processAims, processMarkdown, runProcessCase, type ProcessCase } from './process-report.ts';
import { printSchedulerCase, runSchedulerCase, schedulerAims, schedulerMarkdown, storeFloorLine, type SchedulerCase } from './scheduler-report.ts';
import { machineInfo, markdownTable } from './stats.ts';

const CASES = ['scheduler', 'process', 'http'];

const asked = process.argv.slice(2);
for (const name of asked) {
  if (!CASES.includes(name)) throw new Error(`Unknown benchmark case \`${name}\` (expected one of: ${CASES.join(', ')})`);
}
const wants = (name: string) => asked.length === 0 || asked.includes(name);

const machine = machineInfo();
const startedAt = new Date().toISOString();
console.log(`Batchlight benchmarks, ${startedAt}`);
console.log(Object.entries(machine).map(([k, v]) => `${k}: ${v}`).join(' | '));
console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

let scheduler: SchedulerCase | undefined;
let processes: ProcessCase | undefined;
let httpCase: HttpCase | undefined;
if (wants('scheduler')) {
  scheduler = await runSchedulerCase();
  printSchedulerCase(scheduler);
}
if (wants('process')) {
  processes = await runProcessCase();
  printProcessCase(processes);
}
if (wants('http')) {
  httpCase = await runHttpCase();
  printHttpCase(httpCase);
}

console.log('\n## Benchmarks (markdown)\n');
console.log(markdownTable(['machine', ''], Object.entries(machine)));
if (scheduler) {
  console.log(`\n1,000 schedules every second for ${scheduler.seconds} s, no-op runner; lateness in ms\n`);
  console.log(schedulerMarkdown(scheduler));
  console.log('');
  for (const aim of schedulerAims(scheduler)) console.log(`- ${aim}`);
  console.log(`- ${storeFloorLine(scheduler.floor)}`);
}
if (processes) {
  console.log(`\n200 runs of \`node -e 0\`, engine against bare execa (median of ${processes.rounds} rounds)\n`);
  console.log(processMarkdown(processes));
  console.log('');
  for (const aim of processAims(processes)) console.log(`- ${aim}`);
}
if (httpCase) {
  console.log('\n5,000 HTTP runs against a loopback server, 10 at a time: engine against bare fetch\n');
  console.log(httpMarkdown(httpCase));
  console.log('');
  for (const aim of httpAims(httpCase)) console.log(`- ${aim}`);
}

const out = process.env.BENCH_OUT ?? path.join(os.tmpdir(), 'batchlight-bench', 'latest.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify({ startedAt, machine, scheduler, process: processes, http: httpCase }, null, 2)}\n`);
console.log(`\nFigures as JSON: ${out}`);
