// Endpoint policy: where a model's requests go, and which addresses count as local.
import assert from 'node:assert/strict';
import type { ModelRef } from '../../../src/core/types';
import { isLocalEndpoint, modelEndpoint } from '../../../src/core/endpoints';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';

describe('endpoints', () => {
  it('judges local endpoints by address, not by label', () => {
    for (const url of [
      'http://127.0.0.1:11434',
      'http://localhost:8080/v1',
      'http://[::1]:11434',
      'http://192.168.1.20:8000',
      'http://10.1.2.3',
      'http://172.20.0.2',
      'http://gpu-box.local:11434',
    ]) {
      assert.equal(isLocalEndpoint(url), true, url);
    }
    for (const url of [
      'https://api.openai.com/v1',
      'https://api.anthropic.com',
      'http://172.32.0.1',
      'http://8.8.8.8',
      'https://localhost.evil.com',
      'not a url',
      undefined,
    ]) {
      assert.equal(isLocalEndpoint(url), false, String(url));
    }
  });

  it('sends a model to its own baseUrl, else to the endpoint setting of its provider', () => {
    const endpoints = { ollama: 'http://gpu-box.local:11434', openai: 'https://openai.example/v1', anthropic: 'https://anthropic.example' };
    const model = (provider: ModelRef['provider'], baseUrl?: string): ModelRef => ({
      id: 'm',
      provider,
      model: 'm',
      tier: 'mid',
      contextWindow: 4096,
      ...(baseUrl === undefined ? {} : { baseUrl }),
    });
    assert.equal(modelEndpoint(model('ollama'), endpoints), 'http://gpu-box.local:11434');
    assert.equal(modelEndpoint(model('openai'), endpoints), 'https://openai.example/v1');
    assert.equal(modelEndpoint(model('anthropic'), endpoints), 'https://anthropic.example');
    assert.equal(modelEndpoint(model('openai-compatible'), endpoints), undefined);
    assert.equal(modelEndpoint(model('openai-compatible', 'http://127.0.0.1:4000/v1'), endpoints), 'http://127.0.0.1:4000/v1');
    assert.equal(modelEndpoint(model('openai', 'https://proxy.example/v1'), DEFAULT_SETTINGS.endpoints), 'https://proxy.example/v1');
  });
});
