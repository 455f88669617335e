import assert from 'node:assert/strict';
import { estimateDifficulty } from '../../../src/core/router/difficulty';

const score = (question: string, fileCount = 0, promptTokens = 500) => estimateDifficulty({ question, fileCount, promptTokens });

describe('estimateDifficulty', () => {
  it('scores lookups and renames at zero', () => {
    for (const q of ['What is a closure?', "what's the syntax for a tuple type", 'rename foo to bar', 'Add a docstring to this function']) {
      const d = score(q);
      assert.equal(d.score, 0, q);
      assert.deepEqual(d.reasons, ['a lookup-style question'], q);
    }
  });

  it('scores design, proofs and concurrency higher than "why" and debugging', () => {
    assert.equal(score('Design the architecture for plugin loading').score, 0.5);
    assert.equal(score('Can you prove this loop terminates?').score, 0.5);
    assert.equal(score('Is there a race condition here?').score, 0.5);
    assert.equal(score('Why is this slow?').score, 0.35);
    assert.equal(score('help me debug this').score, 0.35);
    assert.deepEqual(score('Why is this slow?').reasons, ['asks "why"']);
  });

  it('adds weight for an error to debug, many files, a large prompt and a long question', () => {
    const trace = 'why does this fail?\nTypeError: x is undefined\n    at parse (src/a.ts:3:4)';
    assert.equal(score(trace).score, 0.55);
    assert.deepEqual(score(trace).reasons, ['asks "why"', 'includes an error to debug']);
    assert.equal(score('tidy this', 3).score, 0.15);
    assert.equal(score('tidy this', 6).score, 0.3);
    assert.equal(estimateDifficulty({ question: 'tidy this', fileCount: 0, promptTokens: 8_000 }).score, 0.15);
    assert.equal(estimateDifficulty({ question: 'tidy this', fileCount: 0, promptTokens: 40_000 }).score, 0.3);
    assert.deepEqual(estimateDifficulty({ question: 'tidy this', fileCount: 0, promptTokens: 40_000 }).reasons, ['40k-token prompt']);
    assert.equal(score(`tidy ${'x'.repeat(1300)}`).score, 0.1);
  });

  it('stays within [0, 1]', () => {
    const d = estimateDifficulty({
      question: `prove the design is correct\nError: boom\n${'y'.repeat(2000)}`,
      fileCount: 20,
      promptTokens: 500_000,
    });
    assert.equal(d.score, 1);
    assert.equal(estimateDifficulty({ question: 'what is this', fileCount: 0, promptTokens: 0 }).score, 0);
  });

  it('matches whole words only', () => {
    assert.equal(score('whyever not').score, 0);
    assert.equal(score('the designer said so').score, 0);
  });

  it('reads only the start of a very long question', () => {
    const late = `${'a '.repeat(3000)} prove it`;
    assert.equal(score(late).reasons.includes('asks about "prove"'), false);
  });

  it('copes with no question at all', () => {
    assert.equal(estimateDifficulty({ fileCount: 0, promptTokens: 100 }).score, 0);
  });
});
