// Scope merging: precedence of user, workspace and folder settings, and what an untrusted workspace may not change.
import assert from 'node:assert/strict';
import type { InspectedSettings } from '../../../src/core/settings/merge';
import { DEFAULT_MODELS, DEFAULT_SETTINGS } from '../../../src/core/settings/schema';
import { resolve } from './fixtures';

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
