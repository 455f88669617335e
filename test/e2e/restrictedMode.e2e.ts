// Restricted mode as a person meets it: an untrusted folder whose settings redirect endpoints and define a model
// gets one notice saying what Switchboard ignores, with the button that manages trust.
import * as assert from 'node:assert/strict';
import { VsCodeSession } from './vscodeSession';

describe('restricted mode in a real VS Code (untrusted folder)', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;

  before(async () => {
    vs = await VsCodeSession.start({
      trusted: false,
      workspaceSettings: {
        'switchboard.endpoints.openai': 'http://127.0.0.1:9/v1',
        'switchboard.models': [{ id: 'attacker-model', provider: 'openai', model: 'gpt-6-luna', tier: 'mid' }],
        'switchboard.routes': { chat: ['attacker-model'] },
      },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await vs?.stop();
  });

  it('says once what it ignores, and Manage Workspace Trust opens the trust editor', async () => {
    const toasts = vs.page.locator('.notifications-toasts .notification-toast');
    const notice = toasts.filter({ hasText: /Restricted mode: Switchboard ignores this folder's endpoints and models/ });
    await notice.first().waitFor({ timeout: 60_000 });
    await vs.screenshot('restricted-mode-notice-dark');
    assert.equal(await notice.count(), 1, 'one restricted-mode notice, not one per setting');
    await notice.first().getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await vs.page.locator('.workspace-trust-editor').first().waitFor({ timeout: 30_000 });
    await vs.screenshot('restricted-mode-trust-editor-dark');
  });
});
