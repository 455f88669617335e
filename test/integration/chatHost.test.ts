// The chat host inside a real VS Code: a fake webview on one side, a real TaskRunner with scripted
// providers on the other, the real editor in between.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ChatHost } from '../../src/vscode/chat/chatHost';
import { EditorContext } from '../../src/vscode/chat/editorContext';
import { HISTORY_STATE_KEY, toStoredHistory } from '../../src/panels/chat/chatHistory';
import { TaskRunner } from '../../src/core/taskRunner';
import { DecisionLog } from '../../src/core/decisionLog';
import { ProviderCache } from '../../src/core/providers/providerCache';
import { ModelHealth } from '../../src/core/router/health';
import { BudgetGuard } from '../../src/core/cost/budgets';
import { effectiveSettings } from '../../src/core/settings/validate';
import type { InspectedSettings } from '../../src/core/settings/merge';
import type { SettingsSnapshot } from '../../src/core/settings/schema';
import { silentLogger, systemClock } from '../../src/core/ports';
import type { Ports } from '../../src/core/ports';
import type { ModelProvider } from '../../src/core/providers/provider';
import { ProviderError } from '../../src/core/providers/provider';
import type { ChatRequest } from '../../src/core/providers/provider';
import type { Chunk, ModelRef } from '../../src/core/types';
import type { AnswerMeta, ChatHostMessage } from '../../src/shared/protocol';
import { MemoryMemento } from './helpers';

type Script = { kind: 'text'; chunks: string[] } | { kind: 'overloaded' } | { kind: 'drip' };

/** Scripted providers: each model id answers by its script and remembers what it was asked. */
class Providers {
  scripts = new Map<string, Script>();
  calls: { model: string; request: ChatRequest; signal: AbortSignal }[] = [];

  provider(model: ModelRef): ModelProvider {
    const calls = this.calls;
    const scripts = this.scripts;
    return {
      kind: model.provider,
      async *streamChat(request, signal): AsyncGenerator<Chunk> {
        calls.push({ model: model.id, request, signal });
        const script = scripts.get(model.id) ?? { kind: 'text', chunks: ['ok'] };
        const started = performance.now();
        if (script.kind === 'overloaded') {
          throw new ProviderError({
            kind: 'overloaded',
            provider: model.provider,
            model: model.model,
            status: 529,
            message: `Anthropic is overloaded (529: Overloaded); try again shortly.`,
          });
        }
        const done = (stopReason: 'stop' | 'aborted', outputTokens: number): Chunk => ({
          type: 'done',
          final: {
            model: model.model,
            usage: { inputTokens: 1000, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
            ttftMs: 5,
            totalMs: performance.now() - started,
            stopReason,
          },
        });
        if (script.kind === 'drip') {
          for (let i = 0; i < 10_000 && !signal.aborted; i++) {
            yield { type: 'text', text: i === 0 ? 'drip' : ' drip' };
            await new Promise((r) => setTimeout(r, 10));
          }
          yield done('aborted', 0);
          return;
        }
        for (const text of script.chunks) {
          if (signal.aborted) break;
          yield { type: 'text', text };
          await new Promise((r) => setTimeout(r, 1));
        }
        yield done(signal.aborted ? 'aborted' : 'stop', script.chunks.length);
      },
      streamFim() {
        throw new Error('not used');
      },
    };
  }
}

class FakeWebview {
  readonly posted: ChatHostMessage[] = [];
  private readonly emitter = new vscode.EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.emitter.event;
  private waiters: (() => void)[] = [];

  postMessage(message: ChatHostMessage): Thenable<boolean> {
    // What VS Code's postMessage does to the message (and throws on).
    this.posted.push(structuredClone(message));
    for (const w of this.waiters.splice(0)) w();
    return Promise.resolve(true);
  }

  receive(message: unknown): void {
    this.emitter.fire(message);
  }

  of<T extends ChatHostMessage['type']>(type: T): Extract<ChatHostMessage, { type: T }>[] {
    return this.posted.filter((m): m is Extract<ChatHostMessage, { type: T }> => m.type === type);
  }

