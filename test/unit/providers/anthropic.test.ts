import assert from 'node:assert/strict';
import { AnthropicProvider, DEFAULT_ANTHROPIC_MAX_TOKENS, mergeAnthropicUsage } from '../../../src/core/providers/anthropic';
import type { Standin } from '../../support/standins/standinServer';
import { anthropicErrorBody, startAnthropicStandin } from '../../support/standins/anthropicStandin';
import type { AnthropicStandin } from '../../support/standins/anthropicStandin';
import { describeProviderContract } from '../../support/providerContract';
import { collect, testPorts } from '../../support/providerHarness';

const KEY = 'sk-ant-api03-test-abcdefghijklmnop0123';
const MODEL = 'claude-sonnet-4-6';
const chat = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };

describeProviderContract({
  title: 'Anthropic',
  kind: 'anthropic',
  model: MODEL,
  key: KEY,
  keyHeader: 'x-api-key',
  start: () => startAnthropicStandin() as Promise<Standin<unknown>>,
  create: (baseUrl, ports, timeouts) => new AnthropicProvider(ports, { baseUrl, timeouts }),
  stream: (provider, signal) => provider.streamChat(chat, signal),
  lengthStopReason: 'max_tokens',
  contextTooLongBody: anthropicErrorBody('invalid_request_error', 'prompt is too long: 212345 tokens > 200000 maximum'),
  notFoundMessage: /Anthropic does not know the model "claude-sonnet-4-6" \(404: Not found/,
  refusedMessage: /Cannot connect to Anthropic at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
  streamErrorKind: 'overloaded',
  extraFaults: [
    {
      name: '529 overloaded',
      step: { fault: { type: 'status', status: 529 } },
      kind: 'overloaded',
      retriable: true,
      message: /Anthropic is overloaded \(529: Overloaded\)/,
    },
    {
      name: '413 request too large',
      step: { fault: { type: 'status', status: 413 } },
      kind: 'contextTooLong',
      retriable: true,
      message: /does not fit/,
    },
    {
      name: 'rate_limit_error event mid-stream',
      step: { text: 'one two', fault: { type: 'streamError', afterTokens: 1, errorType: 'rate_limit_error', message: 'Rate limited' } },
      kind: 'rateLimit',
      retriable: false,
      textsBefore: 1,
      message: /rate-limiting .*rate_limit_error: Rate limited.*mid-answer/,
    },
    {
      name: 'overloaded_error event before any text',
      step: { text: 'one two', fault: { type: 'streamError', afterTokens: 0 } },
      kind: 'overloaded',
      retriable: true,
      textsBefore: 0,
      message: /Anthropic is overloaded \(overloaded_error: Overloaded\)/,
    },
  ],
});

describe('Anthropic provider: protocol details', () => {
  let standin: AnthropicStandin;
  before(async () => {
    standin = await startAnthropicStandin();
  });
  after(async () => {
    await standin.close();
  });
  beforeEach(() => standin.reset());

  const provider = () => new AnthropicProvider(testPorts({ anthropic: KEY }), { baseUrl: standin.url });

  it('puts system messages in the system parameter and the rest in order', async () => {
    await collect(
      provider().streamChat(
        {
          model: MODEL,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Explain x' },
            { role: 'assistant', content: 'x is y' },
            { role: 'system', content: 'Use TypeScript.' },
            { role: 'user', content: 'And z?' },
          ],
          temperature: 0.3,
          stop: ['END'],
        },
        new AbortController().signal,
      ),
    );
    const request = standin.requests[0];
    assert.equal(request.path, '/v1/messages');
    assert.deepEqual(request.body, {
      model: MODEL,
      max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS,
      messages: [
        { role: 'user', content: 'Explain x' },
        { role: 'assistant', content: 'x is y' },
        { role: 'user', content: 'And z?' },
      ],
      system: 'Be brief.\n\nUse TypeScript.',
      temperature: 0.3,
      stop_sequences: ['END'],
      stream: true,
    });
  });

  it('keeps cache reads and writes apart from input (message_start + message_delta, hand-checked)', async () => {
    standin.script({
      text: 'ok',
      usage: { input_tokens: 3, cache_read_input_tokens: 1800, cache_creation_input_tokens: 200, output_tokens: 95 },
    });
    const out = await collect(provider().streamChat(chat, new AbortController().signal));
    assert.deepEqual(out.final?.usage, { inputTokens: 3, outputTokens: 95, cacheReadTokens: 1800, cacheWriteTokens: 200 });
  });

  it('keeps message_start counts where message_delta reports null', () => {
    const afterStart = mergeAnthropicUsage({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, {
      input_tokens: 25,
      output_tokens: 1,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 50,
      cache_creation: null,
      inference_geo: null,
      server_tool_use: null,
      service_tier: null,
    } as Parameters<typeof mergeAnthropicUsage>[1]);
    const afterDelta = mergeAnthropicUsage(afterStart, {
      input_tokens: null,
      output_tokens: 15,
      cache_read_input_tokens: null,
      cache_creation_input_tokens: null,
      output_tokens_details: null,
      server_tool_use: null,
    });
    assert.deepEqual(afterDelta, { inputTokens: 25, outputTokens: 15, cacheReadTokens: 1000, cacheWriteTokens: 50 });
  });

  it('reports input usage known at abort time (message_start came before)', async () => {
    standin.script({ usage: { input_tokens: 42 }, fault: { type: 'drip', intervalMs: 5 } });
    const controller = new AbortController();
    const out = await collect(provider().streamChat(chat, controller.signal), (chunk) => {
      if (chunk.type === 'text') controller.abort();
    });
    assert.equal(out.final?.stopReason, 'aborted');
    assert.equal(out.final?.usage.inputTokens, 42);
  });

  it('maps stop reasons: stop_sequence and tool_use', async () => {
    standin.script({ text: 'a', stopReason: 'stop_sequence' }, { text: 'b', stopReason: 'tool_use' });
    const first = await collect(provider().streamChat(chat, new AbortController().signal));
    const second = await collect(provider().streamChat(chat, new AbortController().signal));
    assert.equal(first.final?.stopReason, 'stopSequence');
    assert.equal(second.final?.stopReason, 'toolUse');
  });

  it('refuses FIM with a clear message and sends nothing', async () => {
    const out = await collect(provider().streamFim({ model: MODEL, prefix: 'a', suffix: 'b' }, new AbortController().signal));
    assert.equal(out.error?.kind, 'badResponse');
    assert.match(out.error?.message ?? '', /no FIM endpoint.*Ollama or OpenAI-compatible/);
    assert.equal(standin.requests.length, 0);
  });
});
