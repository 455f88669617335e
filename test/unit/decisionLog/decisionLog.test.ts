import * as assert from 'node:assert/strict';
import type { Chunk } from '../../../src/core/types';
import type { Ports } from '../../../src/core/ports';
import { silentLogger } from '../../../src/core/ports';
import type { ChatRequest, FimRequest, ModelProvider } from '../../../src/core/providers/provider';
import { ProviderCache } from '../../../src/core/providers/providerCache';
import { ModelHealth } from '../../../src/core/router/health';
import type { DecisionRecord } from '../../../src/core/router/decision';
import { BudgetGuard } from '../../../src/core/cost/budgets';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { DecisionLog } from '../../../src/core/decisionLog';
import { TaskRunner } from '../../../src/core/taskRunner';
import { prepareCompletionEngine } from '../../../src/core/completion/engine';
import { FakeTime } from '../completion/fakeTime';

const USAGE = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** Stands in for every model: a short chat answer, a one-line completion. */
class StandInProvider implements ModelProvider {
  readonly kind = 'ollama' as const;
  readonly fimCalls: FimRequest[] = [];
  async *streamChat(request: ChatRequest): AsyncIterable<Chunk> {
    yield { type: 'text', text: 'It adds two numbers.' };
    yield { type: 'done', final: { model: request.model, usage: USAGE, ttftMs: 1, totalMs: 2, stopReason: 'stop' } };
  }
  async *streamFim(request: FimRequest): AsyncIterable<Chunk> {
    this.fimCalls.push(request);
    yield { type: 'text', text: 'sum(a, b);\n' };
    yield { type: 'done', final: { model: request.model, usage: USAGE, ttftMs: 1, totalMs: 2, stopReason: 'stop' } };
  }
}

function setup() {
  const time = new FakeTime();
  const ports: Ports = {
    fetch: globalThis.fetch,
    getApiKey: async () => 'k',
    clock: time,
    logger: silentLogger,
    storageDir: '/nonexistent',
  };
  const budget = new BudgetGuard();
  const log = new DecisionLog({ ports, ledger: Promise.resolve(undefined), budget });
  const provider = new StandInProvider();
  let built = 0;
  const providers = new ProviderCache(ports, () => (built++, provider));
  const runner = new TaskRunner({ ports, providers, health: new ModelHealth(time), budget, log });
  return { time, ports, log, provider, providers, runner, built: () => built };
}

describe('DecisionLog', () => {
  it('hears a completion decision (through the engine) and a chat decision (through the TaskRunner) at the same listener', async () => {
    const { time, ports, log, provider, providers, runner, built } = setup();
    const heard: DecisionRecord[] = [];
    log.onDidRecord((r) => heard.push(r));

    const engine = await prepareCompletionEngine(
      { runner, providers, log, ports, logger: silentLogger, timers: time },
      DEFAULT_SETTINGS,
      'ws',
    );
    assert.equal(engine.kind, 'ready');
    const call = engine
      .pipelineFor('typescript')
      .complete(
        { documentKey: 'file:///a.ts', text: 'const total = ;\n', offset: 14, filePath: 'a.ts', languageId: 'typescript' },
        new AbortController().signal,
      );
    await time.advance(5_000);
    const result = await call;
    assert.equal(result?.text, 'sum(a, b)');
    assert.equal(provider.fimCalls.length, 1, 'the completion ran on the stand-in');

    const chat = runner.run(
      {
        task: 'chat',
        call: { kind: 'chat', messages: [{ role: 'user', content: 'What does sum do?' }] },
        promptTokens: 10,
        workspace: 'ws',
      },
      DEFAULT_SETTINGS,
      new AbortController().signal,
    );
    for await (const _event of chat) void _event;

    assert.deepEqual(
      heard.map((r) => r.task),
      ['completion', 'chat'],
    );
    assert.equal(heard[0].id, `${engine.decision.id}-typescript-r${String(result?.requestId)}`);
    assert.equal(heard[0].language, 'typescript');
    assert.equal(built(), 2, 'one provider per endpoint from the one cache: the local completion model and the chat model');
    engine.dispose();
  });

  it('tells listeners an outcome with the updated record, and stops telling one that was disposed', async () => {
    const { log, runner } = setup();
    const first: DecisionRecord[] = [];
    const second: DecisionRecord[] = [];
    const a = log.onDidRecord((r) => first.push(r));
    log.onDidRecord((r) => second.push(r));
    for await (const _event of runner.run(
      { task: 'edit', call: { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] }, promptTokens: 10, workspace: null },
      DEFAULT_SETTINGS,
      new AbortController().signal,
    ))
      void _event;
    a.dispose();
    await log.recordOutcome(second[0], 'accepted');
    assert.equal(first.length, 1);
    assert.deepEqual(
      second.map((r) => r.outcome),
      ['ok', 'accepted'],
    );
  });

  it('a listener that throws does not keep the next one from hearing', async () => {
    const { log, runner } = setup();
    const heard: string[] = [];
    log.onDidRecord(() => {
      throw new Error('boom');
    });
    log.onDidRecord((r) => heard.push(r.id));
    for await (const _event of runner.run(
      { task: 'edit', call: { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] }, promptTokens: 10, workspace: null },
      DEFAULT_SETTINGS,
      new AbortController().signal,
    ))
      void _event;
    assert.equal(heard.length, 1);
  });
});
