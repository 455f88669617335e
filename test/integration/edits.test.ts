// Edit selection's review and refactor's preview inside a real VS Code: the stale-document check,
// one undoable edit, the diff editor with the proposal, and a refactor that waits for confirmation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EditReviews, applyProposal, proposedText } from '../../src/vscode/edits/editReview';
import type { EditProposal } from '../../src/vscode/edits/editReview';
import { buildRefactorEdit } from '../../src/vscode/edits/refactorEdit';
import { parseAndApplySearchReplace } from '../../src/core/edits/searchReplace';
import { silentLogger } from '../../src/core/ports';

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

/** Closes every editor without a save prompt (test documents are left dirty on purpose). */
async function closeAllWithoutSaving(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) {
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs)[0];
    if (tab.input instanceof vscode.TabInputText) await vscode.window.showTextDocument(tab.input.uri, { preview: false });
    else await vscode.window.tabGroups.close(tab);
    if (tab.input instanceof vscode.TabInputText) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
