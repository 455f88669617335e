// Local means local: a model is free and allowed in local-only mode by its provider (Ollama) or the user's "local", never by a loopback address alone.
import assert from 'node:assert/strict';
import type { ModelRef } from '../../../src/core/types';
import type { Decision } from '../../../src/core/router/route';
import { routeRequest } from '../../../src/core/router/route';
import { buildDecisionRecord } from '../../../src/core/router/decision';
import { resolve } from '../settings/fixtures';
import { LOCAL_CHAT, settingsWith } from './fixtures';

const LOOPBACK_OPENAI = 'http://127.0.0.1:4000/v1';
const LUNA: ModelRef = { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 1_050_000 };
// gpt-6-luna's list price: 2000 × $0.10/M + 2048 × $0.50/M
const LUNA_ESTIMATE = 0.001224;

const verdict = (d: Decision, id: string) => {
  const v = d.candidates.find((c) => c.model.id === id);
  assert.ok(v, `${id} is a candidate of ${d.candidates.map((c) => c.model.id).join(', ')}`);
  return v;
};

function answeredBy(d: Decision, settings: ReturnType<typeof settingsWith>) {
  return buildDecisionRecord({
    decision: d,
    settings,
    run: {
      model: d.chosen!,
      final: {
        model: d.chosen!.model,
        usage: { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 },
        ttftMs: 100,
        totalMs: 400,
        stopReason: 'stop',
      },
      hops: [],
      aborted: false,
      ttftMs: 100,
      totalMs: 400,
    },
  });
}

describe('local models: by provider or declaration, not by address', () => {
  it('prices openai behind a loopback address at its list price, as cloud', () => {
    const s = settingsWith({ 'endpoints.openai': LOOPBACK_OPENAI, routes: { edit: ['gpt-6-luna'] } });
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, s);
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.ok(Math.abs((d.estimatedCostUsd ?? 0) - LUNA_ESTIMATE) < 1e-12, `estimate ${d.estimatedCostUsd}`);
    assert.ok(!verdict(d, 'gpt-6-luna').reason.includes('priced as local'), verdict(d, 'gpt-6-luna').reason);
    const record = answeredBy(d, s);
    // 1000 × $0.10/M + 500 × $0.50/M
    assert.equal(record.costUsd, 0.00035);
    assert.equal(record.answeredBy?.local, false);
  });

  it('drops openai behind a loopback address in local-only mode, saying where the code would go', () => {
    const s = settingsWith({ 'endpoints.openai': LOOPBACK_OPENAI, 'privacy.localOnly': true, routes: { edit: ['gpt-6-luna'] } });
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, s);
    assert.equal(d.chosen, null);
    assert.equal(verdict(d, 'gpt-6-luna').kept, false);
    assert.equal(verdict(d, 'gpt-6-luna').constraint, 'privacy');
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'local-only privacy: gpt-6-luna would send code to 127.0.0.1:4000');
    assert.equal(d.blockedBy, 'privacy');
  });

  it('treats anthropic behind a loopback address as cloud too', () => {
    const s = settingsWith({
      'endpoints.anthropic': 'http://127.0.0.1:4001',
      'privacy.localOnly': true,
      routes: { edit: ['claude-haiku-4-5'] },
    });
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, s);
    assert.equal(verdict(d, 'claude-haiku-4-5').kept, false);
    assert.equal(verdict(d, 'claude-haiku-4-5').reason, 'local-only privacy: claude-haiku-4-5 would send code to 127.0.0.1:4001');
  });

  it('with "local": true, the same model is free and allowed in local-only mode, and the Why line says so', () => {
    const s = settingsWith({
      'endpoints.openai': LOOPBACK_OPENAI,
      'privacy.localOnly': true,
      models: [{ ...LUNA, local: true }],
      routes: { edit: ['gpt-6-luna'] },
    });
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, s);
    assert.equal(d.chosen?.id, 'gpt-6-luna');
    assert.equal(d.estimatedCostUsd, 0);
    assert.equal(verdict(d, 'gpt-6-luna').reason, 'listed in switchboard.routes.edit; priced as local: declared local in settings');
    const record = answeredBy(d, s);
    assert.equal(record.costUsd, 0);
    assert.equal(record.answeredBy?.local, true);
  });

  it('an openai-compatible server on the LAN is local only when the user marks it', () => {
    const lan: ModelRef = {
      id: 'lan',
      provider: 'openai-compatible',
      model: 'qwen3-coder',
      tier: 'mid',
      contextWindow: 128_000,
      baseUrl: 'http://192.168.1.40:8000/v1',
    };
    const unmarked = settingsWith({ 'privacy.localOnly': true, models: [lan], routes: { edit: ['lan'] } });
    assert.equal(verdict(routeRequest({ task: 'edit', promptTokens: 2000 }, unmarked), 'lan').constraint, 'privacy');
    const marked = settingsWith({ 'privacy.localOnly': true, models: [{ ...lan, local: true }], routes: { edit: ['lan'] } });
    assert.equal(routeRequest({ task: 'edit', promptTokens: 2000 }, marked).chosen?.id, 'lan');
  });

  it('"local": false makes even an Ollama model count as cloud', () => {
    const s = settingsWith({ 'privacy.localOnly': true, models: [{ ...LOCAL_CHAT, local: false }], routes: { edit: ['local-chat'] } });
    assert.equal(verdict(routeRequest({ task: 'edit', promptTokens: 2000 }, s), 'local-chat').constraint, 'privacy');
  });

  it('keeps Ollama on loopback local and free, with no declaration to mention', () => {
    const s = settingsWith({ 'privacy.localOnly': true, models: [LOCAL_CHAT], routes: { edit: ['local-chat'] } });
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, s);
    assert.equal(d.chosen?.id, 'local-chat');
    assert.equal(d.estimatedCostUsd, 0);
    assert.equal(verdict(d, 'local-chat').reason, 'listed in switchboard.routes.edit');
    const record = answeredBy(d, s);
    assert.equal(record.costUsd, 0);
    assert.equal(record.answeredBy?.local, true);
  });

  it('a workspace in restricted mode cannot declare a model local', () => {
    const entry = { id: 'ws-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 1_050_000, local: true };
    const { settings, notes } = resolve({ models: { workspaceValue: [entry] }, routes: { workspaceValue: { edit: ['ws-luna'] } } }, false);
    const model = settings.models.find((m) => m.id === 'ws-luna');
    assert.ok(model, 'the entry itself is kept');
    assert.equal(model.local, undefined);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].setting, 'switchboard.models[0].local');
    assert.match(notes[0].message, /an untrusted workspace cannot declare a model local/);
    const d = routeRequest({ task: 'edit', promptTokens: 2000 }, settings);
    assert.ok(Math.abs((d.estimatedCostUsd ?? 0) - LUNA_ESTIMATE) < 1e-12, `estimate ${d.estimatedCostUsd}`);
    // A trusted workspace may.
    const trusted = resolve({ models: { workspaceValue: [entry] } }, true);
    assert.equal(trusted.settings.models.find((m) => m.id === 'ws-luna')?.local, true);
  });
});
