import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Chunk } from '../../../src/core/types';
import type { Ports } from '../../../src/core/ports';
import { silentLogger } from '../../../src/core/ports';
import type { ChatRequest, FimRequest, ModelProvider } from '../../../src/core/providers/provider';
import { ProviderError } from '../../../src/core/providers/provider';
import { ModelHealth } from '../../../src/core/router/health';
import { BudgetGuard } from '../../../src/core/cost/budgets';
import type { Ledger } from '../../../src/core/cost/ledger';
import { openLedger } from '../../../src/core/cost/ledger';
import type { SettingsSnapshot } from '../../../src/core/settings/schema';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import type { TaskEvent, TaskRequest } from '../../../src/core/taskRunner';
import { TaskRunner } from '../../../src/core/taskRunner';
import { DecisionLog } from '../../../src/core/decisionLog';
import { ProviderCache } from '../../../src/core/providers/providerCache';
import { createProvider } from '../../../src/core/providers/createProvider';
import { RoutedRunError } from '../../../src/core/router/execute';
import { KeyWithheldError, apiKeyFor } from '../../../src/core/keyDestinations';
import { settingsWith } from '../router/fixtures';
import type { OpenAIStandin } from '../../support/standins/openaiStandin';
import { startOpenAIStandin } from '../../support/standins/openaiStandin';
import type { AnthropicStandin } from '../../support/standins/anthropicStandin';
import { startAnthropicStandin } from '../../support/standins/anthropicStandin';
import type { OllamaStandin } from '../../support/standins/ollamaStandin';
import { startOllamaStandin } from '../../support/standins/ollamaStandin';

// 100k input + 100k output tokens of gpt-6-luna cost $0.01 + $0.05 by the bundled price table
// (under its long-prompt band of 272k tokens).
const USAGE = { inputTokens: 100_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 };

class ScriptedProvider implements ModelProvider {
  readonly kind = 'openai' as const;
  calls: string[] = [];
  constructor(private readonly failFor: Set<string>) {}
  async *streamChat(request: ChatRequest): AsyncIterable<Chunk> {
    this.calls.push(request.model);
    if (this.failFor.has(request.model))
      throw new ProviderError({ kind: 'overloaded', provider: 'openai', model: request.model, message: `${request.model} is overloaded` });
    yield { type: 'text', text: 'hello' };
    yield { type: 'done', final: { model: request.model, usage: USAGE, ttftMs: 1, totalMs: 2, stopReason: 'stop' } };
  }
  streamFim(_request: FimRequest): AsyncIterable<Chunk> {
    return this.streamChat({ model: _request.model, messages: [] });
  }
}

const request: TaskRequest = {
  task: 'edit',
  call: { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] },
  promptTokens: 10,
  workspace: 'ws-a',
};

