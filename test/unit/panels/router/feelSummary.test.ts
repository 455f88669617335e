import assert from 'node:assert/strict';
import {
  AcceptanceCounter,
  compareAcrossVersionChange,
  completionEventsOf,
  latestDriftFor,
  leaderboardsAndProposals,
  versionObservationsOf,
} from '../../../../src/panels/router/feelSummary';
import { acceptanceStats } from '../../../../src/core/ratings/acceptance';
import type { PairwiseVote, VoteChoice } from '../../../../src/core/ratings/blinding';
import { detectDrift } from '../../../../src/core/ratings/drift';
import { makeDecision, modelSummary, syntheticLedger } from '../../../support/syntheticDecisions';

const qwen = modelSummary('qwen', 'local');
const luna = modelSummary('gpt-6-luna', 'mid');
const T = new Date(2026, 10, 25, 9).getTime();

function votes(task: 'edit' | 'chat', modelA: string, modelB: string, choice: VoteChoice, count: number): PairwiseVote[] {
  return Array.from({ length: count }, (_, i) => ({
    comparisonId: `${task}-${modelA}-${choice}-${i}`,
    task,
    modelA,
    modelB,
    choice,
    tags: [],
    time: i,
  }));
}

describe('feel summary', () => {
  it('turns completion decisions into shown/accepted events, skipping failures and other tasks', () => {
    const records = [
      makeDecision({ id: 'c1', time: T, task: 'completion', chosen: qwen, answeredBy: qwen, language: 'go', outcome: 'accepted' }),
      makeDecision({ id: 'c2', time: T + 1, task: 'completion', chosen: qwen, answeredBy: qwen, language: 'go', outcome: 'rejected' }),
      makeDecision({ id: 'c3', time: T + 2, task: 'completion', chosen: qwen, answeredBy: qwen, language: 'rust', outcome: 'pending' }),
      makeDecision({ id: 'c4', time: T + 3, task: 'completion', chosen: qwen, answeredBy: qwen, language: 'go', outcome: 'error' }),
      makeDecision({ id: 'c5', time: T + 4, task: 'completion', chosen: qwen, answeredBy: null, outcome: 'aborted' }),
      makeDecision({ id: 'c6', time: T + 5, task: 'completion', chosen: luna, answeredBy: luna, outcome: 'accepted' }),
      makeDecision({ id: 'e1', time: T + 6, task: 'edit', outcome: 'accepted' }),
    ];
    const events = completionEventsOf(records);
    assert.deepEqual(
      events.map((e) => [e.type, e.id]),
      [
        ['shown', 'c1'],
        ['accepted', 'c1'],
        ['shown', 'c2'],
        ['shown', 'c3'],
        ['shown', 'c6'],
        ['accepted', 'c6'],
      ],
    );
    const stats = acceptanceStats(events);
    assert.deepEqual(
      stats.byModel.map((r) => [r.model, r.shown, r.accepted]),
      [
        ['gpt-6-luna', 1, 1],
        ['qwen', 3, 1],
      ],
    );
    assert.deepEqual(
      stats.byLanguage.map((r) => [r.language, r.shown, r.accepted]),
      [
        ['go', 2, 1],
        ['rust', 1, 0],
        ['unknown', 1, 1],
      ],
    );
  });

  it('keeps acceptance counts incrementally, equal to acceptanceStats over the whole ledger', () => {
    const records = syntheticLedger({ count: 4000, seed: 11, now: T, days: 5 });
    const counter = AcceptanceCounter.fromRecords(records.slice(0, 3000));
    for (const r of records.slice(3000)) counter.add(r);
    assert.deepEqual(counter.stats(), acceptanceStats(completionEventsOf(records)));
    // Outcome changes: pending → accepted, accepted → rejected, a completion that turns out aborted.
    const current = [...records];
    let changed = 0;
    for (let i = 0; i < current.length && changed < 60; i++) {
      const r = current[i];
      if (r.task !== 'completion') continue;
      const outcome = r.outcome === 'pending' ? 'accepted' : r.outcome === 'accepted' ? 'rejected' : 'aborted';
      const next = { ...r, outcome } as typeof r;
      counter.replace(r, next);
      current[i] = next;
      changed++;
    }
    assert.deepEqual(counter.stats(), acceptanceStats(completionEventsOf(current)));
    assert.deepEqual(new AcceptanceCounter().stats(), acceptanceStats([]));
  });

  it('builds leaderboards only for voted tasks and a proposal or a reason for every task', () => {
    const all = [...votes('edit', 'haiku', 'luna', 'a', 26), ...votes('edit', 'haiku', 'luna', 'b', 4)];
    const { leaderboards, proposals } = leaderboardsAndProposals(all, {
      completion: ['qwen'],
      edit: ['luna', 'haiku'],
      refactor: [],
      chat: ['luna'],
    });
    assert.deepEqual(
      leaderboards.map((b) => b.task),
      ['edit'],
    );
    assert.deepEqual(
      leaderboards[0].rows.map((r) => r.model),
      ['haiku', 'luna'],
    );
    assert.deepEqual(
      proposals.map((p) => [p.task, p.kind]),
      [
        ['completion', 'keep'],
        ['edit', 'propose'],
        ['refactor', 'keep'],
        ['chat', 'keep'],
      ],
    );
    const edit = proposals[1];
    assert.ok(edit.kind === 'propose');
    assert.deepEqual(edit.proposedRoute, ['haiku', 'luna']);
    assert.match(proposals[3].reason, /No chat comparisons/);
  });

  it('compares the previous version’s last decisions with the new version’s first', () => {
    const r = (id: string, minutes: number, version: string, extra: Partial<Parameters<typeof makeDecision>[0]> = {}) =>
      makeDecision({ id, time: T + minutes * 60_000, task: 'completion', chosen: qwen, answeredBy: qwen, modelVersion: version, ...extra });
    const records = [
      r('o1', 0, 'old', { ttftMs: 100, totalMs: 300, outcome: 'accepted', costUsd: 0 }),
      r('o2', 1, 'old', { ttftMs: 120, totalMs: 320, outcome: 'rejected', costUsd: 0 }),
      r('o3', 2, 'old', { ttftMs: 140, totalMs: 340, outcome: 'accepted', costUsd: 0 }),
      r('n1', 3, 'new', { ttftMs: 300, totalMs: 900, outcome: 'rejected', costUsd: 0 }),
      r('n2', 4, 'new', { ttftMs: 500, totalMs: 1100, outcome: 'error', usage: null, costUsd: 0 }),
      makeDecision({ id: 'other', time: T + 5 * 60_000, chosen: luna, answeredBy: luna, modelVersion: 'x' }),
    ];
    const events = detectDrift(versionObservationsOf(records));
    assert.equal(events.length, 1);
    const event = latestDriftFor(events, 'qwen')!;
    assert.equal(event.previousVersion, 'old');
    const cmp = compareAcrossVersionChange(records, event, 2);
    assert.equal(cmp.model, 'qwen');
    assert.equal(cmp.changedAt, T + 3 * 60_000);
    // The sample keeps the last 2 old decisions: o2, o3.
    assert.deepEqual(
      [
        cmp.before.version,
        cmp.before.requests,
        cmp.before.medianTtftMs,
        cmp.before.medianTotalMs,
        cmp.before.completionsShown,
        cmp.before.completionsAccepted,
        cmp.before.errors,
      ],
      ['old', 2, 130, 330, 2, 1, 0],
    );
    assert.deepEqual(
      [
        cmp.after.version,
        cmp.after.requests,
        cmp.after.medianTtftMs,
        cmp.after.completionsShown,
        cmp.after.completionsAccepted,
        cmp.after.errors,
        cmp.after.meanOutputTokens,
      ],
      ['new', 2, 400, 1, 0, 1, 50],
    );
    assert.equal(latestDriftFor(events, 'gpt-6-luna'), undefined);
  });
});
