// Runs each test layer in turn, streams its output, and closes with one "N passed, N failed" line.
import { spawn } from 'node:child_process';

const layers = [
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'], counts: 'exit' },
  { name: 'typecheck', cmd: 'npx', args: ['tsc', '-p', '.', '--noEmit'], counts: 'exit' },
  { name: 'unit', cmd: 'npx', args: ['mocha'], counts: 'mocha' },
  { name: 'integration', cmd: 'node', args: ['test/run/runIntegration.mjs'], counts: 'integration' },
  { name: 'e2e', cmd: 'npx', args: ['mocha', '--config', '.mocharc.e2e.json'], counts: 'mocha' },
];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !layers.some((l) => l.name === name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown test layer: ${unknown.join(', ')}. The layers are: ${layers.map((l) => l.name).join(', ')}.\n`);
  process.exit(2);
}
const results = [];
const t0 = Date.now();

for (const layer of layers.filter((l) => only.length === 0 || only.includes(l.name))) {
  const started = Date.now();
  process.stdout.write(`\n=== ${layer.name} ===\n`);
  const { code, output } = await run(layer.cmd, layer.args);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (layer.counts === 'mocha') {
    passed = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
    failed = Number(/(\d+) failing/.exec(output)?.[1] ?? 0);
    skipped = Number(/(\d+) pending/.exec(output)?.[1] ?? 0);
  } else if (layer.counts === 'integration') {
    const m = /integration: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(output);
    passed = Number(m?.[1] ?? 0);
    failed = Number(m?.[2] ?? 0);
    skipped = Number(m?.[3] ?? 0);
  } else {
    passed = code === 0 ? 1 : 0;
  }
  // A layer that exits non-zero without reporting a failure (a crash, a hang) still counts as one.
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ name: layer.name, passed, failed, skipped, seconds: (Date.now() - started) / 1000 });
}

process.stdout.write('\n=== summary ===\n');
for (const r of results)
  process.stdout.write(
    `${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1)} s\n`,
  );
const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
process.stdout.write(`total time ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
