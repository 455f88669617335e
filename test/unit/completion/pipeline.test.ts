import assert from 'node:assert/strict';
import { planFim } from '../../../src/core/completion/family';
import type { FimPlan } from '../../../src/core/completion/family';
import { FIM_FAMILIES, FIM_TEMPLATES, tokensToStrip } from '../../../src/core/completion/fimTemplates';
import { DEFAULT_COMPLETION_SETTINGS } from '../../../src/core/completion/completionSettings';
import type { CompletionSettings } from '../../../src/core/completion/completionSettings';
import { CompletionPipeline } from '../../../src/core/completion/pipeline';
import type { CompletionInput, CompletionResult, FetchCompletion, RequestRecord } from '../../../src/core/completion/pipeline';
import { ProviderError } from '../../../src/core/providers/provider';
import { atCursor, FakeTime, ScriptedModel, seededRandom, settle } from './fakeTime';

const BASE_PLAN = planFim({ model: 'qwen2.5-coder:1.5b-base', template: '{{ .Prompt }}' });
const FIRST_DELAY = DEFAULT_COMPLETION_SETTINGS.debounce.afterPauseMs;

function setup(options: { plan?: FimPlan; settings?: Partial<CompletionSettings>; fetch?: FetchCompletion } = {}) {
  const time = new FakeTime();
  const model = new ScriptedModel();
  const ended: RequestRecord[] = [];
  const pipeline = new CompletionPipeline({
    fetchCompletion: options.fetch ?? model.fetch,
    onRequestEnd: (record) => ended.push(record),
    plan: options.plan ?? BASE_PLAN,
    clock: time,
    timers: time,
    settings: options.settings,
  });
  return { time, model, pipeline, ended };
}

function at(doc: string, documentKey = 'file:///src/a.ts'): CompletionInput {
  const { text, offset } = atCursor(doc);
  return { documentKey, text, offset, filePath: 'src/a.ts', languageId: 'typescript' };
}

/** Starts a call the way VS Code does: the previous call's token is cancelled first. */
class Keyboard {
  private controller = new AbortController();
  constructor(private readonly pipeline: CompletionPipeline) {}
  type(input: CompletionInput): Promise<CompletionResult | undefined> {
    this.controller.abort();
    this.controller = new AbortController();
    return this.pipeline.complete(input, this.controller.signal);
  }
  cancel(): void {
    this.controller.abort();
  }
}

/** Resolves the promise's state without waiting: 'pending' or the value. */
async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  const marker = Symbol('pending');
  await settle();
  const value = await Promise.race([promise, Promise.resolve(marker)]);
  return value === marker ? 'pending' : (value as T);
}

