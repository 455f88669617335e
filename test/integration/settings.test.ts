import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { clearWorkspaceSettings, readSwitchboardLog, routes, waitFor, writeWorkspaceSettings } from './helpers';
import { ledgerDir } from '../support/profileFiles';

describe('settings in a real VS Code', () => {
  afterEach(async () => {
    await clearWorkspaceSettings();
  });

  it('routes by the defaults when nothing is set', async () => {
    const r = await routes();
    assert.equal(r.completion.chosen, 'qwen2.5-coder:1.5b-base');
    assert.ok(r.edit.chosen, 'edit has a model');
    assert.notEqual(r.edit.chosen, r.completion.chosen);
  });

  it('a workspace .vscode/settings.json changes routing', async () => {
    const before = await routes();
    const target = before.edit.fallbacks[0] ?? 'claude-haiku-4-5';
    writeWorkspaceSettings({ 'switchboard.routes': { edit: [target] } });
    const after = await waitFor(async () => {
      const r = await routes();
      return r.edit.chosen === target ? r : undefined;
    }, 'edit route to follow the workspace setting');
    assert.deepEqual(after.edit.fallbacks, []);
    assert.equal(after.refactor.chosen, before.refactor.chosen, 'other tasks keep the user/default route');
  });

  it('local-only in the workspace drops every cloud model with a reason', async () => {
    writeWorkspaceSettings({ 'switchboard.privacy.localOnly': true });
    const r = await waitFor(async () => {
      const x = await routes();
      return x.edit.localOnly ? x : undefined;
    }, 'local-only to apply');
    const dropped = r.edit.candidates.filter((c) => !c.kept);
    assert.ok(dropped.length > 0);
    for (const c of dropped) assert.match(c.reason, /local/i);
  });

  it('an invalid value is reported with the setting name and the last valid configuration stays', async () => {
    writeWorkspaceSettings({ 'switchboard.routes': { edit: ['claude-haiku-4-5'] } });
    await waitFor(async () => ((await routes()).edit.chosen === 'claude-haiku-4-5' ? true : undefined), 'valid route');
    writeWorkspaceSettings({ 'switchboard.routes': { edit: ['no-such-model'] }, 'switchboard.completion.maxLines': -3 });
    await waitFor(
      async () => (/switchboard\.completion\.maxLines/.test(readSwitchboardLog()) ? true : undefined),
      'a diagnostic for maxLines in the log',
    );
    const log = readSwitchboardLog();
    assert.match(log, /switchboard\.routes\.edit\[0\]: "no-such-model"/);
    const r = await routes();
    assert.equal(r.edit.chosen, 'claude-haiku-4-5', 'keeps the last valid route');
  });

  it('a window setting in a single folder\'s .vscode/settings.json applies with no "from folder settings is ignored" note', async () => {
    assert.equal(vscode.workspace.workspaceFile, undefined, 'a single-folder window');
    writeWorkspaceSettings({ 'switchboard.completion.keepAlive': '2h', 'switchboard.completion.maxLines': -4 });
    await waitFor(
      async () => (/switchboard\.completion\.maxLines: -4/.test(readSwitchboardLog()) ? true : undefined),
      'the settings file to be read',
    );
    assert.doesNotMatch(readSwitchboardLog(), /from folder settings is ignored/);
  });

  it("keeps its ledger in the extension's global storage", async () => {
    const dir = ledgerDir(process.env.SWITCHBOARD_TEST_USER_DATA!);
    await waitFor(async () => (fs.existsSync(dir) ? true : undefined), `ledger folder ${dir}`);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
