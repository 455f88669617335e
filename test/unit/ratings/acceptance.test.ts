import assert from 'node:assert/strict';
import { acceptanceStats, wilsonInterval } from '../../../src/core/ratings/acceptance';
import type { CompletionEvent } from '../../../src/core/ratings/acceptance';

function close(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected}`);
}

describe('Wilson interval', () => {
  it('matches the worked example 8 of 10 at 95%: (0.4902, 0.9433)', () => {
    // By hand: z² = 3.8415, centre = (0.8 + 0.19207)/1.38415 = 0.71674, half = 1.41601 · √(0.016 + 0.0096036) = 0.22658.
    const { low, high } = wilsonInterval(8, 10);
    close(low, 0.4902, 1e-4, 'low');
    close(high, 0.9433, 1e-4, 'high');
  });

  it('is [0, z²/(n+z²)] with no successes and mirrors it with all successes', () => {
    const none = wilsonInterval(0, 20);
    close(none.low, 0, 1e-12, 'low');
    close(none.high, 3.8414588 / 23.8414588, 1e-7, 'high');
    const all = wilsonInterval(20, 20);
    close(all.low, 1 - none.high, 1e-12, 'mirror low');
    close(all.high, 1, 1e-12, 'mirror high');
  });

  it('is [0, 1] with no trials and rejects impossible counts', () => {
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
    assert.throws(() => wilsonInterval(3, 2), /successes ≤ trials/);
  });
});

describe('acceptance stats', () => {
  const shown = (id: string, model: string, language: string): CompletionEvent => ({ type: 'shown', id, model, language, time: 0 });
  const accepted = (id: string): CompletionEvent => ({ type: 'accepted', id, time: 1 });

  it('computes rates per model, per language and per model and language', () => {
    const events: CompletionEvent[] = [
      shown('1', 'qwen', 'typescript'),
      shown('2', 'qwen', 'typescript'),
      shown('3', 'qwen', 'python'),
      shown('4', 'qwen', 'python'),
      shown('5', 'starcoder', 'python'),
      accepted('1'),
      accepted('3'),
      accepted('4'),
      accepted('5'),
    ];
    const stats = acceptanceStats(events);
    assert.deepEqual(
      stats.byModel.map((r) => [r.model, r.shown, r.accepted, r.rate]),
      [
        ['qwen', 4, 3, 0.75],
        ['starcoder', 1, 1, 1],
      ],
    );
    assert.deepEqual(
      stats.byLanguage.map((r) => [r.language, r.shown, r.accepted]),
      [
        ['python', 3, 3],
        ['typescript', 2, 1],
      ],
    );
    assert.deepEqual(
      stats.byModelAndLanguage.map((r) => [r.model, r.language, r.shown, r.accepted]),
      [
        ['qwen', 'python', 2, 2],
        ['qwen', 'typescript', 2, 1],
        ['starcoder', 'python', 1, 1],
      ],
    );
    const qwen = stats.byModel[0];
    const expected = wilsonInterval(3, 4);
    assert.deepEqual([qwen.ciLow, qwen.ciHigh], [expected.low, expected.high]);
    assert.equal(stats.byModel[0].language, undefined);
    assert.equal(stats.byLanguage[0].model, undefined);
  });

  it('counts each suggestion once and ignores accepts for suggestions never shown', () => {
    const stats = acceptanceStats([
      shown('1', 'm', 'go'),
      shown('1', 'm', 'go'),
      shown('2', 'm', 'go'),
      accepted('1'),
      accepted('1'),
      accepted('ghost'),
    ]);
    assert.deepEqual([stats.byModel[0].shown, stats.byModel[0].accepted], [2, 1]);
    assert.equal(stats.unmatchedAccepts, 1);
  });

  it('counts an accept that arrives before its shown event (events out of order)', () => {
    const stats = acceptanceStats([accepted('1'), shown('1', 'm', 'go')]);
    assert.equal(stats.byModel[0].accepted, 1);
    assert.equal(stats.unmatchedAccepts, 0);
  });
});
