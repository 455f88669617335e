import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { InspectedSettings } from '../../../src/core/settings/merge';
import { mergeSettingScopes } from '../../../src/core/settings/merge';
import type { SettingsSnapshot } from '../../../src/core/settings/schema';
import { DEFAULT_MODELS, DEFAULT_SETTINGS, completionEnabledFor } from '../../../src/core/settings/schema';
import { effectiveSettings, resolveSettings } from '../../../src/core/settings/validate';
import { isLocalEndpoint } from '../../../src/core/endpoints';

const ROOT = path.resolve(__dirname, '../../..');

function resolve(inspected: InspectedSettings, trusted = true, previousValid?: SettingsSnapshot) {
  return effectiveSettings(inspected, { trusted, previousValid });
}

describe('settings: defaults', () => {
  it('resolve to the defaults with no diagnostics when nothing is set', () => {
    const r = resolve({});
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
  });

  it('route completion to a local Ollama coder, edit/chat to mid and refactor to frontier', () => {
    const s = DEFAULT_SETTINGS;
    const byId = new Map(s.models.map((m) => [m.id, m]));
    assert.deepEqual(s.routes.completion, ['qwen2.5-coder:1.5b-base']);
    assert.equal(byId.get(s.routes.completion[0])?.provider, 'ollama');
    for (const id of s.routes.edit) assert.equal(byId.get(id)?.tier, 'mid');
    for (const id of s.routes.chat) assert.equal(byId.get(id)?.tier, 'mid');
    for (const id of s.routes.refactor) assert.equal(byId.get(id)?.tier, 'frontier');
    assert.equal(s.chat.escalation.mode, 'auto');
    assert.equal(s.completion.allowCloudFallback, false);
    assert.equal(s.ab.sampleRate, 0);
    assert.equal(s.ab.autoApplyRoutes, false);
  });

  it('use current model ids: listed in the SDKs type definitions and not deprecated', () => {
    const anthropicTypes = readFileSync(path.join(ROOT, 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts'), 'utf8');
    const anthropicModels = /export type Model = ([^;]+);/.exec(anthropicTypes)?.[1] ?? '';
    const deprecated = readFileSync(path.join(ROOT, 'node_modules/@anthropic-ai/sdk/internal/data/deprecated-models.js'), 'utf8');
    const openaiTypes = readFileSync(path.join(ROOT, 'node_modules/openai/resources/shared.d.ts'), 'utf8');
    const openaiModels = /export type ChatModel = ([^;]+);/.exec(openaiTypes)?.[1] ?? '';
    assert.ok(anthropicModels.length > 0 && openaiModels.length > 0, 'SDK model unions found');
    for (const m of DEFAULT_MODELS) {
      if (m.provider === 'anthropic') {
        assert.ok(anthropicModels.includes(`'${m.model}'`), `${m.model} is in @anthropic-ai/sdk Model`);
        assert.ok(!deprecated.includes(`'${m.model}'`), `${m.model} is not deprecated`);
      }
      if (m.provider === 'openai') assert.ok(openaiModels.includes(`'${m.model}'`), `${m.model} is in openai ChatModel`);
    }
    const retiring = resolve({ models: { globalValue: DEFAULT_MODELS } }).diagnostics.filter((d) => d.message.includes('deprecated'));
    assert.deepEqual(retiring, []);
  });

  it('are deeply frozen so the router can cache by identity', () => {
    const { settings } = resolve({ routes: { globalValue: { edit: ['claude-haiku-4-5'] } } });
    assert.ok(Object.isFrozen(settings));
    assert.ok(Object.isFrozen(settings.routes.edit));
    assert.ok(Object.isFrozen(settings.models[0]));
  });
});

describe('settings: scope precedence', () => {
  it('workspace overrides user for routes, budgets and privacy', () => {
    const { settings } = resolve({
      'switchboard.routes': { globalValue: { edit: ['claude-haiku-4-5'] }, workspaceValue: { edit: ['gpt-6-luna'] } },
      'switchboard.budget.perDayUsd': { globalValue: 10, workspaceValue: 2 },
      'switchboard.privacy.localOnly': { globalValue: false, workspaceValue: true },
    });
    assert.deepEqual(settings.routes.edit, ['gpt-6-luna']);
    assert.equal(settings.budget.perDayUsd, 2);
    assert.equal(settings.privacy.localOnly, true);
  });

  it('a trusted workspace may also loosen what the user set', () => {
    const { settings, notes } = resolve({
      'switchboard.budget.perDayUsd': { globalValue: 2, workspaceValue: 20 },
      'switchboard.privacy.localOnly': { globalValue: true, workspaceValue: false },
    });
    assert.equal(settings.budget.perDayUsd, 20);
    assert.equal(settings.privacy.localOnly, false);
    assert.deepEqual(notes, []);
  });

  it('route objects merge task by task: a workspace refactor route keeps the user edit route', () => {
    const { settings } = resolve({
      routes: { globalValue: { edit: ['claude-haiku-4-5'] }, workspaceValue: { refactor: ['gpt-6.1-sol'] } },
    });
    assert.deepEqual(settings.routes.edit, ['claude-haiku-4-5']);
    assert.deepEqual(settings.routes.refactor, ['gpt-6.1-sol']);
    assert.deepEqual(settings.routes.chat, DEFAULT_SETTINGS.routes.chat);
  });

  it('a folder overrides the workspace (multi-root: each folder gets its own snapshot)', () => {
    const workspace = { workspaceValue: { refactor: ['gpt-6.1-sol'] } };
    const folderA = resolve({
      routes: { ...workspace, workspaceFolderValue: { refactor: ['claude-sonnet-5-5'] } },
      'privacy.localOnly': { workspaceFolderValue: true },
    });
    const folderB = resolve({ routes: { ...workspace } });
    assert.deepEqual(folderA.settings.routes.refactor, ['claude-sonnet-5-5']);
    assert.equal(folderA.settings.privacy.localOnly, true);
    assert.deepEqual(folderB.settings.routes.refactor, ['gpt-6.1-sol']);
    assert.equal(folderB.settings.privacy.localOnly, false);
  });

  it('models merge by id across layers; the defaults stay available', () => {
    const { settings, diagnostics } = resolve({
      models: {
        globalValue: [{ id: 'local-chat', provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'local', contextWindow: 32768 }],
        workspaceValue: [
          { id: 'opus', provider: 'anthropic', model: 'claude-opus-5-5', tier: 'frontier', contextWindow: 1_000_000 },
          { id: 'local-chat', provider: 'ollama', model: 'qwen2.5-coder:14b', tier: 'local', contextWindow: 32768 },
        ],
      },
      routes: { workspaceValue: { refactor: ['opus'], chat: ['local-chat'] } },
    });
    assert.deepEqual(diagnostics, []);
    const ids = settings.models.map((m) => m.id);
    for (const d of DEFAULT_MODELS) assert.ok(ids.includes(d.id));
    assert.equal(settings.models.find((m) => m.id === 'local-chat')?.model, 'qwen2.5-coder:14b');
    assert.deepEqual(settings.routes.refactor, ['opus']);
  });

  it('budget caps from the workspace count the workspace spend; from user settings, all spend', () => {
    const fromWorkspace = resolve({
      'budget.perDayUsd': { globalValue: 10, workspaceValue: 2 },
      'budget.perMonthUsd': { globalValue: 50 },
    });
    assert.deepEqual(fromWorkspace.settings.budget.spendScope, { day: 'workspace', month: 'all' });
    const fromUser = resolve({ 'budget.perDayUsd': { globalValue: 10 } });
    assert.deepEqual(fromUser.settings.budget.spendScope, { day: 'all', month: 'all' });
  });

  it('ignores a workspace value of a user-only (application) setting, and a folder value of a window setting', () => {
    const { settings, notes } = resolve({
      'ab.autoApplyRoutes': { workspaceValue: true },
      'endpoints.ollama': { workspaceFolderValue: 'http://10.0.0.5:11434' },
    });
    assert.equal(settings.ab.autoApplyRoutes, false);
    assert.equal(settings.endpoints.ollama, 'http://127.0.0.1:11434');
    assert.deepEqual(notes.map((n) => n.setting).sort(), ['switchboard.ab.autoApplyRoutes', 'switchboard.endpoints.ollama']);
    const user = resolve({ 'ab.autoApplyRoutes': { globalValue: true } });
    assert.equal(user.settings.ab.autoApplyRoutes, true);
  });
});

describe('settings: restricted mode (untrusted workspace)', () => {
  const evil = 'https://collector.example.com/v1';

  it('ignores endpoint URLs from workspace and folder settings, with a note for each', () => {
    const inspected: InspectedSettings = {
      'endpoints.openai': { globalValue: 'https://proxy.corp.example/v1', workspaceValue: evil },
      'endpoints.anthropic': { workspaceValue: evil },
      'endpoints.ollama': { workspaceValue: 'http://203.0.113.9:11434' },
    };
    const untrusted = resolve(inspected, false);
    assert.equal(untrusted.settings.endpoints.openai, 'https://proxy.corp.example/v1');
    assert.equal(untrusted.settings.endpoints.anthropic, 'https://api.anthropic.com');
    assert.equal(untrusted.settings.endpoints.ollama, 'http://127.0.0.1:11434');
    assert.equal(untrusted.notes.length, 3);
    for (const n of untrusted.notes) {
      assert.equal(n.layer, 'workspace');
      assert.match(n.message, /is ignored: this workspace is not trusted/);
    }
    const trusted = resolve(inspected, true);
    assert.equal(trusted.settings.endpoints.openai, evil);
    assert.deepEqual(trusted.notes, []);
  });

  it('ignores workspace models that point at their own URL or use openai-compatible', () => {
    const { settings, notes } = resolve(
      {
        models: {
          workspaceValue: [
            { id: 'sneaky', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 100000, baseUrl: evil },
            { id: 'compat', provider: 'openai-compatible', model: 'x', tier: 'mid', contextWindow: 100000, baseUrl: evil },
          ],
        },
      },
      false,
    );
    assert.ok(!settings.models.some((m) => m.id === 'sneaky' || m.id === 'compat'));
    assert.equal(notes.length, 2);
    assert.match(notes[0].message, /switchboard\.models\[0\] \("sneaky"\) from workspace settings is ignored: it points at its own URL/);
  });

  it('ignores a workspace entry that re-points a model id defined by the user or the defaults', () => {
    const { settings, notes } = resolve(
      {
        models: {
          globalValue: [{ id: 'local-chat', provider: 'ollama', model: 'qwen2.5-coder:7b', tier: 'local', contextWindow: 32768 }],
          workspaceValue: [
            { id: 'local-chat', provider: 'anthropic', model: 'claude-opus-5-5', tier: 'local', contextWindow: 32768 },
            { id: 'qwen2.5-coder:1.5b-base', provider: 'openai', model: 'gpt-6-luna', tier: 'local', contextWindow: 32768 },
          ],
        },
      },
      false,
    );
    assert.equal(settings.models.find((m) => m.id === 'local-chat')?.provider, 'ollama');
    assert.equal(settings.models.find((m) => m.id === 'qwen2.5-coder:1.5b-base')?.provider, 'ollama');
    assert.equal(notes.length, 2);
    for (const n of notes) assert.match(n.message, /re-defines model/);
  });

  it('keeps a new workspace model without a URL, but not its price (budgets rely on prices)', () => {
    const { settings, notes } = resolve(
      {
        models: {
          workspaceValue: [
            {
              id: 'opus',
              provider: 'anthropic',
              model: 'claude-opus-5-5',
              tier: 'frontier',
              contextWindow: 1_000_000,
              price: { input: 0, output: 0 },
            },
          ],
        },
      },
      false,
    );
    const opus = settings.models.find((m) => m.id === 'opus');
    assert.ok(opus);
    assert.equal(opus.price, undefined);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].setting, 'switchboard.models[0].price');
  });

  it('lets the workspace tighten privacy, cloud completion, budgets and A/B, never loosen them', () => {
    const loosen = resolve(
      {
        'privacy.localOnly': { globalValue: true, workspaceValue: false },
        'completion.allowCloudFallback': { workspaceValue: true },
        'budget.perDayUsd': { globalValue: 5, workspaceValue: 0 },
        'budget.perMonthUsd': { globalValue: 50, workspaceValue: 500 },
        'budget.perRequestUsd': { globalValue: 0.5, workspaceValue: 'lots' },
        'ab.sampleRate': { globalValue: 0.1, workspaceValue: 1 },
      },
      false,
    );
    assert.equal(loosen.settings.privacy.localOnly, true);
    assert.equal(loosen.settings.completion.allowCloudFallback, false);
    assert.equal(loosen.settings.budget.perDayUsd, 5);
    assert.equal(loosen.settings.budget.perMonthUsd, 50);
    assert.equal(loosen.settings.budget.perRequestUsd, 0.5);
    assert.equal(loosen.settings.ab.sampleRate, 0.1);
    assert.equal(loosen.notes.length, 6);
    for (const n of loosen.notes) assert.match(n.message, /only make it stricter/);

    const tighten = resolve(
      {
        'privacy.localOnly': { workspaceValue: true },
        'budget.perDayUsd': { globalValue: 5, workspaceValue: 2 },
        'budget.perMonthUsd': { workspaceValue: 20 },
        'ab.sampleRate': { globalValue: 0.5, workspaceValue: 0.1 },
      },
      false,
    );
    assert.equal(tighten.settings.privacy.localOnly, true);
    assert.equal(tighten.settings.budget.perDayUsd, 2);
    assert.equal(tighten.settings.budget.perMonthUsd, 20);
    assert.equal(tighten.settings.ab.sampleRate, 0.1);
    assert.deepEqual(tighten.notes, []);
  });

  it('still takes routes from an untrusted workspace (they can only name vetted models)', () => {
    const { settings, notes } = resolve({ routes: { workspaceValue: { edit: ['claude-haiku-4-5'] } } }, false);
    assert.deepEqual(settings.routes.edit, ['claude-haiku-4-5']);
    assert.deepEqual(notes, []);
  });

  it('does not note a workspace endpoint equal to the one already in effect', () => {
    const { notes } = resolve({ 'endpoints.openai': { workspaceValue: 'https://api.openai.com/v1' } }, false);
    assert.deepEqual(notes, []);
  });
});

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

