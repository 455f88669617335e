import assert from 'node:assert/strict';
import { blindComparison, revealAfterVote, seededRng, shouldSampleComparison } from '../../../src/core/ratings/blinding';
import type { Rng, VoteChoice } from '../../../src/core/ratings/blinding';

const CHI_SQUARE_1DF_P001 = 10.828;

function chiSquareFair(heads: number, trials: number): number {
  const expected = trials / 2;
  return (heads - expected) ** 2 / expected + (trials - heads - expected) ** 2 / expected;
}

describe('blinding', () => {
  it('puts the first model in position A about half the time (chi-square, 10 000 trials)', () => {
    const rng = seededRng(7);
    const trials = 10_000;
    let firstShownAsA = 0;
    for (let i = 0; i < trials; i++) {
      const { sealed } = blindComparison(`c${i}`, 'edit', { model: 'alpha', answer: 'x' }, { model: 'beta', answer: 'y' }, rng);
      if (sealed.modelA === 'alpha') firstShownAsA++;
    }
    const statistic = chiSquareFair(firstShownAsA, trials);
    assert.ok(statistic < CHI_SQUARE_1DF_P001, `chi-square ${statistic.toFixed(2)} (alpha shown as A ${firstShownAsA} of ${trials})`);
    assert.ok(firstShownAsA > 0 && firstShownAsA < trials, 'both orders occur');
  });

  it('the same check rejects a biased coin, so it can fail', () => {
    let calls = 0;
    const biased: Rng = () => (calls++ % 5 === 0 ? 0.9 : 0.1); // 80% one way
    let swaps = 0;
    for (let i = 0; i < 1000; i++) {
      const { sealed } = blindComparison(`c${i}`, 'edit', { model: 'alpha', answer: 1 }, { model: 'beta', answer: 2 }, biased);
      if (sealed.modelA === 'beta') swaps++;
    }
    assert.ok(chiSquareFair(swaps, 1000) > CHI_SQUARE_1DF_P001);
  });

  it('the shown side carries answers only; the answers stay with their models', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 50; i++) {
      const { shown, sealed } = blindComparison(
        'c',
        'chat',
        { model: 'gpt-4.1-mini', answer: { text: 'one', ms: 10 } },
        { model: 'claude-haiku-4-5', answer: { text: 'two', ms: 20 } },
        rng,
      );
      const json = JSON.stringify(shown);
      assert.ok(!json.includes('gpt-4.1-mini') && !json.includes('claude-haiku-4-5'), 'no model id before the vote');
      const answerOf = { 'gpt-4.1-mini': 'one', 'claude-haiku-4-5': 'two' } as Record<string, string>;
      assert.equal(shown.a.text, answerOf[sealed.modelA]);
      assert.equal(shown.b.text, answerOf[sealed.modelB]);
    }
  });

  it('reveals after the vote and maps the choice to the model in that position', () => {
    const sealed = { id: 'c9', task: 'edit' as const, modelA: 'm-b', modelB: 'm-a' };
    const cases: [VoteChoice, string | undefined][] = [
      ['a', 'm-b'],
      ['b', 'm-a'],
      ['tie', undefined],
      ['bothBad', undefined],
    ];
    for (const [choice, winner] of cases) {
      const revealed = revealAfterVote(sealed, { choice, tags: ['faster', 'faster', 'correct'], time: 123, workspace: 'ws' });
      assert.equal(revealed.winner, winner);
      assert.deepEqual(revealed.vote, {
        comparisonId: 'c9',
        task: 'edit',
        modelA: 'm-b',
        modelB: 'm-a',
        choice,
        tags: ['faster', 'correct'],
        time: 123,
        workspace: 'ws',
      });
      assert.equal(revealed.modelA, 'm-b');
    }
  });

  it('rejects votes and tags it does not know (they come from a webview)', () => {
    const sealed = { id: 'c1', task: 'edit' as const, modelA: 'x', modelB: 'y' };
    assert.throws(() => revealAfterVote(sealed, { choice: 'left' as VoteChoice, time: 0 }), /Unknown vote "left"/);
    assert.throws(() => revealAfterVote(sealed, { choice: 'a', tags: ['pretty' as 'style'], time: 0 }), /Unknown vote tag "pretty"/);
  });

  it('refuses to compare a model with itself', () => {
    assert.throws(
      () => blindComparison('c', 'edit', { model: 'x', answer: 1 }, { model: 'x', answer: 2 }, seededRng(1)),
      /two different models/,
    );
  });

  it('samples comparisons at the configured fraction', () => {
    const rng = seededRng(11);
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (shouldSampleComparison(0.1, rng)) sampled++;
    // Binomial(10 000, 0.1): sd 30, so ±150 is five standard deviations.
    assert.ok(Math.abs(sampled - 1000) < 150, `sampled ${sampled}`);
    assert.equal(shouldSampleComparison(0, rng), false);
    assert.equal(shouldSampleComparison(1, rng), true);
  });

  it('a seeded generator repeats its sequence and stays in [0, 1)', () => {
    const one = seededRng(42);
    const two = seededRng(42);
    for (let i = 0; i < 1000; i++) {
      const x = one();
      assert.equal(x, two());
      assert.ok(x >= 0 && x < 1);
    }
    assert.notEqual(seededRng(1)(), seededRng(2)());
  });
});
