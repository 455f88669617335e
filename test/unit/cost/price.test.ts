import assert from 'node:assert/strict';
import type { ModelRef, Usage } from '../../../src/core/types';
import type { ResolvedPrice } from '../../../src/core/cost/price';
import { BUNDLED_PRICES, costOfUsage, estimateCost, priceOf, priceTableEntry } from '../../../src/core/cost/price';

const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...u });
const model = (provider: ModelRef['provider'], name: string, extra: Partial<ModelRef> = {}): ModelRef => ({
  id: name,
  provider,
  model: name,
  tier: 'mid',
  contextWindow: 100_000,
  ...extra,
});
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≈ ${expected}`);
const tablePrice = (provider: ModelRef['provider'], name: string): ResolvedPrice => {
  const p = priceOf(model(provider, name), false);
  assert.ok(p, `${name} is priced`);
  return p;
};

describe('price table', () => {
  it('is dated and cites its sources', () => {
    assert.match(BUNDLED_PRICES.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Object.keys(BUNDLED_PRICES.models).length >= 10);
  });

  it('has sane rates: cache reads cheaper than input, output dearer than input, long-prompt bands dearer', () => {
    for (const [name, e] of Object.entries(BUNDLED_PRICES.models)) {
      assert.ok(e.input > 0 && e.output > e.input, name);
      if (e.cachedInput !== undefined) assert.ok(e.cachedInput < e.input, `${name} cachedInput`);
      if (e.cacheWrite !== undefined) assert.ok(e.cacheWrite >= e.input, `${name} cacheWrite`);
      if (e.longPrompt)
        assert.ok(e.longPrompt.input > e.input && e.longPrompt.output >= e.output && e.longPrompt.aboveTokens > 0, `${name} longPrompt`);
      if (e.retires) assert.match(e.retires, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('matches dated snapshot ids and router prefixes, only for the right vendor', () => {
    assert.equal(priceTableEntry(model('anthropic', 'claude-haiku-4-5-20251001'))?.input, 1);
    assert.equal(priceTableEntry(model('openai', 'gpt-4.1-mini-2025-04-14'))?.input, 0.4);
    assert.equal(priceTableEntry(model('openai-compatible', 'anthropic/claude-sonnet-5-5'))?.output, 10);
    assert.equal(priceTableEntry(model('openai', 'claude-sonnet-5-5')), undefined, 'an Anthropic price is not an OpenAI one');
    assert.equal(priceTableEntry(model('ollama', 'gpt-6-luna')), undefined, 'a local model is never priced from the table');
    assert.equal(priceTableEntry(model('openai', 'gpt-6-astra')), undefined);
  });
});

describe('priceOf', () => {
  it('a price in settings wins over the table', () => {
    const p = priceOf(model('anthropic', 'claude-sonnet-5-5', { price: { input: 1, output: 2 } }), false);
    assert.deepEqual(p, { source: 'settings', input: 1, output: 2 });
  });

  it('a local endpoint is free, an unknown cloud model has no price', () => {
    assert.equal(priceOf(model('ollama', 'qwen2.5-coder:1.5b-base'), true)?.output, 0);
    assert.equal(priceOf(model('openai-compatible', 'claude-sonnet-5-5'), true)?.source, 'local');
    assert.equal(priceOf(model('openai', 'gpt-6-astra'), false), null);
  });
});

describe('costOfUsage (hand-computed)', () => {
  it('Anthropic: input, cache reads, cache writes and output are disjoint counts', () => {
    // claude-sonnet-5-5: $2 in, $0.10 cache read, $2.50 cache write, $10 out per 1M
    // 1,000×2 + 20,000×0.10 + 5,000×2.50 + 800×10 = 2,000 + 2,000 + 12,500 + 8,000 = 24,500 µ$ = $0.0245
    near(
      costOfUsage(
        usage({ inputTokens: 1000, cacheReadTokens: 20_000, cacheWriteTokens: 5000, outputTokens: 800 }),
        tablePrice('anthropic', 'claude-sonnet-5-5'),
      ),
      0.0245,
    );
    // claude-haiku-4-5: $1 / $0.10 / $1.25 / $5 — 3,000 + 0 + 0 + 1,000×5
    near(costOfUsage(usage({ inputTokens: 3000, outputTokens: 1000 }), tablePrice('anthropic', 'claude-haiku-4-5')), 0.008);
  });

  it('OpenAI: the provider subtracts cached tokens from prompt_tokens; pricing does not subtract again', () => {
    // Raw OpenAI usage: prompt_tokens 10,000 of which cached_tokens 8,000; completion_tokens 500.
    // Normalised by the provider layer: inputTokens = 10,000 − 8,000 = 2,000; cacheReadTokens = 8,000.
    // gpt-6-luna: $0.10 in, $0.01 cached, $0.50 out → 2,000×0.10 + 8,000×0.01 + 500×0.50 = 200 + 80 + 250 = 530 µ$
    const normalised = usage({ inputTokens: 10_000 - 8_000, cacheReadTokens: 8_000, outputTokens: 500 });
    near(costOfUsage(normalised, tablePrice('openai', 'gpt-6-luna')), 0.00053);
    // Had the provider passed prompt_tokens through unchanged, cached tokens would be billed twice:
    const doubleCounted = usage({ inputTokens: 10_000, cacheReadTokens: 8_000, outputTokens: 500 });
    near(costOfUsage(doubleCounted, tablePrice('openai', 'gpt-6-luna')), 0.00133);
  });

  it('OpenAI without a cache-write rate bills cache writes as input', () => {
    // gpt-4.1-mini: $0.40 in, $0.10 cached, $1.60 out; 1,000 written to cache → 1,000×0.40
    near(
      costOfUsage(
        usage({ inputTokens: 1000, cacheWriteTokens: 1000, cacheReadTokens: 4000, outputTokens: 100 }),
        tablePrice('openai', 'gpt-4.1-mini'),
      ),
      (400 + 400 + 400 + 160) / 1e6,
    );
  });

  it('a price with no cached rate bills cache reads as input', () => {
    const p: ResolvedPrice = { source: 'settings', input: 3, output: 6 };
    near(costOfUsage(usage({ inputTokens: 100, cacheReadTokens: 100, outputTokens: 100 }), p), (300 + 300 + 600) / 1e6);
  });

  it('long prompts switch the whole request to the higher band (strictly above the threshold)', () => {
    const haiku = tablePrice('anthropic', 'claude-haiku-5-5');
    // 100,000 prompt tokens: base band $0.10 / $0.50 → 10,000 + 1,000×0.50 = 10,500 µ$
    near(costOfUsage(usage({ inputTokens: 100_000, outputTokens: 1000 }), haiku), 0.0105);
    // 150,000 (of which 50,000 cache reads): long band $0.50 in, $0.05 cached, $2.50 out
    // 100,000×0.50 + 50,000×0.05 + 1,000×2.50 = 50,000 + 2,500 + 2,500 = 55,000 µ$
    near(costOfUsage(usage({ inputTokens: 100_000, cacheReadTokens: 50_000, outputTokens: 1000 }), haiku), 0.055);
    // gpt-6.1-sol above 272k: $4 in, $15 out
    near(costOfUsage(usage({ inputTokens: 300_000, outputTokens: 2000 }), tablePrice('openai', 'gpt-6.1-sol')), (1_200_000 + 30_000) / 1e6);
  });

  it('local models cost nothing', () => {
    assert.equal(costOfUsage(usage({ inputTokens: 50_000, outputTokens: 9_000 }), priceOf(model('ollama', 'qwen2.5-coder:7b'), true)!), 0);
  });
});

describe('estimateCost', () => {
  it('estimates with every prompt token uncached', () => {
    near(estimateCost(100_000, 8192, tablePrice('anthropic', 'claude-sonnet-5-5')), 0.2 + 0.08192);
    near(estimateCost(300_000, 1000, tablePrice('openai', 'gpt-6-luna')), (300_000 * 0.2 + 1000 * 0.75) / 1e6);
  });
});
