#!/usr/bin/env node
// The `batchlight` command: loads the TypeScript sources through tsx (a runtime dependency), so
// the headless host needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
