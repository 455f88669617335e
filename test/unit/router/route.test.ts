import assert from 'node:assert/strict';
import type { ModelRef, TaskKind } from '../../../src/core/types';
import type { Availability, HealthView } from '../../../src/core/router/health';
import type { Decision, RouteRequest } from '../../../src/core/router/route';
import { routeRequest } from '../../../src/core/router/route';
import { budgetConstraints, NO_SPEND } from '../../../src/core/cost/budgets';
import { DEFAULT_MODELS, DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { LOCAL_CHAT, settingsWith } from './fixtures';

const ids = (models: readonly ModelRef[]): string[] => models.map((m) => m.id);
const verdict = (d: Decision, id: string) => {
  const v = d.candidates.find((c) => c.model.id === id);
  assert.ok(v, `${id} is a candidate of ${d.candidates.map((c) => c.model.id).join(', ')}`);
  return v;
};
const req = (task: TaskKind, extra: Partial<RouteRequest> = {}): RouteRequest => ({ task, promptTokens: 2000, ...extra });

/** A HealthView from plain data. */
function healthOf(availability: Record<string, Availability>, p50: Record<string, number> = {}): HealthView {
  return {
    availability: (id) => availability[id] ?? { state: 'closed', retryInMs: 0 },
    latencyP50: (id, task) => p50[`${id}/${task}`],
  };
}

describe('routeRequest: route table', () => {
  const cases: [TaskKind, string, string[]][] = [
    ['completion', 'qwen2.5-coder:1.5b-base', []],
    ['edit', 'gpt-6-luna', ['claude-haiku-4-5']],
    ['refactor', 'claude-sonnet-5-5', ['gpt-6.1-sol']],
    ['chat', 'gpt-6-luna', ['claude-haiku-4-5']],
  ];
  for (const [task, chosen, fallbacks] of cases) {
    it(`${task} → ${chosen}, then ${fallbacks.join(', ') || 'nothing'} (defaults)`, () => {
      const d = routeRequest(req(task, { question: 'what is this?' }), DEFAULT_SETTINGS);
      assert.equal(d.chosen?.id, chosen);
      assert.deepEqual(ids(d.fallbacks), fallbacks);
      assert.equal(d.explanation, `${task} → ${chosen}`);
      assert.equal(d.blockedBy, null);
      for (const c of d.candidates) assert.equal(c.kept, true);
    });
  }

  it('follows the order of the configured route', () => {
    const s = settingsWith({ routes: { edit: ['claude-haiku-4-5', 'gpt-6.1-sol', 'gpt-6-luna'] } });
    const d = routeRequest(req('edit'), s);
    assert.equal(d.chosen?.id, 'claude-haiku-4-5');
    assert.deepEqual(ids(d.fallbacks), ['gpt-6.1-sol', 'gpt-6-luna']);
    assert.equal(verdict(d, 'claude-haiku-4-5').reason, 'listed in switchboard.routes.edit');
  });

  it('records the id, time, task, workspace and the cost estimate', () => {
    const d = routeRequest(req('edit', { workspace: '/repo' }), DEFAULT_SETTINGS, { now: 1234, newId: () => 'd-1' });
    assert.equal(d.id, 'd-1');
    assert.equal(d.at, 1234);
    assert.equal(d.workspace, '/repo');
    // gpt-6-luna: 2000 × $0.10/M + 2048 × $0.50/M
    assert.ok(Math.abs((d.estimatedCostUsd ?? 0) - 0.001224) < 1e-12);
  });

  it('gives each decision a distinct id by default', () => {
    const a = routeRequest(req('edit'), DEFAULT_SETTINGS);
    const b = routeRequest(req('edit'), DEFAULT_SETTINGS);
    assert.notEqual(a.id, b.id);
  });

  it('reports an empty route with the setting to fix', () => {
    const s = settingsWith({ routes: { edit: [] } });
    const d = routeRequest(req('edit'), s);
    assert.equal(d.chosen, null);
    assert.equal(d.blockedBy, 'emptyRoute');
    assert.match(d.explanation, /switchboard\.routes\.edit is empty/);
  });
});

describe('routeRequest: chat difficulty and escalation', () => {
  it('stays mid for a lookup question', () => {
    const d = routeRequest(req('chat', { question: 'What is a WeakMap?' }), DEFAULT_SETTINGS);
    assert.equal(d.difficulty?.escalated, false);
    assert.equal(d.chosen?.tier, 'mid');
  });

  it('escalates a hard question to the frontier route, falling back to the chat route', () => {
    const d = routeRequest(req('chat', { question: 'Why does this deadlock under load?', fileCount: 4 }), DEFAULT_SETTINGS);
    assert.equal(d.difficulty?.escalated, true);
    assert.equal(d.chosen?.id, 'claude-sonnet-5-5');
    assert.deepEqual(ids(d.fallbacks), ['gpt-6.1-sol', 'gpt-6-luna', 'claude-haiku-4-5']);
    assert.equal(verdict(d, 'claude-sonnet-5-5').source, 'escalation');
    assert.equal(verdict(d, 'gpt-6-luna').source, 'route');
    assert.match(d.explanation, /^chat → claude-sonnet-5-5 \(escalated: asks about "deadlock", 4 files\)$/);
  });

  it('honours mode never / always, the threshold and an explicit escalation list', () => {
    const hard = req('chat', { question: 'Prove this invariant holds', fileCount: 8 });
    assert.equal(routeRequest(hard, settingsWith({ 'chat.escalation': { mode: 'never' } })).chosen?.id, 'gpt-6-luna');
    const easy = req('chat', { question: 'what is x' });
    assert.equal(routeRequest(easy, settingsWith({ 'chat.escalation': { mode: 'always' } })).chosen?.id, 'claude-sonnet-5-5');
    const why = req('chat', { question: 'why is this slow?' });
    assert.equal(routeRequest(why, DEFAULT_SETTINGS).difficulty?.escalated, false);
    assert.equal(routeRequest(why, settingsWith({ 'chat.escalation': { threshold: 0.3 } })).difficulty?.escalated, true);
    const opus: ModelRef = { id: 'opus', provider: 'anthropic', model: 'claude-opus-5-5', tier: 'frontier', contextWindow: 1_000_000 };
    const explicit = settingsWith({ models: [opus], 'chat.escalation': { models: ['opus'] } });
    const d = routeRequest(hard, explicit);
    assert.equal(d.chosen?.id, 'opus');
    assert.deepEqual(ids(d.fallbacks), ['gpt-6-luna', 'claude-haiku-4-5']);
  });

  it('does not estimate difficulty for other tasks', () => {
    assert.equal(routeRequest(req('edit', { question: 'why?' }), DEFAULT_SETTINGS).difficulty, undefined);
  });
});

describe('routeRequest: constraints', () => {
  it('local-only privacy drops cloud models, naming where the code would go', () => {
    const s = settingsWith({ 'privacy.localOnly': true });
    const d = routeRequest(req('edit'), s);
    assert.equal(d.chosen, null);
    assert.equal(d.blockedBy, 'privacy');
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'local-only privacy: gpt-6-luna would send code to api.openai.com');
    assert.equal(verdict(d, 'claude-haiku-4-5').constraint, 'privacy');
    assert.match(d.explanation, /add a local \(Ollama\) model to switchboard\.models and to switchboard\.routes\.edit$/);
    // The FIM base model is not offered for edits.
    assert.ok(!d.candidates.some((c) => c.model.id === 'qwen2.5-coder:1.5b-base'));
  });

  it('local-only privacy moves to a local model from the model list when there is one', () => {
    const s = settingsWith({ 'privacy.localOnly': true, models: [LOCAL_CHAT] });
    const d = routeRequest(req('chat', { question: 'Why is the sky blue?', fileCount: 9 }), s);
    assert.equal(d.chosen?.id, 'local-chat');
    assert.equal(verdict(d, 'local-chat').source, 'degrade');
    assert.equal(verdict(d, 'local-chat').reason, 'local model (local-only privacy)');
    assert.equal(verdict(d, 'claude-sonnet-5-5').kept, false, 'escalation respects privacy too');
  });

  it('local-only judges by declaration, not label: a LAN server marked local passes, an openai-compatible cloud one does not', () => {
    const lan: ModelRef = {
      id: 'lan',
      provider: 'openai-compatible',
      model: 'qwen3-coder',
      tier: 'mid',
      contextWindow: 128_000,
      baseUrl: 'http://192.168.1.40:8000/v1',
      local: true,
    };
    const router: ModelRef = {
      id: 'router',
      provider: 'openai-compatible',
      model: 'anthropic/claude-sonnet-5-5',
      tier: 'local',
      contextWindow: 200_000,
      baseUrl: 'https://openrouter.ai/api/v1',
    };
    const s = settingsWith({ models: [lan, router], routes: { edit: ['router', 'lan'] } });
    const d = routeRequest(req('edit', { localOnly: true }), s);
    assert.equal(d.localOnly, true, 'the request can force local-only');
    assert.equal(d.chosen?.id, 'lan');
    assert.equal(verdict(d, 'router').reason, 'local-only privacy: router would send code to openrouter.ai');
  });

  it('keeps cloud models out of completion unless completion.allowCloudFallback is on', () => {
    const off = settingsWith({ routes: { completion: ['qwen2.5-coder:1.5b-base', 'gpt-6-luna'] } });
    const d = routeRequest(req('completion'), off);
    assert.deepEqual(ids(d.fallbacks), []);
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'gpt-6-luna is a cloud model and switchboard.completion.allowCloudFallback is off');
    const on = settingsWith({ routes: { completion: ['qwen2.5-coder:1.5b-base', 'gpt-6-luna'] }, 'completion.allowCloudFallback': true });
    assert.deepEqual(ids(routeRequest(req('completion'), on).fallbacks), ['gpt-6-luna']);
  });

  it('drops a model whose context window cannot hold the prompt plus the output', () => {
    const d = routeRequest(req('edit', { promptTokens: 250_000 }), DEFAULT_SETTINGS);
    const haiku = verdict(d, 'claude-haiku-4-5');
    assert.equal(haiku.kept, false);
    assert.equal(haiku.constraint, 'contextWindow');
    assert.equal(haiku.reason, '~250k prompt + 2.0k output tokens exceed its 200k context window');
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    // Boundary: exactly the window fits.
    const exact = routeRequest(req('edit', { promptTokens: 200_000 - 2048 }), DEFAULT_SETTINGS);
    assert.equal(verdict(exact, 'claude-haiku-4-5').kept, true);
    const over = routeRequest(req('edit', { promptTokens: 200_000 - 2047 }), DEFAULT_SETTINGS);
    assert.equal(verdict(over, 'claude-haiku-4-5').kept, false);
  });

  it('drops models over the per-request cap and moves down a tier within it', () => {
    const s = settingsWith({ 'budget.perRequestUsd': 0.05 });
    const budget = budgetConstraints(s.budget, NO_SPEND);
    // refactor, 100k prompt + 8192 output: frontier ≈ $0.282, gpt-6-luna ≈ $0.0141, haiku ≈ $0.141
    const d = routeRequest(req('refactor', { promptTokens: 100_000 }), s, { budget });
    assert.equal(verdict(d, 'claude-sonnet-5-5').reason, '~$0.282 is over the per-request cap of $0.050');
    assert.equal(verdict(d, 'gpt-6.1-sol').constraint, 'perRequestCost');
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'lower tier, within the budget');
    assert.equal(verdict(d, 'claude-haiku-4-5').kept, false);
    assert.deepEqual(ids(d.fallbacks), []);
  });

  it('applies a request cap tighter than the setting', () => {
    const d = routeRequest(req('edit', { maxCostUsd: 0.002 }), DEFAULT_SETTINGS);
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.equal(verdict(d, 'claude-haiku-4-5').constraint, 'perRequestCost');
  });

  it('drops models whose estimate is more than what is left of the daily budget', () => {
    const s = settingsWith({ 'budget.perDayUsd': 2 });
    const budget = budgetConstraints(s.budget, { ...NO_SPEND, allDayUsd: 1.995, allMonthUsd: 1.995 });
    const d = routeRequest(req('edit'), s, { budget });
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.equal(verdict(d, 'claude-haiku-4-5').reason, '~$0.012 is more than the $0.0050 left of the daily budget ($2.00)');
  });

  it('at 100% of the budget, cloud requests move down to a local tier, or stop', () => {
    const spent = { ...NO_SPEND, allDayUsd: 2.5, allMonthUsd: 2.5 };
    const stop = settingsWith({ 'budget.perDayUsd': 2 });
    const stopped = routeRequest(req('edit'), stop, { budget: budgetConstraints(stop.budget, spent) });
    assert.equal(stopped.chosen, null);
    assert.equal(stopped.blockedBy, 'budget');
    assert.equal(verdict(stopped, 'gpt-6-luna').reason, 'daily budget of $2.00 reached ($2.50 spent)');
    assert.match(stopped.explanation, /allow one request past the budget, or raise switchboard\.budget$/);

    const withLocal = settingsWith({ 'budget.perDayUsd': 2, models: [LOCAL_CHAT] });
    const moved = routeRequest(req('edit'), withLocal, { budget: budgetConstraints(withLocal.budget, spent) });
    assert.equal(moved.chosen?.id, 'local-chat');
    assert.equal(moved.estimatedCostUsd, 0);
  });

  it('the monthly cap binds when it leaves less than the daily one', () => {
    const s = settingsWith({ 'budget.perDayUsd': 5, 'budget.perMonthUsd': 20 });
    const budget = budgetConstraints(s.budget, { ...NO_SPEND, allDayUsd: 0, allMonthUsd: 20 });
    const d = routeRequest(req('edit'), s, { budget });
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'monthly budget of $20.00 reached ($20.00 spent)');
  });

  it('a one-time override lets a request past the caps, and says so', () => {
    const s = settingsWith({ 'budget.perDayUsd': 2 });
    const budget = budgetConstraints(s.budget, { ...NO_SPEND, allDayUsd: 2.5, allMonthUsd: 2.5 }, true);
    const d = routeRequest(req('edit'), s, { budget });
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.equal(d.budgetOverrideUsed, true);
    const free = routeRequest(req('edit'), s, { budget: { ...budget, remainingUsd: 1 } });
    assert.equal(free.budgetOverrideUsed, false, 'an override not needed is not spent');
  });

  it('drops a cloud model with no known price while a cap is set, and keeps it (cost unknown) otherwise', () => {
    const astra: ModelRef = { id: 'astra', provider: 'openai', model: 'gpt-6-astra', tier: 'frontier', contextWindow: 1_000_000 };
    const capped = settingsWith({ models: [astra], routes: { refactor: ['astra', 'claude-sonnet-5-5'] }, 'budget.perRequestUsd': 5 });
    const d = routeRequest(req('refactor'), capped, { budget: budgetConstraints(capped.budget, NO_SPEND) });
    assert.equal(verdict(d, 'astra').constraint, 'unknownPrice');
    assert.equal(
      verdict(d, 'astra').reason,
      'no price known for gpt-6-astra — add "price" to it in switchboard.models to use it under a budget',
    );
    assert.equal(d.chosen?.id, 'claude-sonnet-5-5');
    const uncapped = settingsWith({ models: [astra], routes: { refactor: ['astra'] } });
    const u = routeRequest(req('refactor'), uncapped);
    assert.equal(u.chosen?.id, 'astra');
    assert.equal(u.estimatedCostUsd, null);
    const priced = settingsWith({
      models: [{ ...astra, price: { input: 1, output: 1 } }],
      routes: { refactor: ['astra'] },
      'budget.perRequestUsd': 5,
    });
    assert.equal(routeRequest(req('refactor'), priced, { budget: budgetConstraints(priced.budget, NO_SPEND) }).chosen?.id, 'astra');
  });

  it('drops a model that is cooling down, with the failure and when it may be retried', () => {
    const health = healthOf({ 'gpt-6-luna': { state: 'open', retryInMs: 11_200, lastFailure: 'overloaded' } });
    const d = routeRequest(req('edit'), DEFAULT_SETTINGS, { health });
    assert.equal(d.chosen?.id, 'claude-haiku-4-5');
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'cooling down after an overload (retry in 12 s)');
    assert.equal(d.explanation, 'edit → claude-haiku-4-5 (gpt-6-luna: cooling down after an overload (retry in 12 s))');
  });

  it('tries a half-open model as a probe, unless a probe is already out', () => {
    const probing = routeRequest(req('edit'), DEFAULT_SETTINGS, {
      health: healthOf({ 'gpt-6-luna': { state: 'halfOpen', retryInMs: 0, lastFailure: 'server' } }),
    });
    assert.equal(probing.chosen?.id, 'gpt-6-luna');
    assert.equal(verdict(probing, 'gpt-6-luna').reason, 'listed in switchboard.routes.edit; probing after a cooldown');
    const busy = routeRequest(req('edit'), DEFAULT_SETTINGS, {
      health: healthOf({ 'gpt-6-luna': { state: 'halfOpen', retryInMs: 0, probeInFlight: true } }),
    });
    assert.equal(busy.chosen?.id, 'claude-haiku-4-5');
    assert.equal(verdict(busy, 'gpt-6-luna').reason, 'recovering: a probe request is already under way');
  });

  it('drops a model whose observed p50 latency is over the budget, but takes a slow answer over none', () => {
    const health = healthOf({}, { 'gpt-6-luna/edit': 12_500 });
    const d = routeRequest(req('edit'), DEFAULT_SETTINGS, { health });
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'typical first token 12500 ms is over the 10000 ms latency budget');
    assert.equal(d.chosen?.id, 'claude-haiku-4-5');
    const tight = routeRequest(req('edit', { latencyBudgetMs: 100 }), DEFAULT_SETTINGS, {
      health: healthOf({}, { 'gpt-6-luna/edit': 900, 'claude-haiku-4-5/edit': 700 }),
    });
    assert.equal(tight.chosen?.id, 'gpt-6-luna');
    assert.equal(
      verdict(tight, 'gpt-6-luna').reason,
      'typical first token 900 ms is over the 100 ms latency budget, but nothing faster is available',
    );
    assert.deepEqual(ids(tight.fallbacks), ['claude-haiku-4-5']);
    const none = routeRequest(req('edit'), settingsWith({ latencyBudgetMs: { edit: 0 } }), { health });
    assert.equal(none.chosen?.id, 'gpt-6-luna', 'a 0 budget means no limit');
  });

  it('latency for another task does not count', () => {
    const d = routeRequest(req('edit'), DEFAULT_SETTINGS, { health: healthOf({}, { 'gpt-6-luna/chat': 99_000 }) });
    assert.equal(d.chosen?.id, 'gpt-6-luna');
  });

  it('checks privacy before anything else, so the reason shown is the one that matters', () => {
    const s = settingsWith({ 'privacy.localOnly': true });
    const d = routeRequest(req('edit', { promptTokens: 10_000_000 }), s, {
      health: healthOf({ 'gpt-6-luna': { state: 'open', retryInMs: 1000 } }),
    });
    assert.equal(verdict(d, 'gpt-6-luna').constraint, 'privacy');
  });
});

