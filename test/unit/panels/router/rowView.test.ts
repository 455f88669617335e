import assert from 'node:assert/strict';
import { MAX_REASON, MAX_TEXT, clip, toRowView } from '../../../../src/panels/router/rowView';
import { makeDecision, modelSummary } from '../../../support/syntheticDecisions';

const T = new Date(2026, 10, 25, 14, 30).getTime();

describe('toRowView', () => {
  it('files the row under the model that answered and keeps the router’s first choice beside it', () => {
    const sonnet = modelSummary('claude-sonnet-5-5', 'frontier');
    const sol = modelSummary('gpt-6.1-sol', 'frontier');
    const row = toRowView(
      makeDecision({
        id: 'r1',
        time: T,
        task: 'refactor',
        language: 'typescript',
        chosen: sonnet,
        answeredBy: sol,
        candidates: [
          { id: 'claude-opus-5', tier: 'frontier', source: 'route', kept: false, reason: '~$0.41 is over the per-request cap of $0.25' },
          { id: 'claude-sonnet-5-5', tier: 'frontier', source: 'route', kept: true, reason: 'first in route' },
          { id: 'gpt-6.1-sol', tier: 'frontier', source: 'route', kept: true, reason: 'fallback' },
          { id: 'qwen', tier: 'local', source: 'degrade', kept: false, reason: '~180k prompt tokens exceed its 32k context window' },
        ],
        hops: [{ from: 'claude-sonnet-5-5', to: 'gpt-6.1-sol', kind: 'overloaded', text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol' }],
        usage: { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 800, cacheWriteTokens: 0 },
        costUsd: 0.0123,
        ttftMs: 640,
        totalMs: 5120,
        outcome: 'accepted',
        servedModel: 'gpt-6.1-sol-2026-09-29',
        modelVersion: 'gpt-6.1-sol-2026-09-29',
      }),
    );
    assert.equal(row.model, 'gpt-6.1-sol');
    assert.equal(row.tier, 'frontier');
    assert.equal(row.chosen, 'claude-sonnet-5-5');
    assert.equal(row.dropped, 2);
    assert.deepEqual(
      row.candidates.map((c) => [c.id, c.kept, c.source]),
      [
        ['claude-opus-5', false, 'route'],
        ['claude-sonnet-5-5', true, 'route'],
        ['gpt-6.1-sol', true, 'route'],
        ['qwen', false, 'degrade'],
      ],
    );
    assert.equal(row.candidates[0].reason, '~$0.41 is over the per-request cap of $0.25');
    assert.deepEqual(row.hops, [
      { from: 'claude-sonnet-5-5', to: 'gpt-6.1-sol', kind: 'overloaded', text: 'claude-sonnet-5-5 overloaded → gpt-6.1-sol' },
    ]);
    assert.equal(row.inputTokens, 1200);
    assert.equal(row.cacheReadTokens, 800);
    assert.equal(row.costUsd, 0.0123);
    assert.equal(row.ttftMs, 640);
    assert.equal(row.totalMs, 5120);
    assert.equal(row.language, 'typescript');
    assert.equal(row.modelVersion, 'gpt-6.1-sol-2026-09-29');
    assert.equal(row.error, null);
    assert.equal(row.local, false);
  });

  it('shows a failed request with no answering model under the chosen one, with nulls for what never happened', () => {
    const qwen = modelSummary('qwen', 'local');
    const row = toRowView(
      makeDecision({
        id: 'r2',
        time: T,
        chosen: qwen,
        answeredBy: null,
        usage: null,
        costUsd: 0,
        ttftMs: null,
        totalMs: null,
        outcome: 'error',
        error: 'Ollama is not running',
      }),
    );
    assert.equal(row.model, 'qwen');
    assert.equal(row.tier, 'local');
    assert.equal(row.local, true);
    assert.equal(row.inputTokens, null);
    assert.equal(row.outputTokens, null);
    assert.equal(row.ttftMs, null);
    assert.equal(row.error, 'Ollama is not running');
    assert.equal(row.outcome, 'error');
  });

  it('handles a decision where no candidate survived', () => {
    const row = toRowView(
      makeDecision({
        id: 'r3',
        time: T,
        chosen: null,
        answeredBy: null,
        candidates: [{ id: 'gpt-6-luna', tier: 'mid', source: 'route', kept: false, reason: 'local-only privacy' }],
      }),
    );
    assert.equal(row.model, null);
    assert.equal(row.tier, null);
    assert.equal(row.chosen, null);
    assert.equal(row.dropped, 1);
  });

  it('clips very long text so one record cannot bloat a page', () => {
    const long = 'x'.repeat(MAX_TEXT * 3);
    const row = toRowView(
      makeDecision({
        id: 'r4',
        time: T,
        explanation: long,
        error: long,
        candidates: [{ id: 'm', tier: 'mid', source: 'route', kept: false, reason: long }],
      }),
    );
    assert.equal(row.explanation.length, MAX_TEXT);
    assert.ok(row.explanation.endsWith('…'));
    assert.equal(row.error?.length, MAX_TEXT);
    assert.equal(row.candidates[0].reason.length, MAX_REASON);
    assert.equal(clip('short', 10), 'short');
    assert.equal(clip('abcdef', 4), 'abc…');
  });
});
