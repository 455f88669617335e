// Models whose ids are JavaScript's own names (`__proto__`, `constructor`, …) in the user's settings, inside a real
// VS Code: refused with a settings error, Object.prototype of the shared extension host untouched, and chat still answers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ChatHost } from '../../src/vscode/chat/chatHost';
import { EditorContext } from '../../src/vscode/chat/editorContext';
import { TaskRunner } from '../../src/core/taskRunner';
import { DecisionLog } from '../../src/core/decisionLog';
import { ProviderCache } from '../../src/core/providers/providerCache';
import { createProvider } from '../../src/core/providers/createProvider';
import { ModelHealth } from '../../src/core/router/health';
import { BudgetGuard } from '../../src/core/cost/budgets';
import { effectiveSettings } from '../../src/core/settings/validate';
import type { InspectedSettings } from '../../src/core/settings/merge';
import { SETTING_KEYS } from '../../src/core/settings/schema';
import { silentLogger, systemClock } from '../../src/core/ports';
import type { Ports } from '../../src/core/ports';
import type { ChatHostMessage } from '../../src/shared/protocol';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';
import { FakeWebview } from '../support/fakeWebview';
import { MemoryMemento, readSwitchboardLog, routes, waitFor } from './helpers';

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('model ids that are reserved JavaScript names, in user settings', function () {
  this.timeout(60_000);
  let standin: OpenAIStandin;
  let prototypeBefore: string[] = [];
  const config = () => vscode.workspace.getConfiguration('switchboard');

  before(async () => {
    prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    standin = await startOpenAIStandin({ basePath: '/v1' });
    standin.script({ text: 'Still answering.' });
    const model = (id: string) => ({
      id,
      provider: 'openai-compatible',
      model: 'gpt-standin',
      tier: 'mid',
      contextWindow: 128_000,
      baseUrl: standin.url,
      price: { input: 1, output: 1 },
    });
    await config().update('models', [...RESERVED.map(model), model('standin-chat')], vscode.ConfigurationTarget.Global);
    await config().update(
      'routes',
      {
        completion: ['qwen2.5-coder:1.5b-base'],
        edit: ['standin-chat'],
        refactor: ['constructor', 'standin-chat'],
        chat: ['standin-chat'],
      },
      vscode.ConfigurationTarget.Global,
    );
    await config().update('chat.escalation', { mode: 'never', threshold: 0.5, models: [] }, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of ['models', 'routes', 'chat.escalation']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await standin.close();
  });

  it('refuses them with a settings error naming the setting and the fix, and routes without them', async () => {
    const r = await waitFor(async () => {
      const x = await routes();
      return x.chat.chosen === 'standin-chat' ? x : undefined;
    }, 'the chat route to follow the user settings');
    for (const preview of Object.values(r))
      for (const c of preview.candidates) assert.ok(!RESERVED.includes(c.id), `${preview.task} offers the refused model ${c.id}`);
    await waitFor(
      async () => (/switchboard\.models\[0\]\.id: "__proto__" is a reserved JavaScript name/.test(readSwitchboardLog()) ? true : undefined),
      'the settings error in the log',
    );
    const log = readSwitchboardLog();
    for (const [i, id] of RESERVED.entries())
      assert.match(
        log,
        new RegExp(
          `switchboard\\.models\\[${i}\\]\\.id: "${id}" is a reserved JavaScript name and cannot be a model id — rename the model`,
        ),
      );
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore, 'Object.prototype has no new keys');
  });

  it('chat still answers, and Object.prototype stays as it was', async () => {
    const inspected: Record<string, unknown> = {};
    for (const k of SETTING_KEYS) inspected[k] = config().inspect(k);
    const settings = effectiveSettings(inspected as InspectedSettings, { trusted: true }).settings;
    assert.ok(!settings.models.some((m) => RESERVED.includes(m.id)));
    const ports: Ports = {
      fetch: globalThis.fetch,
      getApiKey: async () => 'sk-test',
      clock: systemClock,
      logger: silentLogger,
      storageDir: '/nonexistent',
    };
    const budget = new BudgetGuard();
    const runner = new TaskRunner({
      ports,
      providers: new ProviderCache(ports, createProvider),
      health: new ModelHealth(systemClock),
      budget,
      log: new DecisionLog({ ports, ledger: Promise.resolve(undefined), budget }),
    });
    const changed = new vscode.EventEmitter<void>();
    const editor = new EditorContext();
    const host = new ChatHost({
      runner,
      settings: { snapshot: () => settings, workspaceKey: () => '__proto__', onDidChange: changed.event },
      logger: silentLogger,
      state: new MemoryMemento(),
      editor,
      showBudgetSignals: () => undefined,
      pickFiles: async () => [],
    });
    const webview = new FakeWebview<ChatHostMessage>();
    const attached = host.attach(webview);
    try {
      webview.send({ type: 'ready' });
      webview.send({ type: 'send', id: 'p1', text: 'Are you there?' });
      const end = await waitFor(
        async () =>
          webview.posted.find((m): m is Extract<ChatHostMessage, { type: 'answerEnd' }> => m.type === 'answerEnd' && m.id === 'p1'),
        'the answer to end',
      );
      assert.equal(webview.posted.filter((m) => m.type === 'answerError').length, 0);
      const text = webview.posted.map((m) => (m.type === 'answerDelta' && m.id === 'p1' ? m.text : '')).join('');
      assert.equal(text, 'Still answering.');
      assert.equal(end.meta.modelId, 'standin-chat');
      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore, 'Object.prototype has no new keys');
    } finally {
      attached.dispose();
      host.dispose();
      editor.dispose();
      changed.dispose();
    }
  });
});
