import assert from 'node:assert/strict';
import type { Chunk, FinalRecord, ModelRef } from '../../../src/core/types';
import { ZERO_USAGE } from '../../../src/core/types';
import type { ChatRequest, FimRequest, ModelProvider, ProviderErrorKind } from '../../../src/core/providers/provider';
import { ProviderError } from '../../../src/core/providers/provider';
import type { Hop, RoutedCall, RoutedChunk, RunResult } from '../../../src/core/router/execute';
import { RoutedRunError, runRouted } from '../../../src/core/router/execute';
import { ModelHealth } from '../../../src/core/router/health';
import type { Decision } from '../../../src/core/router/route';
import { FakeClock } from './fixtures';
import { estimateTokens } from '../../../src/core/prompt/context';

const sonnet: ModelRef = {
  id: 'claude-sonnet-5-5',
  provider: 'anthropic',
  model: 'claude-sonnet-5-5',
  tier: 'frontier',
  contextWindow: 1_000_000,
};
const sol: ModelRef = { id: 'gpt-6.1-sol', provider: 'openai', model: 'gpt-6.1-sol', tier: 'frontier', contextWindow: 1_050_000 };
const luna: ModelRef = { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 1_050_000 };

type Step =
  | { text: string }
  | { fail: ProviderErrorKind; retryAfterMs?: number; afterOutput?: boolean; message?: string }
  | { throwRaw: Error }
  | { waitForAbort: true }
  | { end: 'done' | 'none' };

function final(model: string, stopReason: FinalRecord['stopReason'] = 'stop'): FinalRecord {
  return { model, usage: { ...ZERO_USAGE, inputTokens: 10, outputTokens: 5 }, ttftMs: 40, totalMs: 90, stopReason };
}

/** A ModelProvider that plays a script per model id: no network. */
class ScriptedProvider implements ModelProvider {
  readonly calls: { model: string; request: ChatRequest | FimRequest }[] = [];
  closed = 0;
  constructor(
    readonly kind: ModelProvider['kind'],
    private readonly scripts: Record<string, Step[]>,
  ) {}

  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    this.calls.push({ model: request.model, request });
    return this.play(request.model, signal);
  }

  streamFim(request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk> {
    this.calls.push({ model: request.model, request });
    return this.play(request.model, signal);
  }

  private async *play(model: string, signal: AbortSignal): AsyncGenerator<Chunk> {
    try {
      for (const step of this.scripts[model] ?? [{ end: 'done' }]) {
        if ('text' in step) yield { type: 'text', text: step.text };
        else if ('fail' in step)
          throw new ProviderError({
            kind: step.fail,
            provider: this.kind,
            model,
            message: step.message ?? `${step.fail} from ${model}`,
            retryAfterMs: step.retryAfterMs,
            afterOutput: step.afterOutput,
          });
        else if ('throwRaw' in step) throw step.throwRaw;
        else if ('waitForAbort' in step) {
          if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          yield { type: 'done', final: final(model, 'aborted') };
          return;
        } else if (step.end === 'done') {
          yield { type: 'done', final: final(model) };
          return;
        } else return;
      }
    } finally {
      this.closed++;
    }
  }
}

const decisionOf = (
  chosen: ModelRef | null,
  ...fallbacks: ModelRef[]
): Pick<Decision, 'chosen' | 'fallbacks' | 'task' | 'explanation'> => ({
  chosen,
  fallbacks,
  task: 'chat',
  explanation: 'no model can take this chat: …',
});
const chat: RoutedCall = { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] };

async function collect(
  stream: AsyncIterable<RoutedChunk>,
): Promise<{ text: string; held: string; order: RoutedChunk['type'][]; hops: Hop[]; result?: RunResult; error?: unknown }> {
  let text = '';
  let held = '';
  const order: RoutedChunk['type'][] = [];
  const hops: Hop[] = [];
  let result: RunResult | undefined;
  try {
    for await (const c of stream) {
      order.push(c.type);
      if (c.type === 'text') text += c.text;
      else if (c.type === 'held') held += c.text;
      else if (c.type === 'hop') hops.push(c.hop);
      else if (c.type === 'done') result = c.result;
    }
  } catch (error) {
    return { text, held, order, hops, result, error };
  }
  return { text, held, order, hops, result };
}

