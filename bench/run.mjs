// Runs every benchmark in bench/ in turn (TypeScript ones through tsx). They print; they do not assert.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const f of fs.readdirSync(dir).sort()) {
  if (f === 'run.mjs' || !/\.(ts|mjs)$/.test(f) || f.endsWith('.d.ts')) continue;
  if (only.length && !only.some((o) => f.startsWith(o))) continue;
  console.log(`\n### ${f}`);
  const args = f.endsWith('.ts') ? ['--import', 'tsx', path.join(dir, f)] : [path.join(dir, f)];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) console.log(`(${f} exited with ${r.status})`);
}
