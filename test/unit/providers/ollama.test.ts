import assert from 'node:assert/strict';
import { OllamaProvider, fetchOllamaModelDetails, listOllamaModels } from '../../../src/core/providers/ollama';
import type { Standin } from '../../support/standins/standinServer';
import { OLLAMA_STANDIN_MODELS, startOllamaStandin } from '../../support/standins/ollamaStandin';
import type { OllamaStandin } from '../../support/standins/ollamaStandin';
import { describeProviderContract } from '../../support/providerContract';
import { collect, testPorts } from '../../support/providerHarness';

const MODEL = 'qwen2.5-coder:1.5b-base';
const chat = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };
const fim = { model: MODEL, prefix: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))' };

describeProviderContract({
  title: 'Ollama chat',
  kind: 'ollama',
  model: MODEL,
  start: () => startOllamaStandin() as Promise<Standin<unknown>>,
  create: (baseUrl, ports, timeouts) => new OllamaProvider(ports, { baseUrl, timeouts }),
  stream: (provider, signal) => provider.streamChat(chat, signal),
  lengthStopReason: 'length',
  contextTooLongBody: { error: 'input length exceeds the context length' },
  notFoundMessage:
    /Ollama at http:\/\/127\.0\.0\.1:\d+ has no model "qwen2\.5-coder:1\.5b-base" — run `ollama pull qwen2\.5-coder:1\.5b-base`/,
  refusedMessage: /Ollama is not running at http:\/\/127\.0\.0\.1:\d+ — start it with `ollama serve`/,
  streamErrorKind: 'server',
});

describeProviderContract({
  title: 'Ollama FIM',
  kind: 'ollama',
  model: MODEL,
  start: () => startOllamaStandin() as Promise<Standin<unknown>>,
  create: (baseUrl, ports, timeouts) => new OllamaProvider(ports, { baseUrl, timeouts }),
  stream: (provider, signal) => provider.streamFim(fim, signal),
  lengthStopReason: 'length',
  contextTooLongBody: { error: 'input length exceeds the context length' },
  notFoundMessage: /run `ollama pull qwen2\.5-coder:1\.5b-base`/,
  refusedMessage: /Ollama is not running at .* — start it with `ollama serve`/,
  streamErrorKind: 'server',
});

