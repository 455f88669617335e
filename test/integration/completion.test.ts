// Inline completions inside a real VS Code: typing sends a FIM request to (a stand-in) Ollama with
// the text around the cursor, the ghost text can be accepted, and the acceptance reaches the ledger.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startOllamaStandin } from '../support/standins/ollamaStandin';
import type { OllamaStandin } from '../support/standins/ollamaStandin';
import { EXTENSION_ID, waitFor, workspaceDir } from './helpers';
import { readLedgerLines } from '../support/profileFiles';

const COMPLETION = '42;';

function ledgerLines(): Record<string, unknown>[] {
  const userData = process.env.SWITCHBOARD_TEST_USER_DATA;
  assert.ok(userData, 'the runner sets SWITCHBOARD_TEST_USER_DATA');
  return readLedgerLines(userData);
}

describe('inline completion', function () {
  this.timeout(60_000);
  let standin: OllamaStandin;
  let file: vscode.Uri;

  before(async () => {
    standin = await startOllamaStandin();
    standin.script({ text: COMPLETION });
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const config = vscode.workspace.getConfiguration('switchboard');
    await config.update('endpoints.ollama', standin.origin, vscode.ConfigurationTarget.Global);
    await config.update('completion.enabled', true, vscode.ConfigurationTarget.Global);
    file = vscode.Uri.file(path.join(workspaceDir(), `completion-fixture-${Date.now().toString(36)}.ts`));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('export function answer(): number {\n  return 0;\n}\n'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    const config = vscode.workspace.getConfiguration('switchboard');
    await config.update('endpoints.ollama', undefined, vscode.ConfigurationTarget.Global);
    await config.update('completion.enabled', undefined, vscode.ConfigurationTarget.Global);
    await standin.close();
  });

  it('sends the text around the cursor to Ollama, inserts the accepted suggestion and records the acceptance', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const typed = 'export const meaning = ';
    const end = new vscode.Position(3, 0);
    assert.ok(await editor.edit((b) => b.insert(end, typed)));
    const cursor = new vscode.Position(3, typed.length);
    editor.selection = new vscode.Selection(cursor, cursor);

    const generate = () => standin.requests.filter((r) => r.path === '/api/generate');
    await waitFor(
      async () => {
        if (generate().length > 0) return true;
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await new Promise((r) => setTimeout(r, 300));
        return generate().length > 0 ? true : undefined;
      },
      'a FIM request at the stand-in',
      20_000,
    );
    const body = generate()[0]!.body as { model: string; prompt: string; suffix?: string; raw?: boolean };
    assert.equal(body.model, 'qwen2.5-coder:1.5b-base');
    assert.notEqual(body.raw, true, "qwen's template places .Suffix, so Ollama builds the prompt (native FIM)");
    assert.ok(
      body.prompt.endsWith(`  return 0;\n}\n${typed}`),
      `prompt ends with the text before the cursor: ${JSON.stringify(body.prompt.slice(-80))}`,
    );
    assert.equal(typeof body.suffix, 'string');

    const expected = `${typed}${COMPLETION}`;
    await waitFor(
      async () => {
        if (doc.lineAt(3).text === expected) return true;
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await new Promise((r) => setTimeout(r, 300));
        await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
        return doc.lineAt(3).text === expected ? true : undefined;
      },
      `the accepted suggestion in the document (line 4 is ${JSON.stringify(doc.lineAt(3).text)})`,
      20_000,
    );

    const accepted = await waitFor(
      async () => {
        const lines = ledgerLines();
        const decisions = lines.filter((l) => l.type === 'decision' && l.task === 'completion' && l.language === 'typescript');
        const update = lines.find((l) => l.type === 'outcome' && l.outcome === 'accepted' && decisions.some((d) => d.id === l.id));
        return update ? { update, decision: decisions.find((d) => d.id === update.id)! } : undefined;
      },
      "an 'accepted' outcome for a typescript completion decision in the ledger",
      10_000,
    );
    assert.equal(accepted.update.task, 'completion');
    assert.equal((accepted.decision.answeredBy as { model: string }).model, 'qwen2.5-coder:1.5b-base');
  });
});
