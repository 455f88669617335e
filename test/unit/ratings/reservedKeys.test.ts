// Ratings with model ids and languages that are JavaScript's own names: counted like any others, Object.prototype untouched.
import assert from 'node:assert/strict';
import { acceptanceStats } from '../../../src/core/ratings/acceptance';
import type { CompletionEvent } from '../../../src/core/ratings/acceptance';
import { leaderboardFor } from '../../../src/core/ratings/bradleyTerry';
import type { PairwiseVote } from '../../../src/core/ratings/blinding';
import { detectDrift } from '../../../src/core/ratings/drift';
import { proposeRouteChange } from '../../../src/core/ratings/proposal';

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

function prototypeNames(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

describe('ratings: model ids that are reserved JavaScript names', () => {
  let before: string[];
  beforeEach(() => (before = prototypeNames()));
  afterEach(() => assert.deepEqual(prototypeNames(), before, 'Object.prototype gained no keys'));

  it('acceptanceStats counts per model and per language', () => {
    const events: CompletionEvent[] = RESERVED.flatMap((id, i) => [
      { type: 'shown' as const, id: `${id}-1`, model: id, language: id, time: i },
      { type: 'shown' as const, id: `${id}-2`, model: id, language: id, time: i },
      { type: 'accepted' as const, id: `${id}-1`, time: i },
    ]);
    const stats = acceptanceStats(events);
    assert.deepEqual(stats.byModel.map((r) => [r.model, r.shown, r.accepted]).sort(), RESERVED.map((id) => [id, 2, 1]).sort());
    assert.deepEqual(stats.byLanguage.map((r) => [r.language, r.shown, r.accepted]).sort(), RESERVED.map((id) => [id, 2, 1]).sort());
    assert.equal(stats.byModelAndLanguage.length, RESERVED.length);
  });

  it('Bradley-Terry rates them, and a proposal promotes one', () => {
    const votes: PairwiseVote[] = [];
    RESERVED.forEach((a, i) => {
      const b = RESERVED[(i + 1) % RESERVED.length];
      for (let k = 0; k < 15; k++)
        votes.push({ comparisonId: `${a}-${k}`, task: 'chat', modelA: a, modelB: b, choice: i === 0 ? 'a' : 'tie', tags: [], time: k });
    });
    const board = leaderboardFor('chat', votes);
    assert.deepEqual(board.rows.map((r) => r.model).sort(), [...RESERVED].sort());
    assert.equal(board.rows[0].model, '__proto__');
    assert.equal(board.votesUsed, votes.length);
    const proposal = proposeRouteChange('chat', ['constructor', '__proto__'], board, { minGames: 10 });
    assert.equal(proposal.kind, 'propose', JSON.stringify(proposal));
    assert.deepEqual(proposal.kind === 'propose' ? proposal.proposedRoute : [], ['__proto__', 'constructor']);
  });

  it('detectDrift follows each one’s versions', () => {
    const events = detectDrift(
      RESERVED.flatMap((model) => [
        { model, version: 'v1', time: 1 },
        { model, version: 'v2', time: 2 },
      ]),
    );
    assert.deepEqual(events.map((e) => [e.model, e.previousVersion, e.newVersion]).sort(), RESERVED.map((m) => [m, 'v1', 'v2']).sort());
  });
});
