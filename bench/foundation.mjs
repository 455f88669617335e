// Prints: time in activate() inside a real VS Code (code-server), bundle sizes, VSIX size.
// Targets: activate() < 30 ms, extension bundle < 1.5 MB, VSIX < 2 MB.
import fs from 'node:fs';
import path from 'node:path';
import {
  makeProfile,
  installExtensions,
  startCodeServer,
  launchBrowser,
  workbenchUrl,
  removeProfile,
  ROOT,
} from '../test/harness/codeServer.mjs';
import { buildSwitchboardVsix, freshWorkspace } from '../test/harness/build.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
let lastPhases = '';
const vsix = buildSwitchboardVsix();
const kb = (p) => (fs.statSync(p).size / 1024).toFixed(1) + ' KB';
const rows = [['dist/extension.js', kb(path.join(ROOT, 'dist/extension.js'))]];
const webviewDir = path.join(ROOT, 'dist/webview');
for (const f of fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir).filter((f) => f.endsWith('.js')) : [])
  rows.push([`dist/webview/${f}`, kb(path.join(webviewDir, f))]);
rows.push(['dist/switchboard.vsix', kb(vsix)]);

const activations = [];
for (let i = 0; i < RUNS; i++) {
  const dirs = makeProfile({ prefix: 'sb-bench-' });
  const ws = freshWorkspace(path.join(dirs.base, 'workspace'));
  installExtensions(dirs, [vsix]);
  const server = await startCodeServer(dirs);
  const browser = await launchBrowser(dirs);
  try {
    await browser.page.goto(workbenchUrl(server, ws));
    const deadline = Date.now() + 60_000;
    let ms;
    while (ms === undefined && Date.now() < deadline) {
      ms = findActivation(path.join(dirs.userData, 'logs'));
      if (ms === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    if (ms !== undefined) activations.push(ms);
  } finally {
    await browser.close();
    await server.stop();
    removeProfile(dirs);
  }
}

console.log('\nFoundation figures');
for (const [k, v] of rows) console.log(`  ${k.padEnd(28)} ${v}`);
console.log(
  `  activate() in VS Code 1.139   ${activations.map((a) => a.toFixed(1) + ' ms').join(', ')}  (median ${median(activations).toFixed(1)} ms over ${activations.length} cold starts)`,
);
console.log(`  last run's phases              ${lastPhases}`);

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
function findActivation(dir) {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('Switchboard.log')) {
      const m = /activated in ([\d.]+) ms(.*)/.exec(fs.readFileSync(path.join(e.parentPath ?? e.path, e.name), 'utf8'));
      if (m) {
        lastPhases = m[2].trim();
        return Number(m[1]);
      }
    }
  }
  return undefined;
}
