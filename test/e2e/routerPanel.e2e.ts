// The router panel in a real VS Code (code-server): opened from the command palette, rendered from the
// (empty) ledger, then a blinded A/B comparison against a loopback OpenAI stand-in that lands two
// decisions in the table live and reveals the models after the vote.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { PRICED_MODELS } from './pricedModels';
import { askComparison, eventually, startCommand } from './featureHelpers';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';

const OPENAI_KEY = 'sk-e2e-openai-0123456789abcdef';

describe('router panel in a real VS Code', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;
  let openai: OpenAIStandin;
  const shots: string[] = [];

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
          chat: ['gpt-6-luna', 'gpt-6.1-sol'],
        },
        'switchboard.completion.enabled': false,
      },
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-router-panel-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await openai?.close();
    if (shots.length > 0) console.log(`    screenshots:\n${shots.map((s) => `      ${s}`).join('\n')}`);
  });

  const routerFrame = (): Promise<Frame> => vs.webviewFrame(async (f) => (await f.locator('#decisions-range').count()) > 0);

  it('opens from the command palette with its tabs and the empty decision table', async () => {
    // The status bar item appears once Switchboard has activated.
    await vs.page.locator('.statusbar-item', { hasText: /\$0(?![.\d])/ }).waitFor({ timeout: 30_000 });
    await startCommand(vs, 'Switchboard: Open Router Panel');
    await vs.page.locator('.tab', { hasText: 'Switchboard Router' }).waitFor({ timeout: 20_000 });
    const frame = await routerFrame();
    for (const name of ['Decisions', 'Cost', 'Feel']) await frame.getByRole('tab', { name }).waitFor({ timeout: 20_000 });
    assert.equal(await frame.getByRole('tab', { name: 'Decisions' }).getAttribute('aria-selected'), 'true');
    await eventually(
      async () => ((await frame.locator('#decisions-range').innerText()) === 'No decisions' ? true : undefined),
      'the empty decision count',
    );
    await frame.getByText('No routing decisions yet.', { exact: false }).waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('tr.row').count(), 0);
    assert.equal(await frame.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(31, 31, 31)', 'dark theme background');

    // A second open reveals the same panel instead of making another.
    await startCommand(vs, 'Switchboard: Open Router Panel');
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal(await vs.page.locator('.tab', { hasText: 'Switchboard Router' }).count(), 1);
    shots.push(await vs.screenshot('router-panel-vscode-dark'));
  });

  it('Compare Models runs both models blinded, adds both decisions live, and reveals the models after the vote', async () => {
    openai.script({ text: 'Use a Map keyed by id.', usage: { prompt_tokens: 40, completion_tokens: 8 } });
    await askComparison(vs, 'How do I dedupe objects by id?');
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });

    const frame = await routerFrame();
    await eventually(
      async () => ((await frame.locator('tr.row').count()) === 2 ? true : undefined),
      'two live decisions in the table',
      60_000,
    );
    assert.match(await frame.locator('#decisions-range').innerText(), /of 2 decisions/);
    const models = await frame.locator('tr.row .model-name').allInnerTexts();
    assert.deepEqual([...models].sort(), ['gpt-6-luna', 'gpt-6.1-sol']);

    await frame.getByRole('tab', { name: 'Feel' }).click();
    const card = frame.locator('article.comparison').first();
    await card.locator('.side-a pre.answer').waitFor({ timeout: 20_000 });
    await eventually(
      async () => (!(await card.getByRole('button', { name: 'A is better' }).isDisabled()) ? true : undefined),
      'the vote buttons',
    );
    const blind = await card.innerText();
    assert.ok(!blind.includes('gpt-6-luna') && !blind.includes('gpt-6.1-sol'), 'no model names before the vote');
    assert.match(blind, /Use a Map keyed by id\./);
    await card.getByRole('button', { name: 'A is better' }).click();
    await card.locator('.revealed-model').first().waitFor({ timeout: 20_000 });
    assert.deepEqual([...(await card.locator('.revealed-model').allInnerTexts())].sort(), ['gpt-6-luna', 'gpt-6.1-sol']);
    assert.equal(await card.locator('.side-a .badge-winner').count(), 1);
    shots.push(await vs.screenshot('router-panel-vscode-feel-dark'));
  });

  it('opting in to auto-apply writes the user setting; Export JSON saves the decisions through the save dialog', async () => {
    const frame = await routerFrame();
    await frame.locator('#auto-apply').check();
    const userSettings = path.join(vs.userDataDir, 'User', 'settings.json');
    await eventually(
      () => (/"switchboard\.ab\.autoApplyRoutes":\s*true/.test(fs.readFileSync(userSettings, 'utf8')) ? true : undefined),
      'switchboard.ab.autoApplyRoutes in the user settings',
    );

    await frame.getByRole('tab', { name: 'Decisions' }).click();
    await frame.getByRole('button', { name: 'Export JSON' }).click();
    // code-server's save dialog is a quick input holding a path.
    const input = vs.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    // Wait until the dialog has filled in its suggested name, or it overwrites what we type.
    await eventually(
      async () => ((await input.inputValue()).endsWith('switchboard-decisions.json') ? true : undefined),
      'the suggested file name',
    );
    const target = path.join(vs.workspace, 'exported-decisions.json');
    await input.fill(target);
    await eventually(async () => ((await input.inputValue()) === target ? true : undefined), 'the typed path');
    await vs.page.keyboard.press('Enter');
    const status = await eventually(
      async () => {
        const text = (await frame.locator('.status').textContent()) ?? '';
        return /Saved 2 decisions to/.test(text) ? text : undefined;
      },
      'the export confirmation',
      30_000,
    );
    assert.ok(status.includes(target), `saved where the dialog was told to: ${status}`);
    const text = fs.readFileSync(target, 'utf8');
    assert.doesNotThrow(() => JSON.parse(text), 'the export is valid JSON');
    assert.ok(text.includes('gpt-6-luna') && text.includes('gpt-6.1-sol'), 'both comparison decisions exported');
  });

  it('a comparison side that fails says how (rate-limited) without naming the model before the vote', async () => {
    openai.answerWith((request) =>
      (request.body as { model?: string } | undefined)?.model === 'gpt-6.1-sol'
        ? { fault: { type: 'status', status: 429 } }
        : { text: 'Keep a Set of the ids you have seen.' },
    );
    try {
      await askComparison(vs, 'Another way to dedupe objects by id?');
      await vs.page.keyboard.press('Enter');
      await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
      const frame = await routerFrame();
      await frame.getByRole('tab', { name: 'Feel' }).click();
      // The newest card is on top.
      const card = frame.locator('article.comparison').first();
      const text = await eventually(
        async () => {
          const t = await card.innerText();
          return /failed \(rate-limited\)/.test(t) && /Keep a Set of the ids/.test(t) ? t : undefined;
        },
        'the failed side and the other side’s answer',
        60_000,
      );
      assert.match(text, /Side [AB] failed \(rate-limited\); see the Switchboard log for details\./);
      assert.ok(!text.includes('gpt-6-luna') && !text.includes('gpt-6.1-sol'), 'no model names before the vote');
      shots.push(await vs.screenshot('router-panel-compare-side-failed'));
    } finally {
      openai.answerWith(undefined);
    }
  });
});
