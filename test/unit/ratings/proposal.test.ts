import assert from 'node:assert/strict';
import { leaderboardFor } from '../../../src/core/ratings/bradleyTerry';
import type { Leaderboard, RatingRow } from '../../../src/core/ratings/bradleyTerry';
import type { PairwiseVote, VoteChoice } from '../../../src/core/ratings/blinding';
import { proposeRouteChange } from '../../../src/core/ratings/proposal';

function votes(modelA: string, modelB: string, choice: VoteChoice, count: number): PairwiseVote[] {
  return Array.from({ length: count }, (_, i) => ({
    comparisonId: `${modelA}-${modelB}-${choice}-${i}`,
    task: 'edit' as const,
    modelA,
    modelB,
    choice,
    tags: [],
    time: i,
  }));
}

function row(model: string, score: number, halfWidth: number, games: number): RatingRow {
  return {
    model,
    score,
    ciLow: score - halfWidth,
    ciHigh: score + halfWidth,
    logStrength: 0,
    standardError: 0,
    games,
    wins: 0,
    losses: 0,
    ties: 0,
  };
}

function board(rows: RatingRow[]): Leaderboard {
  return { task: 'edit', rows, votesUsed: 0, votesExcluded: 0 };
}

describe('route proposal', () => {
  it('proposes putting a confidently better model first, keeping the rest of the route in order', () => {
    const fitted = leaderboardFor('edit', [...votes('haiku', 'mini', 'a', 26), ...votes('haiku', 'mini', 'b', 4)]);
    const haiku = fitted.rows.find((r) => r.model === 'haiku')!;
    const mini = fitted.rows.find((r) => r.model === 'mini')!;
    assert.ok(haiku.ciLow > mini.ciHigh, 'the fixture really is separated');
    const result = proposeRouteChange('edit', ['mini', 'local', 'haiku'], fitted);
    assert.equal(result.kind, 'propose');
    if (result.kind !== 'propose') return;
    assert.deepEqual(result.proposedRoute, ['haiku', 'mini', 'local']);
    assert.deepEqual(result.currentRoute, ['mini', 'local', 'haiku']);
    assert.equal(result.promoted, 'haiku');
    assert.equal(result.replaced, 'mini');
    assert.ok(result.reason.includes(`${Math.round(haiku.ciLow)}–${Math.round(haiku.ciHigh)}`), result.reason);
    assert.ok(result.reason.includes(`${Math.round(mini.ciLow)}–${Math.round(mini.ciHigh)}`), result.reason);
    assert.ok(result.reason.includes('30 votes'), result.reason);
    assert.ok(!result.reason.includes('\n'), 'one line');
  });

  it('does not propose while the intervals overlap', () => {
    const fitted = leaderboardFor('edit', [...votes('haiku', 'mini', 'a', 17), ...votes('haiku', 'mini', 'b', 13)]);
    const haiku = fitted.rows.find((r) => r.model === 'haiku')!;
    const mini = fitted.rows.find((r) => r.model === 'mini')!;
    assert.ok(haiku.score > mini.score && haiku.ciLow <= mini.ciHigh, 'ahead, but not confidently');
    const result = proposeRouteChange('edit', ['mini', 'haiku'], fitted);
    assert.equal(result.kind, 'keep');
    assert.match(result.reason, /No model is confidently better than mini/);
  });

  it('decides exactly at the boundary: lower bound above the upper bound, not touching it', () => {
    const above = proposeRouteChange('edit', ['cur'], board([row('new', 1600, 50, 40), row('cur', 1449.9, 100, 40)]));
    assert.equal(above.kind, 'propose');
    const touching = proposeRouteChange('edit', ['cur'], board([row('new', 1600, 50, 40), row('cur', 1450, 100, 40)]));
    assert.equal(touching.kind, 'keep');
  });

  it('waits for the minimum number of votes on both models', () => {
    const separated = (newGames: number, currentGames: number) =>
      board([row('new', 1800, 50, newGames), row('cur', 1300, 50, currentGames)]);
    assert.equal(proposeRouteChange('edit', ['cur'], separated(19, 40)).kind, 'keep');
    const tooFew = proposeRouteChange('edit', ['cur'], separated(40, 12));
    assert.equal(tooFew.kind, 'keep');
    assert.match(tooFew.reason, /12 of the 20/);
    assert.equal(proposeRouteChange('edit', ['cur'], separated(20, 20)).kind, 'propose');
    assert.equal(proposeRouteChange('edit', ['cur'], separated(20, 20), { minGames: 21 }).kind, 'keep');
  });

  it('keeps the route when the first choice is already the best, or has no votes', () => {
    assert.equal(proposeRouteChange('edit', ['top'], board([row('top', 1800, 50, 40), row('low', 1300, 50, 40)])).kind, 'keep');
    const unrated = proposeRouteChange('edit', ['fresh', 'top'], board([row('top', 1800, 50, 40), row('low', 1300, 50, 40)]));
    assert.equal(unrated.kind, 'keep');
    assert.match(unrated.reason, /fresh has no edit votes/);
    assert.equal(proposeRouteChange('edit', [], board([row('top', 1800, 50, 40)])).kind, 'keep');
  });

  it('promotes the most confidently better model and can add one that was not in the route', () => {
    const result = proposeRouteChange(
      'edit',
      ['cur', 'other'],
      board([row('fast', 1900, 200, 40), row('sure', 1850, 50, 40), row('cur', 1500, 50, 40)]),
    );
    assert.equal(result.kind, 'propose');
    if (result.kind !== 'propose') return;
    assert.equal(result.promoted, 'sure', 'highest lower bound wins');
    assert.deepEqual(result.proposedRoute, ['sure', 'cur', 'other']);
  });

  it('refuses a leaderboard for another task', () => {
    assert.throws(() => proposeRouteChange('chat', ['x'], board([])), /chat route from the edit leaderboard/);
  });
});