describe('pipeline: a request', () => {
  it("waits for the debounce, sends the family's raw prompt, stops the stream once the line is settled", async () => {
    const { time, model, pipeline } = setup();
    const call = pipeline.complete(at('const total = ‸;\n'), new AbortController().signal);
    await time.advance(FIRST_DELAY - 1);
    assert.equal(model.streams.length, 0, 'nothing is sent before the debounce');
    await time.advance(1);
    assert.equal(model.streams.length, 1);
    const sent = model.last.request;
    assert.equal(sent.model, 'qwen2.5-coder:1.5b-base');
    assert.equal(sent.rawPrompt, '<|fim_prefix|>const total = <|fim_suffix|>;\n<|fim_middle|>');
    assert.deepEqual(sent.stop, [...FIM_TEMPLATES.qwen.stop]);
    assert.equal(sent.maxTokens, DEFAULT_COMPLETION_SETTINGS.maxTokensSingleLine);

    model.last.push('sum(a, b);');
    assert.equal(await peek(call), 'pending', 'one line is not settled before it ends');
    model.last.push('\nconst next');
    const result = await call;
    assert.ok(result);
    assert.equal(result.text, 'sum(a, b)');
    assert.equal(result.source, 'request');
    assert.equal(result.requestId, 1);
    assert.equal(result.timings.debounceMs, FIRST_DELAY);
    assert.ok(model.last.signal.aborted, 'the stream was stopped once the answer was settled');
    const counters = pipeline.counters();
    assert.equal(counters.requestsStoppedEarly, 1);
    assert.equal(counters.requestsCancelled, 0);
    assert.equal(counters.answered.request, 1);
  });

  it("native mode sends prefix and suffix for Ollama's template, no raw prompt", async () => {
    const plan = planFim({
      model: 'qwen2.5-coder:1.5b-base',
      template: '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{ end }}',
    });
    const { time, model, pipeline } = setup({ plan });
    void pipeline.complete(at('a = ‸\nb = 2\n'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    assert.equal(model.last.request.rawPrompt, undefined);
    assert.equal(model.last.request.prefix, 'a = ');
    assert.equal(model.last.request.suffix, '\nb = 2\n');
    pipeline.dispose();
  });

  it('prefix-only mode (unknown family) sends only the code before the cursor', async () => {
    const plan = planFim({ model: 'llama3.2:3b', template: '{{ .Prompt }}' });
    const { time, model, pipeline } = setup({ plan });
    void pipeline.complete(at('a = ‸\nb = 2\n'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    assert.equal(model.last.request.rawPrompt, 'a = ');
    assert.equal(model.last.request.suffix, '');
    assert.equal(model.last.request.stop, undefined);
    pipeline.dispose();
  });

  it('a block opener gets the multi-line token budget and a block answer', async () => {
    const { time, model, pipeline } = setup();
    const call = pipeline.complete(at('function f() {\n  ‸\n}\n'), new AbortController().signal);
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.lineStartMs);
    assert.equal(model.last.request.maxTokens, DEFAULT_COMPLETION_SETTINGS.maxTokensMultiLine);
    model.last.push('const x = 1;\n  return x;\n}\n');
    assert.equal((await call)?.text, 'const x = 1;\n  return x;');
  });

  it('accepts a fetch that returns a Promise of the whole text', async () => {
    const { time, pipeline } = setup({ fetch: async () => 'hello();\nmore();' });
    const call = pipeline.complete(at('x = ‸'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    assert.equal((await call)?.text, 'hello();');
  });

  it("rejects with the provider's error", async () => {
    const { time, model, pipeline } = setup();
    const call = pipeline.complete(at('x = ‸'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    const error = new ProviderError({
      kind: 'network',
      provider: 'ollama',
      model: 'm',
      message: 'Ollama is not running at http://127.0.0.1:11434 — start it with `ollama serve`',
    });
    model.last.fail(error);
    await assert.rejects(call, (e) => e === error);
    assert.equal(pipeline.counters().requestsFailed, 1);
  });

  it('rejects with an error thrown synchronously by the fetch', async () => {
    const boom = new Error('bad configuration');
    const { time, pipeline } = setup({
      fetch: () => {
        throw boom;
      },
    });
    const rejected = assert.rejects(pipeline.complete(at('x = ‸'), new AbortController().signal), (e) => e === boom);
    await time.advance(FIRST_DELAY);
    await rejected;
  });
});

describe('pipeline: one record per request, for the ledger', () => {
  it('reports how each request ended, whoever used its answer', async () => {
    const { time, model, pipeline, ended } = setup();
    const keyboard = new Keyboard(pipeline);
    void keyboard.type(at('a = ‸'));
    await time.advance(FIRST_DELAY);
    model.last.push('zz');
    void keyboard.type(at('a = q‸'));
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.maxMs);
    model.last.push('r;\n');
    await time.advance(10);
    const third = keyboard.type(at('b = ‸', 'file:///b.ts'));
    await time.advance(FIRST_DELAY);
    model.last.push('done();');
    model.last.finish();
    await third;
    const error = new ProviderError({ kind: 'server', provider: 'ollama', model: 'm', message: 'boom' });
    const failing = keyboard.type(at('c = ‸', 'file:///c.ts'));
    const rejected = assert.rejects(failing, (e) => e === error);
    await time.advance(FIRST_DELAY);
    model.last.fail(error);
    await rejected;
    await settle();
    assert.deepEqual(
      ended.map((r) => [r.requestId, r.outcome]),
      [
        [1, 'cancelled'],
        [2, 'stoppedEarly'],
        [3, 'completed'],
        [4, 'failed'],
      ],
    );
    assert.equal(ended[2].final?.usage.outputTokens, 5, "the provider's final record is passed on");
    assert.ok(ended[1].promptTokens > 0);
    assert.equal(ended[1].outputChars, 3);
    assert.equal(ended[0].ttftMs, 0);
    assert.equal(ended[3].error, error);
  });
});

describe('pipeline: cancellation', () => {
  it('a call cancelled during the debounce sends nothing', async () => {
    const { time, model, pipeline } = setup();
    const controller = new AbortController();
    const call = pipeline.complete(at('x = ‸'), controller.signal);
    await time.advance(FIRST_DELAY - 5);
    controller.abort();
    assert.equal(await call, undefined);
    await time.advance(1000);
    assert.equal(model.streams.length, 0);
    assert.equal(time.timerCount, 0, 'no timer is left behind');
  });

  it("the caller's abort reaches the provider's signal (after the short grace for adoption)", async () => {
    const { time, model, pipeline } = setup();
    const controller = new AbortController();
    const call = pipeline.complete(at('x = ‸'), controller.signal);
    await time.advance(FIRST_DELAY);
    const stream = model.last;
    controller.abort();
    assert.equal(await call, undefined);
    assert.equal(stream.signal.aborted, false, 'kept briefly so the next keystroke can adopt it');
    await time.advance(DEFAULT_COMPLETION_SETTINGS.orphanGraceMs);
    assert.equal(stream.signal.aborted, true);
    assert.equal(pipeline.counters().requestsCancelled, 1);
  });

  it('with no grace the abort is passed on at once', async () => {
    const { time, model, pipeline } = setup({ settings: { orphanGraceMs: 0 } });
    const controller = new AbortController();
    const call = pipeline.complete(at('x = ‸'), controller.signal);
    await time.advance(FIRST_DELAY);
    controller.abort();
    await call;
    await time.advance(0);
    assert.equal(model.last.signal.aborted, true);
  });

  it('a newer request in the same document aborts the older one; other documents keep theirs', async () => {
    const { time, model, pipeline } = setup();
    void pipeline.complete(at('other = ‸', 'file:///b.ts'), new AbortController().signal);
    void pipeline.complete(at('x = ‸'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    const [other, first] = model.streams;
    model.streams[1].push('zzz');
    await settle();
    void pipeline.complete(at('x = q‸'), new AbortController().signal);
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.maxMs);
    assert.equal(model.streams.length, 3);
    assert.equal(first.signal.aborted, true, 'the older request of this document was aborted');
    assert.equal(other.signal.aborted, false, "another document's request is untouched");
    assert.equal(pipeline.counters().requestsCancelled, 1);
    pipeline.dispose();
    assert.equal(other.signal.aborted, true, 'dispose aborts everything');
  });

  it('closing a document aborts its request', async () => {
    const { time, model, pipeline } = setup();
    void pipeline.complete(at('x = ‸'), new AbortController().signal);
    await time.advance(FIRST_DELAY);
    pipeline.closeDocument('file:///src/a.ts');
    assert.equal(model.last.signal.aborted, true);
  });
});

describe('pipeline: typing along a shown suggestion', () => {
  async function shown(doc: string, answer: string) {
    const ctx = setup();
    const keyboard = new Keyboard(ctx.pipeline);
    const call = keyboard.type(at(doc));
    await ctx.time.advance(FIRST_DELAY);
    ctx.model.last.push(answer);
    ctx.model.last.finish();
    const result = await call;
    return { ...ctx, keyboard, result };
  }

  it('answers from the suggestion on screen, at once, without a request', async () => {
    const { model, keyboard, result, pipeline } = await shown('const a = ‸', 'compute(1, 2);');
    assert.equal(result?.text, 'compute(1, 2);');
    const along = await keyboard.type(at('const a = com‸'));
    assert.equal(along?.text, 'pute(1, 2);');
    assert.equal(along?.source, 'typingAlong');
    assert.equal(along?.timings.totalMs, 0);
    assert.equal(along?.requestId, result?.requestId);
    assert.equal(model.streams.length, 1);
    assert.equal(pipeline.counters().answered.typingAlong, 1);
  });

  it('the same position asked again gets the same suggestion', async () => {
    const { keyboard } = await shown('const a = ‸', 'compute();');
    assert.equal((await keyboard.type(at('const a = ‸')))?.text, 'compute();');
  });

  it('a typed character that differs from the suggestion is not typing along', async () => {
    const { time, model, keyboard } = await shown('const a = ‸', 'compute();');
    const call = keyboard.type(at('const a = x‸'));
    assert.equal(await peek(call), 'pending');
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.maxMs);
    assert.equal(model.streams.length, 2);
  });

  it('an auto-closed bracket on the right is taken into account', async () => {
    const { keyboard } = await shown('const a = ‸', 'compute(1);');
    // The user typed "compute(" and the editor added ")".
    const along = await keyboard.type(at('const a = compute(‸)'));
    assert.equal(along?.text, '1');
    assert.equal(along?.source, 'typingAlong');
  });

  it('after acceptance there is nothing left to type along', async () => {
    const { time, model, keyboard, pipeline, result } = await shown('const a = ‸', 'compute();');
    assert.ok(result);
    pipeline.accepted(result);
    assert.equal(pipeline.counters().accepted, 1);
    const next = keyboard.type(at('const a = ‸'));
    assert.equal((await next)?.source, 'cache', 'the position itself is still cached');
    // At the end of the accepted text the model's answer is used up: it said nothing follows.
    const after = await keyboard.type(at('const a = compute();‸'));
    assert.deepEqual([after?.source, after?.text], ['reuse', '']);
    await time.advance(1000);
    assert.equal(model.streams.length, 1);
  });

  it('without acceptance the same position is still typed along', async () => {
    const { keyboard } = await shown('const a = ‸', 'compute();');
    assert.equal((await keyboard.type(at('const a = ‸')))?.source, 'typingAlong');
  });
});

describe('pipeline: cache', () => {
  it('serves a position seen before at once, before any debounce', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    const first = keyboard.type(at('let v = ‸'));
    await time.advance(FIRST_DELAY);
    model.last.push('load();\n');
    assert.equal((await first)?.text, 'load();');

    // A different character: a new suggestion replaces the shown one.
    const second = keyboard.type(at('let v = x‸'));
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.maxMs);
    model.last.push('yz;\n');
    assert.equal((await second)?.text, 'yz;');

    // Backspace: back where the first suggestion was made.
    const back = await keyboard.type(at('let v = ‸'));
    assert.equal(back?.source, 'cache');
    assert.equal(back?.text, 'load();');
    assert.equal(back?.requestId, 1);
    assert.equal(model.streams.length, 2);
  });

  it('is bounded', async () => {
    const { time, model, pipeline } = setup({ settings: { cacheEntries: 1 } });
    const keyboard = new Keyboard(pipeline);
    for (const doc of ['a = ‸', 'b = ‸']) {
      const call = keyboard.type(at(doc, `file:///${doc[0]}.ts`));
      await time.advance(1000);
      model.last.push('1;\n');
      await call;
    }
    const again = keyboard.type(at('a = ‸', 'file:///other.ts'));
    assert.equal(await peek(again), 'pending', 'the older entry was evicted');
    keyboard.cancel();
  });
});

describe('pipeline: adaptive debounce', () => {
  it('waits longer while the user types fast', async () => {
    // One multiple of the gap whatever the keys cost (that part has its own test below).
    const factor = DEFAULT_COMPLETION_SETTINGS.debounce.typingFactor;
    const { time, model, pipeline } = setup({
      settings: { debounce: { ...DEFAULT_COMPLETION_SETTINGS.debounce, cheapTypingFactor: factor, maxTypingFactor: factor } },
    });
    const keyboard = new Keyboard(pipeline);
    // Backspacing: no keystroke extends an earlier one, so nothing can be reused.
    const text = 'const value = abcdef';
    for (let i = 0; i < 5; i++) {
      void keyboard.type(at(`${text.slice(0, text.length - i)}‸`));
      if (i === 0) {
        await time.advance(FIRST_DELAY);
        model.last.push('zz');
        await time.advance(100 - FIRST_DELAY);
      } else await time.advance(100);
    }
    assert.equal(model.streams.length, 1, 'only the first keystroke (after a pause) asked the model');
    // The last keystroke came 100 ms after the previous: its debounce is typingFactor × 100 ms.
    const expected = Math.round(DEFAULT_COMPLETION_SETTINGS.debounce.typingFactor * 100);
    assert.ok(expected > 100 && expected > FIRST_DELAY);
    await time.advance(expected - 100 - 1);
    assert.equal(model.streams.length, 1);
    await time.advance(1);
    assert.equal(model.streams.length, 2);
    keyboard.cancel();
  });
});

describe('pipeline: the debounce follows what keys cost', () => {
  it('after a long stretch typed along (no requests) the wait is the cheap multiple of the gap', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    const line = 'const total = items.reduce((sum, item) => sum + item.price * item.count, 0)';
    const first = keyboard.type(at('const total = ‸'));
    await time.advance(FIRST_DELAY);
    model.last.push(`${line.slice('const total = '.length)};\n`);
    assert.equal((await first)?.source, 'request');
    // 55 keys, 100 ms apart, each typing the next character of the suggestion on screen.
    for (let n = 'const total = '.length + 1; n <= 'const total = '.length + 55; n++) {
      await time.advance(100);
      assert.equal((await keyboard.type(at(`${line.slice(0, n)}‸`)))?.source, 'typingAlong');
    }
    assert.equal(model.streams.length, 1);
    // A key that leaves the suggestion: a request after cheapTypingFactor × 100 ms, not typingFactor × 100.
    await time.advance(100);
    const typed = line.slice(0, 'const total = '.length + 55);
    void keyboard.type(at(`${typed}Q‸`));
    const cheap = Math.round(DEFAULT_COMPLETION_SETTINGS.debounce.cheapTypingFactor * 100);
    assert.ok(cheap < Math.round(DEFAULT_COMPLETION_SETTINGS.debounce.typingFactor * 100));
    await time.advance(cheap - 1);
    assert.equal(model.streams.length, 1);
    await time.advance(1);
    assert.equal(model.streams.length, 2);
    keyboard.cancel();
  });
});

describe('pipeline: reusing the request in flight', () => {
  it('a keystroke that matches what is streaming adopts that request instead of sending another', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    const first = keyboard.type(at('const r = ‸'));
    await time.advance(FIRST_DELAY);
    model.last.push('fet');
    await settle();
    const second = keyboard.type(at('const r = f‸'));
    assert.equal(await first, undefined, 'VS Code cancelled the first call');
    model.last.push('ch(url);\nnext');
    const result = await second;
    assert.equal(result?.text, 'etch(url);');
    assert.equal(result?.source, 'reuse');
    assert.equal(result?.requestId, 1);
    assert.equal(model.streams.length, 1);
    await time.advance(1000);
    assert.equal(pipeline.counters().requestsCancelled, 0, 'the adopted request was not aborted as an orphan');
  });

  it('adopts a request whose answer has not started yet, and waits for it', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    void keyboard.type(at('const r = ‸'));
    await time.advance(FIRST_DELAY);
    const second = keyboard.type(at('const r = f‸'));
    await time.advance(50);
    model.last.push('fetch();\n');
    assert.equal((await second)?.text, 'etch();');
    assert.equal(model.streams.length, 1);
  });

  it('a keystroke that contradicts the stream gets a new request, and the old one is aborted', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    void keyboard.type(at('const r = ‸'));
    await time.advance(FIRST_DELAY);
    const old = model.last;
    old.push('fetch');
    const second = keyboard.type(at('const r = x‸'));
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.maxMs);
    assert.equal(model.streams.length, 2);
    assert.equal(old.signal.aborted, true);
    model.last.push('y;\n');
    assert.equal((await second)?.source, 'request');
  });

  it('typing the lines of a shown block is typing along, across the line break', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    const first = keyboard.type(at('function f() {\n  ‸'));
    await time.advance(DEFAULT_COMPLETION_SETTINGS.debounce.lineStartMs);
    model.last.push('a();\n  b();\n');
    model.last.finish();
    assert.equal((await first)?.text, 'a();\n  b();');
    // The user typed the first line and Enter (the editor indented): the rest is still known.
    const next = await keyboard.type(at('function f() {\n  a();\n  ‸'));
    assert.equal(next?.source, 'typingAlong');
    assert.equal(next?.text, 'b();');
    assert.equal(model.streams.length, 1);
  });

  it('an answer cut short by the early stop still serves the text that had arrived', async () => {
    const { time, model, pipeline } = setup();
    const keyboard = new Keyboard(pipeline);
    const first = keyboard.type(at('x = 1;\ny = ‸'));
    await time.advance(FIRST_DELAY);
    model.last.push('2;\nz = 3;');
    assert.equal((await first)?.text, '2;');
    assert.equal(model.last.signal.aborted, true);
    const next = await keyboard.type(at('x = 1;\ny = 2;\n‸'));
    assert.deepEqual([next?.source, next?.text], ['reuse', 'z = 3;']);
  });
});

