import assert from 'node:assert/strict';
import { buildDecisionRecord, buildOutcomeUpdate } from '../../../src/core/router/decision';
import type { RunResult } from '../../../src/core/router/execute';
import { RoutedRunError } from '../../../src/core/router/execute';
import { routeRequest } from '../../../src/core/router/route';
import { dayKeyOf } from '../../../src/core/cost/calendar';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { ZERO_USAGE } from '../../../src/core/types';

const AT = new Date(2026, 10, 25, 9, 30).getTime();

describe('buildDecisionRecord', () => {
  const decision = routeRequest(
    { task: 'chat', promptTokens: 3000, question: 'why does this deadlock?', fileCount: 3, workspace: '/repo' },
    DEFAULT_SETTINGS,
    { now: AT, newId: () => 'dec-1' },
  );

  it('records the decision, the hops, the usage, the cost from the answering model and the timings', () => {
    const sol = decision.fallbacks[0];
    const run: RunResult = {
      model: sol,
      final: {
        model: 'gpt-6.1-sol-2026-09-29',
        usage: { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 2000, cacheWriteTokens: 0 },
        ttftMs: 400,
        totalMs: 2100,
        stopReason: 'stop',
        version: 'gpt-6.1-sol-2026-09-29',
      },
      hops: [
        {
          from: 'claude-sonnet-5-5',
          to: 'gpt-6.1-sol',
          kind: 'overloaded',
          message: 'Overloaded',
          text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol',
        },
      ],
      aborted: false,
      ttftMs: 950,
      totalMs: 2650,
    };
    const r = buildDecisionRecord({ decision, settings: DEFAULT_SETTINGS, run, language: 'typescript' });
    assert.equal(r.v, 1);
    assert.equal(r.type, 'decision');
    assert.equal(r.id, 'dec-1');
    assert.equal(r.time, AT);
    assert.equal(r.day, dayKeyOf(AT));
    assert.equal(r.day, '2026-11-25');
    assert.equal(r.workspace, '/repo');
    assert.equal(r.task, 'chat');
    assert.equal(r.language, 'typescript');
    assert.deepEqual(r.chosen, {
      id: 'claude-sonnet-5-5',
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      tier: 'frontier',
      local: false,
    });
    assert.equal(r.answeredBy?.id, 'gpt-6.1-sol');
    assert.deepEqual(r.hops, [
      { from: 'claude-sonnet-5-5', to: 'gpt-6.1-sol', kind: 'overloaded', text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol' },
    ]);
    // gpt-6.1-sol: 1,000×$2 + 2,000×$0.10 + 500×$10 per 1M = 2,000 + 200 + 5,000 µ$
    assert.equal(r.costUsd, 0.0072);
    assert.equal(r.ttftMs, 950);
    assert.equal(r.totalMs, 2650);
    assert.equal(r.outcome, 'ok');
    assert.equal(r.modelVersion, 'gpt-6.1-sol-2026-09-29');
    assert.equal(r.difficulty?.escalated, true);
    assert.equal(r.candidates.length, decision.candidates.length);
    assert.deepEqual(r.candidates[0], {
      id: 'claude-sonnet-5-5',
      tier: 'frontier',
      source: 'escalation',
      kept: true,
      reason: 'frontier model for a hard question',
    });
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
  });

  describe('a stopped or failed request is priced from what it spent', () => {
    const sol = decision.fallbacks[0];
    const aborted = (partial: RunResult['partial']): RunResult => ({
      model: sol,
      final: { model: 'gpt-6.1-sol', usage: { ...ZERO_USAGE }, ttftMs: 300, totalMs: 4000, stopReason: 'aborted' },
      ...(partial && { partial }),
      hops: [],
      aborted: true,
      ttftMs: 300,
      totalMs: 4000,
    });

    it('a stop mid-stream: the estimated prompt tokens and the output so far, priced and marked estimated', () => {
      const r = buildDecisionRecord({
        decision,
        settings: DEFAULT_SETTINGS,
        run: aborted({ reported: { ...ZERO_USAGE }, outputTokens: 120 }),
      });
      assert.equal(r.outcome, 'aborted');
      assert.deepEqual(r.usage, { inputTokens: 3000, outputTokens: 120, cacheReadTokens: 0, cacheWriteTokens: 0 });
      assert.equal(r.usageEstimated, true);
      // gpt-6.1-sol: 3,000×$2 + 120×$10 per 1M
      assert.equal(r.costUsd, 0.0072);
      assert.equal(r.answeredBy?.id, 'gpt-6.1-sol');
    });

    it('the input the provider reported before the stop is used over the estimate', () => {
      const reported = { inputTokens: 1000, outputTokens: 1, cacheReadTokens: 2000, cacheWriteTokens: 0 };
      const r = buildDecisionRecord({ decision, settings: DEFAULT_SETTINGS, run: aborted({ reported, outputTokens: 120 }) });
      assert.deepEqual(r.usage, { inputTokens: 1000, outputTokens: 120, cacheReadTokens: 2000, cacheWriteTokens: 0 });
      assert.equal(r.usageEstimated, true);
      // 1,000×$2 + 2,000×$0.10 + 120×$10 per 1M
      assert.equal(r.costUsd, 0.0034);
    });

    it('a failure after text started: the model that streamed, the estimate, priced and marked estimated', () => {
      const error = new RoutedRunError({
        message: 'gpt-6.1-sol unreachable after the answer had started: reset',
        hops: [],
        outputStarted: true,
        model: sol,
        kind: 'network',
        partial: { reported: null, outputTokens: 40 },
      });
      const r = buildDecisionRecord({ decision, settings: DEFAULT_SETTINGS, run: error });
      assert.equal(r.outcome, 'error');
      assert.equal(r.answeredBy?.id, 'gpt-6.1-sol');
      assert.deepEqual(r.usage, { inputTokens: 3000, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 });
      assert.equal(r.usageEstimated, true);
      // 3,000×$2 + 40×$10 per 1M
      assert.equal(r.costUsd, 0.0064);
    });

    it('a failure before anything was sent, or a stop before it, stays $0 and is not marked estimated', () => {
      const refused = new RoutedRunError({ message: 'no key', hops: [], outputStarted: false, model: sol, kind: 'auth' });
      for (const run of [refused, aborted(undefined), { ...aborted(undefined), final: null }]) {
        const r = buildDecisionRecord({ decision, settings: DEFAULT_SETTINGS, run });
        assert.equal(r.costUsd, 0);
        assert.equal(r.usageEstimated, undefined);
      }
      const none = buildDecisionRecord({ decision, settings: DEFAULT_SETTINGS, run: refused });
      assert.equal(none.usage, null);
      assert.equal(none.answeredBy, null);
    });
  });

  it('marks errors and aborts, and completions as pending until accepted or rejected', () => {
    const failed = buildDecisionRecord({
      decision,
      settings: DEFAULT_SETTINGS,
      run: new RoutedRunError({ message: 'every model failed: x', hops: [], outputStarted: false, model: null, kind: 'overloaded' }),
    });
    assert.equal(failed.outcome, 'error');
    assert.equal(failed.error, 'every model failed: x');
    assert.equal(failed.costUsd, 0);
    assert.equal(failed.answeredBy, null);

    const aborted = buildDecisionRecord({
      decision,
      settings: DEFAULT_SETTINGS,
      run: { model: decision.chosen!, final: null, hops: [], aborted: true, ttftMs: null, totalMs: 30 },
    });
    assert.equal(aborted.outcome, 'aborted');

    const completion = routeRequest({ task: 'completion', promptTokens: 800 }, DEFAULT_SETTINGS, { now: AT, newId: () => 'c-1' });
    const shown = buildDecisionRecord({
      decision: completion,
      settings: DEFAULT_SETTINGS,
      run: {
        model: completion.chosen!,
        final: {
          model: 'qwen2.5-coder:1.5b-base',
          usage: { inputTokens: 800, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 },
          ttftMs: 90,
          totalMs: 160,
          stopReason: 'stop',
          version: 'sha256:abc',
        },
        hops: [],
        aborted: false,
        ttftMs: 95,
        totalMs: 170,
      },
    });
    assert.equal(shown.outcome, 'pending');
    assert.equal(shown.costUsd, 0, 'local is free');
    assert.equal(shown.answeredBy?.local, true);
    const update = buildOutcomeUpdate(shown, 'accepted', AT + 5000);
    assert.deepEqual(update, {
      v: 1,
      type: 'outcome',
      id: 'c-1',
      time: AT + 5000,
      outcome: 'accepted',
      day: '2026-11-25',
      task: 'completion',
      workspace: null,
      model: 'qwen2.5-coder:1.5b-base',
    });
  });

  it('records a request that could not be routed with the explanation as its error', () => {
    const blocked = routeRequest({ task: 'edit', promptTokens: 100, localOnly: true }, DEFAULT_SETTINGS, { now: AT });
    const r = buildDecisionRecord({ decision: blocked, settings: DEFAULT_SETTINGS });
    assert.equal(r.outcome, 'error');
    assert.equal(r.chosen, null);
    assert.equal(r.error, blocked.explanation);
  });

  it('leaves the cost unknown (null) for a model without a price', () => {
    const astra = { id: 'astra', provider: 'openai' as const, model: 'gpt-6-astra', tier: 'frontier' as const, contextWindow: 1_000_000 };
    const r = buildDecisionRecord({
      decision,
      settings: DEFAULT_SETTINGS,
      run: {
        model: astra,
        final: {
          model: 'gpt-6-astra',
          usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
          ttftMs: 1,
          totalMs: 2,
          stopReason: 'stop',
        },
        hops: [],
        aborted: false,
        ttftMs: 1,
        totalMs: 2,
      },
    });
    assert.equal(r.costUsd, null);
  });
});
