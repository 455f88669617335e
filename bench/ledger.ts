// Ledger: append throughput, totals query time at 1,000,000 records (target < 50 ms), and prune time.
// Run: npx tsx bench/ledger.ts   (writes ~0.6 GB under the OS temp folder and removes it)
//      npx tsx bench/ledger.ts prune   (only the prune figures, ~20 MB)
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dayKeyOf } from '../src/core/cost/calendar';
import { Ledger } from '../src/core/cost/ledger';
import { serialise } from '../src/core/cost/ledgerFiles';
import type { DecisionRecord } from '../src/core/router/decision';
import type { TaskKind, Tier } from '../src/core/types';

const APPENDS = 20_000;
const RECORDS = 1_000_000;
const FILE_BYTES = 8 * 1024 * 1024;

const MODELS: [string, Tier][] = [
  ['qwen2.5-coder:1.5b-base', 'local'],
  ['gpt-6-luna', 'mid'],
  ['claude-haiku-4-5', 'mid'],
  ['claude-sonnet-5-5', 'frontier'],
  ['gpt-6.1-sol', 'frontier'],
];
const TASKS: TaskKind[] = ['completion', 'completion', 'completion', 'edit', 'chat', 'refactor'];
const WORKSPACES = ['/work/api', '/work/web', '/work/infra', null];

function record(i: number): DecisionRecord {
  const [id, tier] = MODELS[i % MODELS.length];
  const task = TASKS[i % TASKS.length];
  const time = Date.UTC(2026, 8, 1) + Math.floor((i / RECORDS) * 85 * 86_400_000);
  const day = new Date(time).toISOString().slice(0, 10);
  const summary = { id, provider: tier === 'local' ? ('ollama' as const) : ('openai' as const), model: id, tier, local: tier === 'local' };
  return {
    v: 1,
    type: 'decision',
    id: `d${i.toString(36)}`,
    time,
    day,
    workspace: WORKSPACES[i % WORKSPACES.length],
    task,
    candidates: [
      { id, tier, source: 'route', kept: true, reason: `listed in switchboard.routes.${task}` },
      { id: 'claude-haiku-4-5', tier: 'mid', source: 'route', kept: false, reason: 'cooling down after an overload (retry in 12 s)' },
    ],
    chosen: summary,
    answeredBy: summary,
    hops: [],
    usage: { inputTokens: 800 + (i % 5000), outputTokens: 40 + (i % 900), cacheReadTokens: i % 3 === 0 ? 2048 : 0, cacheWriteTokens: 0 },
    costUsd: tier === 'local' ? 0 : 0.0001 * (1 + (i % 50)),
    estimatedCostUsd: tier === 'local' ? 0 : 0.0002 * (1 + (i % 50)),
    ttftMs: 80 + (i % 700),
    totalMs: 400 + (i % 4000),
    outcome: task === 'completion' ? 'pending' : 'ok',
    explanation: `${task} → ${id}`,
  };
}

function stats(label: string, ms: number[]): void {
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  console.log(
    `${label.padEnd(52)} p50 ${p(0.5).toFixed(3)} ms  p99 ${p(0.99).toFixed(3)} ms  max ${ms[ms.length - 1].toFixed(3)} ms  (n=${ms.length})`,
  );
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t0) / 1e6];
}

async function appendBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-ledger-'));
  try {
    const ledger = await Ledger.open({ dir });
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < APPENDS; i++) {
      const [, ms] = await time(() => ledger.append(record(i)));
      latencies.push(ms);
    }
    const seqMs = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(
      `append, one at a time (awaited): ${APPENDS.toLocaleString('en')} records in ${seqMs.toFixed(0)} ms = ${Math.round((APPENDS / seqMs) * 1000).toLocaleString('en')} records/s`,
    );
    stats('  per-append latency', latencies);

    const [, burstMs] = await time(() => Promise.all(Array.from({ length: APPENDS }, (_, i) => ledger.append(record(APPENDS + i)))));
    console.log(
      `append, ${APPENDS.toLocaleString('en')} queued at once: ${burstMs.toFixed(0)} ms = ${Math.round((APPENDS / burstMs) * 1000).toLocaleString('en')} records/s`,
    );
    await ledger.close();

    const synced = await Ledger.open({ dir: path.join(dir, 'synced'), syncEachAppend: true });
    const [, syncMs] = await time(async () => {
      for (let i = 0; i < 2000; i++) await synced.append(record(i));
    });
    console.log(
      `append with syncEachAppend (fdatasync): 2,000 records in ${syncMs.toFixed(0)} ms = ${Math.round((2000 / syncMs) * 1000).toLocaleString('en')} records/s`,
    );
    await synced.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes 1M records in the ledger's own line format, file by file (fast bulk set-up, not the append path). */
function writeMillion(dir: string): { files: number; bytes: number } {
  let seq = 1;
  let chunks: string[] = [];
  let size = 0;
  let bytes = 0;
  const flush = () => {
    writeFileSync(path.join(dir, `ledger-${String(seq).padStart(6, '0')}.jsonl`), chunks.join(''));
    bytes += size;
    seq++;
    chunks = [];
    size = 0;
  };
  for (let i = 0; i < RECORDS; i++) {
    const line = serialise(record(i));
    const len = Buffer.byteLength(line);
    if (size + len > FILE_BYTES) flush();
    chunks.push(line);
    size += len;
  }
  flush();
  return { files: seq - 1, bytes };
}

