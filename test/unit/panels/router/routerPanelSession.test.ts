import assert from 'node:assert/strict';
import type { RouterPanelEnvironment } from '../../../../src/panels/router/routerPanelSession';
import { RouterPanelSession } from '../../../../src/panels/router/routerPanelSession';
import type { RouterHostMessage, RouterHostMessageOf } from '../../../../src/shared/routerProtocol';
import { DEFAULT_PAGE_LIMIT } from '../../../../src/shared/routerProtocol';
import type { PairwiseVote } from '../../../../src/core/ratings/blinding';
import { makeDecision, makeOutcome, modelSummary, syntheticLedger } from '../../../support/syntheticDecisions';

const NOW = new Date(2026, 10, 25, 15).getTime();
const qwen = modelSummary('qwen', 'local');

function env(overrides: Partial<RouterPanelEnvironment> = {}): RouterPanelEnvironment {
  return {
    now: () => NOW,
    workspace: '/home/dev/shop',
    budget: { perRequestUsd: 0, perDayUsd: 5, perMonthUsd: 0, spendScope: { day: 'all', month: 'all' } },
    routes: {
      completion: ['qwen2.5-coder:1.5b-base'],
      edit: ['gpt-6-luna', 'claude-haiku-4-5'],
      refactor: ['claude-sonnet-5-5'],
      chat: ['gpt-6-luna'],
    },
    autoApply: false,
    frontier: { model: 'claude-sonnet-5-5', price: { source: 'table', input: 3, output: 15 } },
    windowDays: 14,
    ...overrides,
  };
}

function only<T extends RouterHostMessage['type']>(messages: RouterHostMessage[] | undefined, type: T): RouterHostMessageOf<T> {
  assert.ok(messages, 'expected an answer');
  const found = messages.filter((m) => m.type === type);
  assert.equal(found.length, 1, `expected one ${type} in ${messages.map((m) => m.type).join(', ')}`);
  return found[0] as RouterHostMessageOf<T>;
}

