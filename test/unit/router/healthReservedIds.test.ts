// Health by model id, for ids that are JavaScript's own names: each has its own circuit and latency, none reaches Object.prototype.
import assert from 'node:assert/strict';
import { ModelHealth } from '../../../src/core/router/health';

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

describe('model health: ids that are reserved JavaScript names', () => {
  it('keeps a circuit and latency per id', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    let now = 0;
    const health = new ModelHealth({ monotonic: () => now });
    assert.equal(health.availability('constructor').state, 'closed', 'an id never seen is healthy');
    health.recordFailure('__proto__', { kind: 'overloaded' });
    for (const id of RESERVED.slice(1)) for (let i = 0; i < 3; i++) health.recordSuccess(id, 'chat', { ttftMs: 100 + i, totalMs: 500 });
    assert.equal(health.availability('__proto__').state, 'open');
    assert.equal(health.beginAttempt('__proto__'), false);
    for (const id of RESERVED.slice(1)) {
      assert.equal(health.availability(id).state, 'closed', id);
      assert.equal(health.latencyP50(id, 'chat'), 101, id);
    }
    assert.equal(health.latencyP50('__proto__', 'chat'), undefined);
    now += 60_000;
    assert.equal(health.beginAttempt('__proto__'), true);
    health.recordSuccess('__proto__', 'chat', { ttftMs: 5, totalMs: 5 });
    assert.equal(health.availability('__proto__').state, 'closed');
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  });
});
