import assert from 'node:assert/strict';
import { debounceDelay, DEFAULT_DEBOUNCE, TypingRhythm, typingFactorFor } from '../../../src/core/completion/debounce';

const settings = DEFAULT_DEBOUNCE;

function rhythmOf(intervals: number[]): TypingRhythm {
  const rhythm = new TypingRhythm(settings.pauseMs);
  for (const ms of intervals) rhythm.record(ms);
  return rhythm;
}

describe('debounce: adaptive delay', () => {
  it('is short on the first key after a pause', () => {
    assert.equal(debounceDelay(settings, rhythmOf([80, 80, 80]), { atLineStart: false, sinceLastKeyMs: 1500 }), settings.afterPauseMs);
  });

  it('is short at the start of a line', () => {
    assert.equal(debounceDelay(settings, rhythmOf([80, 80, 80]), { atLineStart: true, sinceLastKeyMs: 90 }), settings.lineStartMs);
  });

  it('grows with fast typing: a multiple of the typical gap between keys', () => {
    const delay = debounceDelay(settings, rhythmOf([100, 100, 100, 100]), { atLineStart: false, sinceLastKeyMs: 100 });
    assert.equal(delay, Math.round(settings.typingFactor * 100));
    assert.ok(delay > settings.afterPauseMs && delay > settings.lineStartMs);
  });

  it('is clamped to [minMs, maxMs]', () => {
    assert.equal(debounceDelay(settings, rhythmOf([10, 10, 10]), { atLineStart: false, sinceLastKeyMs: 10 }), settings.minMs);
    assert.equal(debounceDelay(settings, rhythmOf([500, 500, 500]), { atLineStart: false, sinceLastKeyMs: 500 }), settings.maxMs);
  });

  it('uses initialMs before any rhythm is known', () => {
    assert.equal(debounceDelay(settings, new TypingRhythm(), { atLineStart: false, sinceLastKeyMs: 200 }), settings.initialMs);
  });

  it('the rhythm ignores pauses and follows recent typing', () => {
    const rhythm = rhythmOf([100, 100, 5000, 100]);
    assert.equal(rhythm.typicalIntervalMs, 100);
    for (let i = 0; i < 20; i++) rhythm.record(200);
    assert.ok((rhythm.typicalIntervalMs ?? 0) > 195);
    rhythm.record(Number.POSITIVE_INFINITY);
    rhythm.record(-5);
    assert.ok((rhythm.typicalIntervalMs ?? 0) > 195);
  });
});

describe('debounce: cheaper requests, shorter wait', () => {
  it('the typing factor runs from cheapTypingFactor (few requests per key) through typingFactor (at the budget) up to maxTypingFactor', () => {
    const { cheapTypingFactor: cheap, typingFactor: dear, maxTypingFactor: max, requestRateLow: low, requestRateHigh: high } = settings;
    assert.ok(cheap < dear && dear < max);
    assert.equal(typingFactorFor(settings, 0), cheap);
    assert.equal(typingFactorFor(settings, low), cheap);
    assert.ok(Math.abs(typingFactorFor(settings, high) - dear) < 1e-9);
    assert.ok(Math.abs(typingFactorFor(settings, (low + high) / 2) - (cheap + dear) / 2) < 1e-9);
    const over = high + (high - low) / 4;
    assert.ok(Math.abs(typingFactorFor(settings, over) - (dear + (dear - cheap) / 4)) < 1e-9, 'over budget: the same slope');
    assert.equal(typingFactorFor(settings, 1), max);
    assert.equal(
      typingFactorFor({ ...settings, requestRateLow: 0.1, requestRateHigh: 0.1 }, 0.05),
      cheap,
      'a zero-width band does not divide by zero',
    );
  });

  it('a new document starts at the budget; keys without requests bring the rate down, a request per key brings it up', () => {
    const rhythm = new TypingRhythm();
    assert.equal(rhythm.requestRate, settings.requestRateHigh);
    for (let i = 0; i < 100; i++) rhythm.recordRequests(0);
    assert.ok(rhythm.requestRate < settings.requestRateLow, `${rhythm.requestRate}`);
    for (let i = 0; i < 100; i++) rhythm.recordRequests(1);
    assert.ok(rhythm.requestRate > settings.requestRateHigh, `${rhythm.requestRate}`);
    rhythm.recordRequests(Number.NaN);
    rhythm.recordRequests(-1);
    assert.ok(rhythm.requestRate > settings.requestRateHigh, 'nonsense counts are ignored');
  });

  it('while keys cost few requests, the wait is the cheap multiple of the gap', () => {
    const rhythm = rhythmOf([100, 100, 100]);
    assert.equal(debounceDelay(settings, rhythm, { atLineStart: false, sinceLastKeyMs: 100 }), Math.round(settings.typingFactor * 100));
    for (let i = 0; i < 100; i++) rhythm.recordRequests(0);
    assert.equal(
      debounceDelay(settings, rhythm, { atLineStart: false, sinceLastKeyMs: 100 }),
      Math.round(settings.cheapTypingFactor * 100),
    );
  });
});
