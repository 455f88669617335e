// API keys end to end in a real VS Code (code-server), with no key in the environment:
// a chat with no key offers "Set OpenAI API Key"; the key typed into VS Code's password box reaches
// the OpenAI stand-in as its Bearer header; "Switchboard: Set API Key…" from the palette does the same
// for Anthropic's x-api-key. Then every file the server wrote (settings, logs, the ledger, storage),
// the workspace, and every message the webviews received are scanned: neither key appears anywhere.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { ledgerDir, readSwitchboardLogs } from '../support/profileFiles';
import { PRICED_MODELS } from './pricedModels';
import { answerQuickInput, askComparison, chatFrame, eventually, startCommand, waitForQuickInput } from './featureHelpers';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';
import { startAnthropicStandin } from '../support/standins/anthropicStandin';
import type { AnthropicStandin } from '../support/standins/anthropicStandin';

// Distinctive, so a scan cannot match anything by accident; and a tail that survives a masking bug.
const OPENAI_KEY = 'sk-typed-openai-Q7vX2mK9pL4wR8tZ';
const ANTHROPIC_KEY = 'sk-ant-typed-J3nB6hD1fS5gY0cE';

/** Records every message a webview frame receives from now on (host → webview), as JSON text. */
async function recordMessages(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { __sbMessages?: string[] };
    if (w.__sbMessages) return;
    const seen: string[] = (w.__sbMessages = []);
    window.addEventListener('message', (e) => seen.push(JSON.stringify(e.data)));
  });
}

async function recordedMessages(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => (window as unknown as { __sbMessages?: string[] }).__sbMessages ?? []);
}

