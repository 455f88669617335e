import assert from 'node:assert/strict';
import { buildAnswerMeta, describeFailure, failureMessage, fallbackOf, pinnableModels } from '../../../../src/panels/chat/answerMeta';
import { buildDecisionRecord } from '../../../../src/core/router/decision';
import type { Hop, RunResult } from '../../../../src/core/router/execute';
import { RoutedRunError } from '../../../../src/core/router/execute';
import { routeRequest } from '../../../../src/core/router/route';
import { ProviderError } from '../../../../src/core/providers/provider';
import { settingsWith } from '../../router/fixtures';
import { costText, spendText, tokensText } from '../../../../webview/chat/turnView';

const AT = new Date(2026, 10, 25, 9, 30).getTime();

const settings = settingsWith({
  models: [
    {
      id: 'claude-haiku-4-5',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      tier: 'mid',
      contextWindow: 200_000,
      price: { input: 1, output: 5 },
    },
    {
      id: 'gpt-6-luna',
      provider: 'openai',
      model: 'gpt-6-luna',
      tier: 'mid',
      contextWindow: 1_050_000,
      price: { input: 1.25, output: 10 },
    },
    { id: 'tiny', provider: 'openai', model: 'tiny', tier: 'mid', contextWindow: 1000 },
  ],
  routes: {
    completion: ['qwen2.5-coder:1.5b-base'],
    edit: ['gpt-6-luna'],
    refactor: ['claude-sonnet-5-5'],
    chat: ['tiny', 'claude-haiku-4-5', 'gpt-6-luna'],
  },
  'chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
});

const overloaded: Hop = {
  from: 'claude-haiku-4-5',
  to: 'gpt-6-luna',
  kind: 'overloaded',
  message: 'Anthropic is overloaded (529: Overloaded); try again shortly.',
  text: 'claude-haiku-4-5 overloaded → gpt-6-luna',
};