function providers(anthropic: ScriptedProvider, openai: ScriptedProvider) {
  return (m: ModelRef) => (m.provider === 'anthropic' ? anthropic : openai);
}

describe('runRouted', () => {
  let clock: FakeClock;
  let health: ModelHealth;
  beforeEach(() => {
    clock = new FakeClock();
    health = new ModelHealth(clock);
  });

  it('streams the chosen model and ends with its final record', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'Hel' }, { text: 'lo' }, { end: 'done' }] });
    const o = new ScriptedProvider('openai', {});
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, { health, clock }));
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'Hello');
    assert.deepEqual(r.hops, []);
    assert.equal(r.result?.model.id, 'claude-sonnet-5-5');
    assert.equal(r.result?.aborted, false);
    assert.equal(r.result?.final?.stopReason, 'stop');
    assert.deepEqual(
      a.calls.map((c) => c.model),
      ['claude-sonnet-5-5'],
    );
    assert.equal(o.calls.length, 0);
    assert.equal(health.latencyP50('claude-sonnet-5-5', 'chat'), undefined, 'one sample is not enough');
  });

  it('on a retriable failure before any text, tries the next model and records the hop', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ fail: 'overloaded' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'answer' }, { end: 'done' }] });
    const seen: Hop[] = [];
    const r = await collect(
      runRouted(decisionOf(sonnet, sol, luna), providers(a, o), chat, new AbortController().signal, {
        health,
        clock,
        onHop: (h) => seen.push(h),
      }),
    );
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'answer');
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
    assert.deepEqual(r.hops, [
      {
        from: 'claude-sonnet-5-5',
        to: 'gpt-6.1-sol',
        kind: 'overloaded',
        message: 'overloaded from claude-sonnet-5-5',
        text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol',
      },
    ]);
    assert.deepEqual(seen, r.hops);
    assert.deepEqual(r.result?.hops, r.hops);
    assert.equal(health.availability('claude-sonnet-5-5').state, 'open', 'the failure cooled the model down');
    assert.equal(health.availability('gpt-6.1-sol').state, 'closed');
  });

  it('walks the whole chain in order, each hop recorded, and keeps retry-after', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ fail: 'rateLimit', retryAfterMs: 20_000 }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ fail: 'server' }], 'gpt-6-luna': [{ text: 'ok' }, { end: 'done' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol, luna), providers(a, o), chat, new AbortController().signal, { health }));
    assert.deepEqual(
      r.hops.map((h) => h.text),
      ['claude-sonnet-5-5 rate-limited → gpt-6.1-sol', 'gpt-6.1-sol server error → gpt-6-luna'],
    );
    assert.equal(r.hops[0].retryAfterMs, 20_000);
    assert.equal(health.availability('claude-sonnet-5-5').retryInMs, 20_000);
    assert.equal(r.result?.model.id, 'gpt-6-luna');
  });

  it('an empty text delta is not output: a failure after it is still retried', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: '' }, { fail: 'network' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'x' }, { end: 'done' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal));
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
    assert.equal(r.hops[0].kind, 'network');
  });

  it('after output started, a failure is surfaced, not retried', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'The answer is' }, { fail: 'network' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'never' }, { end: 'done' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, { health }));
    assert.equal(r.text, 'The answer is');
    assert.ok(r.error instanceof RoutedRunError);
    assert.equal(r.error.outputStarted, true);
    assert.equal(r.error.kind, 'network');
    assert.equal(r.error.model?.id, 'claude-sonnet-5-5');
    assert.equal(r.error.message, 'claude-sonnet-5-5 unreachable after the answer had started: network from claude-sonnet-5-5');
    assert.equal(o.calls.length, 0, 'no fallback after output');
    assert.equal(health.availability('claude-sonnet-5-5').state, 'open');
  });

  it('a non-retriable provider error is surfaced at once', async () => {
    class Fatal extends ProviderError {
      override get retriable(): boolean {
        return false;
      }
    }
    const fatalProvider: ModelProvider = {
      kind: 'anthropic',
      streamChat: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () =>
            Promise.reject(new Fatal({ kind: 'badResponse', provider: 'anthropic', model: 'claude-sonnet-5-5', message: 'refused' })),
        }),
      }),
      streamFim: () => {
        throw new Error('unused');
      },
    };
    const o = new ScriptedProvider('openai', {});
    const r = await collect(
      runRouted(decisionOf(sonnet, sol), (m) => (m.provider === 'anthropic' ? fatalProvider : o), chat, new AbortController().signal),
    );
    assert.ok(r.error instanceof RoutedRunError);
    assert.equal(r.error.outputStarted, false);
    assert.equal(o.calls.length, 0);
  });

  it('when every model fails, throws one error listing each hop', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ fail: 'overloaded' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ fail: 'timeout' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal));
    assert.ok(r.error instanceof RoutedRunError);
    assert.equal(
      r.error.message,
      'every model failed: claude-sonnet-5-5 overloaded → gpt-6.1-sol; gpt-6.1-sol timed out → no fallback left',
    );
    assert.equal(r.error.hops.length, 2);
    assert.equal(r.error.kind, 'timeout');
    assert.equal(r.hops.length, 2, 'hops were streamed as they happened');
  });

  it('throws the decision explanation when there is no candidate', async () => {
    const r = await collect(runRouted(decisionOf(null), () => undefined, chat, new AbortController().signal));
    assert.ok(r.error instanceof RoutedRunError);
    assert.equal(r.error.kind, 'noCandidate');
    assert.equal(r.error.message, 'no model can take this chat: …');
  });

  it('abort before start: silent, nothing called', async () => {
    const a = new ScriptedProvider('anthropic', {});
    const ac = new AbortController();
    ac.abort();
    const r = await collect(runRouted(decisionOf(sonnet), providers(a, a), chat, ac.signal));
    assert.equal(r.error, undefined);
    assert.equal(r.result?.aborted, true);
    assert.equal(r.result?.final, null);
    assert.equal(a.calls.length, 0);
  });

  it('abort mid-stream: silent, no hop, no failure recorded, the partial text stands', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'partial' }, { waitForAbort: true }] });
    const o = new ScriptedProvider('openai', {});
    const ac = new AbortController();
    const stream = runRouted(decisionOf(sonnet, sol), providers(a, o), chat, ac.signal, { health });
    let text = '';
    let result: RunResult | undefined;
    for await (const c of stream) {
      if (c.type === 'text') {
        text += c.text;
        ac.abort();
      } else if (c.type === 'done') result = c.result;
      else assert.fail('no hop on abort');
    }
    assert.equal(text, 'partial');
    assert.equal(result?.aborted, true);
    assert.equal(result?.final?.stopReason, 'aborted');
    assert.equal(o.calls.length, 0);
    assert.equal(health.availability('claude-sonnet-5-5').state, 'closed');
  });

  describe('what a stopped or failed request spent', () => {
    it('a stop mid-stream carries the usage the provider reported and the streamed output, counted from the text', async () => {
      const a = new ScriptedProvider('anthropic', {
        'claude-sonnet-5-5': [{ text: 'The answer, streamed slowly' }, { waitForAbort: true }],
      });
      const ac = new AbortController();
      let result: RunResult | undefined;
      for await (const c of runRouted(decisionOf(sonnet), providers(a, a), chat, ac.signal, { health })) {
        if (c.type === 'text') ac.abort();
        else if (c.type === 'done') result = c.result;
      }
      assert.equal(result?.aborted, true);
      assert.deepEqual(result?.partial, {
        reported: { ...ZERO_USAGE, inputTokens: 10, outputTokens: 5 },
        outputTokens: estimateTokens('The answer, streamed slowly'),
      });
    });

    it('a buffered stop counts the held text too', async () => {
      const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'const x = 1;' }, { waitForAbort: true }] });
      const ac = new AbortController();
      let result: RunResult | undefined;
      for await (const c of runRouted(decisionOf(sonnet), providers(a, a), chat, ac.signal, { health, output: 'buffered' })) {
        if (c.type === 'held') ac.abort();
        else if (c.type === 'done') result = c.result;
      }
      assert.equal(result?.partial?.outputTokens, estimateTokens('const x = 1;'));
    });

    it('a stop before the request was sent spent nothing', async () => {
      const a = new ScriptedProvider('anthropic', {});
      const ac = new AbortController();
      ac.abort();
      const r = await collect(runRouted(decisionOf(sonnet), providers(a, a), chat, ac.signal));
      assert.equal(r.result?.aborted, true);
      assert.equal(r.result?.partial, undefined);
    });

    it('a failure after text started carries the output counted so far (no usage came)', async () => {
      const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'The answer is' }, { fail: 'network' }] });
      const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, a), chat, new AbortController().signal, { health }));
      assert.ok(r.error instanceof RoutedRunError);
      assert.deepEqual(r.error.partial, { reported: null, outputTokens: estimateTokens('The answer is') });
    });

    it('a failure before any text carries nothing', async () => {
      const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ fail: 'auth' }] });
      const r = await collect(runRouted(decisionOf(sonnet), providers(a, a), chat, new AbortController().signal, { health }));
      assert.ok(r.error instanceof RoutedRunError);
      assert.equal(r.error.partial, undefined);
    });
  });

  it('a provider that throws on abort (against its contract) still ends silently', async () => {
    const abortError = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    const ac = new AbortController();
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'x' }, { throwRaw: abortError }] });
    const stream = runRouted(decisionOf(sonnet, sol), providers(a, a), chat, ac.signal);
    const chunks: RoutedChunk[] = [];
    for await (const c of stream) {
      chunks.push(c);
      if (c.type === 'text') ac.abort();
    }
    const last = chunks.at(-1);
    assert.equal(last?.type, 'done');
    assert.equal(last?.type === 'done' ? last.result.aborted : undefined, true);
    assert.equal(chunks.filter((c) => c.type === 'hop').length, 0);
  });

  it('skips a model whose circuit opened since the decision, as a cooling-down hop', async () => {
    health.recordFailure('claude-sonnet-5-5', { kind: 'overloaded' });
    const a = new ScriptedProvider('anthropic', {});
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'y' }, { end: 'done' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, { health }));
    assert.equal(a.calls.length, 0);
    assert.deepEqual(
      r.hops.map((h) => [h.kind, h.text]),
      [['coolingDown', 'claude-sonnet-5-5 cooling down → gpt-6.1-sol']],
    );
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
  });

  it('hops past a model with no provider (e.g. no API key set)', async () => {
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'y' }, { end: 'done' }] });
    const r = await collect(
      runRouted(decisionOf(sonnet, sol), (m) => (m.provider === 'openai' ? o : undefined), chat, new AbortController().signal),
    );
    assert.equal(r.hops[0].kind, 'unavailable');
    assert.equal(r.hops[0].message, 'no anthropic provider is available for claude-sonnet-5-5');
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
  });

  it('treats a providerFor that throws a ProviderError (auth) like a failed attempt', async () => {
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'y' }, { end: 'done' }] });
    const r = await collect(
      runRouted(
        decisionOf(sonnet, sol),
        (m) => {
          if (m.provider === 'anthropic')
            throw new ProviderError({
              kind: 'auth',
              provider: 'anthropic',
              model: m.model,
              message: 'no Anthropic API key — run "Switchboard: Set API Key"',
            });
          return o;
        },
        chat,
        new AbortController().signal,
        { health },
      ),
    );
    assert.equal(r.hops[0].text, 'claude-sonnet-5-5 rejected the API key → gpt-6.1-sol');
    assert.equal(health.availability('claude-sonnet-5-5').retryInMs, 600_000);
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
  });

  it('a stream that ends without its final record is a malformed response, retried elsewhere', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ end: 'none' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'y' }, { end: 'done' }] });
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal));
    assert.equal(r.hops[0].kind, 'badResponse');
    assert.equal(r.result?.model.id, 'gpt-6.1-sol');
  });

  it('an unexpected exception (a bug) is surfaced, not retried', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ throwRaw: new TypeError('x is not a function') }] });
    const o = new ScriptedProvider('openai', {});
    const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal));
    assert.ok(r.error instanceof RoutedRunError);
    assert.equal(r.error.kind, 'internal');
    assert.match(r.error.message, /claude-sonnet-5-5 failed unexpectedly: x is not a function/);
    assert.equal(o.calls.length, 0);
  });

  it('closes the provider stream and releases a probe when the caller stops reading', async () => {
    health.recordFailure('claude-sonnet-5-5', { kind: 'server' });
    clock.advance(2000);
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'a' }, { text: 'b' }, { end: 'done' }] });
    for await (const c of runRouted(decisionOf(sonnet), providers(a, a), chat, new AbortController().signal, { health })) {
      if (c.type === 'text') break;
    }
    assert.equal(a.closed, 1);
    assert.equal(health.beginAttempt('claude-sonnet-5-5'), true, 'probe slot released');
  });

  it('builds the request per model (FIM templates differ by family) and fills in the provider model id', async () => {
    const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ fail: 'overloaded' }] });
    const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'z' }, { end: 'done' }] });
    const build = (m: ModelRef): RoutedCall => ({ kind: 'fim', prefix: 'a', suffix: 'b', rawPrompt: `<${m.id}>`, maxTokens: 64 });
    await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), build, new AbortController().signal));
    assert.deepEqual(a.calls[0].request, {
      model: 'claude-sonnet-5-5',
      prefix: 'a',
      suffix: 'b',
      rawPrompt: '<claude-sonnet-5-5>',
      stop: undefined,
      maxTokens: 64,
      temperature: undefined,
    });
    assert.equal((o.calls[0].request as FimRequest).rawPrompt, '<gpt-6.1-sol>');
  });

  it('measures time to first text across hops with the injected clock', async () => {
    const slow: ModelProvider = {
      kind: 'anthropic',
      streamChat: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async (): Promise<IteratorResult<Chunk>> => {
            clock.advance(700);
            throw new ProviderError({ kind: 'timeout', provider: 'anthropic', model: 'claude-sonnet-5-5', message: 'idle' });
          },
        }),
      }),
      streamFim: () => {
        throw new Error('unused');
      },
    };
    const fast = answersAfter150ms(clock, 'hi');
    const r = await collect(
      runRouted(decisionOf(sonnet, sol), (m) => (m.provider === 'anthropic' ? slow : fast), chat, new AbortController().signal, { clock }),
    );
    assert.equal(r.result?.ttftMs, 850);
    assert.equal(r.result?.totalMs, 900);
  });

  it('feeds successful latency into health so routing can judge it', async () => {
    const o = new ScriptedProvider('openai', { 'gpt-6-luna': [{ text: 'a' }, { end: 'done' }] });
    for (let i = 0; i < 3; i++) await collect(runRouted(decisionOf(luna), () => o, chat, new AbortController().signal, { health }));
    assert.equal(health.latencyP50('gpt-6-luna', 'chat'), 40);
  });

  describe('buffered output (an edit: nothing shown until the answer is complete)', () => {
    // What each provider throws for these faults once text has streamed (see providerErrors.ts).
    const midStream: Record<'reset' | 'malformed' | 'stall', Extract<Step, { fail: ProviderErrorKind }>> = {
      reset: {
        fail: 'network',
        afterOutput: true,
        message: 'The connection to Anthropic was lost mid-answer (ECONNRESET); the answer is incomplete.',
      },
      malformed: {
        fail: 'badResponse',
        afterOutput: true,
        message: 'Anthropic sent a broken stream for claude-sonnet-5-5: an event was not JSON.',
      },
      stall: {
        fail: 'timeout',
        afterOutput: true,
        message: 'Anthropic stalled mid-answer: nothing for 30 s from claude-sonnet-5-5 (idle timeout); the answer is incomplete.',
      },
    };
    const phrases = { reset: 'connection lost', malformed: 'sent a malformed response', stall: 'timed out' };

    for (const fault of ['reset', 'malformed', 'stall'] as const) {
      it(`a ${fault} after the first token moves to the next model; only its answer is delivered`, async () => {
        const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'function half' }, midStream[fault]] });
        const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'function ' }, { text: 'whole() {}' }, { end: 'done' }] });
        const seen: Hop[] = [];
        const r = await collect(
          runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, {
            health,
            clock,
            output: 'buffered',
            onHop: (h) => seen.push(h),
          }),
        );
        assert.equal(r.error, undefined);
        assert.equal(r.text, 'function whole() {}', 'the failed model’s partial answer is dropped');
        assert.equal(r.result?.model.id, 'gpt-6.1-sol');
        assert.deepEqual(
          r.hops.map((h) => h.text),
          [`claude-sonnet-5-5 ${phrases[fault]} → gpt-6.1-sol`],
        );
        assert.equal(r.hops[0].message, midStream[fault].message);
        assert.deepEqual(seen, r.hops);
        assert.deepEqual(r.order, ['held', 'hop', 'held', 'held', 'text', 'done'], 'text is held until the stream completed');
        assert.equal(health.availability('claude-sonnet-5-5').state, 'open', 'the failure still cools the model down');
      });

      it(`chat (live output) is unchanged: a ${fault} after the first token is surfaced, not retried`, async () => {
        const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'function half' }, midStream[fault]] });
        const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'never' }, { end: 'done' }] });
        const r = await collect(runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, { health }));
        assert.equal(r.text, 'function half');
        assert.equal(r.held, '');
        assert.ok(r.error instanceof RoutedRunError);
        assert.equal(r.error.outputStarted, true);
        assert.equal(r.error.kind, midStream[fault].fail);
        assert.deepEqual(r.hops, []);
        assert.equal(o.calls.length, 0, 'no fallback after text was shown');
      });
    }

    it('when the last model fails mid-stream, the run fails as every model failed, with nothing delivered', async () => {
      const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'x' }, midStream.reset] });
      const o = new ScriptedProvider('openai', { 'gpt-6.1-sol': [{ text: 'y' }, { ...midStream.stall, message: 'stalled' }] });
      const r = await collect(
        runRouted(decisionOf(sonnet, sol), providers(a, o), chat, new AbortController().signal, { health, output: 'buffered' }),
      );
      assert.equal(r.text, '');
      assert.ok(r.error instanceof RoutedRunError);
      assert.equal(r.error.outputStarted, false);
      assert.equal(r.error.kind, 'timeout');
      assert.deepEqual(
        r.hops.map((h) => h.text),
        ['claude-sonnet-5-5 connection lost → gpt-6.1-sol', 'gpt-6.1-sol timed out → no fallback left'],
      );
    });

    it('time to first text is the answering model’s, measured from the call', async () => {
      const broken: ModelProvider = {
        kind: 'anthropic',
        async *streamChat() {
          clock.advance(300);
          yield { type: 'text', text: 'par' };
          clock.advance(400);
          throw new ProviderError({
            kind: 'network',
            provider: 'anthropic',
            model: 'claude-sonnet-5-5',
            message: 'reset',
            afterOutput: true,
          });
        },
        streamFim: () => {
          throw new Error('unused');
        },
      };
      const fast = answersAfter150ms(clock, 'whole');
      const r = await collect(
        runRouted(decisionOf(sonnet, sol), (m) => (m.provider === 'anthropic' ? broken : fast), chat, new AbortController().signal, {
          clock,
          output: 'buffered',
        }),
      );
      assert.equal(r.text, 'whole');
      assert.equal(r.result?.ttftMs, 850);
      assert.equal(r.result?.totalMs, 900);
    });

    it('abort mid-stream: silent, and the text held so far is handed over with the aborted result', async () => {
      const controller = new AbortController();
      const a = new ScriptedProvider('anthropic', { 'claude-sonnet-5-5': [{ text: 'partial' }, { waitForAbort: true }] });
      const stream = runRouted(decisionOf(sonnet, sol), providers(a, a), chat, controller.signal, { health, output: 'buffered' });
      const r = await collect({
        async *[Symbol.asyncIterator]() {
          for await (const c of stream) {
            if (c.type === 'held') controller.abort();
            yield c;
          }
        },
      });
      assert.equal(r.error, undefined);
      assert.equal(r.result?.aborted, true);
      assert.equal(r.text, 'partial');
      assert.deepEqual(r.hops, []);
    });
  });
});

/** gpt-6.1-sol answering `text` 150 ms after the call and ending 50 ms later, on the test's clock. */
function answersAfter150ms(clock: { advance(ms: number): void }, text: string): ModelProvider {
  return {
    kind: 'openai',
    async *streamChat() {
      clock.advance(150);
      yield { type: 'text', text };
      clock.advance(50);
      yield { type: 'done', final: final('gpt-6.1-sol') };
    },
    streamFim: () => {
      throw new Error('unused');
    },
  };
}