describe('RouterPanelSession', () => {
  const ledger = syntheticLedger({ count: 2000, seed: 3, now: NOW, days: 20 });

  it('answers ready with a full snapshot: first page newest first, options, cost, feel', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const init = only(session.answer({ type: 'ready' }), 'init');
    assert.equal(init.state.page.total, 2000);
    assert.equal(init.state.page.rows.length, DEFAULT_PAGE_LIMIT);
    assert.equal(init.state.page.rows[0].id, 'd0001999');
    assert.ok(init.state.page.rows.every((r, i, rows) => i === 0 || rows[i - 1].time >= r.time));
    assert.equal(init.state.cost.days.length, 14);
    assert.ok(init.state.cost.series.length > 0);
    assert.ok(init.state.acceptance.byModel.length > 0);
    assert.equal(init.state.proposals.length, 4);
    assert.deepEqual(init.state.drift.map((d) => d.model).sort(), ['claude-sonnet-5-5', 'qwen2.5-coder:1.5b-base']);
  });

  it('applies a filter, pages within it, and reports the filter back', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const page = only(session.answer({ type: 'setFilter', id: 'f1', filter: { task: 'chat', workspace: null } }), 'page');
    assert.equal(page.replyTo, 'f1');
    assert.deepEqual(page.filter, { task: 'chat', workspace: null });
    const want = ledger.filter((r) => r.task === 'chat' && r.workspace === null).length;
    assert.equal(page.total, want);
    assert.ok(page.rows.every((r) => r.task === 'chat' && r.workspace === null));
    const next = only(session.answer({ type: 'requestPage', id: 'p2', offset: 10, limit: 5 }), 'page');
    assert.equal(next.offset, 10);
    assert.deepEqual(
      next.rows.map((r) => r.id),
      page.rows.slice(10, 15).map((r) => r.id),
    );
  });

  it('switches the cost split', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const cost = only(session.answer({ type: 'setCostSplit', id: 's', split: 'model' }), 'cost');
    assert.equal(cost.summary.split, 'model');
    assert.ok(cost.summary.series.some((s) => s.key === 'gpt-6-luna'));
    assert.equal(session.costSplit, 'model');
  });

  it('leaves export, vote, applyProposal and setAutoApply to the host', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    assert.equal(session.answer({ type: 'export', id: 'e', format: 'csv' }), undefined);
    assert.equal(session.answer({ type: 'vote', id: 'v', comparisonId: 'c', choice: 'a', tags: [] }), undefined);
    assert.equal(session.answer({ type: 'applyProposal', id: 'a', task: 'edit' }), undefined);
    assert.equal(session.answer({ type: 'setAutoApply', id: 'x', enabled: true }), undefined);
  });

  it('posts a live decision only when it passes the filter, and summaries on flush', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    session.answer({ type: 'setFilter', id: 'f', filter: { task: 'completion' } });
    const before = session.index.count({ task: 'completion' });
    assert.deepEqual(session.onDecision(makeDecision({ id: 'live-edit', time: NOW, task: 'edit', workspace: '/home/dev/shop' })), []);
    const added = only(
      session.onDecision(
        makeDecision({
          id: 'live-c',
          time: NOW + 1,
          task: 'completion',
          workspace: '/home/dev/shop',
          chosen: qwen,
          answeredBy: qwen,
          outcome: 'pending',
        }),
      ),
      'decisionAdded',
    );
    assert.equal(added.row.id, 'live-c');
    assert.equal(added.rank, 0);
    assert.equal(added.total, before + 1);
    const flushed = session.flushSummaries();
    assert.deepEqual(
      flushed.map((m) => m.type),
      ['cost', 'acceptance'],
    );
    assert.deepEqual(session.flushSummaries(), [], 'nothing new to flush');
    assert.deepEqual(session.onDecision(makeDecision({ id: 'live-c', time: NOW + 2, task: 'completion' })), [], 'a repeat is ignored');
  });

  it('announces a new model in the filter options and a version change as drift', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const fresh = modelSummary('brand-new', 'mid');
    const msgs = session.onDecision(makeDecision({ id: 'nm', time: NOW, chosen: fresh, answeredBy: fresh, modelVersion: 'v1' }));
    assert.ok(only(msgs, 'filterOptions').options.models.some((m) => m.value === 'brand-new'));
    const drift = only(
      session.onDecision(makeDecision({ id: 'nm2', time: NOW + 1, chosen: fresh, answeredBy: fresh, modelVersion: 'v2' })),
      'drift',
    );
    assert.deepEqual(drift.events.at(-1), {
      model: 'brand-new',
      previousVersion: 'v1',
      newVersion: 'v2',
      firstSeen: NOW + 1,
      previousLastSeen: NOW,
    });
    const cmp = only(session.answer({ type: 'compareDrift', id: 'cd', modelId: 'brand-new' }), 'driftComparison');
    assert.equal(cmp.replyTo, 'cd');
    assert.equal(cmp.comparison.before.version, 'v1');
    assert.equal(cmp.comparison.after.requests, 1);
    const none = only(session.answer({ type: 'compareDrift', id: 'cd2', modelId: 'gpt-6-luna' }), 'error');
    assert.match(none.message, /No version change/);
  });

  it('posts an outcome change as decisionUpdated', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const pending = ledger.find((r) => r.outcome === 'pending')!;
    const updated = only(session.onOutcome(makeOutcome(pending, 'accepted')), 'decisionUpdated');
    assert.equal(updated.row.id, pending.id);
    assert.equal(updated.row.outcome, 'accepted');
    assert.deepEqual(session.onOutcome(makeOutcome(pending, 'accepted')), [], 'no change, no message');
  });

  it('rebuilds leaderboards and proposals from votes', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    const votes: PairwiseVote[] = Array.from({ length: 30 }, (_, i) => ({
      comparisonId: `c${i}`,
      task: 'edit',
      modelA: 'claude-haiku-4-5',
      modelB: 'gpt-6-luna',
      choice: i < 27 ? 'a' : 'b',
      tags: [],
      time: i,
    }));
    session.setVotes(votes);
    const msgs = session.feelMessages();
    assert.deepEqual(only(msgs, 'leaderboards').leaderboards[0].rows[0].model, 'claude-haiku-4-5');
    const proposals = only(msgs, 'proposals');
    const edit = proposals.proposals.find((p) => p.task === 'edit')!;
    assert.equal(edit.kind, 'propose');
    assert.equal(proposals.autoApply, false);
  });

  it('exports what the filter selects, newest first', () => {
    const session = RouterPanelSession.fromLedger(ledger, env());
    session.answer({ type: 'setFilter', id: 'f', filter: { outcome: 'error' } });
    const json = JSON.parse([...session.exportChunks('json')].join('')) as { id: string; outcome: string }[];
    assert.equal(json.length, session.exportCount());
    assert.ok(json.every((r) => r.outcome === 'error'));
    assert.deepEqual(
      json.map((r) => r.id),
      ledger
        .filter((r) => r.outcome === 'error')
        .map((r) => r.id)
        .reverse(),
    );
  });
});
