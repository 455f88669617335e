import assert from 'node:assert/strict';
import type { FrontierReference } from '../../../../src/panels/router/costSummary';
import type { CostSummary } from '../../../../src/shared/routerPanelData';
import { SpendAccumulator, dayKeysEndingAt, pickFrontierReference } from '../../../../src/panels/router/costSummary';
import { BUNDLED_PRICES, priceOf } from '../../../../src/core/cost/price';
import type { DecisionRecord } from '../../../../src/core/router/decision';
import { DEFAULT_SETTING_VALUES, snapshotFromValues } from '../../../../src/core/settings/schema';
import { makeDecision, modelSummary } from '../../../support/syntheticDecisions';

const at = (month: number, day: number, hour: number) => new Date(2026, month - 1, day, hour).getTime();
const NOW = at(11, 25, 15);
const luna = modelSummary('gpt-6-luna', 'mid');
const haiku = modelSummary('claude-haiku-4-5', 'mid');
const sonnet = modelSummary('claude-sonnet-5-5', 'frontier');
const qwen = modelSummary('qwen', 'local');
/** $3 in / $15 out per million tokens. */
const FRONTIER: FrontierReference = { model: 'claude-sonnet-5-5', price: { source: 'settings', input: 3, output: 15 } };

function usage(inputTokens: number, outputTokens: number) {
  return { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

function ledger(): DecisionRecord[] {
  return [
    makeDecision({
      id: '1',
      time: at(11, 25, 10),
      workspace: '/ws/one',
      chosen: luna,
      answeredBy: luna,
      usage: usage(1000, 500),
      costUsd: 0.002,
    }),
    makeDecision({
      id: '2',
      time: at(11, 25, 11),
      workspace: '/ws/two',
      chosen: sonnet,
      answeredBy: sonnet,
      usage: usage(2000, 1000),
      costUsd: 0.021,
    }),
    makeDecision({
      id: '3',
      time: at(11, 24, 9),
      workspace: '/ws/one',
      chosen: qwen,
      answeredBy: qwen,
      usage: usage(500, 20),
      costUsd: 0,
      totalMs: 300,
    }),
    makeDecision({
      id: '4',
      time: at(11, 23, 9),
      workspace: '/ws/one',
      chosen: haiku,
      answeredBy: haiku,
      usage: usage(100, 100),
      costUsd: null,
    }),
    makeDecision({ id: '5', time: at(11, 1, 9), workspace: '/ws/one', chosen: luna, answeredBy: luna, costUsd: 0.5 }),
    makeDecision({ id: '6', time: at(10, 31, 9), workspace: '/ws/one', chosen: sonnet, answeredBy: sonnet, costUsd: 1.0 }),
    makeDecision({
      id: '7',
      time: at(11, 25, 12),
      workspace: '/ws/one',
      chosen: luna,
      answeredBy: null,
      usage: null,
      costUsd: 0,
      outcome: 'error',
    }),
  ];
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

function summarise(split: 'tier' | 'model', maxSeries?: number): CostSummary {
  return SpendAccumulator.fromRecords(ledger(), FRONTIER).summarise({
    now: NOW,
    workspace: '/ws/one',
    split,
    windowDays: 3,
    maxSeries,
    budget: { perDayUsd: 0.05, perMonthUsd: 1, spendScope: { day: 'all', month: 'workspace' } },
  });
}

describe('cost summary', () => {
  it('totals today, this month, all time, and this workspace', () => {
    const s = summarise('tier');
    assert.equal(s.today, '2026-11-25');
    assert.equal(s.month, '2026-11');
    near(s.totals.todayUsd, 0.023, 'today');
    near(s.totals.monthUsd, 0.523, 'month');
    near(s.totals.allTimeUsd, 1.523, 'all time');
    near(s.totals.workspaceTodayUsd, 0.002, 'workspace today');
    near(s.totals.workspaceMonthUsd, 0.502, 'workspace month');
    near(s.totals.workspaceAllTimeUsd, 1.502, 'workspace all time');
    assert.equal(s.totals.requestsToday, 3);
    assert.equal(s.totals.unpricedRequests, 1);
    assert.equal(s.totals.localMs, 300);
    assert.equal(s.totals.localRequests, 1);
  });

  it('splits the window by tier, in tier order, with a gap-free day axis', () => {
    const s = summarise('tier');
    assert.deepEqual(s.days, ['2026-11-23', '2026-11-24', '2026-11-25']);
    assert.deepEqual(
      s.series.map((x) => [x.key, x.requests]),
      [
        ['local', 1],
        ['mid', 3],
        ['frontier', 1],
      ],
    );
    const mid = s.series.find((x) => x.key === 'mid')!;
    near(mid.perDayUsd[2], 0.002, 'mid today');
    assert.deepEqual(mid.perDayUsd.slice(0, 2), [0, 0]);
    near(s.series.find((x) => x.key === 'frontier')!.perDayUsd[2], 0.021, 'frontier today');
    near(s.maxDayUsd, 0.023, 'max day');
  });

  it('splits by model, biggest first, folding the tail into "other"', () => {
    const all = summarise('model', 8);
    assert.deepEqual(
      all.series.map((x) => x.key),
      ['claude-sonnet-5-5', 'gpt-6-luna', 'claude-haiku-4-5', 'qwen'],
    );
    assert.equal(all.series[0].tier, 'frontier');
    const folded = summarise('model', 3);
    assert.deepEqual(
      folded.series.map((x) => [x.key, x.folded, x.requests]),
      [
        ['claude-sonnet-5-5', 0, 1],
        ['gpt-6-luna', 0, 2],
        ['other', 2, 2],
      ],
    );
    near(folded.series[1].totalUsd, 0.002, 'luna total');
  });

  it('prices the same usage at the frontier reference: what routing saved', () => {
    const cf = summarise('tier').counterfactual!;
    assert.equal(cf.referenceModel, 'claude-sonnet-5-5');
    // (1000·3 + 500·15)/1e6 + (2000·3 + 1000·15)/1e6 + (500·3 + 20·15)/1e6 = 0.0105 + 0.021 + 0.0018
    near(cf.frontierUsd, 0.0333, 'frontier');
    near(cf.actualUsd, 0.023, 'actual');
    near(cf.savedUsd, 0.0103, 'saved');
    assert.equal(cf.requests, 3, 'unpriced and usage-less requests are left out');
  });

  it('has no counterfactual without a reference model', () => {
    const s = SpendAccumulator.fromRecords(ledger(), null).summarise({
      now: NOW,
      workspace: null,
      split: 'tier',
      budget: { perDayUsd: 0, perMonthUsd: 0, spendScope: { day: 'all', month: 'all' } },
    });
    assert.equal(s.counterfactual, null);
    assert.deepEqual(s.budgets, []);
    assert.equal(s.days.length, 30);
  });

  it('fills budget bars from the spend each cap counts', () => {
    const [day, month] = summarise('tier').budgets;
    assert.equal(day.period, 'day');
    assert.equal(day.scope, 'all');
    near(day.spentUsd, 0.023, 'day spent');
    near(day.fraction, 0.46, 'day fraction');
    assert.equal(month.period, 'month');
    assert.equal(month.scope, 'workspace');
    near(month.spentUsd, 0.502, 'month spent');
    near(month.fraction, 0.502, 'month fraction');
  });

  it('adds live decisions incrementally with the same result as a rebuild', () => {
    const records = ledger();
    const acc = SpendAccumulator.fromRecords(records.slice(0, 3), FRONTIER);
    for (const r of records.slice(3)) acc.add(r);
    const opts = {
      now: NOW,
      workspace: '/ws/one',
      split: 'model' as const,
      windowDays: 3,
      budget: { perDayUsd: 0, perMonthUsd: 0, spendScope: { day: 'all' as const, month: 'all' as const } },
    };
    assert.deepEqual(acc.summarise(opts), SpendAccumulator.fromRecords(records, FRONTIER).summarise(opts));
  });

  it('builds day keys across a month end', () => {
    assert.deepEqual(dayKeysEndingAt(new Date(2026, 2, 2, 8).getTime(), 3), ['2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('picks the refactor route’s first priced cloud frontier model as the reference', () => {
    const settings = snapshotFromValues(DEFAULT_SETTING_VALUES);
    const ref = pickFrontierReference(settings);
    assert.equal(ref?.model, 'claude-sonnet-5-5');
    const sonnetRef = settings.models.find((m) => m.id === 'claude-sonnet-5-5')!;
    assert.deepEqual(ref?.price, priceOf(sonnetRef, false, BUNDLED_PRICES));
    const localFirst = {
      ...settings,
      models: [
        ...settings.models,
        { id: 'big-local', provider: 'ollama' as const, model: 'llama4:400b', tier: 'frontier' as const, contextWindow: 128_000 },
      ],
      routes: { ...settings.routes, refactor: ['big-local', 'gpt-6.1-sol'] },
    };
    assert.equal(pickFrontierReference(localFirst)?.model, 'gpt-6.1-sol', 'a free local model says nothing about frontier prices');
    const none = { ...settings, models: settings.models.filter((m) => m.tier !== 'frontier') };
    assert.equal(pickFrontierReference(none), null);
  });

  it('takes a cloud frontier model behind a local endpoint (a proxy) as the reference, as the ledger prices it', () => {
    const settings = snapshotFromValues(DEFAULT_SETTING_VALUES);
    const proxied = { ...settings, endpoints: { ...settings.endpoints, anthropic: 'http://127.0.0.1:4000' } };
    const listPriced = pickFrontierReference(proxied);
    assert.equal(listPriced?.model, 'claude-sonnet-5-5', 'a cloud model behind a loopback proxy costs its list price');
    assert.equal(listPriced?.price.source, 'table');
    const declared = {
      ...proxied,
      models: proxied.models.map((m) => (m.id === 'claude-sonnet-5-5' ? { ...m, local: true } : m)),
    };
    assert.equal(
      pickFrontierReference(declared)?.model,
      'gpt-6.1-sol',
      'declared local with no price of its own: free, so not a reference',
    );
    const priced = {
      ...declared,
      models: declared.models.map((m) => (m.id === 'claude-sonnet-5-5' ? { ...m, price: { input: 3, output: 15 } } : m)),
    };
    const ref = pickFrontierReference(priced);
    assert.equal(ref?.model, 'claude-sonnet-5-5');
    assert.deepEqual(ref?.price, { source: 'settings', input: 3, output: 15 });
  });

  it('counts only free requests as answered by local models', () => {
    const proxiedSonnet = modelSummary('claude-sonnet-5-5', 'frontier', true);
    const acc = new SpendAccumulator(null);
    acc.add(
      makeDecision({ id: 'a', time: at(11, 25, 10), chosen: qwen, answeredBy: qwen, usage: usage(500, 20), costUsd: 0, totalMs: 300 }),
    );
    acc.add(
      makeDecision({
        id: 'b',
        time: at(11, 25, 11),
        chosen: proxiedSonnet,
        answeredBy: proxiedSonnet,
        usage: usage(2000, 200),
        costUsd: 0.009,
        totalMs: 40,
      }),
    );
    const s = acc.summarise({
      now: NOW,
      workspace: null,
      split: 'tier',
      windowDays: 3,
      budget: { perDayUsd: 0, perMonthUsd: 0, spendScope: { day: 'all', month: 'all' } },
    });
    assert.equal(s.totals.localRequests, 1);
    assert.equal(s.totals.localMs, 300);
  });
});