/** Ticks or unticks the row labelled `label` in the multi-select quick pick in front. */
async function setPicked(vs: VsCodeSession, label: string, picked: boolean): Promise<void> {
  const row = vs.page.locator('.quick-input-widget .monaco-list-row', {
    has: vs.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
  await row.waitFor({ timeout: 15_000 });
  const isChecked = async () => (await row.getAttribute('aria-checked')) === 'true';
  if ((await isChecked()) !== picked) await row.locator('.label-name').click();
  await eventually(async () => ((await isChecked()) === picked ? true : undefined), `${label} ${picked ? 'ticked' : 'unticked'}`);
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('API keys through the UI in a real VS Code', function () {
  this.timeout(240_000);
  let vs: VsCodeSession;
  let openai: OpenAIStandin;
  let anthropic: AnthropicStandin;
  const frames = new Map<string, Frame>();

  before(async () => {
    openai = await startOpenAIStandin();
    anthropic = await startAnthropicStandin();
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.openai': openai.url,
        'switchboard.endpoints.anthropic': anthropic.url,
        'switchboard.models': [PRICED_MODELS.luna, PRICED_MODELS.haiku],
        'switchboard.routes': {
          completion: ['qwen2.5-coder:1.5b-base'],
          edit: ['gpt-6-luna'],
          refactor: ['gpt-6-luna'],
          chat: ['gpt-6-luna'],
        },
        'switchboard.chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
        'switchboard.completion.enabled': false,
      },
      // Empty, so a key in the machine's environment cannot stand in for the typed one.
      env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', OPENAI_COMPATIBLE_API_KEY: '' },
    });
    try {
      await vs.page.locator('.statusbar-item', { hasText: /\$0(?![.\d])/ }).waitFor({ timeout: 30_000 });
      await vs.runCommand('Switchboard: Open Chat');
    } catch (e) {
      await vs.screenshot('FAILED-secrets-before');
      throw e;
    }
    const chat = await chatFrame(vs);
    await recordMessages(chat);
    frames.set('chat', chat);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-secrets-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await openai?.close();
    await anthropic?.close();
  });

  it('a chat with no key offers "Set OpenAI API Key"; the typed key reaches the stand-in as the Bearer header', async () => {
    const chat = frames.get('chat') as Frame;
    await chat.locator('.question-input').fill('What does greet return?');
    await chat.locator('.question-input').press('Enter');
    const turn = chat.locator('.turn').first();
    const button = turn.locator('.error-actions button', { hasText: 'Set OpenAI API Key' });
    await button.waitFor({ timeout: 30_000 });
    assert.match(await turn.innerText(), /OpenAI/, 'the error names the provider');
    assert.equal(openai.requests.length, 0, 'nothing was sent without a key');
    await vs.screenshot('secrets-missing-key');

    await button.click();
    await waitForQuickInput(vs, 'Switchboard: OpenAI API key');
    assert.equal(
      await vs.page.locator('.quick-input-widget input.input').getAttribute('type'),
      'password',
      'the key is typed into a password box',
    );
    await answerQuickInput(vs, OPENAI_KEY);
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    await vs.page.locator('.notifications-toasts', { hasText: 'OpenAI API key saved' }).waitFor({ timeout: 15_000 });

    openai.script({ text: 'It returns "Hello, <name>!".', usage: { prompt_tokens: 30, completion_tokens: 9 } });
    await chat.locator('.question-input').fill('What does greet return?');
    await chat.locator('.question-input').press('Enter');
    await chat.locator('.turn').nth(1).locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    assert.equal(openai.requests.length, 1);
    assert.equal(openai.requests[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
  });

  it('"Set API Key…" from the palette stores the Anthropic key; a comparison sends it as x-api-key', async () => {
    // The router panel is open (and recorded) before any of it happens, so every message it gets is seen.
    await vs.runCommand('Switchboard: Open Router Panel');
    const router = await vs.webviewFrame(async (f) => (await f.locator('#decisions-range').count()) > 0);
    await router.locator('tr.row .model-name', { hasText: 'gpt-6-luna' }).first().waitFor({ timeout: 20_000 });
    const chatRows = await router.locator('tr.row').count();
    await recordMessages(router);
    frames.set('router', router);

    await startCommand(vs, 'Switchboard: Set API Key…');
    await waitForQuickInput(vs, 'Switchboard: Set API Key');
    const anthropicRow = vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Anthropic' }).first();
    await anthropicRow.waitFor({ timeout: 15_000 });
    // The OpenAI key typed before shows as stored; Anthropic has none yet.
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'key stored' }).first().waitFor({ timeout: 15_000 });
    assert.match(await anthropicRow.innerText(), /no key/);
    await anthropicRow.click();
    await waitForQuickInput(vs, 'Switchboard: Anthropic API key');
    await answerQuickInput(vs, ANTHROPIC_KEY);
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    await vs.page.locator('.notifications-toasts', { hasText: 'Anthropic API key saved' }).waitFor({ timeout: 15_000 });

    // Both providers in one request: a blind comparison of the two models.
    openai.script({ text: 'Use a Set.', usage: { prompt_tokens: 20, completion_tokens: 4 } });
    anthropic.script({ text: 'Use a Set of ids.', usage: { input_tokens: 20, output_tokens: 5 } });
    await askComparison(vs, 'How do I dedupe ids?');
    // Pre-ticked are the chat route's model and the first other one (the local default): swap that for Claude.
    await setPicked(vs, 'qwen2.5-coder:1.5b-base', false);
    await setPicked(vs, 'claude-haiku-4-5', true);
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    await eventually(
      () => (anthropic.requests.length >= 1 && openai.requests.length >= 2 ? true : undefined),
      'both stand-ins asked',
      60_000,
    );
    assert.equal(anthropic.requests[0].headers['x-api-key'], ANTHROPIC_KEY);
    assert.equal(anthropic.requests[0].headers.authorization, undefined, 'the Anthropic key goes only in x-api-key');
    assert.equal(openai.requests[1].headers.authorization, `Bearer ${OPENAI_KEY}`);
    // The chat's decisions were in the panel already; the comparison's two arrive live.
    await eventually(
      async () => ((await router.locator('tr.row').count()) >= chatRows + 2 ? true : undefined),
      'the comparison decisions in the panel',
      60_000,
    );
  });

  it('neither key appears in settings, logs, the ledger, the workspace or any webview message', async () => {
    const keys = [OPENAI_KEY, ANTHROPIC_KEY];
    // Webviews: every message received since the recorders were attached, plus what they show and keep.
    for (const [name, frame] of frames) {
      const messages = await recordedMessages(frame);
      assert.ok(messages.length > 0, `the ${name} webview received messages while recording`);
      const dom = await frame.evaluate(() => document.documentElement.outerHTML);
      for (const key of keys) {
        assert.ok(!messages.some((m) => m.includes(key)), `a ${name} webview message holds a key`);
        assert.ok(!dom.includes(key), `the ${name} webview's page holds a key`);
      }
    }
    // Files: everything code-server wrote for this profile (user settings, logs with Switchboard's own
    // log, the extension's global storage with the ledger, workspace storage) and the workspace.
    const userFiles = filesUnder(vs.userDataDir);
    assert.ok(
      userFiles.some((f) => f.startsWith(ledgerDir(vs.userDataDir)) && f.endsWith('.jsonl')),
      'the ledger was written, so the scan covers it',
    );
    // Switchboard's log was written (and scanned below) with the line about the stored key.
    assert.match(readSwitchboardLogs(path.join(vs.userDataDir, 'logs')), /API key for anthropic stored in secret storage/);
    const scanned = [...userFiles, ...filesUnder(vs.workspace)];
    const leaks: string[] = [];
    for (const file of scanned) {
      const bytes = fs.readFileSync(file);
      for (const key of keys)
        if (bytes.includes(key) || bytes.includes(Buffer.from(key, 'utf16le')))
          leaks.push(`${path.relative(vs.userDataDir, file)} holds ${key.slice(0, 6)}…`);
    }
    assert.deepEqual(leaks, [], `files scanned: ${scanned.length}`);
  });
});
