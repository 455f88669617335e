import assert from 'node:assert/strict';
import { ModelHealth } from '../../../src/core/router/health';
import { FakeClock } from './fixtures';

describe('ModelHealth: circuit breaker (fake clock)', () => {
  let clock: FakeClock;
  let health: ModelHealth;
  beforeEach(() => {
    clock = new FakeClock();
    health = new ModelHealth(clock);
  });

  it('starts closed and lets requests through', () => {
    assert.deepEqual(health.availability('m'), { state: 'closed', retryInMs: 0 });
    assert.equal(health.beginAttempt('m'), true);
    assert.equal(health.beginAttempt('m'), true, 'no limit while closed');
  });

  it('opens for the base cooldown after a transient failure, then half-opens for one probe', () => {
    health.recordFailure('m', { kind: 'overloaded' });
    assert.deepEqual(health.availability('m'), { state: 'open', retryInMs: 2000, lastFailure: 'overloaded' });
    assert.equal(health.beginAttempt('m'), false);
    clock.advance(1999);
    assert.equal(health.availability('m').state, 'open');
    assert.equal(health.availability('m').retryInMs, 1);
    clock.advance(1);
    assert.deepEqual(health.availability('m'), { state: 'halfOpen', retryInMs: 0, lastFailure: 'overloaded', probeInFlight: false });
    assert.equal(health.beginAttempt('m'), true, 'the probe');
    assert.equal(health.beginAttempt('m'), false, 'only one probe at a time');
    assert.equal(health.availability('m').probeInFlight, true);
    health.recordSuccess('m', 'chat', { ttftMs: 300, totalMs: 900 });
    assert.deepEqual(health.availability('m'), { state: 'closed', retryInMs: 0 });
  });

  it('backs off exponentially while failures continue, up to the maximum', () => {
    const cooldowns: number[] = [];
    for (let i = 0; i < 10; i++) {
      health.recordFailure('m', { kind: 'server' });
      const { retryInMs } = health.availability('m');
      cooldowns.push(retryInMs);
      clock.advance(retryInMs);
      assert.equal(health.beginAttempt('m'), true);
    }
    assert.deepEqual(cooldowns, [2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
  });

  it('a failed probe re-opens with the next, longer cooldown; success resets the backoff', () => {
    health.recordFailure('m', { kind: 'timeout' });
    clock.advance(2000);
    assert.equal(health.beginAttempt('m'), true);
    health.recordFailure('m', { kind: 'timeout' });
    assert.equal(health.availability('m').retryInMs, 4000);
    clock.advance(4000);
    assert.equal(health.beginAttempt('m'), true);
    health.recordSuccess('m', 'edit', { ttftMs: 100, totalMs: 200 });
    health.recordFailure('m', { kind: 'timeout' });
    assert.equal(health.availability('m').retryInMs, 2000);
  });

  it('honours retry-after when it is longer than the backoff, capped at an hour', () => {
    health.recordFailure('m', { kind: 'rateLimit', retryAfterMs: 30_000 });
    assert.equal(health.availability('m').retryInMs, 30_000);
    assert.equal(health.availability('m').lastFailure, 'rateLimit');
    health.recordFailure('n', { kind: 'rateLimit', retryAfterMs: 500 });
    assert.equal(health.availability('n').retryInMs, 2000, 'a shorter retry-after does not shorten the backoff');
    health.recordFailure('o', { kind: 'rateLimit', retryAfterMs: 86_400_000 });
    assert.equal(health.availability('o').retryInMs, 3_600_000);
  });

  it('cools a model down for 10 minutes on auth or not-found: configuration, not load', () => {
    health.recordFailure('m', { kind: 'auth' });
    assert.equal(health.availability('m').retryInMs, 600_000);
    health.recordFailure('n', { kind: 'notFound' });
    assert.equal(health.availability('n').retryInMs, 600_000);
  });

  it('does not blame the model for a prompt that was too long', () => {
    health.recordFailure('m', { kind: 'contextTooLong' });
    assert.equal(health.availability('m').state, 'closed');
  });

  it('frees a probe slot when the probe is abandoned or never reports back', () => {
    health.recordFailure('m', { kind: 'network' });
    clock.advance(2000);
    assert.equal(health.beginAttempt('m'), true);
    health.recordAbandoned('m');
    assert.equal(health.beginAttempt('m'), true, 'abandoned probe released');
    clock.advance(119_999);
    assert.equal(health.beginAttempt('m'), false);
    clock.advance(1);
    assert.equal(health.beginAttempt('m'), true, 'stuck probe released after the probe timeout');
  });

  it('keeps models apart, and reset() forgets failures', () => {
    health.recordFailure('a', { kind: 'overloaded' });
    assert.equal(health.availability('b').state, 'closed');
    health.reset('a');
    assert.equal(health.availability('a').state, 'closed');
    health.recordFailure('a', { kind: 'overloaded' });
    health.recordFailure('b', { kind: 'overloaded' });
    health.reset();
    assert.equal(health.availability('a').state, 'closed');
    assert.equal(health.availability('b').state, 'closed');
  });
});

describe('ModelHealth: observed latency', () => {
  it('reports the median time to first token once there are three samples, per model and task', () => {
    const health = new ModelHealth(new FakeClock());
    health.recordSuccess('m', 'chat', { ttftMs: 500, totalMs: 4000 });
    health.recordSuccess('m', 'chat', { ttftMs: 100, totalMs: 4000 });
    assert.equal(health.latencyP50('m', 'chat'), undefined);
    health.recordSuccess('m', 'chat', { ttftMs: 300, totalMs: 4000 });
    assert.equal(health.latencyP50('m', 'chat'), 300);
    health.recordSuccess('m', 'chat', { ttftMs: 900, totalMs: 4000 });
    assert.equal(health.latencyP50('m', 'chat'), 400);
    assert.equal(health.latencyP50('m', 'edit'), undefined);
    assert.equal(health.latencyP50('other', 'chat'), undefined);
  });

  it('uses total time when no text came, and forgets old samples beyond the window', () => {
    const health = new ModelHealth(new FakeClock(), { latencyWindow: 4, minLatencySamples: 1 });
    health.recordSuccess('m', 'completion', { ttftMs: null, totalMs: 50 });
    assert.equal(health.latencyP50('m', 'completion'), 50);
    for (const v of [1000, 1000, 1000, 1000]) health.recordSuccess('m', 'completion', { ttftMs: v, totalMs: v });
    assert.equal(health.latencyP50('m', 'completion'), 1000);
    for (const v of [10, 20, 30]) health.recordSuccess('m', 'completion', { ttftMs: v, totalMs: v });
    assert.equal(health.latencyP50('m', 'completion'), 25);
  });
});