  async waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; posted: ${this.posted.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  end(id: string): Promise<AnswerMeta> {
    return this.waitFor(() => this.of('answerEnd').find((m) => m.id === id)?.meta, `answerEnd ${id}`);
  }

  text(id: string): string {
    return this.of('answerDelta')
      .filter((m) => m.id === id)
      .map((m) => m.text)
      .join('');
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function snapshot(): SettingsSnapshot {
  const user: Record<string, unknown> = {
    models: [
      {
        id: 'first',
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        tier: 'mid',
        contextWindow: 200_000,
        price: { input: 1, output: 5 },
      },
      { id: 'second', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 200_000, price: { input: 1.25, output: 10 } },
    ],
    routes: { completion: [], edit: ['first'], refactor: ['first'], chat: ['first', 'second'] },
    'chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
  };
  const inspected: InspectedSettings = Object.fromEntries(Object.entries(user).map(([k, v]) => [k, { globalValue: v }]));
  return effectiveSettings(inspected, { trusted: true }).settings;
}

describe('chat host (fake webview, real runner, real editor)', function () {
  this.timeout(20_000);
  let providers: Providers;
  let webview: FakeWebview;
  let host: ChatHost;
  let editor: EditorContext;
  let state: MemoryMemento;
  let attached: vscode.Disposable;
  let doc: vscode.TextDocument;
  const settingsChanged = new vscode.EventEmitter<void>();
  const settings = snapshot();

  const ports: Ports = {
    fetch: globalThis.fetch,
    getApiKey: async () => 'sk-test',
    clock: systemClock,
    logger: silentLogger,
    storageDir: '/nonexistent',
  };

  function makeHost(): void {
    const budget = new BudgetGuard();
    const runner = new TaskRunner({
      ports,
      providers: new ProviderCache(ports, (model) => providers.provider(model)),
      health: new ModelHealth(systemClock),
      budget,
      log: new DecisionLog({ ports, ledger: Promise.resolve(undefined), budget }),
    });
    host = new ChatHost({
      runner,
      settings: { snapshot: () => settings, workspaceKey: () => 'test-workspace', onDidChange: settingsChanged.event },
      logger: silentLogger,
      state,
      editor,
      showBudgetSignals: () => undefined,
      pickFiles: async () => [],
    });
    webview = new FakeWebview();
    attached = host.attach(webview);
  }

  before(async () => {
    doc = await vscode.workspace.openTextDocument({
      language: 'typescript',
      content: 'export const a = 1;\nexport function twice(x: number) {\n  return x * 2;\n}\n',
    });
    const shown = await vscode.window.showTextDocument(doc);
    shown.selection = new vscode.Selection(1, 0, 3, 1);
  });

  beforeEach(() => {
    providers = new Providers();
    state = new MemoryMemento();
    editor = new EditorContext();
    makeHost();
  });

  afterEach(() => {
    attached.dispose();
    host.dispose();
    editor.dispose();
    webview.dispose();
  });

  after(async () => {
    await closeAllWithoutSaving();
  });

  it('posts nothing before ready, then init with the stored history, models, chips and no pin', async () => {
    await state.update(HISTORY_STATE_KEY, toStoredHistory([{ id: 'old1', userText: 'earlier?', answerText: 'yes' }]));
    attached.dispose();
    host.dispose();
    makeHost();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(webview.posted, []);
    webview.receive({ type: 'ready' });
    const init = await webview.waitFor(() => webview.of('init')[0], 'init');
    assert.deepEqual(
      init.history.map((t) => t.id),
      ['old1'],
    );
    const ids = init.models.map((m) => m.id);
    assert.ok(ids.includes('first') && ids.includes('second'), ids.join(','));
    assert.deepEqual(
      init.chips.map((c) => [c.id, c.label, c.enabled]),
      [
        ['selection', `${doc.uri.path.split('/').pop()}:2-4`, true],
        ['activeFile', doc.uri.path.split('/').pop(), true],
      ],
    );
    assert.equal(init.pin, null);
    assert.equal(init.busy, null);
  });

  it('ignores malformed messages and commands outside the allow-list', async () => {
    webview.receive({ type: 'ready' });
    await webview.waitFor(() => webview.of('init')[0], 'init');
    const before = webview.posted.length;
    for (const bad of [
      { type: 'send', id: 'has spaces', text: 'x' },
      { type: 'nope' },
      { type: 'runCommand', command: 'workbench.action.quit' },
      'ready',
      null,
      { type: 'stop' },
    ])
      webview.receive(bad);
    webview.receive({ type: 'toggleContext', chipId: 'no-such-chip', enabled: false });
    const chips = await webview.waitFor(() => webview.posted.slice(before).find((m) => m.type === 'chips'), 'chips');
    assert.equal(webview.posted.length, before + 1, 'only the chips resync was posted');
    assert.ok(chips.type === 'chips' && chips.chips.every((c) => c.enabled));
    assert.equal(providers.calls.length, 0);
  });

  it('streams an answer with the selection as context, and ends it with who answered, why, cost and timing', async () => {
    providers.scripts.set('first', { kind: 'text', chunks: ['It ', 'doubles ', 'its ', 'input.'] });
    webview.receive({ type: 'ready' });
    webview.receive({ type: 'send', id: 'q1', text: 'What does twice do?' });
    const meta = await webview.end('q1');
    assert.equal(webview.text('q1'), 'It doubles its input.');
    assert.deepEqual(
      webview.posted
        .filter((m) => 'id' in m && m.id === 'q1')
        .map((m) => m.type)
        .filter((t, i, a) => t !== a[i - 1]),
      ['turnStart', 'answerStart', 'answerDelta', 'answerEnd'],
    );
    assert.equal(webview.of('answerStart')[0].model?.id, 'first');
    assert.equal(meta.modelId, 'first');
    assert.equal(meta.provider, 'anthropic');
    assert.ok(meta.reasons.includes('listed in switchboard.routes.chat'), meta.reasons.join(' | '));
    // 1,000 in × $1 + 4 out × $5 per 1M
    assert.equal(meta.costUsd, 0.00102);
    assert.equal(meta.stopped, false);
    assert.ok(meta.totalMs >= 0 && meta.ttftMs !== null);
    const sent = providers.calls[0].request.messages;
    const user = sent[sent.length - 1].content;
    assert.match(
      user,
      /Selected code in .* \(lines 2–4\):\n```typescript\nexport function twice\(x: number\) \{\n {2}return x \* 2;\n\}\n```/,
    );
    assert.ok(user.endsWith('My question:\nWhat does twice do?'));
    assert.equal(host.history[host.history.length - 1].answerText, 'It doubles its input.');
    await host.persistNow();
    const stored = state.get<{ turns: { id: string }[] }>(HISTORY_STATE_KEY);
    assert.deepEqual(
      stored?.turns.map((t) => t.id),
      ['q1'],
    );
  });

  it('falls back when the first model is overloaded and says so', async () => {
    providers.scripts.set('first', { kind: 'overloaded' });
    providers.scripts.set('second', { kind: 'text', chunks: ['from ', 'second'] });
    webview.receive({ type: 'ready' });
    webview.receive({ type: 'send', id: 'q2', text: 'hello' });
    const meta = await webview.end('q2');
    const starts = webview.of('answerStart').filter((m) => m.id === 'q2');
    assert.deepEqual(
      starts.map((s) => s.model?.id),
      ['first', 'second'],
    );
    assert.deepEqual(starts[1].fallback, { from: 'first', to: 'second', reason: 'overloaded' });
    assert.deepEqual(meta.fallbacks, [{ from: 'first', to: 'second', reason: 'overloaded' }]);
    assert.equal(meta.modelId, 'second');
    assert.equal(webview.text('q2'), 'from second');
  });

  it('stop aborts the request silently: answerEnd with stopped, no error', async () => {
    providers.scripts.set('first', { kind: 'drip' });
    webview.receive({ type: 'ready' });
    webview.receive({ type: 'send', id: 'q3', text: 'go on forever' });
    await webview.waitFor(() => (webview.text('q3').length > 0 ? true : undefined), 'a delta');
    webview.receive({ type: 'stop', id: 'q3' });
    const meta = await webview.end('q3');
    assert.equal(meta.stopped, true);
    assert.equal(providers.calls[0].signal.aborted, true);
    assert.equal(webview.of('answerError').length, 0);
    assert.equal(host.busyId, undefined);
  });

  it('a second ready (reload) mid-answer gets the text so far and the busy turn; later deltas continue it exactly', async () => {
    providers.scripts.set('first', { kind: 'drip' });
    webview.receive({ type: 'ready' });
    webview.receive({ type: 'send', id: 'q4', text: 'stream' });
    await webview.waitFor(() => (webview.text('q4').split('drip').length > 3 ? true : undefined), 'some deltas');
    const before = webview.posted.length;
    webview.receive({ type: 'ready' });
    const init = await webview.waitFor(() => webview.posted.slice(before).find((m) => m.type === 'init'), 'second init');
    assert.ok(init.type === 'init');
    assert.deepEqual(init.busy, { id: 'q4' });
    const soFar = init.history.find((t) => t.id === 'q4')!.answerText;
    await webview.waitFor(
      () => (webview.posted.slice(before).some((m) => m.type === 'answerDelta') ? true : undefined),
      'a delta after reload',
    );
    webview.receive({ type: 'stop', id: 'q4' });
    await webview.end('q4');
    const after = webview.posted
      .slice(before)
      .filter((m): m is Extract<ChatHostMessage, { type: 'answerDelta' }> => m.type === 'answerDelta' && m.id === 'q4')
      .map((m) => m.text)
      .join('');
    assert.equal(soFar + after, host.history.find((t) => t.id === 'q4')!.answerText);
    assert.match(soFar + after, /^drip( drip)+$/);
  });

  it('pins: a next-message pin routes to that model once, then the pin is cleared; unknown models are refused', async () => {
    providers.scripts.set('second', { kind: 'text', chunks: ['pinned'] });
    webview.receive({ type: 'ready' });
    webview.receive({ type: 'setPin', modelId: 'nonexistent', scope: 'conversation' });
    const refused = await webview.waitFor(() => webview.of('pin')[0], 'pin reply');
    assert.equal(refused.pin, null);
    webview.receive({ type: 'send', id: 'q5', text: 'hi', pin: { modelId: 'second', scope: 'next' } });
    const meta = await webview.end('q5');
    assert.equal(meta.modelId, 'second');
    assert.match(meta.reasons[0], /^pinned by you/);
    assert.deepEqual(
      providers.calls.map((c) => c.model),
      ['second'],
    );
    assert.equal(webview.of('pin').pop()?.pin, null);
    webview.receive({ type: 'send', id: 'q6', text: 'bye', pin: { modelId: 'gone', scope: 'next' } });
    const error = await webview.waitFor(() => webview.of('answerError').find((m) => m.id === 'q6'), 'answerError');
    assert.match(error.message, /"gone" is no longer in switchboard.models/);
  });

  it('adds a turn from another feature and posts the new history', async () => {
    webview.receive({ type: 'ready' });
    await webview.waitFor(() => webview.of('init')[0], 'init');
    host.appendTurn({ userText: 'Refactor: rename', answerText: '> **Not applied.** x\n\nraw' });
    const history = await webview.waitFor(() => webview.of('history').pop(), 'history');
    assert.equal(history.history[history.history.length - 1].userText, 'Refactor: rename');
  });

  it('applyCode replaces the editor selection as one undoable edit', async () => {
    const target = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'let v = OLD;\n' });
    const shown = await vscode.window.showTextDocument(target);
    shown.selection = new vscode.Selection(0, 8, 0, 11);
    const local = new EditorContext();
    const localHost = new ChatHost({
      runner: { run: () => (async function* () {})() },
      settings: { snapshot: () => settings, workspaceKey: () => null, onDidChange: settingsChanged.event },
      logger: silentLogger,
      state: new MemoryMemento(),
      editor: local,
      showBudgetSignals: () => undefined,
      pickFiles: async () => [],
    });
    const view = new FakeWebview();
    const detach = localHost.attach(view);
    try {
      view.receive({ type: 'ready' });
      view.receive({ type: 'applyCode', code: 'NEW_VALUE' });
      for (let i = 0; i < 100 && target.getText() !== 'let v = NEW_VALUE;\n'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(target.getText(), 'let v = NEW_VALUE;\n');
      await vscode.commands.executeCommand('undo');
      assert.equal(target.getText(), 'let v = OLD;\n');
    } finally {
      detach.dispose();
      localHost.dispose();
      local.dispose();
      view.dispose();
    }
  });
});

/** Closes every editor without a save prompt (test documents are left dirty on purpose). */
async function closeAllWithoutSaving(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) {
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs)[0];
    if (tab.input instanceof vscode.TabInputText) await vscode.window.showTextDocument(tab.input.uri, { preview: false });
    else await vscode.window.tabGroups.close(tab);
    if (tab.input instanceof vscode.TabInputText) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
