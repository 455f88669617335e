import assert from 'node:assert/strict';
import type { DecisionFilter } from '../../../../src/shared/routerPanelData';
import { DecisionIndex, MAX_ORPHAN_OUTCOMES, filterKey, modelOfRecord, tierOfRecord } from '../../../../src/panels/router/decisionIndex';
import { seededRng } from '../../../../src/core/ratings/blinding';
import type { DecisionRecord } from '../../../../src/core/router/decision';
import { makeDecision, makeOutcome, modelSummary, syntheticLedger } from '../../../support/syntheticDecisions';

const T0 = new Date(2026, 10, 20, 9, 0, 0).getTime();
const luna = modelSummary('gpt-6-luna', 'mid');
const qwen = modelSummary('qwen', 'local');
const sonnet = modelSummary('claude-sonnet-5-5', 'frontier');

function ids(records: readonly DecisionRecord[]): string[] {
  return records.map((r) => r.id);
}

function small(): DecisionRecord[] {
  return [
    makeDecision({
      id: 'a',
      time: T0 + 1000,
      task: 'completion',
      chosen: qwen,
      answeredBy: qwen,
      outcome: 'pending',
      workspace: '/ws/one',
    }),
    makeDecision({ id: 'b', time: T0 + 2000, task: 'edit', chosen: luna, answeredBy: luna, outcome: 'accepted', workspace: '/ws/two' }),
    makeDecision({ id: 'c', time: T0 + 3000, task: 'refactor', chosen: sonnet, answeredBy: luna, outcome: 'ok', workspace: null }),
    makeDecision({ id: 'd', time: T0 + 4000, task: 'chat', chosen: luna, answeredBy: null, outcome: 'error', workspace: '/ws/one' }),
    makeDecision({
      id: 'e',
      time: T0 + 5000,
      task: 'completion',
      chosen: qwen,
      answeredBy: qwen,
      outcome: 'accepted',
      workspace: '/ws/one',
    }),
  ];
}

function naive(records: readonly DecisionRecord[], filter: DecisionFilter): string[] {
  return records
    .map((r, i) => ({ r, i }))
    .filter(
      ({ r }) =>
        (filter.task === undefined || r.task === filter.task) &&
        (filter.model === undefined || modelOfRecord(r) === filter.model) &&
        (filter.tier === undefined || tierOfRecord(r) === filter.tier) &&
        (filter.outcome === undefined || r.outcome === filter.outcome) &&
        (filter.workspace === undefined || r.workspace === filter.workspace),
    )
    .sort((x, y) => y.r.time - x.r.time || y.i - x.i)
    .map(({ r }) => r.id);
}

