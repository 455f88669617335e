// Edit selection's review and refactor's preview inside a real VS Code: the stale-document check,
// one undoable edit, the diff editor with the proposal, a refactor that waits for confirmation, and
// refactor answers that would write through a symbolic link to outside the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EditReviews, applyProposal, proposedText } from '../../src/vscode/edits/editReview';
import type { EditProposal } from '../../src/vscode/edits/editReview';
import { buildRefactorEdit } from '../../src/vscode/edits/refactorEdit';
import { parseAndApplySearchReplace } from '../../src/core/edits/searchReplace';
import { silentLogger, systemClock } from '../../src/core/ports';
import type { Ports } from '../../src/core/ports';
import { proposeRefactor } from '../../src/vscode/edits/refactor';
import { runRoutedTask } from '../../src/vscode/edits/routedTask';
import type { ChatApi } from '../../src/vscode/chatView';
import type { AppendedTurn } from '../../src/vscode/chat/chatHost';
import { TaskRunner } from '../../src/core/taskRunner';
import { DecisionLog } from '../../src/core/decisionLog';
import { ProviderCache } from '../../src/core/providers/providerCache';
import { ModelHealth } from '../../src/core/router/health';
import { BudgetGuard } from '../../src/core/cost/budgets';
import { effectiveSettings } from '../../src/core/settings/validate';
import type { InspectedSettings } from '../../src/core/settings/merge';
import type { ModelProvider } from '../../src/core/providers/provider';
import type { Chunk, ModelRef } from '../../src/core/types';
import { workspaceDir } from './helpers';

const TEST_SCHEME = 'switchboard-proposal-test';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the integration run opens a workspace folder');
  return f.uri;
}

let fixtureCounter = 0;
async function fixture(text: string, ext = 'ts'): Promise<{ uri: vscode.Uri; doc: vscode.TextDocument; path: string }> {
  const path = `edits-fixture-${Date.now().toString(36)}-${++fixtureCounter}.${ext}`;
  const uri = vscode.Uri.joinPath(folder(), path);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return { uri, doc, path };
}