describe('answer meta', () => {
  const decision = routeRequest({ task: 'chat', promptTokens: 3000, question: 'what does this do?', workspace: '/repo' }, settings, {
    now: AT,
    newId: () => 'd1',
  });

  it('the decision drops the too-small model and picks the next (fixture check)', () => {
    assert.equal(decision.chosen?.id, 'claude-haiku-4-5');
    assert.deepEqual(
      decision.fallbacks.map((m) => m.id),
      ['gpt-6-luna'],
    );
  });

  it('shows the answering model, why, what was dropped, the fallback, usage, cost and timing', () => {
    const gpt = decision.fallbacks[0];
    const run: RunResult = {
      model: gpt,
      final: {
        model: 'gpt-6-luna',
        usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0 },
        ttftMs: 100,
        totalMs: 900,
        stopReason: 'stop',
      },
      hops: [{ ...overloaded, retryAfterMs: 12_000 }],
      aborted: false,
      ttftMs: 180,
      totalMs: 1000,
    };
    const record = buildDecisionRecord({ decision, settings, run });
    const meta = buildAnswerMeta({ decision, record, model: gpt, hops: run.hops });
    assert.equal(meta.modelId, 'gpt-6-luna');
    assert.equal(meta.modelLabel, 'gpt-6-luna');
    assert.equal(meta.tier, 'mid');
    assert.equal(meta.provider, 'openai');
    assert.deepEqual(meta.fallbacks, [{ from: 'claude-haiku-4-5', to: 'gpt-6-luna', reason: 'overloaded (retry in 12 s)' }]);
    assert.equal(meta.dropped.length, 1);
    assert.equal(meta.dropped[0].modelId, 'tiny');
    assert.match(meta.dropped[0].reason, /context window/);
    assert.ok(
      meta.reasons.some((r) => r.includes('fallback chain after claude-haiku-4-5 overloaded → gpt-6-luna')),
      meta.reasons.join(' | '),
    );
    assert.ok(meta.reasons.includes('listed in switchboard.routes.chat'), meta.reasons.join(' | '));
    assert.ok(
      meta.reasons.some((r) => /^difficulty \d\.\d\d/.test(r)),
      meta.reasons.join(' | '),
    );
    assert.deepEqual(meta.usage, { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0 });
    // 1,200 × $1.25 + 300 × $10 per 1M
    assert.equal(meta.costUsd, 0.0045);
    assert.equal(meta.ttftMs, 180);
    assert.equal(meta.totalMs, 1000);
    assert.equal(meta.stopped, false);
    // Without the run's hops, the record's (no retry-after) still give the fallback.
    assert.deepEqual(buildAnswerMeta({ decision, record, model: gpt }).fallbacks, [
      { from: 'claude-haiku-4-5', to: 'gpt-6-luna', reason: 'overloaded' },
    ]);
  });

  it('marks a stopped answer and a pinned model', () => {
    const haiku = decision.chosen!;
    const run: RunResult = { model: haiku, final: null, hops: [], aborted: true, ttftMs: 50, totalMs: 400 };
    const record = buildDecisionRecord({ decision, settings, run });
    const meta = buildAnswerMeta({ decision, record, model: haiku, pinned: true });
    assert.equal(meta.stopped, true);
    assert.equal(meta.costUsd, 0);
    assert.deepEqual(meta.usage, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.match(meta.reasons[0], /^pinned by you/);
  });

  it('a stopped answer that had been sent shows its estimated spend: stopped · ~1.5k in · ~120 out · ~$… (estimated)', () => {
    const haiku = decision.chosen!;
    const asked = { ...decision, promptTokens: 1500 };
    const run: RunResult = {
      model: haiku,
      final: null,
      partial: { reported: null, outputTokens: 120 },
      hops: [],
      aborted: true,
      ttftMs: 50,
      totalMs: 4000,
    };
    const record = buildDecisionRecord({ decision: asked, settings, run });
    const meta = buildAnswerMeta({ decision: asked, record, model: haiku });
    assert.equal(meta.stopped, true);
    assert.equal(meta.estimated, true);
    assert.deepEqual(meta.usage, { inputTokens: 1500, outputTokens: 120, cacheReadTokens: 0, cacheWriteTokens: 0 });
    // 1,500 × $1 + 120 × $5 per 1M
    assert.equal(meta.costUsd, 0.0021);
    assert.equal(tokensText(meta), '~1.5k in · ~120 out');
    assert.equal(costText(meta), '~$0.0021 (estimated)');
    assert.equal(spendText(meta), 'stopped · ~1.5k in · ~120 out · ~$0.0021 (estimated)');
  });

  it('a reported answer’s footer has no estimate marks', () => {
    const meta = buildAnswerMeta({
      decision,
      record: buildDecisionRecord({
        decision,
        settings,
        run: {
          model: decision.chosen!,
          final: {
            model: 'claude-haiku-4-5',
            usage: { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 },
            ttftMs: 50,
            totalMs: 400,
            stopReason: 'stop',
          },
          hops: [],
          aborted: false,
          ttftMs: 50,
          totalMs: 400,
        },
      }),
      model: decision.chosen!,
    });
    assert.equal(meta.estimated, undefined);
    assert.equal(spendText(meta), '1.2k in · 40 out · $0.0014');
  });

  it('has no fallback for a hop with nothing left to try', () => {
    assert.equal(fallbackOf({ ...overloaded, to: null }), undefined);
    assert.deepEqual(fallbackOf({ ...overloaded, kind: 'rateLimit', retryAfterMs: 400 }), {
      from: 'claude-haiku-4-5',
      to: 'gpt-6-luna',
      reason: 'rate-limited (retry in 400 ms)',
    });
  });

  it('offers every model but completion-only ones for pinning', () => {
    const ids = pinnableModels(settingsWith({})).map((m) => m.id);
    assert.ok(!ids.includes('qwen2.5-coder:1.5b-base'), ids.join(','));
    assert.ok(ids.includes('gpt-6-luna') && ids.includes('claude-sonnet-5-5'), ids.join(','));
    assert.deepEqual(
      pinnableModels(settings).find((m) => m.id === 'claude-haiku-4-5'),
      { id: 'claude-haiku-4-5', label: 'claude-haiku-4-5', tier: 'mid', provider: 'anthropic' },
    );
  });
});

