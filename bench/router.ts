// Routing decision time: 100,000 decisions over a realistic mix of requests. Target: p99 < 50 µs.
// Run: npx tsx bench/router.ts
import { budgetConstraints } from '../src/core/cost/budgets';
import { ModelHealth } from '../src/core/router/health';
import type { RouteRequest, RouterState } from '../src/core/router/route';
import { routeRequest } from '../src/core/router/route';
import type { SettingsSnapshot } from '../src/core/settings/schema';
import { DEFAULT_SETTINGS } from '../src/core/settings/schema';
import { effectiveSettings } from '../src/core/settings/validate';
import type { TaskKind } from '../src/core/types';

const DECISIONS = 100_000;
const WARMUP = 20_000;

const questions = [
  'What is a WeakMap?',
  'rename parseConfig to loadConfig',
  'Why does this deadlock when two workers share the queue?',
  'Design the architecture for a plugin system with hot reload and explain the trade-offs.',
  `why does this fail?\nTypeError: cannot read properties of undefined (reading 'id')\n    at resolve (src/core/settings.ts:412:17)\n${'  at frame (x.ts:1:1)\n'.repeat(30)}`,
  `Explain this function:\n${'const x = compute(a, b);\n'.repeat(120)}`,
];

function requests(): RouteRequest[] {
  const tasks: TaskKind[] = ['completion', 'completion', 'completion', 'edit', 'chat', 'chat', 'refactor'];
  const out: RouteRequest[] = [];
  for (let i = 0; i < 1024; i++) {
    const task = tasks[i % tasks.length];
    out.push({
      task,
      promptTokens: task === 'completion' ? 600 + (i % 7) * 150 : 1500 + (i % 13) * 9000,
      fileCount: i % 9,
      question: task === 'chat' ? questions[i % questions.length] : undefined,
      workspace: '/work/repo',
    });
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function run(label: string, settings: SettingsSnapshot, state: RouterState): void {
  const reqs = requests();
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += routeRequest(reqs[i & 1023], settings, state).candidates.length;
  const samples = new Float64Array(DECISIONS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < DECISIONS; i++) {
    const t0 = process.hrtime.bigint();
    const d = routeRequest(reqs[i & 1023], settings, state);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    sink += d.candidates.length;
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  samples.sort();
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `${label.padEnd(44)} p50 ${percentile(samples, 0.5).toFixed(2)} µs  p90 ${percentile(samples, 0.9).toFixed(2)} µs  p99 ${percentile(samples, 0.99).toFixed(2)} µs  p99.9 ${percentile(samples, 0.999).toFixed(2)} µs  max ${samples[samples.length - 1].toFixed(1)} µs  mean ${mean.toFixed(2)} µs  (${DECISIONS.toLocaleString('en')} in ${wall.toFixed(0)} ms${sink < 0 ? '!' : ''})`,
  );
}

const clock = { monotonic: () => performance.now() };
const health = new ModelHealth(clock);
for (const [id, ms] of [
  ['gpt-6-luna', 900],
  ['claude-haiku-4-5', 700],
  ['claude-sonnet-5-5', 2400],
  ['gpt-6.1-sol', 3100],
  ['qwen2.5-coder:1.5b-base', 180],
] as const) {
  for (const task of ['completion', 'edit', 'chat', 'refactor'] as const)
    for (let k = 0; k < 8; k++) health.recordSuccess(id, task, { ttftMs: ms + k * 10, totalMs: ms * 3 });
}
health.recordFailure('claude-haiku-4-5', { kind: 'overloaded', retryAfterMs: 3_600_000 });

const constrained = effectiveSettings(
  {
    'budget.perRequestUsd': { globalValue: 0.5 },
    'budget.perDayUsd': { globalValue: 5 },
    'fallback.degradeTier': { globalValue: true },
    models: { globalValue: [{ id: 'local-chat', provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'local', contextWindow: 32768 }] },
  },
  { trusted: true },
).settings;

console.log(
  `routeRequest: ${DECISIONS.toLocaleString('en')} decisions per run after ${WARMUP.toLocaleString('en')} warm-up, Node ${process.version}`,
);
run('defaults, no health, no budget', DEFAULT_SETTINGS, {});
run('budgets + health + latency + degrade chain', constrained, {
  health,
  budget: budgetConstraints(constrained.budget, { allDayUsd: 4.2, allMonthUsd: 40, workspaceDayUsd: 1, workspaceMonthUsd: 9 }),
});

// The first decision after a settings change compiles the snapshot once.
const fresh: number[] = [];
for (let i = 0; i < 200; i++) {
  const s = effectiveSettings({ 'budget.perDayUsd': { globalValue: i + 1 } }, { trusted: true }).settings;
  const t0 = process.hrtime.bigint();
  routeRequest({ task: 'edit', promptTokens: 2000 }, s, {});
  fresh.push(Number(process.hrtime.bigint() - t0) / 1000);
}
fresh.sort((a, b) => a - b);
console.log(`${'first decision on a new settings snapshot'.padEnd(44)} p50 ${fresh[100].toFixed(2)} µs  p99 ${fresh[198].toFixed(2)} µs`);

const resolveTimes: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = process.hrtime.bigint();
  effectiveSettings(
    { 'budget.perDayUsd': { globalValue: i + 1 }, routes: { workspaceValue: { edit: ['claude-haiku-4-5'] } } },
    { trusted: false },
  );
  resolveTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
}
resolveTimes.sort((a, b) => a - b);
console.log(
  `${'settings resolution (merge + validate)'.padEnd(44)} p50 ${resolveTimes[100].toFixed(0)} µs  p99 ${resolveTimes[198].toFixed(0)} µs`,
);
