// Bundles the integration suite for the extension host: one file per test, vscode and mocha external.
import esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const dir = 'test/integration';
const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') || f === 'index.ts' || f === 'electronIndex.ts');
// helpers.ts is bundled into each test that imports it.
fs.rmSync('out/integration', { recursive: true, force: true });
await esbuild.build({
  entryPoints: entries.map((f) => path.join(dir, f)),
  outdir: 'out/integration',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
