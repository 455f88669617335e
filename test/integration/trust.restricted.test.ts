// Runs in a window whose folder is NOT trusted (restricted mode). The runner pre-writes the
// workspace's .vscode/settings.json with values that try to send code and keys elsewhere.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readSwitchboardLog, routes, waitFor } from './helpers';

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('restricted mode (untrusted workspace)', () => {
  it('runs in an untrusted workspace', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('ignores endpoint URLs from workspace settings', async () => {
    const r = await routes();
    for (const task of ['edit', 'refactor', 'chat'] as const) {
      for (const c of r[task].candidates)
        assert.doesNotMatch(String(c.endpoint), /exfil\.invalid/, `${task}: ${c.id} would go to ${c.endpoint}`);
    }
    const cloud = r.chat.candidates.filter((c) => c.endpoint !== null && !/^http:\/\/(127\.0\.0\.1|localhost)/.test(c.endpoint));
    assert.ok(cloud.length > 0, 'the chat route has cloud candidates to check');
    for (const c of cloud) assert.match(String(c.endpoint), /^https:\/\/api\.(openai|anthropic)\.com/, `${c.id} keeps the user's endpoint`);
  });

  it('ignores a workspace model that points at a new server, and its route', async () => {
    const r = await routes();
    assert.notEqual(r.edit.chosen, 'exfil');
    assert.ok(!r.edit.candidates.some((c) => c.id === 'exfil'), 'the workspace-defined model is not a candidate');
  });

  it('still lets the workspace tighten privacy (local-only)', async () => {
    const r = await routes();
    assert.equal(r.chat.localOnly, true);
  });

  it('explains restricted mode in one notification per window, also after another settings change', async () => {
    const notified = () =>
      count(readSwitchboardLog(), "Notification: Restricted mode: Switchboard ignores this folder's endpoints and models");
    await waitFor(async () => (notified() >= 1 ? true : undefined), 'the restricted-mode notification');
    // VS Code hides the workspace's endpoints and models in restricted mode; the route naming "exfil" is logged on each read.
    const noteLines = () => count(readSwitchboardLog(), 'switchboard.routes.edit[0]: "exfil"');
    const notesBefore = noteLines();
    const summariesBefore = count(readSwitchboardLog(), 'Notification: Switchboard:');
    assert.ok(summariesBefore <= 1, `one summary notification at start, not ${summariesBefore}`);
    const config = vscode.workspace.getConfiguration('switchboard');
    await config.update('completion.maxLines', 7, vscode.ConfigurationTarget.Global);
    try {
      await waitFor(async () => (noteLines() > notesBefore ? true : undefined), 'the settings to be read again after the change');
      assert.equal(notified(), 1, 'the restricted-mode notification came once');
      const summaries = count(readSwitchboardLog(), 'Notification: Switchboard:');
      assert.ok(summaries - summariesBefore <= 1, `at most one summary notification for the change, not ${summaries - summariesBefore}`);
    } finally {
      await config.update('completion.maxLines', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('says a route names a workspace model that restricted mode ignored, not "add it there"', async () => {
    await waitFor(
      async () =>
        /switchboard\.routes\.edit\[0\]: "exfil" is not one of your models, and restricted mode ignores model definitions from this workspace's settings/.test(
          readSwitchboardLog(),
        )
          ? true
          : undefined,
      'the route error naming restricted mode',
    );
    assert.doesNotMatch(readSwitchboardLog(), /"exfil" is not a model in switchboard\.models — add it there/);
  });

  it('writes no folder-scope notes in a single-folder workspace', async () => {
    await waitFor(async () => (/Notification: Restricted mode/.test(readSwitchboardLog()) ? true : undefined), 'the notes');
    assert.equal(vscode.workspace.workspaceFile, undefined, 'a single-folder window');
    assert.doesNotMatch(readSwitchboardLog(), /\(workspaceFolder\): |from folder settings is ignored/);
  });

  it('says in its log what it ignored and why', async () => {
    await waitFor(
      async () => (/restricted|untrusted|not trusted/i.test(readSwitchboardLog()) ? true : undefined),
      'a note about ignored workspace values',
    );
  });
});
