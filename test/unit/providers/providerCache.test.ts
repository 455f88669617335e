import assert from 'node:assert/strict';
import type { CreateProviderOptions } from '../../../src/core/providers/createProvider';
import { DEFAULT_STREAM_TIMEOUTS, MIN_FIRST_BYTE_MS, firstByteTimeoutFor } from '../../../src/core/providers/guardedStream';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { ProviderCache } from '../../../src/core/providers/providerCache';
import type { ModelRef } from '../../../src/core/types';
import { settingsWith } from '../router/fixtures';
import { testPorts } from '../../support/providerHarness';

const luna: ModelRef = { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 1_050_000 };

describe('firstByteTimeoutFor', () => {
  it('is the latency budget, at least the floor; no budget (0) keeps the default wait', () => {
    assert.equal(MIN_FIRST_BYTE_MS, 5000);
    assert.equal(firstByteTimeoutFor(10_000), 10_000);
    assert.equal(firstByteTimeoutFor(1500), 5000);
    assert.equal(firstByteTimeoutFor(120_000), 120_000);
    assert.equal(firstByteTimeoutFor(0), DEFAULT_STREAM_TIMEOUTS.firstByteMs);
    assert.equal(firstByteTimeoutFor(200, 50), 200);
  });
});

describe('ProviderCache', () => {
  function cacheWithFactory() {
    const built: CreateProviderOptions[] = [];
    const cache = new ProviderCache(testPorts(), (_model, _ports, options = {}) => {
      built.push(options);
      return { kind: 'openai' } as ModelProvider;
    });
    return { cache, built };
  }

  it('gives each task the first-byte timeout of its latency budget, one provider per timeout', () => {
    const { cache, built } = cacheWithFactory();
    const settings = settingsWith({ latencyBudgetMs: { completion: 1500, edit: 20_000, refactor: 0, chat: 10_000 } });
    const chat = cache.get(luna, settings, 'chat');
    assert.equal(cache.get(luna, settings, 'chat'), chat, 'kept');
    cache.get(luna, settings, 'edit');
    cache.get(luna, settings, 'refactor');
    cache.get(luna, settings, 'completion');
    assert.deepEqual(
      built.map((o) => o.timeouts?.openai?.firstByteMs),
      [10_000, 20_000, DEFAULT_STREAM_TIMEOUTS.firstByteMs, MIN_FIRST_BYTE_MS],
    );
  });

  it('without a task (the completion engine) leaves the providers’ default timeouts alone', () => {
    const { cache, built } = cacheWithFactory();
    cache.get(luna, settingsWith({}));
    assert.equal(built[0].timeouts, undefined);
  });
});
