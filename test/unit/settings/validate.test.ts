// Validation of merged settings: each bad value is named with its fix, and the last valid value stays in use.
import assert from 'node:assert/strict';
import { mergeSettingScopes } from '../../../src/core/settings/merge';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { resolveSettings } from '../../../src/core/settings/validate';
import { resolve } from './fixtures';

describe('settings: validation', () => {
  it('names the setting, the bad value and the fix for an unknown model in a route, and keeps the previous route', () => {
    const previous = resolve({ routes: { globalValue: { edit: ['claude-haiku-4-5'] } } }).settings;
    const r = resolve({ routes: { globalValue: { edit: ['claude-haiku-4-5', 'gpt-9'] } } }, true, previous);
    assert.deepEqual(
      r.diagnostics.map((d) => d.message),
      ['switchboard.routes.edit[1]: "gpt-9" is not a model in switchboard.models — add it there or remove it from the route'],
    );
    assert.equal(r.diagnostics[0].setting, 'switchboard.routes.edit[1]');
    assert.equal(r.diagnostics[0].severity, 'error');
    assert.deepEqual(r.settings.routes.edit, ['claude-haiku-4-5']);
  });

  it('reports a negative budget with the fix and keeps the last valid value', () => {
    const previous = resolve({ 'budget.perDayUsd': { globalValue: 3 } }).settings;
    const r = resolve({ 'budget.perDayUsd': { globalValue: -3 }, 'budget.perMonthUsd': { globalValue: 40 } }, true, previous);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(
      r.diagnostics[0].message,
      'switchboard.budget.perDayUsd: -3 is below the minimum of 0 — set a number of US dollars, or 0 for no limit',
    );
    assert.equal(r.settings.budget.perDayUsd, 3);
    assert.equal(r.settings.budget.perMonthUsd, 40, 'valid parts of the same change still apply');
  });

  it('reports wrong types and enum values', () => {
    const r = resolve({
      'privacy.localOnly': { globalValue: 'yes' },
      'completion.fimFamily': { globalValue: 'gpt' },
      'endpoints.ollama': { globalValue: 'localhost:11434' },
    });
    const messages = r.diagnostics.map((d) => d.message);
    assert.ok(messages.includes('switchboard.privacy.localOnly: "yes" is not a boolean — use true or false'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('switchboard.completion.fimFamily: "gpt" is not one of "auto", "qwen2.5-coder"')),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) =>
        m.startsWith('switchboard.endpoints.ollama: "localhost:11434" is invalid: not an http(s) URL — use an http(s) URL'),
      ),
      messages.join('\n'),
    );
    assert.equal(r.settings.privacy.localOnly, false);
    assert.equal(r.settings.completion.fimFamily, 'auto');
    assert.equal(r.settings.endpoints.ollama, 'http://127.0.0.1:11434');
  });

  it('drops an invalid model entry (or keeps its previous definition) and reports the field', () => {
    const previous = resolve({
      models: { globalValue: [{ id: 'big', provider: 'anthropic', model: 'claude-opus-5-5', tier: 'frontier', contextWindow: 1_000_000 }] },
    }).settings;
    const r = resolve(
      {
        models: {
          globalValue: [
            { id: 'big', provider: 'anthropic', model: 'claude-opus-5-5', tier: 'frontier', contextWindow: -5 },
            { id: 'compat', provider: 'openai-compatible', model: 'llama', tier: 'mid', contextWindow: 8192 },
            { id: 'typo', provider: 'ollama', model: 'x', tier: 'huge', contextWindow: 8192 },
          ],
        },
      },
      true,
      previous,
    );
    const bySetting = new Map(r.diagnostics.map((d) => [d.setting, d]));
    assert.match(
      bySetting.get('switchboard.models[0].contextWindow')?.message ?? '',
      /^switchboard\.models\[0\]\.contextWindow: -5 is below the minimum of 256 — /,
    );
    assert.match(bySetting.get('switchboard.models[0].contextWindow')?.using ?? '', /previous definition of "big"/);
    assert.match(bySetting.get('switchboard.models[1].baseUrl')?.message ?? '', /an openai-compatible model needs a baseUrl/);
    assert.match(bySetting.get('switchboard.models[2].tier')?.message ?? '', /"huge" is not one of "local", "mid", "frontier"/);
    assert.equal(r.settings.models.find((m) => m.id === 'big')?.contextWindow, 1_000_000);
    assert.ok(!r.settings.models.some((m) => m.id === 'compat' || m.id === 'typo'));
  });

  it('validates object settings property by property and warns about unknown properties', () => {
    const previous = resolve({ latencyBudgetMs: { globalValue: { chat: 4000 } } }).settings;
    const r = resolve({ latencyBudgetMs: { globalValue: { chat: 'fast', edit: 3000, reviw: 1 } } }, true, previous);
    assert.equal(r.settings.latencyBudgetMs.chat, 4000);
    assert.equal(r.settings.latencyBudgetMs.edit, 3000);
    const messages = r.diagnostics.map((d) => d.message);
    assert.ok(
      messages.includes(
        'switchboard.latencyBudgetMs.chat: "fast" is not a number — give completion, edit, refactor and chat each a whole number of milliseconds, or 0 for no limit',
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.startsWith('switchboard.latencyBudgetMs.reviw: "reviw" is not a known property — remove it')),
      messages.join('\n'),
    );
  });

  it('keeps the previous value when a whole object setting has the wrong type', () => {
    const previous = resolve({ routes: { globalValue: { chat: ['claude-haiku-4-5'] } } }).settings;
    const r = resolve({ routes: { globalValue: 'claude' } }, true, previous);
    assert.deepEqual(r.settings.routes, previous.routes);
    assert.equal(r.diagnostics[0].setting, 'switchboard.routes');
    assert.match(r.diagnostics[0].message, /^switchboard\.routes: "claude" is not an object — /);
  });

  it('checks escalation model ids too', () => {
    const r = resolve({ 'chat.escalation': { globalValue: { models: ['claude-opus-9'] } } });
    assert.equal(
      r.diagnostics[0].message,
      'switchboard.chat.escalation.models[0]: "claude-opus-9" is not a model in switchboard.models — add it there or remove it from the escalation list',
    );
    assert.deepEqual(r.settings.chat.escalation.models, []);
  });

  it('warns about a configured model the provider is retiring, naming the date and a replacement', () => {
    const r = resolve({
      models: {
        globalValue: [{ id: 'mini', provider: 'openai', model: 'gpt-4.1-mini-2025-04-14', tier: 'mid', contextWindow: 1_000_000 }],
      },
    });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'warning');
    assert.match(
      r.diagnostics[0].message,
      /"gpt-4\.1-mini-2025-04-14" is deprecated and stops working on 2027-01-14 — switch to gpt-6-luna/,
    );
  });

  it('warns about the same id twice in one layer and uses the last', () => {
    const r = resolve({
      models: {
        globalValue: [
          { id: 'x', provider: 'ollama', model: 'a', tier: 'local', contextWindow: 4096 },
          { id: 'x', provider: 'ollama', model: 'b', tier: 'local', contextWindow: 4096 },
        ],
      },
    });
    assert.equal(r.settings.models.find((m) => m.id === 'x')?.model, 'b');
    assert.match(r.diagnostics[0].message, /"x" appears more than once in user settings/);
  });

  it('resolveSettings alone takes merged values and a previous snapshot', () => {
    const merged = mergeSettingScopes(
      { 'completion.maxLines': { globalValue: 0 }, 'completion.keepAlive': { globalValue: '2h' } },
      { trusted: true },
    );
    const { settings, diagnostics } = resolveSettings(DEFAULT_SETTINGS, merged);
    assert.equal(settings.completion.maxLines, DEFAULT_SETTINGS.completion.maxLines);
    assert.equal(settings.completion.keepAlive, '2h');
    assert.equal(diagnostics.length, 1);
    assert.match(
      diagnostics[0].message,
      /^switchboard\.completion\.maxLines: 0 is below the minimum of 1 — use a whole number from 1 to 200$/,
    );
  });
});
