// Inline completion end to end: typing in a real VS Code (code-server) shows ghost text from a
// loopback Ollama stand-in through the real provider, and Tab accepts it into the document.
import * as assert from 'node:assert/strict';
import { VsCodeSession } from './vscodeSession';
import { eventually } from './featureHelpers';
import { startOllamaStandin } from '../support/standins/ollamaStandin';
import type { OllamaStandin } from '../support/standins/ollamaStandin';

const COMPLETION = 'greet("world");';

describe('inline completion in a real VS Code (stand-in Ollama)', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;
  let ollama: OllamaStandin;

  before(async () => {
    ollama = await startOllamaStandin();
    ollama.script({ text: COMPLETION });
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.ollama': ollama.origin,
        'switchboard.routes': { completion: ['qwen2.5-coder:1.5b-base'] },
        'switchboard.completion.enabled': true,
        'files.autoSave': 'off',
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-completion-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await ollama?.close();
  });

  /** Monaco renders spaces as no-break spaces. */
  const editorText = async () => (await vs.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');

  it('shows ghost text while typing and Tab accepts it', async () => {
    await vs.openFile('src/greet.ts');
    await vs.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await vs.page.keyboard.press('Control+End');
    await vs.page.keyboard.type('\nexport const message = ', { delay: 30 });

    const ghost = vs.page.locator('.editor-group-container.active .monaco-editor .ghost-text, .editor-group-container.active .monaco-editor .ghost-text-decoration').first();
    await ghost.waitFor({ state: 'visible', timeout: 30_000 });
    const shot = await vs.screenshot('completion-ghost-text');
    console.log(`    screenshot: ${shot}`);
    assert.ok(ollama.requests.some((r) => r.path === '/api/generate'), 'the ghost text came from a FIM request to the stand-in');

    await vs.page.keyboard.press('Tab');
    await eventually(async () => ((await editorText()).includes(`export const message = ${COMPLETION}`) ? true : undefined), 'the accepted completion in the editor');
  });
});