function proposalFor(doc: vscode.TextDocument, range: vscode.Range, replacement: string): EditProposal {
  return {
    id: `p${++fixtureCounter}`,
    document: doc,
    version: doc.version,
    originalText: doc.getText(),
    range,
    replacement,
    summary: 'test proposes an edit',
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const diffTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === TEST_SCHEME);

describe('edit selection review', function () {
  this.timeout(20_000);
  const outcomes: string[] = [];
  let reviews: EditReviews;

  before(() => {
    reviews = new EditReviews(silentLogger, async (p, outcome) => void outcomes.push(`${p.id}:${outcome}`), TEST_SCHEME);
  });
  after(async () => {
    reviews.dispose();
    await closeAllWithoutSaving();
  });

  it('applies a proposal as one undoable edit', async () => {
    const { doc } = await fixture('function greet(name) {\n  return "hi " + name;\n}\n');
    await vscode.window.showTextDocument(doc);
    const p = proposalFor(doc, new vscode.Range(1, 0, 2, 0), '  return `Hello, ${name}!`;\n');
    assert.deepEqual(await applyProposal(p), { kind: 'applied' });
    assert.equal(doc.getText(), 'function greet(name) {\n  return `Hello, ${name}!`;\n}\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), 'function greet(name) {\n  return "hi " + name;\n}\n');
  });

  it('overwrites nothing when the document changed after the request started', async () => {
    const { doc, uri } = await fixture('const a = 1;\nconst b = 2;\n');
    const p = proposalFor(doc, new vscode.Range(1, 0, 1, 12), 'const b = 3;');
    const userEdit = new vscode.WorkspaceEdit();
    userEdit.insert(uri, new vscode.Position(0, 0), '// typed meanwhile\n');
    assert.ok(await vscode.workspace.applyEdit(userEdit));
    const result = await applyProposal(p);
    assert.equal(result.kind, 'stale');
    assert.match((result as { message: string }).message, /changed after the edit was requested.*nothing was overwritten/);
    assert.equal(doc.getText(), '// typed meanwhile\nconst a = 1;\nconst b = 2;\n');
  });

  it('shows the proposal in the diff editor; Accept applies it, closes the diff and records the outcome', async () => {
    const { doc, uri } = await fixture('export const answer = 41;\n');
    const p = proposalFor(doc, new vscode.Range(0, 22, 0, 24), '42');
    const proposalUri = await reviews.open(p);
    await until(() => diffTabs().length === 1, 'the diff tab');
    const input = diffTabs()[0].input as vscode.TabInputTextDiff;
    assert.equal(input.original.toString(), uri.toString());
    assert.equal(input.modified.toString(), proposalUri.toString());
    assert.equal((await vscode.workspace.openTextDocument(proposalUri)).getText(), 'export const answer = 42;\n');
    assert.equal(proposedText(p), 'export const answer = 42;\n');
    const result = await reviews.accept();
    assert.deepEqual(result, { kind: 'applied' });
    assert.equal(doc.getText(), 'export const answer = 42;\n');
    await until(() => diffTabs().length === 0, 'the diff to close');
    assert.ok(outcomes.includes(`${p.id}:accepted`), outcomes.join(','));
    assert.equal(reviews.pendingCount, 0);
  });

  it('Reject leaves the file untouched; closing the diff without deciding also rejects', async () => {
    const { doc } = await fixture('let x = 1;\n');
    const p1 = proposalFor(doc, new vscode.Range(0, 8, 0, 9), '2');
    const uri1 = await reviews.open(p1);
    await until(() => diffTabs().length === 1, 'the diff tab');
    assert.equal(await reviews.reject(uri1), true);
    assert.equal(doc.getText(), 'let x = 1;\n');
    assert.ok(outcomes.includes(`${p1.id}:rejected`));

    const p2 = proposalFor(doc, new vscode.Range(0, 8, 0, 9), '3');
    await reviews.open(p2);
    await until(() => diffTabs().length === 1, 'the second diff tab');
    await vscode.window.tabGroups.close(diffTabs());
    await until(() => outcomes.includes(`${p2.id}:rejected`), 'the rejection by closing');
    assert.equal(doc.getText(), 'let x = 1;\n');
    assert.equal(reviews.pendingCount, 0);
  });
});

describe('refactor preview', function () {
  this.timeout(30_000);

  it('builds one WorkspaceEdit across files that VS Code holds for confirmation; discarding applies nothing', async () => {
    const a = await fixture('export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n');
    const b = await fixture(`import { greet } from './x';\nconsole.log(greet('world'));\n`);
    const answer = [
      'Renaming greet to welcome.',
      '',
      a.path,
      '<<<<<<< SEARCH',
      'export function greet(name: string): string {',
      '=======',
      'export function welcome(name: string): string {',
      '>>>>>>> REPLACE',
      '',
      b.path,
      '<<<<<<< SEARCH',
      "import { greet } from './x';",
      "console.log(greet('world'));",
      '=======',
      "import { welcome } from './x';",
      "console.log(welcome('world'));",
      '>>>>>>> REPLACE',
      '',
      'src/brand-new-helper.ts',
      '<<<<<<< SEARCH',
      '=======',
      'export const helper = 1;',
      '>>>>>>> REPLACE',
    ].join('\n');
    const files = new Map([
      [a.path, a.doc.getText()],
      [b.path, b.doc.getText()],
    ]);
    const applied = parseAndApplySearchReplace(answer, files);
    assert.ok(applied.ok, JSON.stringify(applied));
    const uriFor = (path: string) => vscode.Uri.joinPath(folder(), ...path.split('/'));
    const refactor = buildRefactorEdit(
      applied.files,
      uriFor,
      { label: 'Switchboard: rename greet', description: 'test · 2 changes' },
      (path) => files.has(path),
    );
    assert.equal(refactor.changeCount, 3);
    assert.deepEqual(
      refactor.files.map((u) => u.toString()),
      [a.uri, b.uri, uriFor('src/brand-new-helper.ts')].map((u) => u.toString()),
    );
    assert.equal(refactor.edit.size, 3);
    assert.equal(refactor.edit.get(a.uri).length, 1);

    let settled: boolean | undefined;
    const pending = Promise.resolve(vscode.workspace.applyEdit(refactor.edit, { isRefactoring: true })).then((ok) => (settled = ok));
    // Needing confirmation, the edit waits in the Refactor Preview until the user decides; discard as soon as it is there.
    for (let i = 0; i < 200 && settled === undefined; i++) {
      await Promise.resolve(vscode.commands.executeCommand('refactorPreview.discard')).then(undefined, () => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await pending, false, 'applyEdit applied without confirmation');
    assert.match(a.doc.getText(), /export function greet/);
    assert.match(b.doc.getText(), /greet\('world'\)/);
    const created = await vscode.workspace.fs.stat(uriFor('src/brand-new-helper.ts')).then(
      () => true,
      () => false,
    );
    assert.equal(created, false);
  });
});

/** A real TaskRunner whose one refactor model answers `answer`, as a frontier model behind the route would. */
function scriptedRunner(answer: () => string): TaskRunner {
  const ports: Ports = {
    fetch: globalThis.fetch,
    getApiKey: async () => 'sk-test',
    clock: systemClock,
    logger: silentLogger,
    storageDir: '/nonexistent',
  };
  const provider = (model: ModelRef): ModelProvider => ({
    kind: model.provider,
    async *streamChat(): AsyncGenerator<Chunk> {
      yield { type: 'text', text: answer() };
      yield {
        type: 'done',
        final: {
          model: model.model,
          usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 },
          ttftMs: 5,
          totalMs: 10,
          stopReason: 'stop',
        },
      };
    },
    streamFim() {
      throw new Error('not used');
    },
  });
  const budget = new BudgetGuard();
  return new TaskRunner({
    ports,
    providers: new ProviderCache(ports, provider),
    health: new ModelHealth(systemClock),
    budget,
    log: new DecisionLog({ ports, ledger: Promise.resolve(undefined), budget }),
  });
}

function refactorSettings() {
  const user: Record<string, unknown> = {
    models: [
      { id: 'sol', provider: 'openai', model: 'gpt-6.1-sol', tier: 'frontier', contextWindow: 400_000, price: { input: 1.25, output: 10 } },
    ],
    routes: { completion: [], edit: ['sol'], refactor: ['sol'], chat: ['sol'] },
  };
  const inspected: InspectedSettings = Object.fromEntries(Object.entries(user).map(([k, v]) => [k, { globalValue: v }]));
  return effectiveSettings(inspected, { trusted: true }).settings;
}

describe('refactor writes stay inside the workspace by real path', function () {
  this.timeout(60_000);
  const id = Date.now().toString(36);
  let outside: string;
  const linkedFolder = `linked-${id}`;
  const linkedFile = `linked-file-${id}.ts`;
  const alias = `alias-${id}`;
  const dangling = `dangling-${id}.ts`;
  const SECRET = 'export const secret = 1;\n';
  let answer = '';
  const runner = scriptedRunner(() => answer);

  before(() => {
    // A folder and a file outside the workspace, reached through links inside it.
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.ts'), SECRET);
    fs.symlinkSync(outside, path.join(workspaceDir(), linkedFolder), 'dir');
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(workspaceDir(), linkedFile), 'file');
    // A link to a file outside that does not exist yet: writing it would create that file.
    fs.symlinkSync(path.join(outside, 'missing.ts'), path.join(workspaceDir(), dangling), 'file');
    // A link that stays inside the workspace.
    fs.mkdirSync(path.join(workspaceDir(), `inside-${id}`));
    fs.symlinkSync(path.join(workspaceDir(), `inside-${id}`), path.join(workspaceDir(), alias), 'dir');
  });
  after(async () => {
    await closeAllWithoutSaving();
    for (const link of [linkedFolder, linkedFile, alias, dangling]) fs.rmSync(path.join(workspaceDir(), link), { force: true });
    fs.rmSync(path.join(workspaceDir(), `inside-${id}`), { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  /** Runs the answer through the routed task and proposeRefactor; a preview that opens is applied (and saved) or discarded. */
  async function propose(text: string, previewAction: 'apply' | 'discard') {
    answer = text;
    const turns: AppendedTurn[] = [];
    const outcomes: string[] = [];
    const chat: ChatApi = { appendTurn: async (t) => void turns.push(t), reveal: async () => undefined };
    const settings = refactorSettings();
    const outcome = await runRoutedTask(
      { runner, logger: silentLogger, showBudgetSignals: () => undefined },
      { task: 'refactor', call: { kind: 'chat', messages: [{ role: 'user', content: 'refactor' }] }, promptTokens: 100, workspace: null },
      settings,
      'Switchboard: refactoring (test)',
    );
    assert.equal(outcome.kind, 'done', JSON.stringify(outcome));
    if (outcome.kind !== 'done') return { turns, outcomes };
    let settled = false;
    const log = { recordOutcome: async (_record: unknown, o: string) => void outcomes.push(o) } as unknown as Parameters<
      typeof proposeRefactor
    >[0]['log'];
    const pending = proposeRefactor({ logger: silentLogger, log }, chat, 'Move the secret', outcome, []).then(() => (settled = true));
    // If the Refactor Preview opens, press its button (whatever it holds) and save what it changed.
    for (let i = 0; i < 300 && !settled; i++) {
      await Promise.resolve(vscode.commands.executeCommand(`refactorPreview.${previewAction}`)).then(undefined, () => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
    await pending;
    await vscode.workspace.saveAll(false);
    return { turns, outcomes };
  }

  it('refuses a new file in a symlinked folder that leads outside, writes nothing there, and says why', async () => {
    const { turns, outcomes } = await propose(
      [`${linkedFolder}/x.txt`, '<<<<<<< SEARCH', '=======', 'written outside', '>>>>>>> REPLACE'].join('\n'),
      'apply',
    );
    assert.deepEqual(fs.readdirSync(outside), ['secret.ts'], 'nothing new outside the workspace');
    assert.equal(turns.length, 1, 'the refusal lands in the chat');
    assert.match(
      turns[0].answerText,
      new RegExp(`Not applied\\.\\*\\* .*${linkedFolder}/x\\.txt is a symbolic link \\(or inside one\\) that leads outside the workspace`),
    );
    assert.ok(turns[0].answerText.includes(fs.realpathSync(outside)), 'the reason names where the link leads');
    assert.deepEqual(outcomes, ['error']);
  });

  it('refuses an edit to a symlinked file that leads outside, and the file stays as it was', async () => {
    const { turns, outcomes } = await propose(
      [linkedFile, '<<<<<<< SEARCH', 'export const secret = 1;', '=======', 'export const secret = 2;', '>>>>>>> REPLACE'].join('\n'),
      'apply',
    );
    assert.equal(fs.readFileSync(path.join(outside, 'secret.ts'), 'utf8'), SECRET);
    assert.equal(turns.length, 1, 'the refusal lands in the chat');
    assert.match(
      turns[0].answerText,
      new RegExp(`${linkedFile.replace(/\./g, '\\.')} is a symbolic link \\(or inside one\\) that leads outside the workspace`),
    );
    assert.deepEqual(outcomes, ['error']);
  });

  it('refuses a new file behind a dangling link whose target is outside', async () => {
    const { turns, outcomes } = await propose(
      [dangling, '<<<<<<< SEARCH', '=======', 'export const x = 1;', '>>>>>>> REPLACE'].join('\n'),
      'apply',
    );
    assert.deepEqual(fs.readdirSync(outside), ['secret.ts'], 'nothing new outside the workspace');
    assert.equal(turns.length, 1, 'the refusal lands in the chat');
    assert.ok(
      turns[0].answerText.includes(`${dangling} is a symbolic link (or inside one) that leads outside the workspace`),
      turns[0].answerText,
    );
    assert.deepEqual(outcomes, ['error']);
  });

  it('still proposes a file reached through a link that stays inside the workspace', async () => {
    const { turns, outcomes } = await propose(
      [`${alias}/y.ts`, '<<<<<<< SEARCH', '=======', 'export const y = 1;', '>>>>>>> REPLACE'].join('\n'),
      'discard',
    );
    assert.equal(turns.length, 0, turns.map((t) => t.answerText).join('\n'));
    assert.deepEqual(outcomes, ['rejected'], 'the preview opened and was discarded');
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