describe('pipeline: no special token reaches the editor (property, every family, streamed in random chunks)', () => {
  const bits = ['foo', '(', ')', ';', ' ', '\n', 'x', '<', '|', '_', '▁', '｜', 'bar'];
  for (const family of FIM_FAMILIES) {
    it(`${family}: 60 streamed answers`, async () => {
      const random = seededRandom(1000 + FIM_FAMILIES.indexOf(family));
      const plan = planFim({ model: `test-${family}`, template: '{{ .Prompt }}', override: family });
      const tokens = tokensToStrip(family);
      for (let n = 0; n < 60; n++) {
        const { time, model, pipeline } = setup({ plan });
        const call = pipeline.complete(at(`v${n} = ‸`), new AbortController().signal);
        await time.advance(FIRST_DELAY);
        let raw = '';
        for (let i = 0, parts = 3 + Math.floor(random() * 10); i < parts; i++) {
          raw += random() < 0.3 ? tokens[Math.floor(random() * tokens.length)] : bits[Math.floor(random() * bits.length)];
        }
        for (let i = 0; i < raw.length;) {
          const size = 1 + Math.floor(random() * 6);
          model.last.push(raw.slice(i, i + size));
          i += size;
        }
        model.last.finish();
        const result = await call;
        for (const token of tokens) assert.ok(!result?.text.includes(token), `${token} leaked from ${JSON.stringify(raw)}`);
        assert.ok(!/<\|[A-Za-z]|<｜/.test(result?.text ?? ''), `a token fragment leaked: ${JSON.stringify(result?.text)}`);
      }
    });
  }
});
