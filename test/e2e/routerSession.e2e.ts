// A scripted working session in a real VS Code (code-server) against the three stand-ins, then the
// router panel checked against it: an accepted and a dismissed completion, a rejected edit, a chat that
// falls back (Claude overloaded → GPT), a chat pinned to the frontier tier, and a blind A/B vote.
// The panel must then show those rows, the day's total to the cent-fraction, the leaderboard and the
// completion acceptance, in the dark and the light theme.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { PRICED_MODELS, costOf } from './pricedModels';
import {
  answerQuickInput,
  askComparison,
  chatFrame,
  eventually,
  screenshotBothThemes,
  startCommand,
  waitForQuickInput,
} from './featureHelpers';
import { startOllamaStandin } from '../support/standins/ollamaStandin';
import type { OllamaStandin } from '../support/standins/ollamaStandin';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';
import { startAnthropicStandin } from '../support/standins/anthropicStandin';
import type { AnthropicStandin } from '../support/standins/anthropicStandin';

// Every paid request the session makes, with the usage each stand-in reports.
const EXPECTED_TODAY_USD =
  costOf('luna', 400, 30) + // the rejected edit
  costOf('luna', 1000, 100) + // the chat that fell back from Claude (the 529 costs nothing)
  costOf('sonnet', 2000, 200) + // the chat pinned to the frontier model
  costOf('luna', 400, 40) + // side of the comparison
  costOf('haiku', 400, 40); // the other side

