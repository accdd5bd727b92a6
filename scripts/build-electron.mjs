/**
 * Bundles the tray app's main process and preload with esbuild:
 * - dist/electron/main.js: ESM for Electron's Node (the package is "type": "module"); every
 *   package dependency stays external (electron-builder ships node_modules, and better-sqlite3
 *   is native), so only our own TypeScript is bundled. The engine's migrations are copied beside
 *   it, where migrate.ts looks for them (`./migrations/` next to the running module).
 * - dist/electron/preload.js: CommonJS for the sandboxed preload, which may only require
 *   'electron'; everything else it uses is bundled in.
 * Run `node scripts/build-electron.mjs`.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'electron');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dependencies = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = { bundle: true, sourcemap: true, legalComments: 'none', logLevel: 'info' };

await build({
  ...common,
  entryPoints: [path.join(root, 'src-main', 'electron', 'main.ts')],
  outfile: path.join(out, 'main.js'),
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['electron', ...dependencies, ...dependencies.map((name) => `${name}/*`)],
  // Bundled CommonJS code calls require(); give the ES module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: [path.join(root, 'src-main', 'electron', 'preload.ts')],
  outfile: path.join(out, 'preload.js'),
  platform: 'browser',
  format: 'cjs',
  target: 'chrome130',
  external: ['electron'],
});

cpSync(path.join(root, 'src-main', 'engine', 'store', 'migrations'), path.join(out, 'migrations'), { recursive: true });
