import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, LedgerError, openLedger } from '../../../src/core/cost/ledger';
import { serialise } from '../../../src/core/cost/ledgerFiles';
import { NO_WORKSPACE } from '../../../src/core/cost/ledgerTotals';
import { silentLogger } from '../../../src/core/ports';
import { makeRecord } from './fixtures/records';

const ROOT = path.resolve(__dirname, '../../..');

/** What the totals' per-key records look like: no prototype (model ids and workspaces are keys, never Object.prototype's names). */
function keyed<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

function ledgerFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^ledger-\d{6}\.jsonl$/.test(n))
    .sort();
}

describe('Ledger', function () {
  this.timeout(30_000);
  let dir: string;
  const open: Ledger[] = [];
  const openLedgerAt = async (options: Partial<Parameters<typeof Ledger.open>[0]> = {}) => {
    const l = await Ledger.open({ dir, ...options });
    open.push(l);
    return l;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-ledger-'));
  });
  afterEach(async () => {
    for (const l of open.splice(0)) await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per record and totals by day, tier, model, workspace and task', async () => {
    const ledger = await openLedgerAt();
    await ledger.append(
      makeRecord({ id: 'a', day: '2026-11-24', costUsd: 0.25, modelId: 'claude-sonnet-5-5', tier: 'frontier', task: 'refactor' }),
    );
    await ledger.append(
      makeRecord({ id: 'b', day: '2026-11-25', costUsd: 0.5, modelId: 'claude-sonnet-5-5', tier: 'frontier', workspace: '/other' }),
    );
    await ledger.append(
      makeRecord({ id: 'c', day: '2026-11-25', costUsd: 0, modelId: 'qwen', tier: 'local', task: 'completion', workspace: null }),
    );
    await ledger.append(makeRecord({ id: 'd', day: '2026-11-25', costUsd: null, modelId: 'astra', tier: 'frontier' }));
    const lines = readFileSync(path.join(dir, 'ledger-000001.jsonl'), 'utf8').split('\n');
    assert.equal(lines.length, 5);
    assert.equal(lines[4], '');
    assert.ok(lines[0].startsWith('{"v":1,"type":"decision","id":"a"'));

    const t = await ledger.totals();
    assert.equal(t.requests, 4);
    assert.equal(t.costUsd, 0.75);
    assert.equal(t.unpriced, 1);
    assert.deepEqual(t.byTier, keyed({ frontier: { costUsd: 0.75, requests: 3 }, local: { costUsd: 0, requests: 1 } }));
    assert.deepEqual(t.byModel['claude-sonnet-5-5'], { costUsd: 0.75, requests: 2, accepted: 0, rejected: 0 });
    assert.deepEqual(
      t.byWorkspace,
      keyed({
        '/work/repo': { costUsd: 0.25, requests: 2 },
        '/other': { costUsd: 0.5, requests: 1 },
        [NO_WORKSPACE]: { costUsd: 0, requests: 1 },
      }),
    );
    assert.deepEqual(
      t.byTask,
      keyed({
        refactor: { costUsd: 0.25, requests: 1 },
        edit: { costUsd: 0.5, requests: 2 },
        completion: { costUsd: 0, requests: 1 },
      }),
    );
    assert.equal(t.tokens.input, 4800);
    assert.deepEqual(Object.keys(t.days).sort(), ['2026-11-24', '2026-11-25']);
    assert.equal(t.days['2026-11-25'].costUsd, 0.5);

    const day = await ledger.totals({ fromDay: '2026-11-25', toDay: '2026-11-25' });
    assert.equal(day.requests, 3);
    assert.equal(day.costUsd, 0.5);
  });

  it('reports spend for budgets: today and this month, overall and per workspace', async () => {
    const ledger = await openLedgerAt();
    const now = new Date(2026, 10, 25, 15).getTime();
    await ledger.append(makeRecord({ id: '1', day: '2026-10-31', costUsd: 9 }));
    await ledger.append(makeRecord({ id: '2', day: '2026-11-02', costUsd: 1, workspace: '/a' }));
    await ledger.append(makeRecord({ id: '3', day: '2026-11-25', costUsd: 0.5, workspace: '/a' }));
    await ledger.append(makeRecord({ id: '4', day: '2026-11-25', costUsd: 0.25, workspace: '/b' }));
    assert.deepEqual(await ledger.spend(now, '/a'), { allDayUsd: 0.75, allMonthUsd: 1.75, workspaceDayUsd: 0.5, workspaceMonthUsd: 1.5 });
    assert.deepEqual(await ledger.spend(now, '/nowhere'), { allDayUsd: 0.75, allMonthUsd: 1.75, workspaceDayUsd: 0, workspaceMonthUsd: 0 });
  });

  it('records outcome changes as appended updates keyed by decision id, never rewriting', async () => {
    const ledger = await openLedgerAt();
    const shown = makeRecord({ id: 'c1', task: 'completion', modelId: 'qwen', tier: 'local', costUsd: 0 });
    await ledger.append({ ...shown, outcome: 'pending' });
    await ledger.append(makeRecord({ id: 'c2', task: 'completion', modelId: 'qwen', tier: 'local', costUsd: 0 }));
    const before = readFileSync(path.join(dir, 'ledger-000001.jsonl'), 'utf8');
    await ledger.updateOutcome(shown, 'accepted', 2000);
    await ledger.updateOutcome(makeRecord({ id: 'c2', modelId: 'qwen' }), 'rejected', 2001);
    const after = readFileSync(path.join(dir, 'ledger-000001.jsonl'), 'utf8');
    assert.ok(after.startsWith(before), 'earlier lines untouched');
    assert.match(after.split('\n')[2], /^\{"v":1,"type":"outcome","id":"c1","time":2000,"outcome":"accepted"/);

    const t = await ledger.totals();
    assert.equal(t.requests, 2, 'updates are not requests');
    assert.deepEqual(t.byModel.qwen, { costUsd: 0, requests: 2, accepted: 1, rejected: 1 });
    const recent = await ledger.recent(10);
    assert.deepEqual(
      recent.map((r) => [r.id, r.outcome]),
      [
        ['c2', 'rejected'],
        ['c1', 'accepted'],
      ],
    );
  });

  it('survives a crash mid-line: the torn line is skipped, and the next append starts a fresh line', async () => {
    const first = await openLedgerAt();
    for (const id of ['r1', 'r2', 'r3']) await first.append(makeRecord({ id, costUsd: 1 }));
    await first.close();
    const file = path.join(dir, 'ledger-000001.jsonl');
    const size = statSync(file).size;
    truncateSync(file, size - 40); // the last record loses its end, as if the process died mid-write

    const second = await openLedgerAt();
    const t = await second.totals();
    assert.equal(t.requests, 2);
    assert.equal(t.costUsd, 2);
    assert.deepEqual(
      (await second.recent(10)).map((r) => r.id),
      ['r2', 'r1'],
    );

    await second.append(makeRecord({ id: 'r4', costUsd: 1 }));
    const t2 = await second.totals();
    assert.equal(t2.requests, 3);
    assert.deepEqual(
      (await second.recent(10)).map((r) => r.id),
      ['r4', 'r2', 'r1'],
    );
    const third = await openLedgerAt();
    assert.equal((await third.totals()).requests, 3, 'a fresh reader agrees');
    assert.equal(third.skippedLines, 1, 'exactly the torn line is skipped');
  });

  it('recovers a whole record glued behind a torn one', async () => {
    const whole = serialise(makeRecord({ id: 'kept', costUsd: 2 }));
    writeFileSync(path.join(dir, 'ledger-000001.jsonl'), `{"v":1,"type":"decision","id":"torn","ti${whole}`);
    const ledger = await openLedgerAt();
    const t = await ledger.totals();
    assert.equal(t.requests, 1);
    assert.equal(t.costUsd, 2);
  });

  it('skips lines that are not ledger records', async () => {
    writeFileSync(
      path.join(dir, 'ledger-000001.jsonl'),
      `not json\n{"v":2,"type":"decision","id":"x","day":"2026-11-25"}\n{}\n${serialise(makeRecord({ id: 'ok' }))}`,
    );
    const ledger = await openLedgerAt();
    assert.equal((await ledger.totals()).requests, 1);
    assert.equal(ledger.skippedLines, 3);
  });

  it('rotates by size into numbered files and totals across them', async () => {
    const ledger = await openLedgerAt({ maxFileBytes: 4096 });
    for (let i = 0; i < 60; i++) await ledger.append(makeRecord({ id: `r${i}`, costUsd: 0.01, padding: 100 }));
    const files = ledgerFiles(dir);
    assert.ok(files.length >= 5, `rotated into ${files.length} files`);
    files.forEach((f, i) => assert.equal(f, `ledger-${String(i + 1).padStart(6, '0')}.jsonl`));
    for (const f of files) assert.ok(statSync(path.join(dir, f)).size <= 4096, `${f} within the limit`);
    const t = await ledger.totals();
    assert.equal(t.requests, 60);
    assert.ok(Math.abs(t.costUsd - 0.6) < 1e-9);
    assert.deepEqual(
      (await ledger.recent(3)).map((r) => r.id),
      ['r59', 'r58', 'r57'],
    );
  });

  it('applies an outcome update written to a newer file than its decision', async () => {
    const ledger = await openLedgerAt({ maxFileBytes: 2048 });
    const shown = makeRecord({ id: 'early', modelId: 'qwen', tier: 'local', task: 'completion', padding: 200 });
    await ledger.append(shown);
    for (let i = 0; i < 10; i++) await ledger.append(makeRecord({ id: `f${i}`, padding: 200 }));
    await ledger.updateOutcome(shown, 'accepted', 5);
    assert.ok(ledgerFiles(dir).length > 1);
    const recent = await ledger.recent(100);
    assert.equal(recent.find((r) => r.id === 'early')?.outcome, 'accepted');
    assert.equal((await ledger.totals()).byModel.qwen.accepted, 1);
  });

  it('recent() reads a large file from its end, growing the window as needed', async () => {
    const ledger = await openLedgerAt({ maxFileBytes: 64 * 1024 * 1024 });
    for (let i = 0; i < 600; i++) await ledger.append(makeRecord({ id: `t${i}`, padding: 1000 }));
    await ledger.updateOutcome(makeRecord({ id: 't598' }), 'accepted', 1);
    assert.ok(statSync(path.join(dir, 'ledger-000001.jsonl')).size > 4 * 256 * 1024);
    const few = await ledger.recent(3);
    assert.deepEqual(
      few.map((r) => [r.id, r.outcome]),
      [
        ['t599', 'ok'],
        ['t598', 'accepted'],
        ['t597', 'ok'],
      ],
    );
    const many = await ledger.recent(450);
    assert.equal(many.length, 450);
    assert.deepEqual([many[0].id, many[449].id], ['t599', 't150']);
    assert.equal(ledger.skippedLines, 0, 'windows that start mid-line skip to the next line');
  });

  it('keeps per-file sidecar indexes so a new reader does not re-read indexed bytes', async () => {
    const ledger = await openLedgerAt({ indexEveryBytes: 1 });
    await ledger.append(makeRecord({ id: 'x1', costUsd: 0.125 }));
    await ledger.append(makeRecord({ id: 'x2', costUsd: 0.125 }));
    assert.equal((await ledger.totals()).costUsd, 0.25);
    const sidecar = path.join(dir, 'ledger-000001.jsonl.index.json');
    assert.ok(statSync(sidecar).isFile());

    // Alter an indexed record in place (same length). A reader that trusts the index does not see it.
    const file = path.join(dir, 'ledger-000001.jsonl');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"costUsd":0.125', '"costUsd":9.125'));
    const fresh = await openLedgerAt();
    assert.equal((await fresh.totals()).costUsd, 0.25, 'served from the index');
    // …and it folds in only what was appended since.
    await fresh.append(makeRecord({ id: 'x3', costUsd: 1 }));
    assert.equal((await fresh.totals()).costUsd, 1.25);

    // An index that claims more bytes than the file has is not trusted.
    truncateSync(file, Buffer.byteLength(text.split('\n')[0]) + 1);
    const rebuilt = await openLedgerAt();
    const t = await rebuilt.totals();
    assert.equal(t.requests, 1);
    assert.equal(t.costUsd, 9.125, 'rebuilt from the file itself');
  });

  it('keeps its in-memory aggregate between queries and reads only new bytes', async () => {
    const ledger = await openLedgerAt();
    await ledger.append(makeRecord({ id: 'm1', costUsd: 0.5 }));
    assert.equal((await ledger.totals()).costUsd, 0.5);
    const file = path.join(dir, 'ledger-000001.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"costUsd":0.5', '"costUsd":7.5'));
    await ledger.append(makeRecord({ id: 'm2', costUsd: 0.25 }));
    assert.equal((await ledger.totals()).costUsd, 0.75);
  });

  it('reads multi-byte text across read-chunk boundaries', async () => {
    const ledger = await openLedgerAt({ maxFileBytes: 64 * 1024 * 1024 });
    const count = 400;
    for (let i = 0; i < count; i++) await ledger.append(makeRecord({ id: `u${i}`, costUsd: 0.001, padding: 1500, explanation: `€ ${i}` }));
    assert.ok(statSync(path.join(dir, 'ledger-000001.jsonl')).size > 1 << 20, 'larger than one read chunk');
    const reader = await openLedgerAt();
    assert.equal((await reader.totals()).requests, count);
    assert.equal(reader.skippedLines, 0);
    const all = [];
    for await (const r of reader.records()) all.push(r);
    assert.equal(all.length, count);
    assert.ok(all.every((r, i) => r.type === 'decision' && r.explanation.startsWith(`€ ${i} ·`)));
  });

  it('two processes appending at once never interleave lines, even while rotating', async function () {
    this.timeout(60_000);
    const perChild = 800;
    const startAt = Date.now() + 1500;
    const script = path.join(__dirname, 'fixtures', 'appendMany.ts');
    const runChild = (tag: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--require', 'tsx/cjs', script, dir, String(perChild), tag, String(256 * 1024), String(startAt)],
          { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${tag} exited ${code}: ${stderr}`))));
      });
    await Promise.all([runChild('A'), runChild('B')]);

    const files = ledgerFiles(dir);
    assert.ok(files.length >= 3, `rotated into ${files.length} files while both wrote`);
    const ids = new Map<string, number>();
    let lines = 0;
    for (const f of files) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        if (line === '') continue;
        lines++;
        const r = JSON.parse(line) as { id: string };
        ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
      }
    }
    assert.equal(lines, 2 * perChild, 'every line parses as one whole record');
    for (const tag of ['A', 'B']) for (let i = 0; i < perChild; i++) assert.equal(ids.get(`${tag}-${i}`), 1, `${tag}-${i} exactly once`);
    const reader = await openLedgerAt();
    assert.equal((await reader.totals()).requests, 2 * perChild);
    assert.equal(reader.skippedLines, 0);
  });

  it('close() flushes pending appends and writes indexes; appending after close fails clearly', async () => {
    const ledger = await Ledger.open({ dir });
    const pending = [ledger.append(makeRecord({ id: 'p1' })), ledger.append(makeRecord({ id: 'p2' }))];
    await ledger.totals();
    await ledger.close();
    await Promise.all(pending);
    assert.equal(readFileSync(path.join(dir, 'ledger-000001.jsonl'), 'utf8').split('\n').length, 3);
    assert.ok(statSync(path.join(dir, 'ledger-000001.jsonl.index.json')).isFile());
    await assert.rejects(ledger.append(makeRecord({ id: 'late' })), (e: unknown) => e instanceof LedgerError && /closed/.test(e.message));
  });

  it('names the folder when it cannot be created', async () => {
    const blocker = path.join(dir, 'file');
    await fs.writeFile(blocker, 'x');
    await assert.rejects(
      Ledger.open({ dir: path.join(blocker, 'ledger') }),
      (e: unknown) => e instanceof LedgerError && e.message.includes(path.join(blocker, 'ledger')),
    );
  });

  it('openLedger() keeps its files in the storage folder the host gives', async () => {
    const ledger = await openLedger({ storageDir: dir, logger: silentLogger });
    open.push(ledger);
    await ledger.append(makeRecord({ id: 's' }));
    assert.deepEqual(ledgerFiles(path.join(dir, 'ledger')), ['ledger-000001.jsonl']);
  });
});