describe('router panel after a scripted session in a real VS Code', function () {
  this.timeout(300_000);
  let vs: VsCodeSession;
  let ollama: OllamaStandin;
  let openai: OpenAIStandin;
  let anthropic: AnthropicStandin;
  const shots: string[] = [];

  before(async () => {
    ollama = await startOllamaStandin();
    openai = await startOpenAIStandin();
    anthropic = await startAnthropicStandin();
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.ollama': ollama.origin,
        'switchboard.endpoints.openai': openai.url,
        'switchboard.endpoints.anthropic': anthropic.url,
        'switchboard.models': [PRICED_MODELS.luna, PRICED_MODELS.haiku, PRICED_MODELS.sonnet],
        'switchboard.routes': {
          completion: ['qwen2.5-coder:1.5b-base'],
          edit: ['gpt-6-luna'],
          refactor: ['claude-sonnet-5-5'],
          chat: ['claude-haiku-4-5', 'gpt-6-luna'],
        },
        'switchboard.chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
        'switchboard.completion.enabled': true,
        'files.autoSave': 'off',
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
      },
      env: { OPENAI_API_KEY: 'sk-session-openai-0123456789', ANTHROPIC_API_KEY: 'sk-ant-session-0123456789' },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-router-session-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await ollama?.close();
    await openai?.close();
    await anthropic?.close();
    if (shots.length > 0) console.log(`    screenshots:\n${shots.map((s) => `      ${s}`).join('\n')}`);
  });

  const routerFrame = (): Promise<Frame> => vs.webviewFrame(async (f) => (await f.locator('#decisions-range').count()) > 0);

  it('runs the session: completions, a rejected edit, a vote, chats across tiers with a fallback, and a refused comparison', async () => {
    // Completions: one accepted with Tab, one dismissed with Escape.
    ollama.script({ text: 'greet("Ada");' });
    // Typed before Switchboard has activated, the keys would ask no provider at all.
    await vs.waitForStatusBar('qwen2.5-coder:1.5b-base');
    await vs.openFileAtEnd('src/greet.ts');
    await vs.page.keyboard.type('\nexport const first = ', { delay: 30 });
    await vs.ghostText().waitFor({ state: 'visible', timeout: 30_000 });
    await vs.page.keyboard.press('Tab');
    await eventually(
      async () => ((await vs.editorText()).includes('export const first = greet("Ada");') ? true : undefined),
      'the accepted completion',
    );
    await vs.page.keyboard.type('\nexport const second = ', { delay: 30 });
    await vs.ghostText().waitFor({ state: 'visible', timeout: 30_000 });
    await vs.page.keyboard.press('Escape');
    await vs.ghostText().waitFor({ state: 'hidden', timeout: 15_000 });

    // An edit of the whole file, rejected from the notification.
    openai.script({
      text: '```ts\nexport function greet(name: string): string {\n  return `Hi, ${name}!`;\n}\n```',
      usage: { prompt_tokens: 400, completion_tokens: 30 },
    });
    await vs.editorLines().click();
    await vs.page.keyboard.press('Control+A');
    await startCommand(vs, 'Switchboard: Edit Selection…');
    await waitForQuickInput(vs, 'Switchboard: Edit Selection');
    await answerQuickInput(vs, 'Say Hi instead of Hello');
    const reject = vs.page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Review the diff' })
      .locator('.monaco-button', { hasText: /^Reject$/ });
    await reject.waitFor({ timeout: 30_000 });
    await reject.click();
    await vs.page.locator('.monaco-diff-editor').waitFor({ state: 'hidden', timeout: 15_000 });

    // A blind comparison of the chat route's two models; the panel opens on the Feel tab by itself.
    openai.script({ text: 'Luna says: use a Set.', usage: { prompt_tokens: 400, completion_tokens: 40 } });
    anthropic.script({ text: 'Haiku says: use a Map.', usage: { input_tokens: 400, output_tokens: 40 } });
    await askComparison(vs, 'How do I dedupe ids?');
    await vs.page.keyboard.press('Enter');
    const frame = await routerFrame();
    await eventually(
      async () => ((await frame.getByRole('tab', { name: 'Feel' }).getAttribute('aria-selected')) === 'true' ? true : undefined),
      'the Feel tab selected by the comparison',
    );
    const card = frame.locator('article.comparison').first();
    await card.locator('.side-b pre.answer').waitFor({ timeout: 30_000 });
    await eventually(
      async () => (!(await card.getByRole('button', { name: 'A is better' }).isDisabled()) ? true : undefined),
      'the vote buttons',
    );
    await card.getByRole('button', { name: 'A is better' }).click();
    await card.locator('.revealed-model').first().waitFor({ timeout: 20_000 });

    // Chat: Claude Haiku is overloaded, so GPT answers; then a question pinned to the frontier model.
    // With retry-after, so Haiku's cool-down outlasts the rest of the session however slow the machine.
    anthropic.script(
      { fault: { type: 'status', status: 529, headers: { 'retry-after': '300' } } },
      { text: 'A frontier answer.', usage: { input_tokens: 2000, output_tokens: 200 } },
    );
    openai.script({ text: 'A mid-tier answer.', usage: { prompt_tokens: 1000, completion_tokens: 100 } });
    await vs.runCommand('Switchboard: Open Chat');
    let chat = await chatFrame(vs);
    await chat.locator('.question-input').fill('What does greet do?');
    await chat.locator('.question-input').press('Enter');
    await chat.locator('.turn').nth(0).locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    chat = await chatFrame(vs);
    await chat.locator('.pin-model').selectOption('claude-sonnet-5-5');
    await chat.locator('.question-input').fill('Plan a refactor of greet into a module.');
    await chat.locator('.question-input').press('Enter');
    await chat.locator('.turn').nth(1).locator('.answer-meta .meta-model', { hasText: 'claude-sonnet-5-5' }).waitFor({ timeout: 30_000 });

    // Claude Haiku is now cooling down after its 529: a comparison with it is refused up front, by name,
    // instead of one blind side failing.
    await askComparison(vs, 'And with a Map?');
    await vs.page.keyboard.press('Enter');
    await vs.page
      .locator('.notifications-toasts', { hasText: /claude-haiku-4-5 cannot answer right now \(cooling down/ })
      .waitFor({ timeout: 20_000 });
    assert.equal(anthropic.requests.filter((r) => r.path.endsWith('/messages')).length, 3, 'nothing more was sent to Anthropic');
  });

  it('the decision log shows every step: accepted completion, rejected edit, the fallback, the frontier chat and both comparison calls', async () => {
    const frame = await routerFrame();
    await frame.getByRole('tab', { name: 'Decisions' }).click();
    const rows = await eventually(
      async () => {
        const texts = (await frame.locator('tr.row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
        // 2 chats + 1 edit + 2 comparison calls, plus at least two completion requests.
        return texts.length >= 7 ? texts : undefined;
      },
      'the session in the decision log',
      30_000,
    );
    const find = (what: string, test: (row: string) => boolean) => {
      const row = rows.find(test);
      assert.ok(row, `a row for ${what} in:\n${rows.join('\n')}`);
      return row;
    };
    find('the accepted completion', (r) => /completion/.test(r) && /qwen2\.5-coder:1\.5b-base/.test(r) && /accepted/.test(r));
    find('the rejected edit', (r) => /\bedit\b/.test(r) && /gpt-6-luna/.test(r) && /rejected/.test(r));
    const fallback = find(
      'the chat that fell back',
      (r) => /\bchat\b/.test(r) && /gpt-6-luna/.test(r) && /claude-haiku-4-5/.test(r) && /overloaded/.test(r),
    );
    assert.match(fallback, /\bmid\b/);
    find('the frontier chat', (r) => /\bchat\b/.test(r) && /claude-sonnet-5-5/.test(r) && /frontier/.test(r));
    // The two comparison calls plus the chat's answer and the edit: four rows name a mid model.
    assert.ok(rows.filter((r) => /gpt-6-luna|claude-haiku-4-5/.test(r)).length >= 4, 'the comparison calls are in the log');
    shots.push(...(await screenshotBothThemes(vs, 'router-session-decisions', routerFrame)));
  });

  it('the cost tab totals what the stand-ins reported, priced by the configured prices', async () => {
    const frame = await routerFrame();
    await frame.getByRole('tab', { name: 'Cost' }).click();
    const value = (card: string) => frame.getByRole('group', { name: card, exact: true }).locator('.card-value');
    const today = value('Today');
    const expected = `$${EXPECTED_TODAY_USD.toFixed(3)}`;
    await eventually(async () => ((await today.innerText()) === expected ? true : undefined), `today's spend ${expected}`, 30_000);
    assert.equal(await value('This month').innerText(), expected);
    assert.equal(await value('This workspace').innerText(), expected);
    // Against the refactor route's priced frontier model: the same usage all on Claude Sonnet.
    assert.match(
      await frame.getByRole('group', { name: 'Saved by routing', exact: true }).innerText(),
      /\$0\.00\d+\s+\d+% less than all on claude-sonnet-5-5/,
    );
    await frame.locator('svg.cost-chart rect.bar').first().waitFor({ timeout: 20_000 });
    // The status bar shows the same day's spend.
    await vs.page.locator('.statusbar-item', { hasText: expected }).waitFor({ timeout: 20_000 });
    shots.push(...(await screenshotBothThemes(vs, 'router-session-cost', routerFrame)));
  });

  it('the feel tab shows the chat leaderboard from the vote and the completion acceptance', async () => {
    const frame = await routerFrame();
    await frame.getByRole('tab', { name: 'Feel' }).click();
    const board = frame.locator('.board[data-task="chat"] table');
    await board.waitFor({ timeout: 20_000 });
    const boardText = await board.innerText();
    assert.match(boardText, /gpt-6-luna/);
    assert.match(boardText, /claude-haiku-4-5/);
    const byModel = frame.locator('.acceptance table[aria-label="Acceptance by model"] tbody tr', { hasText: 'qwen2.5-coder:1.5b-base' });
    await byModel.waitFor({ timeout: 20_000 });
    const cells = (await byModel.locator('td').allInnerTexts()).map((t) => t.trim());
    const [shown, accepted] = [Number(cells[0].replace(/,/g, '')), Number(cells[1].replace(/,/g, ''))];
    assert.equal(accepted, 1, 'one completion accepted');
    assert.ok(shown >= 2, `the dismissed completion counts as shown, not accepted (shown ${shown})`);
    const byLanguage = frame.locator('.acceptance table[aria-label="Acceptance by language"] tbody tr', { hasText: 'typescript' });
    await byLanguage.waitFor({ timeout: 20_000 });
    shots.push(...(await screenshotBothThemes(vs, 'router-session-feel', routerFrame)));
  });
});