describe('failure view', () => {
  const decision = routeRequest({ task: 'chat', promptTokens: 100, question: 'hi' }, settings, { now: AT });

  it('uses the provider message of a single failure and offers to set that provider key', () => {
    const auth = new ProviderError({
      kind: 'auth',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      message: 'Anthropic rejected the API key (401). Set a valid key with "Switchboard: Set API Key".',
    });
    const error = new RoutedRunError({
      message: `claude-haiku-4-5 rejected the API key: ${auth.message}`,
      hops: [],
      outputStarted: false,
      model: decision.chosen,
      kind: 'auth',
      cause: auth,
    });
    const view = describeFailure(error, decision, 'anthropic');
    assert.match(view.message, /Anthropic rejected the API key/);
    assert.deepEqual(view.actions[0], { label: 'Set Anthropic API Key', command: 'switchboard.setApiKey', args: ['anthropic'] });
    assert.deepEqual(
      view.actions.map((a) => a.command),
      ['switchboard.setApiKey', 'workbench.action.openSettings', 'switchboard.showLog'],
    );
  });

  it("a key withheld from a folder's endpoint offers Manage Key Destinations, not Set API Key (the key is set)", () => {
    const withheld = new RoutedRunError({
      message: "gpt-6-luna rejected the API key: switchboard.endpoints.openai in this folder's settings points at http://127.0.0.1:9",
      hops: [],
      outputStarted: false,
      model: decision.chosen,
      kind: 'auth',
    });
    const view = describeFailure(withheld, decision, undefined, 'openai');
    assert.deepEqual(view.actions[0], { label: 'Manage Key Destinations…', command: 'switchboard.manageKeyDestinations' });
    assert.ok(!view.actions.some((a) => a.command === 'switchboard.setApiKey'));
  });

  it('lists each provider message when the whole chain failed', () => {
    const hops: Hop[] = [
      overloaded,
      {
        from: 'gpt-6-luna',
        to: null,
        kind: 'network',
        message: 'Cannot connect to OpenAI at http://127.0.0.1:9 (ECONNREFUSED) — check your network, proxy or the base URL.',
        text: 'gpt-6-luna unreachable → no fallback left',
      },
    ];
    const error = new RoutedRunError({ message: 'every model failed: …', hops, outputStarted: false, model: null, kind: 'network' });
    const message = failureMessage(error, decision);
    assert.match(
      message,
      /^Every model for this chat failed\. claude-haiku-4-5: Anthropic is overloaded .* gpt-6-luna: Cannot connect to OpenAI/,
    );
    assert.deepEqual(describeFailure(error, decision).actions[0], {
      label: 'Open Settings',
      command: 'workbench.action.openSettings',
      args: ['switchboard.endpoints'],
    });
    const single = new RoutedRunError({
      message: 'every model failed: x',
      hops: [hops[1]],
      outputStarted: false,
      model: null,
      kind: 'network',
    });
    assert.equal(failureMessage(single, decision), hops[1].message);
  });

  it('explains a request no model could take, pointing at the setting that blocks it', () => {
    const blocked = routeRequest(
      { task: 'chat', promptTokens: 100, question: 'hi' },
      settingsWith({
        'privacy.localOnly': true,
        routes: { completion: ['qwen2.5-coder:1.5b-base'], edit: [], refactor: [], chat: ['gpt-6-luna'] },
      }),
      { now: AT },
    );
    assert.equal(blocked.chosen, null);
    const error = new RoutedRunError({ message: blocked.explanation, hops: [], outputStarted: false, model: null, kind: 'noCandidate' });
    const view = describeFailure(error, blocked);
    assert.match(view.message, /^No model can take this chat: .*local-only/);
    assert.deepEqual(view.actions[0].args, ['switchboard.privacy.localOnly']);
  });
});