async function totalsBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-ledger-'));
  try {
    const [{ files, bytes }, setupMs] = await time(async () => writeMillion(dir));
    console.log(
      `\n${RECORDS.toLocaleString('en')} records: ${files} files, ${(bytes / 1e6).toFixed(0)} MB, written in ${setupMs.toFixed(0)} ms`,
    );

    const first = await Ledger.open({ dir });
    const [t, rebuildMs] = await time(() => first.totals());
    if (t.requests !== RECORDS) throw new Error(`expected ${RECORDS} requests, got ${t.requests}`);
    console.log(`totals, no indexes yet (reads every byte once, writes indexes): ${rebuildMs.toFixed(0)} ms`);
    await first.close();
    const sidecars = readdirSync(dir).filter((n) => n.endsWith('.index.json'));
    const sidecarBytes = sidecars.reduce((a, n) => a + statSync(path.join(dir, n)).size, 0);
    console.log(`  sidecar indexes: ${sidecars.length} files, ${(sidecarBytes / 1e3).toFixed(0)} kB`);

    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      const l = await Ledger.open({ dir });
      const [r, ms] = await time(() => l.totals());
      if (r.requests !== RECORDS) throw new Error('cold totals wrong');
      cold.push(ms);
      await l.close();
    }
    stats('totals at 1M records, cold (new process state, indexes)', cold);

    const ledger = await Ledger.open({ dir });
    await ledger.totals();
    const warm: number[] = [];
    for (let i = 0; i < 50; i++) warm.push((await time(() => ledger.totals()))[1]);
    stats('totals at 1M records, warm (nothing new)', warm);

    const afterAppend: number[] = [];
    for (let i = 0; i < 50; i++) {
      await ledger.append(record(RECORDS + i));
      afterAppend.push((await time(() => ledger.totals()))[1]);
    }
    stats('totals at 1M records, after each new append', afterAppend);

    const month: number[] = [];
    for (let i = 0; i < 50; i++) month.push((await time(() => ledger.totals({ fromDay: '2026-11-01', toDay: '2026-11-30' })))[1]);
    stats('totals for one month at 1M records (warm)', month);

    const spend: number[] = [];
    for (let i = 0; i < 50; i++) spend.push((await time(() => ledger.spend(Date.UTC(2026, 10, 20), '/work/api')))[1]);
    stats('spend(now, workspace) for budgets (warm)', spend);

    const [, recentMs] = await time(() => ledger.recent(200));
    console.log(`recent(200) for the router panel: ${recentMs.toFixed(1)} ms`);
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PRUNE_FILES = 100;
const PRUNE_RECORDS_PER_FILE = 250;

/** 100 rotated files, one every 2 days back from today, then prunes with a 60-day window. */
async function pruneBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-prune-'));
  try {
    const now = Date.now();
    let bytes = 0;
    for (let f = 1; f <= PRUNE_FILES; f++) {
      const d = new Date(now);
      const at = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 2 * (PRUNE_FILES - f), 12).getTime();
      const day = dayKeyOf(at);
      const lines = Array.from({ length: PRUNE_RECORDS_PER_FILE }, (_, i) =>
        serialise({ ...record(f * PRUNE_RECORDS_PER_FILE + i), day, time: at }),
      ).join('');
      const file = path.join(dir, `ledger-${String(f).padStart(6, '0')}.jsonl`);
      writeFileSync(file, lines);
      utimesSync(file, at / 1000, at / 1000);
      bytes += Buffer.byteLength(lines);
    }
    // As at a second start: the first window indexed everything and closed.
    const first = await Ledger.open({ dir });
    await first.totals();
    await first.close();

    const ledger = await Ledger.open({ dir, retention: () => ({ retentionDays: 60, maxMegabytes: 0 }), pruneAfterOpenMs: 3_600_000 });
    const [report, coldMs] = await time(() => ledger.prune());
    const deletedMb = report.removed.reduce((sum, r) => sum + r.bytes, 0) / 1e6;
    console.log(
      `\nprune, ${PRUNE_FILES} files (${(bytes / 1e6).toFixed(0)} MB, indexed), 60-day window: ${report.removed.length} files / ${deletedMb.toFixed(1)} MB deleted in ${coldMs.toFixed(1)} ms (fresh ledger object: loads indexes first)`,
    );
    const again: number[] = [];
    for (let i = 0; i < 20; i++) again.push((await time(() => ledger.prune()))[1]);
    stats(`prune again, ${PRUNE_FILES - report.removed.length} files left, nothing to delete`, again);
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Ledger benchmark, Node ${process.version}, one record ≈ ${Buffer.byteLength(serialise(record(7)))} bytes`);
  if (process.argv[2] !== 'prune') {
    await appendBench();
    await totalsBench();
  }
  await pruneBench();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