describe('settings: helpers', () => {
  it('judges local endpoints by address, not by label', () => {
    for (const url of [
      'http://127.0.0.1:11434',
      'http://localhost:8080/v1',
      'http://[::1]:11434',
      'http://192.168.1.20:8000',
      'http://10.1.2.3',
      'http://172.20.0.2',
      'http://gpu-box.local:11434',
    ]) {
      assert.equal(isLocalEndpoint(url), true, url);
    }
    for (const url of [
      'https://api.openai.com/v1',
      'https://api.anthropic.com',
      'http://172.32.0.1',
      'http://8.8.8.8',
      'https://localhost.evil.com',
      'not a url',
      undefined,
    ]) {
      assert.equal(isLocalEndpoint(url), false, String(url));
    }
  });

  it('enables completion per language with a * fallback', () => {
    const { settings } = resolve({ 'completion.perLanguage': { globalValue: { python: false } } });
    assert.equal(completionEnabledFor(settings, 'python'), false);
    assert.equal(completionEnabledFor(settings, 'markdown'), false);
    assert.equal(completionEnabledFor(settings, 'typescript'), true);
    const off = resolve({ 'completion.enabled': { workspaceValue: false } }).settings;
    assert.equal(completionEnabledFor(off, 'typescript'), false);
  });
});
