// The chat panel end to end: Switchboard in a real VS Code (code-server) answering through the real
// providers from loopback stand-ins of Anthropic and OpenAI. One VS Code for all cases.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { PRICED_MODELS } from './pricedModels';
import { chatFrame, eventually, screenshotBothThemes } from './featureHelpers';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';
import { startAnthropicStandin } from '../support/standins/anthropicStandin';
import type { AnthropicStandin } from '../support/standins/anthropicStandin';

const OPENAI_KEY = 'sk-e2e-openai-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-e2e-0123456789abcdef';

const ANSWER = [
  '`greet` returns a greeting for the name it is given:',
  '',
  '```ts',
  'greet("Ada"); // "Hello, Ada!"',
  '```',
  '',
  'It has no side effects.',
].join('\n');

describe('chat panel in a real VS Code (stand-in providers)', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;
  let openai: OpenAIStandin;
  let anthropic: AnthropicStandin;
  let frame: Frame;
  const shots: string[] = [];

  before(async () => {
    openai = await startOpenAIStandin();
    anthropic = await startAnthropicStandin();
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.openai': openai.url,
        'switchboard.endpoints.anthropic': anthropic.url,
        'switchboard.models': [PRICED_MODELS.haiku, PRICED_MODELS.luna],
        'switchboard.routes': {
          completion: ['qwen2.5-coder:1.5b-base'],
          edit: ['gpt-6-luna'],
          refactor: ['gpt-6.1-sol'],
          chat: ['claude-haiku-4-5', 'gpt-6-luna'],
        },
        'switchboard.chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
        'switchboard.completion.enabled': false,
      },
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    await vs.openFile('src/greet.ts');
    await vs.runCommand('Switchboard: Open Chat');
    frame = await chatFrame(vs);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-chat-panel-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await openai?.close();
    await anthropic?.close();
    if (shots.length > 0) console.log(`    screenshots:\n${shots.map((s) => `      ${s}`).join('\n')}`);
  });

  /** Asks a question in the panel; returns the new turn's locator. */
  async function ask(text: string) {
    frame = await chatFrame(vs);
    const turns = await frame.locator('.turn').count();
    await frame.locator('.question-input').fill(text);
    await frame.locator('.question-input').press('Enter');
    const turn = frame.locator('.turn').nth(turns);
    await turn.waitFor({ timeout: 15_000 });
    return turn;
  }

  it('streams an answer into the panel with the model, why, tokens, cost and time; the active file goes along', async () => {
    anthropic.script({ text: ANSWER, tokenIntervalMs: 15, usage: { input_tokens: 1200, output_tokens: 40 } });
    // The active file is offered as a chip.
    await frame.locator('.chip-activeFile', { hasText: 'greet.ts' }).waitFor({ timeout: 15_000 });
    const turn = await ask('What does greet do?');
    await turn.locator('.answer-meta .meta-model', { hasText: 'claude-haiku-4-5' }).waitFor({ timeout: 30_000 });
    assert.match(await turn.locator('.answer .markdown').innerText(), /returns a greeting[\s\S]*greet\("Ada"\)[\s\S]*no side effects/);
    assert.equal(await turn.locator('.meta-cost').innerText(), '$0.0014'); // 1,200 × $1 + 40 × $5 per 1M
    assert.match(await turn.locator('.meta-stats').innerText(), /1\.2k in · 40 out[\s\S]*first token \d+ ms[\s\S]*total/);
    await turn.locator('.why summary').click();
    assert.match(await turn.locator('.why').innerText(), /listed in switchboard\.routes\.chat/);

    const request = anthropic.requests[anthropic.requests.length - 1];
    const body = request.body as { model: string; messages: { role: string; content: unknown }[]; system?: unknown };
    assert.equal(body.model, 'claude-haiku-4-5');
    assert.equal(request.headers['x-api-key'], ANTHROPIC_KEY);
    const sent = JSON.stringify(body.messages);
    assert.match(sent, /The file open in my editor, src\/greet\.ts/);
    assert.match(sent, /What does greet do\?/);
    shots.push(...(await screenshotBothThemes(vs, 'chat-answer', () => chatFrame(vs))));
  });

  it('Stop ends the answer at once and closes the connection to the provider', async () => {
    anthropic.script({ fault: { type: 'drip', intervalMs: 40 } });
    const index = anthropic.requests.length;
    const turn = await ask('Count to a million.');
    await turn.locator('.answer .markdown', { hasText: 'drip drip' }).waitFor({ timeout: 30_000 });
    await frame.locator('button.stop').click();
    await turn.locator('.answer-meta .meta-stopped').waitFor({ timeout: 15_000 });
    const closedAt = await anthropic.waitForClientClose(index, 10_000);
    assert.ok(closedAt > 0);
    assert.equal(await turn.locator('.answer-error').isVisible(), false, 'a stop is not an error');
    assert.equal(await frame.locator('button.send').isVisible(), true);
    shots.push(...(await screenshotBothThemes(vs, 'chat-stopped', () => chatFrame(vs))));
  });

  it('a stopped answer shows the estimated cost of what it spent in the footer, not $0', async () => {
    // Anthropic reports the input tokens in message_start; the output is counted from the streamed text.
    anthropic.script({ usage: { input_tokens: 1500 }, fault: { type: 'drip', intervalMs: 40 } });
    const turn = await ask('Count to a million, slowly.');
    await turn.locator('.answer .markdown', { hasText: 'drip drip' }).waitFor({ timeout: 30_000 });
    await frame.locator('button.stop').click();
    await turn.locator('.answer-meta .meta-stopped').waitFor({ timeout: 15_000 });
    const cost = await turn.locator('.meta-cost').innerText();
    assert.match(cost, /^~\$0\.00\d+ \(estimated\)$/, cost);
    assert.notEqual(cost, '~$0 (estimated)');
    const stats = (await turn.locator('.meta-stats').innerText()).replace(/\s+/g, ' ');
    assert.match(stats, /~1\.5k in · ~\d+ out/, stats);
    shots.push(...(await screenshotBothThemes(vs, 'chat-stopped-estimated', () => chatFrame(vs))));
  });

  it('falls back when the first model is overloaded (529) and shows "… overloaded → …"', async () => {
    anthropic.script({ fault: { type: 'status', status: 529 } });
    openai.script({ text: 'Answer from the fallback model.', usage: { prompt_tokens: 900, completion_tokens: 6 } });
    const turn = await ask('Say hello.');
    await turn.locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    assert.match(await turn.locator('.fallbacks').innerText(), /claude-haiku-4-5 overloaded → gpt-6-luna/);
    assert.match(await turn.locator('.answer .markdown').innerText(), /Answer from the fallback model\./);
    assert.equal(openai.requests.length, 1);
    assert.equal(openai.requests[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
    await turn.locator('.why summary').click();
    assert.match(await turn.locator('.why').innerText(), /fallback chain after claude-haiku-4-5 overloaded → gpt-6-luna/);
    shots.push(...(await screenshotBothThemes(vs, 'chat-fallback', () => chatFrame(vs))));
  });

  it('renders a streamed 2,000-line answer through the real host (prints the time; does not assert it)', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `const line${i} = compute(${i}); // ${'x'.repeat(i % 40)}\n`);
    openai.script({ tokens: ['Here is the file:\n\n```ts\n', ...lines, '```\n'], usage: { prompt_tokens: 100, completion_tokens: 2002 } });
    frame = await chatFrame(vs);
    const turns = await frame.locator('.turn').count();
    await frame.locator('.pin-model').selectOption('gpt-6-luna');
    await frame.locator('.question-input').fill('Print the file.');
    const started = Date.now();
    await frame.locator('.question-input').press('Enter');
    const turn = frame.locator('.turn').nth(turns);
    await turn.locator('.answer .markdown', { hasText: 'const line0 =' }).waitFor({ timeout: 30_000 });
    const firstShown = Date.now() - started;
    await turn.locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 60_000 });
    await turn.locator('.answer .markdown', { hasText: 'const line1999 =' }).waitFor({ timeout: 30_000 });
    const allShown = Date.now() - started;
    const stats = (await turn.locator('.meta-stats').innerText()).replace(/\s+/g, ' ');
    console.log(
      `    2,000-line answer through the real host: first line seen by the test after ${firstShown} ms, all 2,000 lines after ${allShown} ms from pressing Enter (stand-in streaming as fast as it can; the answer's own meta: ${stats})`,
    );
    const code = await turn.locator('.code-block code').innerText();
    assert.equal(code.split('\n').filter((l) => l.startsWith('const line')).length, 2000);
  });

  it('keeps the conversation when the view is hidden and shown again', async () => {
    frame = await chatFrame(vs);
    const before = await frame.locator('.turn').count();
    await vs.page.keyboard.press('Control+B');
    await vs.page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 15_000 });
    await vs.page.keyboard.press('Control+B');
    await vs.page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 15_000 });
    const after = await eventually(async () => {
      const f = await chatFrame(vs);
      const n = await f.locator('.turn').count();
      return n > 0 ? n : undefined;
    }, 'turns after re-showing');
    assert.equal(after, before);
  });
});
