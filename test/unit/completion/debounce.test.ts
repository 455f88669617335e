import assert from 'node:assert/strict';
import { debounceDelay, DEFAULT_DEBOUNCE, TypingRhythm } from '../../../src/core/completion/debounce';

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