describe('DecisionIndex', () => {
  it('pages newest first with total, offset and a clamped limit', () => {
    const index = DecisionIndex.fromLedger(small());
    assert.equal(index.size, 5);
    const first = index.page({}, 0, 2);
    assert.deepEqual(ids(first.records), ['e', 'd']);
    assert.equal(first.total, 5);
    assert.equal(first.offset, 0);
    assert.deepEqual(ids(index.page({}, 2, 2).records), ['c', 'b']);
    assert.deepEqual(ids(index.page({}, 4, 100).records), ['a']);
    const past = index.page({}, 99, 10);
    assert.equal(past.offset, 5);
    assert.deepEqual(past.records, []);
  });

  it('filters by each field, and by several at once', () => {
    const index = DecisionIndex.fromLedger(small());
    assert.deepEqual(ids(index.page({ task: 'completion' }, 0, 10).records), ['e', 'a']);
    // c was chosen as sonnet but answered by luna: it is filed under luna / mid.
    assert.deepEqual(ids(index.page({ model: 'gpt-6-luna' }, 0, 10).records), ['d', 'c', 'b']);
    assert.deepEqual(ids(index.page({ tier: 'frontier' }, 0, 10).records), []);
    assert.deepEqual(ids(index.page({ tier: 'local' }, 0, 10).records), ['e', 'a']);
    assert.deepEqual(ids(index.page({ outcome: 'accepted' }, 0, 10).records), ['e', 'b']);
    assert.deepEqual(ids(index.page({ workspace: '/ws/one' }, 0, 10).records), ['e', 'd', 'a']);
    assert.deepEqual(ids(index.page({ workspace: null }, 0, 10).records), ['c']);
    assert.deepEqual(ids(index.page({ workspace: '/ws/one', outcome: 'accepted', task: 'completion' }, 0, 10).records), ['e']);
    assert.equal(index.count({ model: 'no-such-model' }), 0);
    assert.equal(index.count({ workspace: '/nowhere' }), 0);
  });

  it('puts a live decision first and extends the cached selection', () => {
    const index = DecisionIndex.fromLedger(small());
    assert.equal(index.count({ workspace: '/ws/one' }), 3);
    const r = index.append(makeDecision({ id: 'f', time: T0 + 6000, workspace: '/ws/one' }));
    assert.equal(r.added, true);
    assert.deepEqual(ids(index.page({ workspace: '/ws/one' }, 0, 2).records), ['f', 'e']);
    assert.equal(index.count({ workspace: '/ws/one' }), 4);
    assert.equal(index.rankOf('f', { workspace: '/ws/one' }), 0);
    index.append(makeDecision({ id: 'g', time: T0 + 7000, workspace: '/ws/two' }));
    assert.equal(index.count({ workspace: '/ws/one' }), 4, 'a non-matching append leaves the selection alone');
    assert.deepEqual(ids(index.page({}, 0, 3).records), ['g', 'f', 'e']);
  });

  it('inserts a late-arriving older decision in time order', () => {
    const index = DecisionIndex.fromLedger(small());
    index.page({}, 0, 1);
    index.append(makeDecision({ id: 'late', time: T0 + 2500 }));
    assert.deepEqual(ids(index.page({}, 0, 10).records), ['e', 'd', 'c', 'late', 'b', 'a']);
    assert.equal(index.rankOf('late', {}), 3);
    assert.deepEqual(ids(index.page({ workspace: '/ws/one' }, 0, 10).records), ['e', 'd', 'late', 'a']);
  });

  it('lets a filter on a model that appears later see it', () => {
    const index = DecisionIndex.fromLedger(small());
    assert.equal(index.count({ model: 'gpt-6.1-sol' }), 0);
    const sol = modelSummary('gpt-6.1-sol', 'frontier');
    index.append(makeDecision({ id: 'f', time: T0 + 6000, chosen: sol, answeredBy: sol }));
    assert.deepEqual(ids(index.page({ model: 'gpt-6.1-sol' }, 0, 10).records), ['f']);
  });

  it('ignores a repeated id', () => {
    const index = DecisionIndex.fromLedger(small());
    const again = index.append(makeDecision({ id: 'b', time: T0 + 9000, task: 'chat' }));
    assert.equal(again.added, false);
    assert.equal(again.record.task, 'edit');
    assert.equal(index.size, 5);
  });

  it('applies outcome updates without mutating the caller’s record, and refilters by outcome', () => {
    const records = small();
    const index = DecisionIndex.fromLedger(records);
    assert.deepEqual(ids(index.page({ outcome: 'pending' }, 0, 10).records), ['a']);
    const updated = index.applyOutcome(makeOutcome(records[0], 'accepted'));
    assert.equal(updated?.outcome, 'accepted');
    assert.equal(records[0].outcome, 'pending', 'original untouched');
    assert.equal(index.get('a')?.outcome, 'accepted');
    assert.equal(index.count({ outcome: 'pending' }), 0);
    assert.deepEqual(ids(index.page({ outcome: 'accepted' }, 0, 10).records), ['e', 'b', 'a']);
    const outcomes = Object.fromEntries(index.options().outcomes.map((o) => [o.value, o.count]));
    assert.deepEqual(outcomes, { accepted: 3, ok: 1, error: 1 });
  });

  it('holds an outcome that arrives before its decision and applies it on append', () => {
    const index = DecisionIndex.fromLedger([]);
    const d = makeDecision({ id: 'x', time: T0, outcome: 'pending', task: 'completion' });
    assert.equal(index.applyOutcome(makeOutcome(d, 'accepted')), undefined);
    index.append(d);
    assert.equal(index.get('x')?.outcome, 'accepted');
  });

  it('keeps only the newest orphan outcomes, so updates for rotated-away decisions cannot pile up', () => {
    const index = DecisionIndex.fromLedger([]);
    const first = makeDecision({ id: 'first', time: T0, outcome: 'pending' });
    index.applyOutcome(makeOutcome(first, 'accepted'));
    for (let i = 0; i < MAX_ORPHAN_OUTCOMES; i++) index.applyOutcome(makeOutcome(makeDecision({ id: `gone-${i}`, time: T0 }), 'rejected'));
    const last = makeDecision({ id: `gone-${MAX_ORPHAN_OUTCOMES - 1}`, time: T0 + 1, outcome: 'pending' });
    index.append(first);
    index.append(last);
    assert.equal(index.get('first')?.outcome, 'pending', 'the oldest orphan was dropped');
    assert.equal(index.get(last.id)?.outcome, 'rejected', 'a recent orphan still applies');
  });

  it('builds from unsorted ledger lines with updates mixed in', () => {
    const [a, b, c, d, e] = small();
    const index = DecisionIndex.fromLedger([makeOutcome(c, 'rejected'), d, b, e, a, c]);
    assert.deepEqual(ids(index.page({}, 0, 10).records), ['e', 'd', 'c', 'b', 'a']);
    assert.equal(index.get('c')?.outcome, 'rejected');
  });

  it('reports filter options with counts, null workspace included', () => {
    const index = DecisionIndex.fromLedger(small());
    const o = index.options();
    assert.deepEqual(o.tasks, [
      { value: 'completion', count: 2 },
      { value: 'edit', count: 1 },
      { value: 'refactor', count: 1 },
      { value: 'chat', count: 1 },
    ]);
    assert.deepEqual(o.models, [
      { value: 'gpt-6-luna', count: 3 },
      { value: 'qwen', count: 2 },
    ]);
    assert.deepEqual(o.tiers, [
      { value: 'local', count: 2 },
      { value: 'mid', count: 3 },
    ]);
    assert.deepEqual(o.workspaces, [
      { value: null, count: 1 },
      { value: '/ws/one', count: 3 },
      { value: '/ws/two', count: 1 },
    ]);
  });

  it('gives equal keys to equal filters and different keys to null vs absent workspace', () => {
    assert.equal(filterKey({ task: 'edit', model: 'm' }), filterKey({ model: 'm', task: 'edit' }));
    assert.notEqual(filterKey({ workspace: null }), filterKey({}));
    assert.notEqual(filterKey({ workspace: '' as string }), filterKey({ workspace: null }));
  });

  it('agrees with a naive filter-and-sort on a generated ledger, through appends and updates', () => {
    const now = new Date(2026, 10, 25, 12).getTime();
    const all = syntheticLedger({ count: 3000, seed: 7, now, days: 10 });
    const rng = seededRng(99);
    // Shuffle a little so the bulk load must sort, and hold back some for live appends.
    const base = all.slice(0, 2500).sort((x, y) => (x.id < y.id ? 1 : -1));
    const live = all.slice(2500);
    const index = DecisionIndex.fromLedger(base);
    const mirror = [...all.slice(0, 2500)];
    const filters: DecisionFilter[] = [
      {},
      { task: 'completion' },
      { model: 'gpt-6-luna' },
      { tier: 'frontier', outcome: 'accepted' },
      { workspace: null },
      { workspace: '/home/dev/shop', task: 'chat' },
      { outcome: 'error' },
    ];
    const check = () => {
      for (const f of filters) {
        const want = naive(mirror, f);
        const got = index.page(f, 0, want.length + 5);
        assert.equal(got.total, want.length, `count for ${JSON.stringify(f)}`);
        assert.deepEqual(ids(got.records), want, `order for ${JSON.stringify(f)}`);
      }
    };
    check();
    for (const r of live) {
      // Some arrive a little out of order, as concurrent requests do.
      const rec = rng() < 0.2 ? { ...r, time: r.time - Math.round(rng() * 3_600_000) } : r;
      index.page(filters[Math.floor(rng() * filters.length)], 0, 1);
      index.append(rec);
      mirror.push(rec);
      if (rng() < 0.1) {
        const target = mirror[Math.floor(rng() * mirror.length)];
        const update = makeOutcome(target, 'rejected');
        index.applyOutcome(update);
        mirror[mirror.indexOf(target)] = { ...target, outcome: 'rejected' };
      }
    }
    check();
    const f = { workspace: '/home/dev/infra' };
    const want = naive(mirror, f);
    assert.equal(index.rankOf(want[17], f), 17);
    assert.deepEqual(ids([...index.recordsNewestFirst(f)]), want);
  });
});
