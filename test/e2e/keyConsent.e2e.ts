// Keys bound to where the user sent them, in a real VS Code (code-server, a trusted folder): the folder's
// settings point OpenAI at a second loopback server (another port, so another origin). Its first request
// asks in a notification; "Don't Send" fails the chat naming the setting and the server gets no key;
// "Switchboard: Manage Key Destinations…" forgets that answer; "Allow for This Folder" then sends exactly
// the stored key there, and the answer is remembered.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { PRICED_MODELS } from './pricedModels';
import { answerQuickInput, chatFrame, eventually, startCommand, waitForQuickInput } from './featureHelpers';
import { startOpenAIStandin } from '../support/standins/openaiStandin';
import type { OpenAIStandin } from '../support/standins/openaiStandin';

const OPENAI_KEY = 'sk-consent-openai-W4qN8vT2xR6yZ1pM';
const PROMPT = /send your OpenAI key there\?/;

describe('API keys go only to origins the user allowed, in a real VS Code', function () {
  this.timeout(240_000);
  let vs: VsCodeSession;
  /** Where the user's own settings send OpenAI requests. */
  let own: OpenAIStandin;
  /** Where the folder's settings send them: same host, another port. */
  let hostile: OpenAIStandin;
  let chat: Frame;

  const consentToast = () => vs.page.locator('.notifications-toasts .notification-toast', { hasText: PROMPT });

  async function ask(question: string): Promise<void> {
    await chat.locator('.question-input').fill(question);
    await chat.locator('.question-input').press('Enter');
  }

  before(async () => {
    own = await startOpenAIStandin();
    hostile = await startOpenAIStandin();
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.openai': own.url,
        'switchboard.models': [PRICED_MODELS.luna],
        'switchboard.routes': {
          completion: ['qwen2.5-coder:1.5b-base'],
          edit: ['gpt-6-luna'],
          refactor: ['gpt-6-luna'],
          chat: ['gpt-6-luna'],
        },
        'switchboard.chat.escalation': { mode: 'never', threshold: 0.5, models: [] },
        'switchboard.completion.enabled': false,
      },
      env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', OPENAI_COMPATIBLE_API_KEY: '' },
    });
    try {
      await vs.page.locator('.statusbar-item', { hasText: /\$0(?![.\d])/ }).waitFor({ timeout: 30_000 });
      // The key is stored as a user stores it: typed into the password box of "Set API Key…".
      await startCommand(vs, 'Switchboard: Set API Key…');
      await waitForQuickInput(vs, 'Switchboard: Set API Key');
      await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'OpenAI' }).first().click();
      await waitForQuickInput(vs, 'Switchboard: OpenAI API key');
      await answerQuickInput(vs, OPENAI_KEY);
      await vs.page.locator('.notifications-toasts', { hasText: 'OpenAI API key saved' }).waitFor({ timeout: 15_000 });
      await vs.runCommand('Switchboard: Open Chat');
      chat = await chatFrame(vs);
    } catch (e) {
      await vs.screenshot('FAILED-keyConsent-before');
      throw e;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot(`FAILED-keyConsent-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
    await own?.close();
    await hostile?.close();
  });

  it("the user's own endpoint gets the key without a prompt", async () => {
    own.script({ text: 'It greets.', usage: { prompt_tokens: 20, completion_tokens: 3 } });
    await ask('What does greet do?');
    await chat.locator('.turn').nth(0).locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    assert.equal(own.requests.length, 1);
    assert.equal(own.requests[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.equal(await consentToast().count(), 0, 'no prompt for an origin from user settings');
  });

  it("a folder that points OpenAI elsewhere is asked about; Don't Send fails the chat naming the setting, and no key goes there", async () => {
    fs.mkdirSync(path.join(vs.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(vs.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'switchboard.endpoints.openai': hostile.url }));
    // "Explain Routing" shows where each task goes: wait until it names the folder's endpoint.
    await eventually(async () => {
      await startCommand(vs, 'Switchboard: Explain Routing');
      await waitForQuickInput(vs, 'where each task goes now');
      const text = await vs.page.locator('.quick-input-widget [role="listbox"]').innerText();
      await vs.page.keyboard.press('Escape');
      return text.includes(hostile.url) ? true : undefined;
    }, "the folder's endpoint in effect");

    hostile.script({ text: 'Stolen.', usage: { prompt_tokens: 20, completion_tokens: 2 } });
    await ask('What does greet return?');
    const toast = consentToast();
    // Either the question comes, or (the defect) the request went there with the key.
    await eventually(async () => ((await toast.count()) > 0 || hostile.requests.length > 0 ? true : undefined), 'the question', 30_000);
    assert.deepEqual(
      hostile.requests.map((r) => r.headers.authorization),
      [],
      "nothing (no authorization header above all) goes to the folder's endpoint before the user answers",
    );
    const text = await toast.innerText();
    assert.match(text, new RegExp(`This folder sends OpenAI requests to ${hostile.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // The toast slides in: shoot once both buttons are on screen.
    await toast.locator('.monaco-button', { hasText: 'Allow for This Folder' }).waitFor({ state: 'visible', timeout: 15_000 });
    await eventually(async () => {
      const box = await toast.boundingBox();
      const viewport = vs.page.viewportSize();
      return box && viewport && box.y + box.height <= viewport.height ? true : undefined;
    }, 'the whole question on screen');
    await vs.screenshot('keyConsent-prompt');
    assert.equal(hostile.requests.length, 0, 'nothing goes there while the question is open');

    await toast.locator('.monaco-button', { hasText: "Don't Send" }).click();
    const turn = chat.locator('.turn').nth(1);
    await turn.locator('.error-actions').waitFor({ timeout: 30_000 });
    const failure = await turn.innerText();
    assert.match(failure, /switchboard\.endpoints\.openai in this folder's settings points at/);
    assert.ok(failure.includes(hostile.origin), 'the failure names the origin');
    assert.match(failure, /your OpenAI key is not sent there/);
    await vs.screenshot('keyConsent-declined');
    assert.ok(
      hostile.requests.every((r) => r.headers.authorization === undefined),
      'the folder endpoint received no authorization header',
    );
    assert.equal(hostile.requests.length, 0, 'the folder endpoint received nothing at all');
    assert.equal(own.requests.length, 1, "the user's endpoint got nothing more");
  });

  it('"Manage Key Destinations…" lists the answer and forgets it; Allow for This Folder then sends exactly the stored key', async () => {
    await startCommand(vs, 'Switchboard: Manage Key Destinations…');
    await waitForQuickInput(vs, 'Switchboard: Key Destinations');
    const row = vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: hostile.origin }).first();
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /OpenAI.*not sent/s);
    await vs.screenshot('keyConsent-manage');
    await row.click();
    await waitForQuickInput(vs, hostile.origin);
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Forget' }).first().click();
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });

    await ask('What does greet return, then?');
    const toast = consentToast();
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Allow for This Folder' }).click();
    await chat.locator('.turn').nth(2).locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    assert.equal(hostile.requests.length, 1);
    assert.equal(hostile.requests[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
    await vs.screenshot('keyConsent-allowed');

    // Remembered: the next request goes without asking.
    await ask('And greet with no name?');
    await chat.locator('.turn').nth(3).locator('.answer-meta .meta-model', { hasText: 'gpt-6-luna' }).waitFor({ timeout: 30_000 });
    assert.equal(hostile.requests.length, 2);
    assert.equal(hostile.requests[1].headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.equal(await consentToast().count(), 0, 'no second prompt');
  });
});
