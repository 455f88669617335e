import assert from 'node:assert/strict';
import { AnthropicProvider } from '../../../src/core/providers/anthropic';
import { createProvider } from '../../../src/core/providers/createProvider';
import { OllamaProvider } from '../../../src/core/providers/ollama';
import { OpenAIProvider } from '../../../src/core/providers/openai';
import type { ModelRef, ProviderKind } from '../../../src/core/types';
import { startOllamaStandin } from '../../support/standins/ollamaStandin';
import type { OllamaStandin } from '../../support/standins/ollamaStandin';
import { collect, testPorts } from '../../support/providerHarness';

function ref(provider: ProviderKind, extra: Partial<ModelRef> = {}): ModelRef {
  return { id: `${provider}-model`, provider, model: 'm', tier: 'mid', contextWindow: 8192, ...extra };
}

describe('createProvider', () => {
  it('builds the provider for each protocol with its default base URL', () => {
    const ports = testPorts();
    const ollama = createProvider(ref('ollama'), ports);
    const openai = createProvider(ref('openai'), ports);
    const anthropic = createProvider(ref('anthropic'), ports);
    assert.ok(ollama instanceof OllamaProvider);
    assert.equal(ollama.baseUrl, 'http://127.0.0.1:11434');
    assert.ok(openai instanceof OpenAIProvider);
    assert.equal(openai.kind, 'openai');
    assert.equal(openai.baseUrl, 'https://api.openai.com/v1');
    assert.ok(anthropic instanceof AnthropicProvider);
    assert.equal(anthropic.baseUrl, 'https://api.anthropic.com');
  });

  it('takes the model’s own base URL over the options', () => {
    const provider = createProvider(ref('openai-compatible', { baseUrl: 'http://127.0.0.1:8000/v1/' }), testPorts(), {
      baseUrls: { 'openai-compatible': 'http://127.0.0.1:9999/v1' },
    });
    assert.ok(provider instanceof OpenAIProvider);
    assert.equal(provider.kind, 'openai-compatible');
    assert.equal(provider.baseUrl, 'http://127.0.0.1:8000/v1');
  });

  it('uses the options’ base URL when the model has none', () => {
    const provider = createProvider(ref('anthropic'), testPorts(), { baseUrls: { anthropic: 'http://127.0.0.1:4000' } });
    assert.equal((provider as AnthropicProvider).baseUrl, 'http://127.0.0.1:4000');
  });

  it('refuses an OpenAI-compatible model without a base URL, saying what to set', () => {
    assert.throws(() => createProvider(ref('openai-compatible'), testPorts()), /"openai-compatible-model" .* no base URL: set "baseUrl"/);
  });

  describe('with a stand-in', () => {
    let standin: OllamaStandin;
    before(async () => {
      standin = await startOllamaStandin();
    });
    after(async () => {
      await standin.close();
    });
    beforeEach(() => standin.reset());

    it('passes keep_alive and per-protocol timeouts through', async () => {
      const provider = createProvider(ref('ollama', { baseUrl: standin.url }), testPorts(), {
        ollamaKeepAlive: '1h',
        timeouts: { ollama: { firstByteMs: 120 }, openai: { firstByteMs: 5_000 } },
      });
      await collect(provider.streamChat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, new AbortController().signal));
      assert.equal((standin.requests[0].body as { keep_alive?: string }).keep_alive, '1h');

      standin.script({ firstByteDelayMs: 400 });
      const out = await collect(
        provider.streamChat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, new AbortController().signal),
      );
      assert.equal(out.error?.kind, 'timeout');
      assert.match(out.error?.message ?? '', /nothing for 120 ms/);
    });
  });
});