describe('Ollama provider: protocol details', () => {
  let standin: OllamaStandin;
  before(async () => {
    standin = await startOllamaStandin();
  });
  after(async () => {
    await standin.close();
  });
  beforeEach(() => standin.reset());

  const provider = (keepAlive?: string | number) => new OllamaProvider(testPorts(), { baseUrl: standin.url, keepAlive });

  it('reads usage and server timings from the final done line (hand-checked)', async () => {
    standin.script({
      text: 'ok',
      usage: {
        prompt_eval_count: 26,
        eval_count: 290,
        total_duration: 4_935_886_791,
        load_duration: 3_211_000,
        prompt_eval_duration: 26_000_000,
        eval_duration: 4_895_000_000,
      },
    });
    const out = await collect(provider().streamChat(chat, new AbortController().signal));
    assert.deepEqual(out.final?.usage, { inputTokens: 26, outputTokens: 290, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.deepEqual(out.final?.serverTiming, { totalMs: 4935.886791, loadMs: 3.211, promptEvalMs: 26, evalMs: 4895 });
    assert.equal(out.final?.model, MODEL);
  });

  it('sends chat to /api/chat with keep_alive and run options', async () => {
    await collect(
      provider('30m').streamChat({ ...chat, maxTokens: 128, temperature: 0.1, stop: ['<|im_end|>'] }, new AbortController().signal),
    );
    const request = standin.requests[0];
    assert.equal(request.path, '/api/chat');
    assert.deepEqual(request.body, {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      keep_alive: '30m',
      options: { num_predict: 128, temperature: 0.1, stop: ['<|im_end|>'] },
    });
    assert.equal(request.headers.authorization, undefined, 'a local Ollama gets no Authorization header');
  });

  it('does FIM on /api/generate with the native suffix', async () => {
    standin.script({ tokens: ['return', ' a', ' + b'] });
    const out = await collect(provider(-1).streamFim({ ...fim, maxTokens: 64 }, new AbortController().signal));
    assert.deepEqual(out.texts, ['return', ' a', ' + b']);
    const request = standin.requests[0];
    assert.equal(request.path, '/api/generate');
    assert.deepEqual(request.body, {
      model: MODEL,
      prompt: fim.prefix,
      suffix: fim.suffix,
      stream: true,
      keep_alive: -1,
      options: { num_predict: 64 },
    });
  });

  it('the stand-in can answer each request from what it asked (answerWith), the script serving the rest', async () => {
    standin.script({ tokens: ['scripted'] });
    standin.answerWith((request) => {
      const prompt = (request.body as { prompt?: string }).prompt ?? '';
      return prompt.endsWith('(a, b):\n    ') ? { tokens: ['return', ' a + b'] } : undefined;
    });
    const answered = await collect(provider().streamFim(fim, new AbortController().signal));
    const other = await collect(provider().streamFim({ ...fim, prefix: 'x = ' }, new AbortController().signal));
    assert.deepEqual([answered.texts, other.texts], [['return', ' a + b'], ['scripted']]);
    standin.reset();
    assert.deepEqual(
      (await collect(provider().streamFim(fim, new AbortController().signal))).texts.join(''),
      'Hello from the stand-in.',
      'reset forgets the answerer',
    );
  });

  it('sends a raw templated prompt with raw: true and the given stop tokens', async () => {
    const rawPrompt = `<|fim_prefix|>${fim.prefix}<|fim_suffix|>${fim.suffix}<|fim_middle|>`;
    await collect(provider().streamFim({ ...fim, rawPrompt, stop: ['<|endoftext|>', '<|fim_pad|>'] }, new AbortController().signal));
    assert.deepEqual(standin.requests[0].body, {
      model: MODEL,
      prompt: rawPrompt,
      raw: true,
      stream: true,
      options: { stop: ['<|endoftext|>', '<|fim_pad|>'] },
    });
  });

  it('sends a key as Bearer only when one is set (Ollama behind a proxy)', async () => {
    const key = 'proxy-token-0123456789';
    const behindProxy = new OllamaProvider(testPorts({ ollama: key }), { baseUrl: standin.url });
    await collect(behindProxy.streamChat(chat, new AbortController().signal));
    assert.equal(standin.requests[0].headers.authorization, `Bearer ${key}`);
    assert.ok(!standin.requests[0].rawBody.includes(key));
  });

  it('lists models with their digests (/api/tags)', async () => {
    const models = await listOllamaModels({ baseUrl: standin.url, fetch }, new AbortController().signal);
    assert.deepEqual(
      models.map((m) => [m.name, m.digest]),
      OLLAMA_STANDIN_MODELS.map((m) => [m.name, m.digest]),
    );
    assert.equal(standin.requests[0].path, '/api/tags');
  });

  it('reads template, context length, num_ctx and digest of a FIM model', async () => {
    const details = await fetchOllamaModelDetails({ baseUrl: standin.url, fetch }, MODEL, new AbortController().signal);
    assert.equal(details.contextLength, 32768);
    assert.equal(details.numCtx, null);
    assert.equal(details.digest, OLLAMA_STANDIN_MODELS[0].digest);
    assert.equal(details.template, OLLAMA_STANDIN_MODELS[0].template);
    assert.equal(details.family, 'qwen2');
    assert.deepEqual(details.capabilities, ['completion', 'insert']);
    assert.deepEqual(standin.requests.map((r) => r.path).sort(), ['/api/show', '/api/tags']);
  });

  it('reads a chat-only model, and finds a tagless name as :latest', async () => {
    const details = await fetchOllamaModelDetails({ baseUrl: standin.url, fetch }, 'llama3.2', new AbortController().signal);
    assert.equal(details.template, OLLAMA_STANDIN_MODELS[1].template);
    assert.equal(details.contextLength, 131072);
    assert.equal(details.numCtx, 8192);
    assert.equal(details.digest, OLLAMA_STANDIN_MODELS[1].digest);
  });

  it('reports an unknown model as notFound with the pull command', async () => {
    await assert.rejects(
      fetchOllamaModelDetails({ baseUrl: standin.url, fetch }, 'nope:7b', new AbortController().signal),
      (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'notFound');
        assert.match(error.message, /run `ollama pull nope:7b`/);
        return true;
      },
    );
  });

  it('rejects a details call with the abort reason when aborted', async () => {
    standin.script({ firstByteDelayMs: 200 });
    const controller = new AbortController();
    const pending = fetchOllamaModelDetails({ baseUrl: standin.url, fetch }, MODEL, controller.signal);
    await standin.waitForRequests(1);
    controller.abort();
    await assert.rejects(pending, (error: Error) => error.name === 'AbortError');
  });

  it('fails a details call that outlives its timeout as timeout', async () => {
    standin.script({ firstByteDelayMs: 300 });
    await assert.rejects(
      fetchOllamaModelDetails({ baseUrl: standin.url, fetch, timeoutMs: 80 }, MODEL, new AbortController().signal),
      (error: Error & { kind?: string }) => error.kind === 'timeout' && /nothing for 80 ms/.test(error.message),
    );
  });

  it('reports the digest learned from modelDetails as the version of later answers', async () => {
    const ollama = provider();
    await ollama.modelDetails(MODEL, new AbortController().signal);
    const out = await collect(ollama.streamFim(fim, new AbortController().signal));
    assert.equal(out.final?.version, OLLAMA_STANDIN_MODELS[0].digest);
  });

  for (const [name, step] of [
    ['a malformed line', { text: 'one two', fault: { type: 'malformed', afterTokens: 1 } }],
    ['an HTML error page', { fault: { type: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' } }],
  ] as const) {
    it(`fails on ${name} without the SDK printing to the console`, async () => {
      standin.script(step);
      const printed: unknown[] = [];
      const original = { log: console.log, warn: console.warn, error: console.error };
      console.log = console.warn = console.error = (...args: unknown[]) => printed.push(args);
      let kind: string | undefined;
      try {
        kind = (await collect(provider().streamChat(chat, new AbortController().signal))).error?.kind;
      } finally {
        Object.assign(console, original);
      }
      assert.ok(kind === 'badResponse' || kind === 'server', `unexpected ${kind}`);
      assert.deepEqual(printed, []);
    });
  }
});
