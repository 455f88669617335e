import * as assert from 'node:assert/strict';
import { VsCodeSession } from './vscodeSession';

describe('smoke: Switchboard in a real VS Code', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;

  before(async () => {
    vs = await VsCodeSession.start();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await vs?.stop();
  });

  it('shows its status bar item', async () => {
    const item = vs.page.locator('.statusbar-item', { hasText: /\$0(?![.\d])/ });
    await item.waitFor({ timeout: 30_000 });
    assert.match((await item.getAttribute('aria-label')) ?? (await item.innerText()), /\$0(?![.\d])/);
    await vs.screenshot('smoke-statusbar');
  });

  it('lists its commands in the command palette', async () => {
    const labels = await vs.paletteEntries('Switchboard:');
    for (const title of ['Open Chat', 'Open Router Panel', 'Edit Selection', 'Refactor', 'Set API Key', 'Show Log']) {
      assert.ok(
        labels.some((l) => l.includes(`Switchboard: ${title}`)),
        `"Switchboard: ${title}" missing from palette: ${labels.join(' | ')}`,
      );
    }
    await vs.screenshot('smoke-palette');
    await vs.page.keyboard.press('Escape');
  });

  it('opens the Switchboard view container with the chat view', async () => {
    await vs.runCommand('Switchboard: Open Chat');
    const frame = await vs.webviewFrame(
      async (f) => (await f.locator('#root').count()) > 0 && /Ask Switchboard/.test(await f.locator('#root').innerText()),
    );
    assert.match(await frame.locator('#root').innerText(), /Ask Switchboard/);
    const title = await vs.page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title.toUpperCase(), /SWITCHBOARD/);
    await vs.screenshot('smoke-chat-view');
  });

  it('shows its log with the activation line and no error', async () => {
    await vs.runCommand('Switchboard: Show Log');
    const output = vs.page.locator('.output-view, [id="workbench.panel.output"]').first();
    await output.waitFor({ timeout: 15_000 });
    await vs.page
      .locator('.view-line', { hasText: /Switchboard\s.*activated\sin/ })
      .first()
      .waitFor({ timeout: 15_000 });
    const text = await vs.page.locator('[id="workbench.panel.output"] .view-lines').innerText();
    assert.doesNotMatch(text, /\[error\]/);
    await vs.screenshot('smoke-log');
  });
});