describe('routeRequest: cross-tier degrade', () => {
  const allFrontierDown = healthOf({
    'claude-sonnet-5-5': { state: 'open', retryInMs: 30_000, lastFailure: 'overloaded' },
    'gpt-6.1-sol': { state: 'open', retryInMs: 5_000, lastFailure: 'rateLimit' },
  });

  it('stops when the whole tier is down and degrading is off', () => {
    const d = routeRequest(req('refactor'), DEFAULT_SETTINGS, { health: allFrontierDown });
    assert.equal(d.chosen, null);
    assert.equal(d.blockedBy, 'health');
    assert.match(
      d.explanation,
      /^no model can take this refactor: claude-sonnet-5-5: cooling down after an overload \(retry in 30 s\); gpt-6\.1-sol: cooling down after a rate limit \(retry in 5 s\) — every model is cooling down/,
    );
  });

  it('moves down tier by tier with switchboard.fallback.degradeTier, skipping FIM-only models', () => {
    const s = settingsWith({ 'fallback.degradeTier': true, models: [LOCAL_CHAT] });
    const d = routeRequest(req('refactor'), s, { health: allFrontierDown });
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.deepEqual(ids(d.fallbacks), ['claude-haiku-4-5', 'local-chat']);
    for (const id of ['gpt-6-luna', 'claude-haiku-4-5', 'local-chat']) {
      assert.equal(verdict(d, id).source, 'degrade');
      assert.equal(verdict(d, id).reason, 'lower tier (switchboard.fallback.degradeTier)');
    }
    assert.ok(!d.candidates.some((c) => c.model.id === 'qwen2.5-coder:1.5b-base'));
  });

  it('with degrading on, lower tiers are in the chain even when the route is healthy', () => {
    const s = settingsWith({ 'fallback.degradeTier': true });
    const d = routeRequest(req('refactor'), s);
    assert.equal(d.chosen?.id, 'claude-sonnet-5-5');
    assert.deepEqual(ids(d.fallbacks), ['gpt-6.1-sol', 'gpt-6-luna', 'claude-haiku-4-5']);
  });

  it('never degrades a completion to a chat model', () => {
    const s = settingsWith({ 'fallback.degradeTier': true, models: [LOCAL_CHAT] });
    const d = routeRequest(req('completion'), s, { health: healthOf({ 'qwen2.5-coder:1.5b-base': { state: 'open', retryInMs: 1000 } }) });
    assert.equal(d.chosen, null);
    assert.deepEqual(ids(d.candidates.map((c) => c.model)), ['qwen2.5-coder:1.5b-base']);
  });
});

describe('routeRequest: caching', () => {
  it('a new snapshot is routed on its own terms (no stale compiled table)', () => {
    const a = settingsWith({ routes: { edit: ['claude-haiku-4-5'] } });
    const b = settingsWith({ routes: { edit: ['gpt-6-luna'] } });
    assert.equal(routeRequest(req('edit'), a).chosen?.id, 'claude-haiku-4-5');
    assert.equal(routeRequest(req('edit'), b).chosen?.id, 'gpt-6-luna');
    assert.equal(routeRequest(req('edit'), a).chosen?.id, 'claude-haiku-4-5');
  });

  it('every default model has a price (local ones free)', () => {
    for (const m of DEFAULT_MODELS) {
      const s = settingsWith({ routes: { edit: [m.id] } });
      const d = routeRequest(req('edit'), s);
      assert.notEqual(d.estimatedCostUsd, null, m.id);
    }
  });
});
