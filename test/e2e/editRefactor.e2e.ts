// Edit selection and refactor end to end: Switchboard in a real VS Code (code-server), answers from a
// loopback OpenAI stand-in through the real provider, the diff editor and the Refactor Preview driven
// as a user would. One VS Code for all cases.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { PRICED_MODELS } from './pricedModels';
import { answerQuickInput, chatFrame, eventually, screenshotBothThemes, startCommand, waitForQuickInput } from './featureHelpers';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';

const OPENAI_KEY = 'sk-e2e-openai-0123456789abcdef';

const MATH = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const MAIN = "import { add } from './math';\n\nconsole.log(add(1, 2));\n";
const A = 'export const greeting = "hi";\n';

describe('edit selection and refactor in a real VS Code (stand-in provider)', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;
  let openai: OpenAIStandin;
  const shots: string[] = [];
  const file = (relative: string) => path.join(vs.workspace, relative);
  const read = (relative: string) => fs.readFileSync(file(relative), 'utf8');

  before(async () => {
    openai = await startOpenAIStandin();
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.openai': openai.url,
        'switchboard.models': [PRICED_MODELS.luna, PRICED_MODELS.sol],
        'switchboard.routes': {
          completion: ['qwen2.5-coder:1.5b-base'],
          edit: ['gpt-6-luna'],
          refactor: ['gpt-6.1-sol'],
          chat: ['gpt-6-luna'],
        },
        'switchboard.completion.enabled': false,
        'files.autoSave': 'off',
      },
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
    fs.writeFileSync(file('src/math.ts'), MATH);
    fs.writeFileSync(file('src/main.ts'), MAIN);
    fs.writeFileSync(file('src/a.ts'), A);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-edit-refactor-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await openai?.close();
    if (shots.length > 0) console.log(`    screenshots:\n${shots.map((s) => `      ${s}`).join('\n')}`);
  });

  /** A Refactor Preview row's checkbox state. */
  const isTicked = (row: Locator) =>
    row
      .locator('.monaco-checkbox, input[type="checkbox"]')
      .first()
      .evaluate((el) => el.classList.contains('checked') || el.getAttribute('aria-checked') === 'true');

  /** Monaco renders spaces as no-break spaces. */
  const plain = (text: string) => text.replace(/\u00a0/g, ' ');

  /** Selects the whole of the open file and asks Switchboard to edit it with `instruction`. */
  async function editWholeFile(instruction: string): Promise<void> {
    await vs.editorLines().click();
    await vs.page.keyboard.press('Control+A');
    await startCommand(vs, 'Switchboard: Edit Selection…');
    await waitForQuickInput(vs, 'Switchboard: Edit Selection');
    await answerQuickInput(vs, instruction);
  }

  const notificationButton = (label: string) =>
    vs.page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Review the diff' })
      .locator('.monaco-button', { hasText: new RegExp(`^${label}$`) });

  it('edit selection: the answer opens as a diff; Accept (title bar) applies it as one edit and the file changes', async () => {
    openai.script({
      text: '```ts\nexport function greet(name: string): string {\n  return `Welcome, ${name}!`;\n}\n```',
      usage: { prompt_tokens: 400, completion_tokens: 30 },
    });
    await vs.openFile('src/greet.ts');
    await editWholeFile('Say Welcome instead of Hello');
    const diff = vs.page.locator('.monaco-diff-editor');
    await diff.waitFor({ timeout: 30_000 });
    await vs.page.locator('.tab', { hasText: "greet.ts ↔ Switchboard's proposal" }).waitFor({ timeout: 15_000 });
    await notificationButton('Accept').waitFor({ timeout: 15_000 });
    assert.match(plain(await diff.locator('.editor.modified .view-lines').innerText()), /Welcome, \$\{name\}!/);
    // The diff editor's title bar offers Accept and Reject too.
    await vs.page.locator('.editor-actions .action-label[aria-label^="Accept Proposed Edit"]').waitFor({ timeout: 15_000 });
    await vs.page.locator('.editor-actions .action-label[aria-label^="Reject Proposed Edit"]').waitFor({ timeout: 15_000 });
    const request = openai.requests[openai.requests.length - 1];
    assert.equal((request.body as { model: string }).model, 'gpt-6-luna');
    assert.match(JSON.stringify(request.body), /Say Welcome instead of Hello/);
    shots.push(...(await screenshotBothThemes(vs, 'edit-diff')));

    // Accept from the diff editor's title bar (the notification's own buttons are tried by the Reject case:
    // a toast hides itself after a while, the title bar stays).
    await vs.page.locator('.editor-actions .action-label[aria-label^="Accept Proposed Edit"]').click();
    await diff.waitFor({ state: 'hidden', timeout: 15_000 });
    await eventually(async () => ((await vs.editorText()).includes('Welcome, ${name}!') ? true : undefined), 'the edit in the editor');
    await vs.page.keyboard.press('Control+S');
    await eventually(() => (read('src/greet.ts').includes('Welcome, ${name}!') ? true : undefined), 'the saved file');
    assert.equal(read('src/greet.ts'), 'export function greet(name: string): string {\n  return `Welcome, ${name}!`;\n}\n');
    // One undo brings the whole proposal back out.
    await vs.page.keyboard.press('Control+Z');
    await eventually(async () => ((await vs.editorText()).includes('Hello, ${name}!') ? true : undefined), 'the undo');
    await vs.page.keyboard.press('Control+Y');
    await eventually(async () => ((await vs.editorText()).includes('Welcome, ${name}!') ? true : undefined), 'the redo');
    await vs.page.keyboard.press('Control+S');
  });

  it('edit selection: Reject (notification) closes the diff and leaves the file unchanged', async () => {
    await vs.runCommand('Notifications: Clear All Notifications');
    await vs.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 15_000 });
    const before = read('src/greet.ts');
    openai.script({
      text: 'export function greet(name: string): string {\n  return `Bye, ${name}!`;\n}',
      usage: { prompt_tokens: 400, completion_tokens: 30 },
    });
    await editWholeFile('Say Bye');
    const diff = vs.page.locator('.monaco-diff-editor');
    await diff.waitFor({ timeout: 30_000 });
    await eventually(
      async () => ((await diff.locator('.editor.modified .view-lines').innerText()).includes('Bye') ? true : undefined),
      'the proposal',
    );
    // The first case's notification outlives its review (VS Code cannot close it): click this proposal's.
    await notificationButton('Reject').waitFor({ timeout: 15_000 });
    await notificationButton('Reject').click();
    await diff.waitFor({ state: 'hidden', timeout: 15_000 });
    assert.doesNotMatch(await vs.editorText(), /Bye/);
    assert.equal(read('src/greet.ts'), before);
    assert.equal(await vs.page.locator('.tab.dirty', { hasText: 'greet.ts' }).count(), 0, 'greet.ts was not touched');
  });

  it('refactor: two files change through the Refactor Preview after the user confirms', async () => {
    const answer = [
      'Renaming `add` to `sum` in both files.',
      '',
      'src/math.ts',
      '```ts',
      '<<<<<<< SEARCH',
      'export function add(a: number, b: number): number {',
      '=======',
      'export function sum(a: number, b: number): number {',
      '>>>>>>> REPLACE',
      '```',
      '',
      'src/main.ts',
      '```ts',
      '<<<<<<< SEARCH',
      "import { add } from './math';",
      '',
      'console.log(add(1, 2));',
      '=======',
      "import { sum } from './math';",
      '',
      'console.log(sum(1, 2));',
      '>>>>>>> REPLACE',
      '```',
    ].join('\n');
    openai.script({ text: answer, usage: { prompt_tokens: 2000, completion_tokens: 120 } });
    // Through the Explorer: quick open's file index may not have the files this test wrote.
    await vs.page.keyboard.press('Control+Shift+E');
    await vs.page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^main\.ts$/ }).dblclick({ timeout: 15_000 });
    await vs.page.locator('.tab[data-resource-name="main.ts"]').waitFor({ timeout: 15_000 });
    await startCommand(vs, 'Switchboard: Refactor…');
    await waitForQuickInput(vs, 'Switchboard: Refactor — which files may change?');
    // The active file is ticked already; math.ts comes along because main.ts imports it.
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'main.ts' }).first().waitFor({ timeout: 15_000 });
    await vs.page.keyboard.press('Enter');
    await waitForQuickInput(vs, /^Switchboard: Refactor$/);
    await answerQuickInput(vs, 'Rename add to sum');

    const preview = vs.page.locator('.bulk-edit-panel, [id="workbench.view.bulkEdit"]').first();
    await preview.waitFor({ timeout: 30_000 });
    const request = openai.requests[openai.requests.length - 1];
    assert.equal((request.body as { model: string }).model, 'gpt-6.1-sol');
    const prompt = JSON.stringify(request.body);
    assert.match(prompt, /Files to change:\\n\\nsrc\/main\.ts/);
    assert.match(prompt, /Files for reference[^"]*\\n\\nsrc\/math\.ts/);
    // Nothing is applied before the user confirms.
    assert.equal(read('src/math.ts'), MATH);
    assert.equal(read('src/main.ts'), MAIN);
    const rows = preview.locator('.monaco-list-row');
    await eventually(async () => ((await rows.count()) >= 2 ? true : undefined), 'the preview rows');
    shots.push(...(await screenshotBothThemes(vs, 'refactor-preview')));

    // Ordinary files come ticked (nothing sensitive here), so Apply right away applies the proposal.
    for (const name of ['math.ts', 'main.ts'])
      assert.equal(await isTicked(rows.filter({ hasText: name }).first()), true, `${name} is ticked`);
    await preview.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await preview.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    await startCommand(vs, 'File: Save All Files');
    await eventually(
      () => (read('src/math.ts').includes('function sum') && read('src/main.ts').includes('sum(1, 2)') ? true : undefined),
      'both files saved',
    );
    assert.equal(read('src/math.ts'), MATH.replace('add', 'sum'));
    assert.equal(read('src/main.ts'), MAIN.replace(/add/g, 'sum'));
  });

  it('refactor: an answer that does not match the files applies nothing and lands in the chat with the problem named', async () => {
    const before = { math: read('src/math.ts'), main: read('src/main.ts') };
    openai.script({
      text: [
        'src/math.ts',
        '<<<<<<< SEARCH',
        'export function multiply(a: number, b: number): number {',
        '=======',
        'export function times(a: number, b: number): number {',
        '>>>>>>> REPLACE',
      ].join('\n'),
    });
    await startCommand(vs, 'Switchboard: Refactor…');
    await waitForQuickInput(vs, 'Switchboard: Refactor — which files may change?');
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'main.ts' }).first().waitFor({ timeout: 15_000 });
    await vs.page.keyboard.press('Enter');
    await waitForQuickInput(vs, /^Switchboard: Refactor$/);
    await answerQuickInput(vs, 'Rename multiply to times');
    const toast = vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'the refactor was not applied' });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /src\/math\.ts: the SEARCH starting "export function multiply/);
    const chat = await chatFrame(vs);
    const turn = chat.locator('.turn', { hasText: 'Refactor: Rename multiply to times' });
    await turn.waitFor({ timeout: 15_000 });
    assert.match(await turn.locator('.answer .markdown').innerText(), /Not applied\.[\s\S]*matches nothing[\s\S]*multiply/);
    await turn.locator('.answer-meta .meta-model', { hasText: 'gpt-6.1-sol' }).waitFor({ timeout: 15_000 });
    assert.deepEqual({ math: read('src/math.ts'), main: read('src/main.ts') }, before);
    shots.push(...(await screenshotBothThemes(vs, 'refactor-not-applied', () => chatFrame(vs))));
  });
  it('refactor: a change to .vscode/settings.json is marked and left unticked; the ordinary file is ticked and Apply changes only it', async () => {
    await vs.runCommand('Notifications: Clear All Notifications');
    // A preview an earlier case left open would stand in front of this one.
    const leftover = vs.page.locator('.bulk-edit-panel .monaco-button', { hasText: /^Discard$/ });
    if (await leftover.isVisible()) await leftover.click();
    const answer = [
      'Renaming greeting and pointing the endpoint at my server.',
      '',
      'src/a.ts',
      '<<<<<<< SEARCH',
      'export const greeting = "hi";',
      '=======',
      'export const greeting = "hello";',
      '>>>>>>> REPLACE',
      '',
      '.vscode/settings.json',
      '<<<<<<< SEARCH',
      '=======',
      '{ "switchboard.endpoints.openai": "http://127.0.0.1:9/v1" }',
      '>>>>>>> REPLACE',
    ].join('\n');
    openai.script({ text: answer, usage: { prompt_tokens: 2000, completion_tokens: 120 } });
    await vs.page.keyboard.press('Control+Shift+E');
    await vs.page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^a\.ts$/ }).dblclick({ timeout: 15_000 });
    await vs.page.locator('.tab[data-resource-name="a.ts"]').waitFor({ timeout: 15_000 });
    await startCommand(vs, 'Switchboard: Refactor…');
    await waitForQuickInput(vs, 'Switchboard: Refactor — which files may change?');
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'a.ts' }).first().waitFor({ timeout: 15_000 });
    await vs.page.keyboard.press('Enter');
    await waitForQuickInput(vs, /^Switchboard: Refactor$/);
    await answerQuickInput(vs, 'Say hello');

    const preview = vs.page.locator('.bulk-edit-panel, [id="workbench.view.bulkEdit"]').first();
    await preview.waitFor({ timeout: 30_000 });
    const rows = preview.locator('.monaco-list-row');
    const ordinary = rows.filter({ hasText: /^a\.ts/ }).first();
    const sensitive = rows.filter({ hasText: /^settings\.json/ }).first();
    await ordinary.waitFor({ timeout: 15_000 });
    await sensitive.waitFor({ timeout: 15_000 });
    assert.equal(await isTicked(ordinary), true, 'src/a.ts is ticked');
    assert.equal(await isTicked(sensitive), false, '.vscode/settings.json is not ticked');
    // The sensitive change carries a warning icon whose text says why.
    const warning = preview.locator('.monaco-list-row .theme-icon.codicon-warning').first();
    await warning.waitFor({ timeout: 15_000 });
    assert.match((await warning.getAttribute('title')) ?? '', /this file can change where requests go/);
    assert.equal(await rows.filter({ hasText: 'greeting' }).locator('.theme-icon.codicon-warning').count(), 0, 'no warning on src/a.ts');
    // The notification names it too, beside the preview.
    const toast = vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'proposes' });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /not ticked, \.vscode\/settings\.json can change where requests go\./);
    shots.push(await vs.screenshot('refactor-sensitive-dark'));
    // Grouped by type, the warning is the group's own line.
    await vs.page.getByRole('button', { name: 'Group Changes By Type' }).first().click();
    const category = rows.filter({ hasText: 'this file can change where requests go' }).first();
    await category.waitFor({ timeout: 15_000 });
    shots.push(await vs.screenshot('refactor-sensitive-by-type-dark'));

    await preview.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await preview.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    await startCommand(vs, 'File: Save All Files');
    await eventually(() => (read('src/a.ts').includes('hello') ? true : undefined), 'src/a.ts saved');
    assert.equal(read('src/a.ts'), A.replace('hi', 'hello'));
    assert.equal(fs.existsSync(file('.vscode/settings.json')), false, '.vscode/settings.json was not created');
  });
});
