// Builds what the VS Code runs need: the release VSIX, the test-runner VSIX and the bundled suite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './codeServer.mjs';

function run(cmd, args, cwd = ROOT) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');

export function buildSwitchboardVsix() {
  run('npm', ['run', '--silent', 'package']);
  const vsix = path.join(ROOT, 'dist', 'switchboard.vsix');
  // The zip's directory names every file in plain text: source maps must not ship (.vscodeignore).
  if (fs.readFileSync(vsix).includes('.js.map')) throw new Error(`${vsix} contains source maps: check .vscodeignore`);
  return vsix;
}

export function buildRunnerVsix() {
  const out = path.join(ROOT, 'out', 'switchboard-test-runner.vsix');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  run(
    vsce,
    ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out],
    path.join(ROOT, 'test', 'integration', 'runnerExtension'),
  );
  return out;
}

export function buildIntegrationSuite() {
  run(process.execPath, ['scripts/build-tests.mjs']);
  return path.join(ROOT, 'out', 'integration', 'index.js');
}

/** Copies the sample workspace to a throw-away folder so tests may change files freely. */
export function freshWorkspace(dest) {
  fs.cpSync(path.join(ROOT, 'sample-workspace'), dest, { recursive: true });
  return dest;
}
