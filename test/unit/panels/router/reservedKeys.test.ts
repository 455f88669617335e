// The router panel's indexes and summaries with model ids, workspaces, languages and comparison ids that are JavaScript's own names.
import assert from 'node:assert/strict';
import { DecisionIndex } from '../../../../src/panels/router/decisionIndex';
import { SpendAccumulator } from '../../../../src/panels/router/costSummary';
import { AcceptanceCounter, completionEventsOf, leaderboardsAndProposals } from '../../../../src/panels/router/feelSummary';
import { PendingComparisons } from '../../../../src/panels/router/pendingComparisons';
import type { PairwiseVote } from '../../../../src/core/ratings/blinding';
import type { DecisionRecord } from '../../../../src/core/router/decision';
import { makeDecision, makeOutcome, modelSummary } from '../../../support/syntheticDecisions';

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
const T0 = new Date(2026, 10, 25, 9).getTime();

function prototypeNames(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

/** Two decisions per reserved id: as the model, as the workspace and as the language. */
function ledger(): DecisionRecord[] {
  return RESERVED.flatMap((id, i) => {
    const m = modelSummary(id, 'mid');
    return [0, 1].map((k) =>
      makeDecision({
        id: `${id}-${k}`,
        time: T0 + i * 10 + k,
        task: 'completion',
        chosen: m,
        answeredBy: m,
        workspace: id,
        language: id,
        costUsd: 0.5,
        outcome: k === 0 ? 'accepted' : 'rejected',
      }),
    );
  });
}

describe('router panel: keys that are reserved JavaScript names', () => {
  let before: string[];
  beforeEach(() => (before = prototypeNames()));
  afterEach(() => assert.deepEqual(prototypeNames(), before, 'Object.prototype gained no keys'));

  it('DecisionIndex counts, filters and lists them like any other model and workspace', () => {
    const index = DecisionIndex.fromLedger(ledger());
    const options = index.options();
    assert.deepEqual(options.models.map((o) => [o.value, o.count]).sort(), RESERVED.map((id) => [id, 2]).sort());
    assert.deepEqual(options.workspaces.map((o) => [o.value, o.count]).sort(), RESERVED.map((id) => [id, 2]).sort());
    for (const id of RESERVED) {
      assert.equal(index.count({ model: id }), 2, id);
      assert.equal(index.count({ workspace: id }), 2, id);
      assert.equal(index.get(`${id}-0`)?.answeredBy?.id, id);
    }
    assert.equal(index.count({ model: 'valueOf' }), 0, 'an id nobody used matches nothing');
    const updated = index.applyOutcome(makeOutcome(index.get('constructor-1')!, 'accepted'));
    assert.equal(updated?.outcome, 'accepted');
  });

  it('SpendAccumulator sums spend per model and per workspace', () => {
    const acc = SpendAccumulator.fromRecords(ledger(), null);
    const s = acc.summarise({
      now: T0 + 1000,
      workspace: 'constructor',
      split: 'model',
      budget: { perDayUsd: 0, perMonthUsd: 0, spendScope: { day: 'all', month: 'all' } },
    });
    assert.deepEqual(s.series.map((x) => [x.key, x.totalUsd, x.requests]).sort(), RESERVED.map((id) => [id, 1, 2]).sort());
    assert.equal(s.totals.workspaceTodayUsd, 1);
    assert.equal(s.totals.todayUsd, 4);
  });

  it('AcceptanceCounter counts per model and per language', () => {
    const stats = AcceptanceCounter.fromRecords(ledger()).stats();
    assert.deepEqual(stats.byModel.map((r) => [r.model, r.shown, r.accepted]).sort(), RESERVED.map((id) => [id, 2, 1]).sort());
    assert.deepEqual(stats.byLanguage.map((r) => [r.language, r.shown, r.accepted]).sort(), RESERVED.map((id) => [id, 2, 1]).sort());
    assert.equal(completionEventsOf(ledger()).length, 12);
  });

  it('leaderboards and proposals rate them per task', () => {
    const votes: PairwiseVote[] = [];
    for (let i = 0; i < 30; i++)
      votes.push({ comparisonId: `c${i}`, task: 'edit', modelA: '__proto__', modelB: 'constructor', choice: 'a', tags: [], time: i });
    for (let i = 0; i < 30; i++)
      votes.push({ comparisonId: `d${i}`, task: 'edit', modelA: 'toString', modelB: 'hasOwnProperty', choice: 'b', tags: [], time: i });
    const { leaderboards } = leaderboardsAndProposals(votes, {
      completion: [],
      edit: ['constructor'],
      refactor: [],
      chat: [],
    });
    const rows = leaderboards[0].rows;
    assert.deepEqual(rows.map((r) => r.model).sort(), [...RESERVED].sort());
    assert.equal(rows.find((r) => r.model === '__proto__')?.wins, 30);
    assert.equal(rows.find((r) => r.model === 'hasOwnProperty')?.wins, 30);
  });

  it('PendingComparisons keeps comparisons by such ids', () => {
    const pending = new PendingComparisons();
    for (const id of RESERVED) {
      pending.start({ type: 'comparisonStarted', comparisonId: id, task: 'chat', prompt: 'q', startedAt: T0 }, true);
      pending.update({ type: 'comparisonDelta', comparisonId: id, side: 'a', text: `from ${id}` }, true);
    }
    assert.equal(pending.size, RESERVED.length);
    for (const id of RESERVED) assert.ok(pending.has(id), id);
    assert.equal(pending.has('valueOf'), false);
    const deltas = pending.replay().filter((m) => m.type === 'comparisonDelta');
    assert.deepEqual(deltas.map((m) => (m as { text: string }).text).sort(), RESERVED.map((id) => `from ${id}`).sort());
    assert.ok(pending.end('__proto__'));
    assert.equal(pending.size, RESERVED.length - 1);
  });
});
