import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { OpenAIProvider, normaliseOpenAIUsage } from '../../../src/core/providers/openai';
import type { Standin } from '../../support/standins/standinServer';
import { openAIContextTooLongBody, startOpenAIStandin } from '../../support/standins/openaiStandin';
import type { OpenAIStandin } from '../../support/standins/openaiStandin';
import { describeProviderContract } from '../../support/providerContract';
import { collect, testPorts } from '../../support/providerHarness';

const KEY = 'sk-test-abcdefghijklmnop0123456789';
const chat = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

describeProviderContract({
  title: 'OpenAI',
  kind: 'openai',
  model: 'gpt-4.1-mini',
  key: KEY,
  keyHeader: 'authorization',
  keyHeaderValue: (key) => `Bearer ${key}`,
  start: () => startOpenAIStandin() as Promise<Standin<unknown>>,
  create: (baseUrl, ports, timeouts) => new OpenAIProvider(ports, { kind: 'openai', baseUrl, timeouts }),
  stream: (provider, signal) => provider.streamChat(chat, signal),
  lengthStopReason: 'length',
  contextTooLongBody: openAIContextTooLongBody(128_000, 130_512),
  notFoundMessage: /OpenAI does not know the model "gpt-4\.1-mini" \(404: The model does not exist/,
  refusedMessage: /Cannot connect to OpenAI at http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\)/,
  streamErrorKind: 'server',
});

describeProviderContract({
  title: 'OpenAI-compatible (no key)',
  kind: 'openai-compatible',
  model: 'qwen2.5-coder-7b-instruct',
  start: () => startOpenAIStandin() as Promise<Standin<unknown>>,
  create: (baseUrl, ports, timeouts) => new OpenAIProvider(ports, { kind: 'openai-compatible', baseUrl, timeouts }),
  stream: (provider, signal) => provider.streamChat({ ...chat, model: 'qwen2.5-coder-7b-instruct' }, signal),
  lengthStopReason: 'length',
  contextTooLongBody: {
    error: {
      message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  },
  notFoundMessage: /OpenAI-compatible server at http:\/\/127\.0\.0\.1:\d+\/v1 does not know the model/,
  refusedMessage: /Nothing is listening at http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\) — start the OpenAI-compatible server/,
  streamErrorKind: 'server',
});

describe('OpenAI provider: protocol details', () => {
  let standin: OpenAIStandin;
  before(async () => {
    standin = await startOpenAIStandin();
  });
  after(async () => {
    await standin.close();
  });
  beforeEach(() => standin.reset());

  const openai = () => new OpenAIProvider(testPorts({ openai: KEY }), { kind: 'openai', baseUrl: standin.url });

  it('asks for usage in the stream and sends the request as given', async () => {
    await collect(openai().streamChat({ ...chat, maxTokens: 300, temperature: 0.2, stop: ['\n\n'] }, new AbortController().signal));
    const request = standin.requests[0];
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/chat/completions');
    assert.deepEqual(request.body, {
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 300,
      temperature: 0.2,
      stop: ['\n\n'],
    });
  });

  it('uses max_tokens, the name compatible servers know, for openai-compatible', async () => {
    const compatible = new OpenAIProvider(testPorts(), { kind: 'openai-compatible', baseUrl: standin.url });
    await collect(compatible.streamChat({ ...chat, maxTokens: 64 }, new AbortController().signal));
    const body = standin.requests[0].body as Record<string, unknown>;
    assert.equal(body.max_tokens, 64);
    assert.equal('max_completion_tokens' in body, false);
    assert.equal(standin.requests[0].headers.authorization, undefined, 'a keyless server gets no Authorization header');
  });

  it('normalises usage: input excludes cached tokens (hand-checked numbers)', async () => {
    standin.script({ text: 'ok', usage: { prompt_tokens: 1200, cached_tokens: 1000, completion_tokens: 57 } });
    const out = await collect(openai().streamChat(chat, new AbortController().signal));
    assert.deepEqual(out.final?.usage, { inputTokens: 200, outputTokens: 57, cacheReadTokens: 1000, cacheWriteTokens: 0 });
  });

  it('takes cache-written tokens out of input too, when a gateway reports them', () => {
    const usage = normaliseOpenAIUsage({
      prompt_tokens: 2048,
      completion_tokens: 12,
      total_tokens: 2060,
      prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 1000 },
    });
    assert.deepEqual(usage, { inputTokens: 24, outputTokens: 12, cacheReadTokens: 1024, cacheWriteTokens: 1000 });
  });

  it('reports the dated snapshot the server answered with as model and version', async () => {
    standin.script({ text: 'ok', model: 'gpt-4.1-mini-2025-04-14' });
    const out = await collect(openai().streamChat(chat, new AbortController().signal));
    assert.equal(out.final?.model, 'gpt-4.1-mini-2025-04-14');
    assert.equal(out.final?.version, 'gpt-4.1-mini-2025-04-14');
  });

  it('does FIM on the legacy completions endpoint with a native suffix', async () => {
    standin.script({ tokens: ['return', ' a', ' + b;'], usage: { prompt_tokens: 40, completion_tokens: 3 } });
    const out = await collect(
      openai().streamFim(
        { model: 'gpt-3.5-turbo-instruct', prefix: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 32, stop: ['\n\n'] },
        new AbortController().signal,
      ),
    );
    assert.deepEqual(out.texts, ['return', ' a', ' + b;']);
    assert.deepEqual(out.final?.usage, { inputTokens: 40, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const request = standin.requests[0];
    assert.equal(request.path, '/v1/completions');
    assert.deepEqual(request.body, {
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'function add(a, b) {\n  ',
      suffix: '\n}',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32,
      stop: ['\n\n'],
    });
  });

  it('sends a templated raw prompt alone, with its stop tokens', async () => {
    const rawPrompt = '<|fim_prefix|>let x = <|fim_suffix|>;<|fim_middle|>';
    await collect(
      openai().streamFim(
        { model: 'qwen', prefix: 'let x = ', suffix: ';', rawPrompt, stop: ['<|endoftext|>'] },
        new AbortController().signal,
      ),
    );
    const body = standin.requests[0].body as Record<string, unknown>;
    assert.equal(body.prompt, rawPrompt);
    assert.equal('suffix' in body, false);
    assert.deepEqual(body.stop, ['<|endoftext|>']);
  });

  it('SDK fact this wrapper relies on: its stream ends silently when its signal aborts', async () => {
    standin.script({ fault: { type: 'drip', intervalMs: 5 } });
    const client = new OpenAI({ apiKey: KEY, baseURL: standin.url, maxRetries: 0 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ ...chat, stream: true }, { signal: controller.signal });
    let chunks = 0;
    for await (const _chunk of stream) {
      chunks++;
      if (chunks === 2) controller.abort();
    }
    // No throw: without a check after the loop, a cut-off answer would pass for a complete one.
    assert.equal(chunks, 2);
  });
});
