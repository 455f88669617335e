import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  promises as fsPromises,
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dayKeyOf } from '../../../src/core/cost/calendar';
import { Ledger } from '../../../src/core/cost/ledger';
import { serialise } from '../../../src/core/cost/ledgerFiles';
import type { LedgerOptions } from '../../../src/core/cost/ledger';
import type { LedgerRetention, RetentionFile } from '../../../src/core/cost/ledgerRetention';
import { planPrune, QUIET_BEFORE_PRUNE_MS, retentionCutoffDay } from '../../../src/core/cost/ledgerRetention';
import type { Clock, Logger } from '../../../src/core/ports';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { effectiveSettings } from '../../../src/core/settings/validate';
import { makeRecord } from './fixtures/records';

const ROOT = path.resolve(__dirname, '../../..');
const DAY_MS = 86_400_000;

function fileName(seq: number): string {
  return `ledger-${String(seq).padStart(6, '0')}.jsonl`;
}

function ledgerFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^ledger-\d{6}\.jsonl$/.test(n))
    .sort();
}

class FakeClock implements Clock {
  constructor(public nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  monotonic(): number {
    return this.nowMs;
  }
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string }[] = [];
  trace(message: string): void {
    this.lines.push({ level: 'trace', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

/** Noon, local time, `n` days before `fromMs`. */
function daysBefore(fromMs: number, n: number): number {
  const d = new Date(fromMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - n, 12).getTime();
}

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('switchboard.ledger settings', () => {
  const resolve = (inspected: Parameters<typeof effectiveSettings>[0], previousValid = DEFAULT_SETTINGS) =>
    effectiveSettings(inspected, { trusted: true, previousValid });

  it('default to 400 days and 500 MB', () => {
    assert.deepEqual(DEFAULT_SETTINGS.ledger, { retentionDays: 400, maxMegabytes: 500 });
  });

  it('take whole numbers from user settings', () => {
    const r = resolve({ 'ledger.retentionDays': { globalValue: 90 }, 'ledger.maxMegabytes': { globalValue: 0 } });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.settings.ledger, { retentionDays: 90, maxMegabytes: 0 });
  });

  it('refuse 0 days (or anything under a month) and fractions, naming the setting and the fix, and keep the last valid value', () => {
    const previous = resolve({ 'ledger.retentionDays': { globalValue: 90 } }).settings;
    const r = resolve({ 'ledger.retentionDays': { globalValue: 0 }, 'ledger.maxMegabytes': { globalValue: 12.5 } }, previous);
    assert.deepEqual(
      r.diagnostics.map((d) => d.message),
      [
        "switchboard.ledger.retentionDays: 0 is below the minimum of 31 — use a whole number of days from 31 (this month's budget totals need a full month) to 36500; the default is 400",
        'switchboard.ledger.maxMegabytes: 12.5 is not a whole number — use a whole number of megabytes, or 0 for no size cap; the default is 500',
      ],
    );
    assert.deepEqual(r.settings.ledger, { retentionDays: 90, maxMegabytes: 500 });
    assert.match(resolve({ 'ledger.retentionDays': { globalValue: 30 } }).diagnostics[0].message, /30 is below the minimum of 31/);
  });

  it('are user-only: a workspace cannot shorten the history every window shares', () => {
    const r = resolve({ 'ledger.retentionDays': { globalValue: 120, workspaceValue: 31 }, 'ledger.maxMegabytes': { workspaceValue: 1 } });
    assert.deepEqual(r.settings.ledger, { retentionDays: 120, maxMegabytes: 500 });
    assert.ok(r.notes.some((n) => n.setting === 'switchboard.ledger.retentionDays' && /only be set in user settings/.test(n.message)));
  });
});

describe('planPrune', () => {
  const NOW = new Date(2026, 10, 25, 12).getTime();
  const MB = 1_000_000;
  const file = (name: string, newestDay: string | undefined, over: Partial<RetentionFile> = {}): RetentionFile => ({
    name,
    bytes: 10 * MB,
    newestDay,
    lastWriteMs: NOW - 30 * DAY_MS,
    inUse: false,
    ...over,
  });

  it('computes the cutoff in local calendar days', () => {
    assert.equal(retentionCutoffDay(NOW, 400), '2025-10-21');
    assert.equal(retentionCutoffDay(new Date(2026, 2, 31, 12).getTime(), 31), '2026-02-28');
  });

  it('removes files whose newest record is before the cutoff, keeping the cutoff day itself', () => {
    const plan = planPrune(
      [file('a', '2025-10-19'), file('b', '2025-10-20'), file('c', '2025-10-21'), file('d', '2026-11-24', { inUse: true })],
      { retentionDays: 400, maxMegabytes: 0 },
      NOW,
    );
    assert.deepEqual(plan.remove, [
      { name: 'a', reason: 'age', bytes: 10 * MB },
      { name: 'b', reason: 'age', bytes: 10 * MB },
    ]);
    assert.equal(plan.keptBytes, 20 * MB);
    assert.equal(plan.overCap, false);
  });

  it('never removes the file in use, one written in the last minutes, or one with this month’s records', () => {
    const old = '2024-01-01';
    const files = [
      file('inUse', old, { inUse: true }),
      file('recent', old, { lastWriteMs: NOW - QUIET_BEFORE_PRUNE_MS + 1000 }),
      file('thisMonth', '2026-11-01'),
      file('future', '2026-12-03'),
      file('quietJustLongEnough', old, { lastWriteMs: NOW - QUIET_BEFORE_PRUNE_MS }),
    ];
    const plan = planPrune(files, { retentionDays: 31, maxMegabytes: 1 }, NOW);
    assert.deepEqual(
      plan.remove.map((r) => r.name),
      ['quietJustLongEnough'],
    );
    assert.equal(plan.keptBytes, 40 * MB);
    assert.equal(plan.overCap, true, 'kept over the cap rather than touch them');
  });

  it('under a size cap removes the oldest removable files first, only as many as needed', () => {
    const files = [
      file('1', '2026-09-30'),
      file('2', '2026-11-02'),
      file('3', '2026-10-10'),
      file('4', '2026-10-20'),
      file('5', '2026-11-25', { inUse: true }),
    ];
    const plan = planPrune(files, { retentionDays: 400, maxMegabytes: 25 }, NOW);
    assert.deepEqual(
      plan.remove.map((r) => [r.name, r.reason]),
      [
        ['1', 'size'],
        ['3', 'size'],
        ['4', 'size'],
      ],
    );
    assert.equal(plan.keptBytes, 20 * MB);
    assert.equal(plan.overCap, false);
  });

  it('treats a cap of 0 as none, and never goes below 31 days whatever it is given', () => {
    const files = [file('1', '2026-10-01'), file('2', '2026-10-28'), file('3', '2026-11-25', { inUse: true })];
    assert.deepEqual(planPrune(files, { retentionDays: 400, maxMegabytes: 0 }, NOW).remove, []);
    // 5 days would drop both; 31 days (cutoff 2026-10-25) drops only the first.
    assert.deepEqual(
      planPrune(files, { retentionDays: 5, maxMegabytes: 0 }, NOW).remove.map((r) => r.name),
      ['1'],
    );
  });

  it('dates a file without records by when it was last written', () => {
    const plan = planPrune(
      [file('empty', undefined, { lastWriteMs: NOW - 100 * DAY_MS }), file('emptyNew', undefined, { lastWriteMs: NOW - DAY_MS })],
      { retentionDays: 31, maxMegabytes: 0 },
      NOW,
    );
    assert.deepEqual(
      plan.remove.map((r) => r.name),
      ['empty'],
    );
  });
});

describe('Ledger retention', function () {
  this.timeout(30_000);
  let dir: string;
  let clock: FakeClock;
  let logger: RecordingLogger;
  const open: Ledger[] = [];
  const openAt = async (retention: (() => LedgerRetention | undefined) | undefined, options: Partial<LedgerOptions> = {}) => {
    const l = await Ledger.open({ dir, clock, logger, retention, pruneAfterOpenMs: 3_600_000, ...options });
    open.push(l);
    return l;
  };
  /** Writes a ledger file of `count` records on `day`, last modified at `mtimeMs`. */
  const seed = (seq: number, day: string, mtimeMs: number, count = 3, padding = 0): string => {
    const name = fileName(seq);
    const lines = Array.from({ length: count }, (_, i) => serialise(makeRecord({ id: `${seq}-${i}`, day, costUsd: 1, padding }))).join('');
    writeFileSync(path.join(dir, name), lines);
    utimesSync(path.join(dir, name), mtimeMs / 1000, mtimeMs / 1000);
    return name;
  };
  const ageTo = (name: string, mtimeMs: number) => utimesSync(path.join(dir, name), mtimeMs / 1000, mtimeMs / 1000);

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-retention-'));
    clock = new FakeClock(Date.now());
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    for (const l of open.splice(0)) await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes files past the window with their indexes, and totals forget them', async () => {
    const now = clock.nowMs;
    seed(1, dayKeyOf(daysBefore(now, 500)), daysBefore(now, 500));
    seed(2, dayKeyOf(daysBefore(now, 401)), daysBefore(now, 401));
    seed(3, dayKeyOf(daysBefore(now, 300)), daysBefore(now, 300));
    seed(4, dayKeyOf(now), now);
    const ledger = await openAt(() => ({ retentionDays: 400, maxMegabytes: 0 }), { indexEveryBytes: 1 });
    assert.equal((await ledger.totals()).requests, 12, 'all four files counted (and indexed) before the prune');
    assert.ok(existsSync(path.join(dir, `${fileName(1)}.index.json`)));

    const report = await ledger.prune();
    assert.deepEqual(
      report.removed.map((r) => [r.name, r.reason]),
      [
        [fileName(1), 'age'],
        [fileName(2), 'age'],
      ],
    );
    assert.deepEqual(ledgerFiles(dir), [fileName(3), fileName(4)]);
    assert.ok(!existsSync(path.join(dir, `${fileName(1)}.index.json`)), 'the index goes with its file');
    assert.ok(!existsSync(path.join(dir, `${fileName(2)}.index.json`)));
    const t = await ledger.totals();
    assert.equal(t.requests, 6, 'cached aggregates of deleted files are dropped');
    assert.equal(t.costUsd, 6);
    assert.match(logger.at('info').join('\n'), /deleted 2 old file\(s\).*switchboard\.ledger\.retentionDays \(400\)/);
  });

  it('keeps the newest file and this month’s files even far over the size cap, warning once', async () => {
    const now = clock.nowMs;
    const monthStart = new Date(new Date(now).getFullYear(), new Date(now).getMonth(), 1, 0, 30).getTime();
    seed(1, dayKeyOf(daysBefore(now, 60)), daysBefore(now, 60), 20, 1000);
    seed(2, dayKeyOf(monthStart), monthStart, 20, 1000);
    seed(3, dayKeyOf(daysBefore(now, 90)), daysBefore(now, 90), 20, 1000); // newest file: in use, whatever its dates
    const ledger = await openAt(() => ({ retentionDays: 400, maxMegabytes: 0.01 }));
    const first = await ledger.prune();
    assert.deepEqual(
      first.removed.map((r) => [r.name, r.reason]),
      [[fileName(1), 'size']],
    );
    assert.equal(first.overCap, true);
    assert.deepEqual(ledgerFiles(dir), [fileName(2), fileName(3)]);
    const second = await ledger.prune();
    assert.deepEqual(second.removed, []);
    assert.equal(second.overCap, true);
    const warnings = logger.at('warn');
    assert.equal(warnings.length, 1, 'warned once, not on every prune');
    assert.match(warnings[0], /over switchboard\.ledger\.maxMegabytes \(0\.01 MB\).*this month's records/);
    assert.equal((await ledger.spend(now)).allMonthUsd, 20, "this month's spend is intact");
  });

  it('under a size cap deletes the oldest files until it fits', async () => {
    const now = clock.nowMs;
    for (let seq = 1; seq <= 5; seq++) seed(seq, dayKeyOf(daysBefore(now, 100 - seq)), daysBefore(now, 100 - seq), 10, 1000);
    const fileBytes = statSync(path.join(dir, fileName(1))).size;
    const ledger = await openAt(() => ({ retentionDays: 400, maxMegabytes: (2.5 * fileBytes) / 1e6 }));
    const report = await ledger.prune();
    assert.deepEqual(
      report.removed.map((r) => r.name),
      [fileName(1), fileName(2), fileName(3)],
    );
    assert.deepEqual(ledgerFiles(dir), [fileName(4), fileName(5)]);
    assert.equal(report.keptBytes, 2 * fileBytes);
    assert.equal(report.overCap, false);
  });

  it('reads the retention setting at each prune, so a change applies to the next one', async () => {
    const now = clock.nowMs;
    seed(1, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
    seed(2, dayKeyOf(now), now);
    const setting: LedgerRetention = { retentionDays: 400, maxMegabytes: 0 };
    const ledger = await openAt(() => setting);
    assert.deepEqual((await ledger.prune()).removed, []);
    setting.retentionDays = 31;
    assert.deepEqual(
      (await ledger.prune()).removed.map((r) => r.name),
      [fileName(1)],
    );
  });

  it('the fake clock decides: a file ages out only once the window has passed', async () => {
    const start = clock.nowMs;
    seed(1, dayKeyOf(start), start);
    seed(2, dayKeyOf(start), start);
    const ledger = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }));
    clock.nowMs = daysBefore(start, -31);
    assert.deepEqual((await ledger.prune()).removed, [], '31 days on, the file is still inside the window');
    clock.nowMs = daysBefore(start, -32);
    assert.deepEqual(
      (await ledger.prune()).removed.map((r) => r.name),
      [fileName(1)],
    );
  });

  it('prunes shortly after opening, and again after a rotation', async () => {
    const now = clock.nowMs;
    seed(1, dayKeyOf(daysBefore(now, 200)), daysBefore(now, 200));
    seed(2, dayKeyOf(daysBefore(now, 150)), daysBefore(now, 150));
    seed(3, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
    const atOpen = await openAt(() => ({ retentionDays: 120, maxMegabytes: 0 }), { pruneAfterOpenMs: 0 });
    await waitFor('the prune after opening', () => !existsSync(path.join(dir, fileName(2))));
    assert.deepEqual(ledgerFiles(dir), [fileName(3)]);
    await atOpen.close();

    // File 3 is past 31 days but stays until something prunes: here, the rotation out of file 4.
    seed(4, dayKeyOf(now), now, 1);
    const ledger = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }), { maxFileBytes: 4096 });
    await ledger.append(makeRecord({ id: 'n0', padding: 1000 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(ledgerFiles(dir), [fileName(3), fileName(4)], 'no prune before the delay or a rotation');
    for (let i = 1; i < 6; i++) await ledger.append(makeRecord({ id: `n${i}`, padding: 1000 }));
    assert.ok(existsSync(path.join(dir, fileName(5))), 'rotated');
    await waitFor('the prune after the rotation', () => !existsSync(path.join(dir, fileName(3))));
    assert.equal(ledgerFiles(dir)[0], fileName(4), 'the rotated files of this month stay');
    assert.equal((await ledger.totals()).requests, 1 + 6);
  });

  it('a query after an append sees it, even while a background prune is still reading', async () => {
    const ledger = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }));
    await ledger.append(makeRecord({ id: 'a', costUsd: 1 }));
    // Hold the prune's pass right after it has sized the file, i.e. before the next append.
    const realStat = fsPromises.stat;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fsPromises.stat = (async (...args: Parameters<typeof realStat>) => {
      fsPromises.stat = realStat;
      const st = await realStat(...args);
      await gate;
      return st;
    }) as typeof realStat;
    try {
      const pruned = ledger.prune();
      await ledger.append(makeRecord({ id: 'b', costUsd: 2 }));
      const totals = ledger.totals();
      release();
      assert.equal((await totals).costUsd, 3);
      await pruned;
    } finally {
      fsPromises.stat = realStat;
      release();
    }
  });

  it('removes index files left behind for deleted files', async () => {
    const now = clock.nowMs;
    seed(1, dayKeyOf(now), now);
    seed(5, dayKeyOf(now), now);
    writeFileSync(path.join(dir, `${fileName(3)}.index.json`), '{}');
    writeFileSync(path.join(dir, `${fileName(9)}.index.json`), '{}'); // newer than the newest file: being created elsewhere
    const ledger = await openAt(() => ({ retentionDays: 400, maxMegabytes: 0 }));
    await ledger.prune();
    assert.ok(!existsSync(path.join(dir, `${fileName(3)}.index.json`)));
    assert.ok(existsSync(path.join(dir, `${fileName(9)}.index.json`)));
  });

  describe('a file vanishing between listing and reading', () => {
    const realReaddir = fsPromises.readdir;
    afterEach(() => {
      fsPromises.readdir = realReaddir;
    });
    /** The next directory listing still names `victim`, but it is gone by the time it is read. */
    const vanishAfterListing = (victim: string) => {
      fsPromises.readdir = (async (...args: Parameters<typeof realReaddir>) => {
        const listed = await realReaddir(...args);
        fsPromises.readdir = realReaddir;
        await fsPromises.rm(path.join(dir, victim), { force: true });
        return listed;
      }) as typeof realReaddir;
    };

    beforeEach(() => {
      const now = clock.nowMs;
      seed(1, dayKeyOf(now), now);
      seed(2, dayKeyOf(now), now);
      seed(3, dayKeyOf(now), now);
    });

    it('records() skips it', async () => {
      const ledger = await openAt(undefined);
      vanishAfterListing(fileName(2));
      const ids: string[] = [];
      for await (const r of ledger.records()) ids.push(r.id);
      assert.deepEqual(ids, ['1-0', '1-1', '1-2', '3-0', '3-1', '3-2']);
    });

    it('recent() skips it', async () => {
      const ledger = await openAt(undefined);
      vanishAfterListing(fileName(2));
      assert.deepEqual(
        (await ledger.recent(5)).map((r) => r.id),
        ['3-2', '3-1', '3-0', '1-2', '1-1'],
      );
    });

    it('totals() drop what they had cached for it', async () => {
      const ledger = await openAt(undefined);
      assert.equal((await ledger.totals()).requests, 9);
      vanishAfterListing(fileName(2));
      assert.equal((await ledger.totals()).requests, 6);
    });

    it('a prune shrugs off files another window deleted first', async () => {
      const now = clock.nowMs;
      seed(1, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
      seed(2, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
      const ledger = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }), { indexEveryBytes: 1 });
      assert.equal((await ledger.totals()).requests, 9);
      vanishAfterListing(fileName(1));
      // …and file 2 goes between this window's last look and its own unlink.
      const realUnlink = fsPromises.unlink;
      fsPromises.unlink = (async (target: Parameters<typeof realUnlink>[0]) => {
        fsPromises.unlink = realUnlink;
        await realUnlink(target);
        return realUnlink(target);
      }) as typeof realUnlink;
      try {
        const report = await ledger.prune();
        assert.deepEqual(report.removed, [], 'nothing this window deleted itself');
      } finally {
        fsPromises.unlink = realUnlink;
      }
      assert.deepEqual(ledgerFiles(dir), [fileName(3)]);
      assert.ok(!existsSync(path.join(dir, `${fileName(2)}.index.json`)), 'its index is cleaned up all the same');
      assert.deepEqual(logger.at('warn'), []);
      assert.equal((await ledger.totals()).requests, 3);
    });
  });

  describe('with two windows on one ledger', () => {
    it('a writer whose file went quiet moves to the newest file before appending, so a prune cannot strand it', async () => {
      const now = clock.nowMs;
      seed(1, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
      const writer = await openAt(undefined);
      await writer.append(makeRecord({ id: 'w-old', day: dayKeyOf(daysBefore(now, 100)) }));
      ageTo(fileName(1), daysBefore(now, 100)); // then the window sat idle
      seed(2, dayKeyOf(now), now); // meanwhile another window rotated
      await writer.append(makeRecord({ id: 'w-new', day: dayKeyOf(now) }));
      assert.match(readFileSync(path.join(dir, fileName(2)), 'utf8'), /"id":"w-new"/, 'appended to the newest file');
      assert.doesNotMatch(readFileSync(path.join(dir, fileName(1)), 'utf8'), /"id":"w-new"/);
    });

    it('prune and append at the same moment lose no record', async () => {
      const now = clock.nowMs;
      const writer = await openAt(undefined);
      const pruner = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }));
      for (let round = 0; round < 5; round++) {
        // The writer holds an old file open; another window has since started a newer one.
        const oldSeq = 2 * round + 1;
        if (round > 0) ageTo(fileName(oldSeq - 1), daysBefore(now, 100)); // so the writer moves on to the next seeded file
        seed(oldSeq, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
        await writer.append(makeRecord({ id: `prime-${round}`, day: dayKeyOf(daysBefore(now, 100)) }));
        ageTo(fileName(oldSeq), daysBefore(now, 100));
        seed(oldSeq + 1, dayKeyOf(now), now, 1);
        const [report] = await Promise.all([pruner.prune(), writer.append(makeRecord({ id: `live-${round}`, day: dayKeyOf(now) }))]);
        assert.ok(
          report.removed.some((r) => r.name === fileName(oldSeq)),
          `round ${round}: the old file was pruned`,
        );
      }
      const reader = await openAt(undefined);
      const ids = new Set<string>();
      for await (const r of reader.records()) ids.add(r.id);
      for (let round = 0; round < 5; round++) assert.ok(ids.has(`live-${round}`), `live-${round} survived the prune`);
    });

    it('a file written to after the prune looked at it is kept', async () => {
      const now = clock.nowMs;
      const victim = path.join(dir, seed(1, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100)));
      seed(2, dayKeyOf(daysBefore(now, 100)), daysBefore(now, 100));
      seed(3, dayKeyOf(now), now);
      const pruner = await openAt(() => ({ retentionDays: 31, maxMegabytes: 0 }));
      // Another window appends to file 1 right after this one has gathered its facts about it.
      const realStat = fsPromises.stat;
      fsPromises.stat = (async (...args: Parameters<typeof realStat>) => {
        if (String(args[0]) === `${victim}.index.json`) {
          fsPromises.stat = realStat;
          appendFileSync(victim, serialise(makeRecord({ id: 'late', day: dayKeyOf(daysBefore(now, 100)) })));
        }
        return realStat(...args);
      }) as typeof realStat;
      try {
        const report = await pruner.prune();
        assert.deepEqual(
          report.removed.map((r) => r.name),
          [fileName(2)],
        );
      } finally {
        fsPromises.stat = realStat;
      }
      assert.match(readFileSync(victim, 'utf8'), /"id":"late"/);
    });

    it('a writer whose file was deleted under it starts a file the next reader sees', async () => {
      const writer = await openAt(undefined);
      await writer.append(makeRecord({ id: 'before' }));
      rmSync(path.join(dir, fileName(1)));
      await writer.append(makeRecord({ id: 'after' }));
      const reader = await openAt(undefined);
      assert.deepEqual(
        (await reader.recent(5)).map((r) => r.id),
        ['after'],
      );
    });

    it('a real second process appending while this one prunes: old files go, none of its records do', async function () {
      this.timeout(60_000);
      const realNow = Date.now();
      const lastMonth = dayKeyOf(new Date(new Date(realNow).getFullYear(), new Date(realNow).getMonth() - 1, 15, 12).getTime());
      for (let seq = 1; seq <= 3; seq++) seed(seq, dayKeyOf(daysBefore(realNow, 200)), daysBefore(realNow, 200));
      // Real clock on both sides, as two windows on one machine; a tiny cap so every rotated file of the
      // child's (last month's records, so only "recently written" protects them) is a deletion candidate.
      const pruner = await Ledger.open({ dir, retention: () => ({ retentionDays: 31, maxMegabytes: 0.05 }), pruneAfterOpenMs: 3_600_000 });
      open.push(pruner);
      const perChild = 300;
      const startAt = Date.now() + 800;
      const child = spawn(
        process.execPath,
        [
          '--require',
          'tsx/cjs',
          path.join(__dirname, 'fixtures', 'appendMany.ts'),
          dir,
          String(perChild),
          'C',
          String(64 * 1024),
          String(startAt),
          lastMonth,
        ],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let exited: number | null | undefined;
      const done = new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => {
          exited = code;
          resolve();
        });
      });
      let prunes = 0;
      const removed = new Set<string>();
      while (exited === undefined) {
        for (const r of (await pruner.prune()).removed) removed.add(r.name);
        prunes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await done;
      assert.equal(exited, 0, `child failed: ${stderr}`);
      assert.ok(prunes > 5, `pruned ${prunes} times while the child appended`);
      assert.deepEqual(
        [...removed].sort(),
        [fileName(1), fileName(2)],
        'only the old files went (the third was the newest when the child started)',
      );
      const counts = new Map<string, number>();
      for (const f of ledgerFiles(dir)) {
        for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
          if (line === '') continue;
          const { id } = JSON.parse(line) as { id: string };
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
      }
      for (let i = 0; i < perChild; i++) assert.equal(counts.get(`C-${i}`), 1, `C-${i} exactly once`);
      assert.ok(ledgerFiles(dir).length >= 5, 'the child rotated several times');
    });
  });
});
