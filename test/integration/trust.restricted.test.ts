// Runs in a window whose folder is NOT trusted (restricted mode). The runner pre-writes the
// workspace's .vscode/settings.json with values that try to send code and keys elsewhere.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readSwitchboardLog, routes, waitFor } from './helpers';

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

  it('says in its log what it ignored and why', async () => {
    await waitFor(
      async () => (/restricted|untrusted|not trusted/i.test(readSwitchboardLog()) ? true : undefined),
      'a note about ignored workspace values',
    );
  });
});
