import assert from 'node:assert/strict';
import { detectDrift, noteModelVersion } from '../../../src/core/ratings/drift';
import type { KnownVersion } from '../../../src/core/ratings/drift';

describe('drift', () => {
  it('reports a version change with the previous and new versions and when it was first seen', () => {
    const events = detectDrift([
      { model: 'qwen', version: 'sha256:aaa', time: 100 },
      { model: 'qwen', version: 'sha256:aaa', time: 200 },
      { model: 'qwen', version: 'sha256:bbb', time: 300 },
      { model: 'qwen', version: 'sha256:bbb', time: 400 },
    ]);
    assert.deepEqual(events, [
      { model: 'qwen', previousVersion: 'sha256:aaa', newVersion: 'sha256:bbb', firstSeen: 300, previousLastSeen: 200 },
    ]);
  });

  it('orders records by time first and tracks each model on its own', () => {
    const events = detectDrift([
      { model: 'gpt', version: 'gpt-4.1-2025-04-14', time: 50 },
      { model: 'qwen', version: 'v2', time: 30 },
      { model: 'qwen', version: 'v1', time: 10 },
      { model: 'gpt', version: 'gpt-4.1-2025-04-14', time: 60 },
    ]);
    assert.deepEqual(events, [{ model: 'qwen', previousVersion: 'v1', newVersion: 'v2', firstSeen: 30, previousLastSeen: 10 }]);
  });

  it('skips records without a version and reports every flip', () => {
    const events = detectDrift([
      { model: 'm', version: 'a', time: 1 },
      { model: 'm', time: 2 },
      { model: 'm', version: '', time: 3 },
      { model: 'm', version: 'b', time: 4 },
      { model: 'm', version: 'a', time: 5 },
    ]);
    assert.deepEqual(
      events.map((e) => [e.previousVersion, e.newVersion, e.firstSeen]),
      [
        ['a', 'b', 4],
        ['b', 'a', 5],
      ],
    );
  });

  it('has nothing to say about a model seen once or never changing', () => {
    assert.deepEqual(detectDrift([{ model: 'm', version: 'a', time: 1 }]), []);
    assert.deepEqual(detectDrift([]), []);
  });

  it('checks live decisions one at a time against what it has seen', () => {
    const known = new Map<string, KnownVersion>();
    assert.equal(noteModelVersion(known, { model: 'm', version: 'a', time: 1 }), undefined);
    assert.equal(noteModelVersion(known, { model: 'm', version: 'a', time: 2 }), undefined);
    const event = noteModelVersion(known, { model: 'm', version: 'b', time: 3 });
    assert.deepEqual(event, { model: 'm', previousVersion: 'a', newVersion: 'b', firstSeen: 3, previousLastSeen: 2 });
    assert.deepEqual(known.get('m'), { version: 'b', lastSeen: 3 });
  });
});