async function collect(it: AsyncIterable<TaskEvent>): Promise<TaskEvent[]> {
  const out: TaskEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('TaskRunner', () => {
  let dir: string;
  let ledger: Ledger;
  let now: number;
  let ports: Ports;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-runner-'));
    now = new Date(2026, 10, 25, 12, 0, 0).getTime();
    ports = {
      fetch: globalThis.fetch,
      getApiKey: async () => 'k',
      clock: { now: () => now, monotonic: () => now },
      logger: silentLogger,
      storageDir: dir,
    };
    ledger = await openLedger(ports);
  });
  afterEach(async () => {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function runner(provider: ScriptedProvider, records: string[] = []) {
    const budget = new BudgetGuard();
    const log = new DecisionLog({ ports, ledger: Promise.resolve(ledger), budget });
    log.onDidRecord((r) => records.push(r.id));
    return new TaskRunner({
      ports,
      health: new ModelHealth(ports.clock),
      budget,
      log,
      providers: new ProviderCache(ports, () => provider),
    });
  }

  it('routes, streams, records the decision with its cost in the ledger', async () => {
    const records: string[] = [];
    const events = await collect(
      runner(new ScriptedProvider(new Set()), records).run(request, DEFAULT_SETTINGS, new AbortController().signal),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['decision', 'text', 'done'],
    );
    const done = events.at(-1) as Extract<TaskEvent, { type: 'done' }>;
    assert.equal(done.record.answeredBy?.id, 'gpt-6-luna');
    assert.equal(done.record.costUsd, 0.06);
    assert.deepEqual(records, [done.record.id]);
    assert.equal((await ledger.spend(now, 'ws-a')).workspaceDayUsd, 0.06);
  });

  for (const [what, lookUp, expected] of [
    ['rejected', async () => 'sk-bad', { needsKeyFor: 'openai' }],
    [
      "withheld from this folder's endpoint",
      async () => {
        throw new KeyWithheldError(
          "switchboard.endpoints.openai in this folder's settings points at http://127.0.0.1:9; your key is not sent there",
        );
      },
      { keyWithheldFor: 'openai' },
    ],
  ] as const) {
    it(`a key ${what} names the fix it needs: ${Object.keys(expected)[0]}`, async () => {
      // A provider that looks its key up as the real ones do, and is refused the way the server or the host refuses it.
      const provider: ScriptedProvider = Object.assign(new ScriptedProvider(new Set()), {
        async *streamChat(req: ChatRequest): AsyncIterable<Chunk> {
          const to = { origin: 'http://127.0.0.1:9', setting: 'switchboard.endpoints.openai' };
          await apiKeyFor({ getApiKey: lookUp }, { provider: 'openai', model: req.model }, to);
          const refused = new ProviderError({ kind: 'auth', provider: 'openai', model: req.model, message: 'OpenAI rejected the API key' });
          // The server's refusal comes as the stream's first event, before any text.
          yield* [] as Chunk[];
          throw refused;
        },
      });
      const settings = settingsWith({ routes: { edit: ['gpt-6-luna'] } });
      const events = await collect(runner(provider).run(request, settings, new AbortController().signal));
      const failed = events.at(-1) as Extract<TaskEvent, { type: 'failed' }>;
      assert.equal(failed.type, 'failed');
      assert.deepEqual(
        { needsKeyFor: failed.needsKeyFor, keyWithheldFor: failed.keyWithheldFor },
        { needsKeyFor: undefined, keyWithheldFor: undefined, ...expected },
      );
    });
  }

  it('falls back on an overloaded model and says so in a hop', async () => {
    const provider = new ScriptedProvider(new Set(['gpt-6-luna']));
    const events = await collect(runner(provider).run(request, DEFAULT_SETTINGS, new AbortController().signal));
    const hop = events.find((e) => e.type === 'hop') as Extract<TaskEvent, { type: 'hop' }>;
    assert.match(hop.hop.text, /gpt-6-luna overloaded → claude-haiku-4-5/);
    assert.deepEqual(provider.calls, ['gpt-6-luna', 'claude-haiku-4-5']);
  });

  it('counts its own spend toward the day budget without waiting for a ledger re-read', async () => {
    const settings: SettingsSnapshot = { ...DEFAULT_SETTINGS, budget: { ...DEFAULT_SETTINGS.budget, perDayUsd: 0.1 } };
    const r = runner(new ScriptedProvider(new Set()));
    await collect(r.run(request, settings, new AbortController().signal)); // $0.06 of $0.10
    const second = await collect(r.run(request, settings, new AbortController().signal)); // $0.12: reached
    const done = second.at(-1) as Extract<TaskEvent, { type: 'done' }>;
    assert.ok(
      done.budgetSignals.some((s) => s.kind === 'reached' && s.period === 'day'),
      'the 100% signal fires',
    );
    const third = await r.decide(request, settings);
    assert.ok(
      third.candidates.filter((c) => c.model.tier !== 'local').every((c) => !c.kept),
      'no cloud model is kept once the day budget is spent',
    );
  });

  it('a pinned model is used alone, and a preview does not consume the budget override', async () => {
    const r = runner(new ScriptedProvider(new Set()));
    const d = await r.decide({ ...request, pinnedModelId: 'claude-haiku-4-5' }, DEFAULT_SETTINGS, { preview: true });
    assert.equal(d.chosen?.id, 'claude-haiku-4-5');
    assert.deepEqual(d.fallbacks, []);
  });

  describe('faults, with the real SDKs against loopback stand-ins', () => {
    let openai: OpenAIStandin;
    let anthropic: AnthropicStandin;
    let ollama: OllamaStandin;
    before(async () => {
      [openai, anthropic, ollama] = await Promise.all([startOpenAIStandin(), startAnthropicStandin(), startOllamaStandin()]);
    });
    after(async () => {
      await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
    });
    beforeEach(() => {
      openai.reset();
      anthropic.reset();
      ollama.reset();
    });

    // The default routes: gpt-6-luna (OpenAI) first, claude-haiku-4-5 (Anthropic) next, for edits and chat alike.
    const settingsFor = (extra: Record<string, unknown> = {}): SettingsSnapshot =>
      settingsWith({ 'endpoints.openai': openai.url, 'endpoints.anthropic': anthropic.url, 'endpoints.ollama': ollama.url, ...extra });
    const realRunner = (minFirstByteMs?: number) => {
      const budget = new BudgetGuard();
      return new TaskRunner({
        ports,
        health: new ModelHealth(ports.clock),
        budget,
        log: new DecisionLog({ ports, ledger: Promise.resolve(ledger), budget }),
        providers: new ProviderCache(ports, createProvider, minFirstByteMs),
      });
    };

    for (const fault of ['reset', 'malformed'] as const) {
      it(`an edit (buffered) whose model has a ${fault} after its first tokens falls back to the next model`, async () => {
        openai.script({ text: 'const half = ', fault: { type: fault, afterTokens: 2 } });
        anthropic.script({ text: 'const whole = 1;' });
        const events = await collect(realRunner().run({ ...request, output: 'buffered' }, settingsFor(), new AbortController().signal));
        const last = events.at(-1)!;
        assert.equal(last.type, 'done', last.type === 'failed' ? last.error.message : '');
        const done = last as Extract<TaskEvent, { type: 'done' }>;
        assert.equal(done.result.model.id, 'claude-haiku-4-5');
        const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
        assert.equal(text, 'const whole = 1;', 'only the answer that completed is delivered');
        const hops = events.flatMap((e) => (e.type === 'hop' ? [e.hop] : []));
        const phrase = fault === 'reset' ? 'connection lost' : 'sent a malformed response';
        assert.deepEqual(
          hops.map((h) => h.text),
          [`gpt-6-luna ${phrase} → claude-haiku-4-5`],
        );
        assert.ok(
          events.some((e) => e.type === 'held'),
          'progress still sees the text as it streams',
        );
        assert.equal(done.record.outcome, 'ok');
      });
    }

    it('chat (live) keeps today’s rule: a reset after the first tokens is surfaced, the next model is not asked', async () => {
      openai.script({ text: 'The answer is', fault: { type: 'reset', afterTokens: 2 } });
      const events = await collect(realRunner().run({ ...request, task: 'chat' }, settingsFor(), new AbortController().signal));
      const failed = events.at(-1) as Extract<TaskEvent, { type: 'failed' }>;
      assert.equal(failed.type, 'failed');
      assert.ok(failed.error instanceof RoutedRunError && failed.error.outputStarted);
      assert.equal(anthropic.requests.length, 0);
    });

    describe('a stopped or failed answer costs what it spent, and counts in the spend', () => {
      const chatRequest: TaskRequest = { ...request, task: 'chat', promptTokens: 1500 };
      // Priced in settings: a loopback stand-in would otherwise count as a free local model.
      const PRICES: Record<string, { input: number; output: number }> = {
        'gpt-6-luna': { input: 1.25, output: 10 },
        'claude-haiku-4-5': { input: 1, output: 5 },
      };
      const priced = (extra: Record<string, unknown> = {}): SettingsSnapshot =>
        settingsFor({ models: DEFAULT_SETTINGS.models.map((m) => (PRICES[m.id] ? { ...m, price: PRICES[m.id] } : m)), ...extra });
      async function stopAfterFirstText(settings: SettingsSnapshot): Promise<Extract<TaskEvent, { type: 'done' }>> {
        const ac = new AbortController();
        const events: TaskEvent[] = [];
        for await (const e of realRunner().run(chatRequest, settings, ac.signal)) {
          events.push(e);
          if (e.type === 'text') ac.abort();
        }
        const last = events.at(-1)!;
        assert.equal(last.type, 'done', last.type === 'failed' ? last.error.message : '');
        return last as Extract<TaskEvent, { type: 'done' }>;
      }

      it('a chat stopped mid-stream records the estimated prompt and the output so far, priced, estimated, in the day spend', async () => {
        openai.script({ fault: { type: 'drip', intervalMs: 20 } });
        const done = await stopAfterFirstText(priced());
        assert.equal(done.record.outcome, 'aborted');
        assert.equal(done.record.answeredBy?.id, 'gpt-6-luna');
        assert.equal(done.record.usageEstimated, true);
        assert.equal(done.record.usage?.inputTokens, 1500, 'the request’s estimated prompt tokens');
        assert.ok((done.record.usage?.outputTokens ?? 0) >= 1, 'the streamed text is counted');
        assert.ok((done.record.costUsd ?? 0) > 0, `a nonzero cost, got ${done.record.costUsd}`);
        assert.equal((await ledger.spend(now, 'ws-a')).workspaceDayUsd, done.record.costUsd);
      });

      it('a stop uses the input tokens Anthropic reported in message_start over the estimate', async () => {
        anthropic.script({ usage: { input_tokens: 1234 }, fault: { type: 'drip', intervalMs: 20 } });
        const done = await stopAfterFirstText(priced({ routes: { ...DEFAULT_SETTINGS.routes, chat: ['claude-haiku-4-5'] } }));
        assert.equal(done.record.answeredBy?.id, 'claude-haiku-4-5');
        assert.equal(done.record.usageEstimated, true);
        assert.equal(done.record.usage?.inputTokens, 1234);
        assert.ok((done.record.costUsd ?? 0) > 0);
      });

      it('a chat whose stream fails after text started is priced as an estimate and counted', async () => {
        openai.script({ text: 'The answer is long', fault: { type: 'reset', afterTokens: 2 } });
        const events = await collect(realRunner().run(chatRequest, priced(), new AbortController().signal));
        const failed = events.at(-1) as Extract<TaskEvent, { type: 'failed' }>;
        assert.equal(failed.type, 'failed');
        assert.equal(failed.record.outcome, 'error');
        assert.equal(failed.record.answeredBy?.id, 'gpt-6-luna');
        assert.equal(failed.record.usageEstimated, true);
        assert.equal(failed.record.usage?.inputTokens, 1500);
        assert.ok((failed.record.costUsd ?? 0) > 0, `a nonzero cost, got ${failed.record.costUsd}`);
        assert.equal((await ledger.spend(now, 'ws-a')).workspaceDayUsd, failed.record.costUsd);
      });

      it('a chat that failed before anything was sent (no key) stays $0', async () => {
        ports.getApiKey = async () => undefined;
        const events = await collect(realRunner().run(chatRequest, priced(), new AbortController().signal));
        const failed = events.at(-1) as Extract<TaskEvent, { type: 'failed' }>;
        assert.equal(failed.type, 'failed');
        assert.equal(failed.record.costUsd, 0);
        assert.equal(failed.record.usageEstimated, undefined);
        assert.equal(openai.requests.length + anthropic.requests.length, 0);
      });
    });

    const silentFirst = [
      { first: 'OpenAI', route: ['gpt-6-luna', 'claude-haiku-4-5'], silent: () => openai, healthy: () => anthropic },
      { first: 'Anthropic', route: ['claude-haiku-4-5', 'gpt-6-luna'], silent: () => anthropic, healthy: () => openai },
      { first: 'Ollama', route: ['qwen2.5-coder:1.5b-base', 'gpt-6-luna'], silent: () => ollama, healthy: () => openai },
    ];
    for (const { first, route, silent: silentOf, healthy: healthyOf } of silentFirst) {
      it(`the first-byte timeout follows the chat latency budget: a silent ${first} model times out and the next one answers`, async () => {
        const silent = silentOf();
        const healthy = healthyOf();
        silent.script({ firstByteDelayMs: 4000 });
        healthy.script({ text: 'from the next model' });
        const settings = settingsFor({
          latencyBudgetMs: { completion: 1500, edit: 10_000, refactor: 0, chat: 300 },
          routes: { ...DEFAULT_SETTINGS.routes, chat: route },
        });
        const started = performance.now();
        const events = await collect(realRunner(100).run({ ...request, task: 'chat' }, settings, new AbortController().signal));
        const elapsed = performance.now() - started;
        const hops = events.flatMap((e) => (e.type === 'hop' ? [e.hop] : []));
        assert.deepEqual(
          hops.map((h) => [h.kind, h.text]),
          [['timeout', `${route[0]} timed out → ${route[1]}`]],
        );
        assert.match(hops[0].message, /sent nothing for .* \(first-byte timeout\)/);
        const done = events.at(-1) as Extract<TaskEvent, { type: 'done' }>;
        assert.equal(done.type, 'done');
        assert.equal(done.result.model.id, route[1]);
        assert.ok(
          elapsed < 3000,
          `gave up on the silent model after the 300 ms budget, not the 60 s default (took ${Math.round(elapsed)} ms)`,
        );
        await silent.waitForClientClose(0, 2000);
      });
    }

    it('the first-byte timeout has a floor: a budget under it waits the floor', async () => {
      openai.script({ firstByteDelayMs: 700, text: 'slow but in time' });
      const settings = settingsFor({ latencyBudgetMs: { completion: 1500, edit: 10_000, refactor: 0, chat: 100 } });
      const events = await collect(realRunner(1500).run({ ...request, task: 'chat' }, settings, new AbortController().signal));
      const done = events.at(-1) as Extract<TaskEvent, { type: 'done' }>;
      assert.equal(done.type, 'done');
      assert.equal(done.result.model.id, 'gpt-6-luna');
      assert.deepEqual(done.result.hops, []);
    });
  });
});
