import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'switchboard-dev.switchboard';

describe('activation', () => {
  it('is installed and activates without throwing', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    assert.ok(contributed.length >= 6);
  });

  it('contributes the Switchboard view container with the chat view', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const containers = ext.packageJSON.contributes.viewsContainers.activitybar as { id: string }[];
    assert.ok(containers.some((c) => c.id === 'switchboard'));
    const views = ext.packageJSON.contributes.views.switchboard as { id: string; type: string }[];
    assert.deepEqual(
      views.map((v) => [v.id, v.type]),
      [['switchboard.chat', 'webview']],
    );
  });
});
