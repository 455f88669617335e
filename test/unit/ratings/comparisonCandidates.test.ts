// A comparison under local-only privacy offers only models that routing counts as local.
import { strict as assert } from 'node:assert';
import { comparisonCandidates } from '../../../src/core/ratings/comparisonCandidates';
import { settingsWith } from '../router/fixtures';

describe('comparisonCandidates', () => {
  const models = [
    { id: 'qwen-local', provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'local', contextWindow: 32_768 },
    {
      id: 'proxied-luna',
      provider: 'openai',
      model: 'gpt-6-luna',
      tier: 'mid',
      contextWindow: 128_000,
      baseUrl: 'http://127.0.0.1:4000/v1',
    },
    {
      id: 'lan-vllm',
      provider: 'openai-compatible',
      model: 'qwen',
      tier: 'mid',
      contextWindow: 32_768,
      baseUrl: 'http://192.168.1.20:8000/v1',
      local: true,
    },
  ];

  it('under local-only, a cloud model behind a loopback proxy is not offered; Ollama and a declared-local server are', () => {
    const settings = settingsWith({ models, 'privacy.localOnly': true, routes: { chat: ['proxied-luna', 'qwen-local'] } });
    const offered = comparisonCandidates(settings);
    const ids = offered.map((m) => m.id);
    assert.ok(!ids.includes('proxied-luna'), `a cloud model behind 127.0.0.1 was offered: ${ids.join(', ')}`);
    assert.ok(ids.includes('qwen-local') && ids.includes('lan-vllm'), ids.join(', '));
    assert.deepEqual(
      offered.filter((m) => m.provider !== 'ollama' && m.local !== true).map((m) => m.id),
      [],
      'only Ollama and declared-local models',
    );
  });

  it('without local-only, the chat route comes first, then every other model once', () => {
    const settings = settingsWith({ models, routes: { chat: ['proxied-luna', 'qwen-local'] } });
    const ids = comparisonCandidates(settings).map((m) => m.id);
    assert.deepEqual(ids.slice(0, 2), ['proxied-luna', 'qwen-local']);
    assert.ok(ids.includes('lan-vllm'));
    assert.equal(new Set(ids).size, ids.length);
  });
});
