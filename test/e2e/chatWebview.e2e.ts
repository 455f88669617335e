// The chat webview's bundle in a real browser, under the same CSP as in VS Code, with a fake host:
// a nonce'd script defines acquireVsCodeApi before the bundle loads, records what the page posts and
// lets the test deliver host messages. No VS Code needed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from '../harness/codeServer.mjs';
import type { AnswerMeta, ChatHostMessage, ChatModelOption, ChatTurn, ChatWebviewMessage, ContextChip } from '../../src/shared/protocol';
import { MESSAGE_ID_PATTERN, parseChatWebviewMessage } from '../../src/shared/protocol';
import { webviewTestPageHtml } from '../support/webviewTestPage';

const ARTIFACTS = path.join(ROOT, 'artifacts', 'e2e');

// ── The fake host page ──

/** Runs in the page before the bundle: the part of VS Code's webview host the chat uses. */
const FAKE_HOST_SCRIPT = `
(() => {
  const posted = [];
  const violations = [];
  let acquired = false;
  const read = () => { const s = sessionStorage.getItem('vscodeState'); return s === null ? undefined : JSON.parse(s); };
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  const channel = new MessageChannel();
  // Yields one task, as the next message from the extension host would (setTimeout would add 4 ms clamps).
  const nextTask = () => new Promise((resolve) => { channel.port1.onmessage = () => resolve(); channel.port2.postMessage(0); });
  const dispatch = (message) => window.dispatchEvent(new MessageEvent('message', { data: message }));
  window.__sb = {
    posted,
    violations,
    state: read,
    dispatch,
    async stream(id, chunks) {
      for (const text of chunks) {
        dispatch({ type: 'answerDelta', id, text });
        await nextTask();
      }
    },
    /** Streams and times until the body shows marker: first delta to last delta rendered, and the longest frame. */
    async streamTimed(id, chunks, marker) {
      let longestFrame = 0, frames = 0, lastFrame = performance.now(), running = true;
      const tick = (now) => {
        longestFrame = Math.max(longestFrame, now - lastFrame);
        lastFrame = now;
        frames++;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const started = performance.now();
      for (const text of chunks) {
        dispatch({ type: 'answerDelta', id, text });
        await nextTask();
      }
      const delivered = performance.now();
      const body = document.querySelector('.turn[data-turn-id="' + id + '"] .markdown');
      await new Promise((resolve) => {
        const check = () => (body.textContent.includes(marker) ? resolve() : requestAnimationFrame(check));
        check();
      });
      const rendered = performance.now();
      running = false;
      return { totalMs: rendered - started, deliveryMs: delivered - started, longestFrame, frames };
    },
  };
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      // structuredClone: what VS Code's postMessage would do (and throw on) with the message.
      postMessage: (message) => { posted.push(structuredClone(message)); },
      getState: read,
      setState: (state) => { sessionStorage.setItem('vscodeState', JSON.stringify(state)); return state; },
    });
  };
})();
`;

/** The chat view's stylesheets under media/, in the order the extension links them (src/vscode/webviewHtml.ts). */
const CHAT_STYLESHEETS = ['base.css', 'chat.css', 'chat/answer.css', 'chat/composer.css'];

function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const files: Record<string, [string, string]> = {
    '/dist/webview/chat.js': [path.join(ROOT, 'dist', 'webview', 'chat.js'), 'text/javascript'],
    '/dist/webview/chat.js.map': [path.join(ROOT, 'dist', 'webview', 'chat.js.map'), 'application/json'],
    ...Object.fromEntries(
      CHAT_STYLESHEETS.map((file): [string, [string, string]] => [`/media/${file}`, [path.join(ROOT, 'media', file), 'text/css']]),
    ),
  };
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pathname = new URL(req.url ?? '/', origin).pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        webviewTestPageHtml({
          origin,
          bundle: 'chat',
          title: 'Switchboard Chat',
          stylesheets: CHAT_STYLESHEETS.map((file) => `/media/${file}`),
          fakeHostScript: FAKE_HOST_SCRIPT,
        }),
      );
      return;
    }
    const file = files[pathname];
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
    res.end(fs.readFileSync(file[0]));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// ── Themes: what VS Code puts on a webview (body class and --vscode-* variables) ──

const FONT_VARIABLES = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  'editor-font-size': '13px',
};

const THEMES: Record<'dark' | 'light', Record<string, string>> = {
  dark: {
    ...FONT_VARIABLES,
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    'sideBar-background': '#181818',
    'editor-background': '#1f1f1f',
    'editor-foreground': '#cccccc',
    focusBorder: '#0078d4',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-border': '#ffffff12',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'input-placeholderForeground': '#989898',
    'dropdown-background': '#313131',
    'dropdown-foreground': '#cccccc',
    'dropdown-border': '#3c3c3c',
    'textCodeBlock-background': '#0a0a0a66',
    'textLink-foreground': '#4daafc',
    'textLink-activeForeground': '#4daafc',
    'textPreformat-foreground': '#d0d0d0',
    'textPreformat-background': '#3c3c3c',
    'textBlockQuote-background': '#2b2b2b',
    'textBlockQuote-border': '#616161',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'widget-border': '#313131',
    'panel-border': '#2b2b2b',
    'sideBarSectionHeader-border': '#2b2b2b',
    'toolbar-hoverBackground': '#5a5d5e50',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700',
    'inputValidation-errorBackground': '#5a1d1d',
    'inputValidation-errorBorder': '#be1100',
    'inputValidation-warningBackground': '#352a05',
    'inputValidation-warningBorder': '#b89500',
    'charts-green': '#89d185',
    'charts-blue': '#3794ff',
    'charts-purple': '#b180d7',
    'progressBar-background': '#0078d4',
    'debugTokenExpression-name': '#c586c0',
    'debugTokenExpression-string': '#ce9178',
    'debugTokenExpression-boolean': '#4e94ce',
    'debugTokenExpression-number': '#b5cea8',
    'symbolIcon-functionForeground': '#b180d7',
    'symbolIcon-classForeground': '#ee9d28',
    'editor-inactiveSelectionBackground': '#3a3d41',
    'diffEditor-insertedTextBackground': '#9ccc2c33',
    'diffEditor-removedTextBackground': '#ff000033',
  },
  light: {
    ...FONT_VARIABLES,
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    'sideBar-background': '#f8f8f8',
    'editor-background': '#ffffff',
    'editor-foreground': '#3b3b3b',
    focusBorder: '#005fb8',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-border': '#0000001a',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'input-placeholderForeground': '#767676',
    'dropdown-background': '#ffffff',
    'dropdown-foreground': '#3b3b3b',
    'dropdown-border': '#cecece',
    'textCodeBlock-background': '#dcdcdc66',
    'textLink-foreground': '#005fb8',
    'textLink-activeForeground': '#005fb8',
    'textPreformat-foreground': '#3b3b3b',
    'textPreformat-background': '#0000001f',
    'textBlockQuote-background': '#f8f8f8',
    'textBlockQuote-border': '#e5e5e5',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'widget-border': '#e5e5e5',
    'panel-border': '#e5e5e5',
    'sideBarSectionHeader-border': '#e5e5e5',
    'toolbar-hoverBackground': '#b8b8b850',
    errorForeground: '#a1260d',
    'editorWarning-foreground': '#bf8803',
    'inputValidation-errorBackground': '#f2dede',
    'inputValidation-errorBorder': '#be1100',
    'inputValidation-warningBackground': '#f6f5d2',
    'inputValidation-warningBorder': '#bf8803',
    'charts-green': '#388a34',
    'charts-blue': '#1a85ff',
    'charts-purple': '#652d90',
    'progressBar-background': '#005fb8',
    'debugTokenExpression-name': '#9b46b0',
    'debugTokenExpression-string': '#a31515',
    'debugTokenExpression-boolean': '#0000ff',
    'debugTokenExpression-number': '#098658',
    'symbolIcon-functionForeground': '#652d90',
    'symbolIcon-classForeground': '#d67e00',
    'editor-inactiveSelectionBackground': '#e5ebf1',
    'diffEditor-insertedTextBackground': '#9ccc2c40',
    'diffEditor-removedTextBackground': '#ff000033',
  },
};

async function applyTheme(page: Page, kind: 'dark' | 'light'): Promise<void> {
  await page.evaluate(
    ({ kind, variables }) => {
      // Through the CSSOM, as VS Code does: allowed by the CSP, unlike style="" attributes.
      const html = document.documentElement;
      for (const [name, value] of Object.entries(variables)) html.style.setProperty(`--vscode-${name}`, value);
      html.style.background = 'var(--vscode-sideBar-background)';
      document.body.classList.remove('vscode-dark', 'vscode-light');
      document.body.classList.add(`vscode-${kind}`);
      document.body.dataset['vscodeThemeKind'] = `vscode-${kind}`;
    },
    { kind, variables: THEMES[kind] },
  );
}

// ── Fixtures ──

const MODELS: ChatModelOption[] = [
  { id: 'qwen-coder', label: 'Qwen2.5 Coder 7B', tier: 'local', provider: 'ollama' },
  { id: 'gpt-4.1', label: 'GPT-4.1', tier: 'mid', provider: 'openai' },
  { id: 'claude-sonnet-4-5', label: 'Claude Sonnet 4.5', tier: 'frontier', provider: 'anthropic' },
];

const CHIPS: ContextChip[] = [
  { id: 'selection', kind: 'selection', label: 'chat.ts:12-30', detail: 'webview/chat.ts, lines 12–30', enabled: true },
  { id: 'activeFile', kind: 'activeFile', label: 'chat.ts', detail: 'webview/chat.ts', enabled: true },
  { id: 'file-1', kind: 'file', label: 'protocol.ts', detail: 'src/shared/protocol.ts', enabled: false },
];

const META: AnswerMeta = {
  modelId: 'gpt-4.1',
  modelLabel: 'GPT-4.1',
  tier: 'mid',
  provider: 'openai',
  reasons: ['chat question of medium difficulty → mid tier', 'first kept candidate in switchboard.routes.chat'],
  dropped: [
    { modelId: 'claude-sonnet-4-5', reason: 'cooling down after an overload, retry in 12 s' },
    { modelId: 'qwen-coder', reason: 'context window 8,192 tokens is too small for 14,210' },
  ],
  fallbacks: [{ from: 'Claude Sonnet 4.5', to: 'GPT-4.1', reason: 'overloaded' }],
  usage: { inputTokens: 1234, outputTokens: 345, cacheReadTokens: 800, cacheWriteTokens: 0 },
  costUsd: 0.0012,
  ttftMs: 320,
  totalMs: 4100,
  stopped: false,
};

const ANSWER = [
  '## Debouncing the input',
  '',
  'Wrap the handler so it runs **once** after typing stops:',
  '',
  '```ts',
  'export function debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {',
  '  if (ms < 0) throw new RangeError("ms must be >= 0");',
  '  let timer: ReturnType<typeof setTimeout> | undefined;',
  '  return (...args: T) => {',
  '    clearTimeout(timer);',
  "    timer = setTimeout(() => fn(...args), ms); // 'trailing' call",
  '  };',
  '}',
  '```',
  '',
  '- `ms` is the quiet period',
  '- the last call wins',
  '',
  '| option | default |',
  '| --- | --- |',
  '| ms | 250 |',
  '',
  'Then call `debounce(save, 250)`.',
].join('\n');

const ANSWER_CODE = ANSWER.split('```ts\n')[1]!.split('\n```')[0]!;

function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A 5 MB answer as long answers come: sections of prose, lists, tables and small code blocks, one huge code block across the first part's end. */
function hugeAnswer(): { text: string; hugeCode: string; lastCode: string; end: string } {
  const parts: string[] = [];
  let length = 0;
  let hugeCode = '';
  let lastCode = '';
  const push = (s: string) => {
    parts.push(s);
    length += s.length + 1;
  };
  for (let section = 0; length < 5_000_000; section++) {
    push(`## Part ${section}\n`);
    push(`Part **${section}** explains why the \`handler\` changes, with a [link](https://example.com/${section}) and _no state_ kept.\n`);
    push(`- first point of ${section}\n- second point\n  - a nested detail\n`);
    if (section === 40) {
      const lines: string[] = [];
      for (let i = 0; i < 12_000; i++) lines.push(`export const value${i} = compute(${i}, "text ${i}"); // huge block line ${i}`);
      hugeCode = lines.join('\n');
      push('```ts\n' + hugeCode + '\n```\n');
      continue;
    }
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(`  const result${i} = await handler${section}.run({ id: ${i} }); // step ${i}`);
    lastCode = lines.join('\n');
    push('```ts\n' + lastCode + '\n```\n');
    push(`| option | default |\n| --- | --- |\n| retries | ${section % 5} |\n`);
  }
  const end = 'END-OF-THE-HUGE-ANSWER';
  push(end);
  return { text: parts.join('\n'), hugeCode, lastCode, end };
}

function initMessage(history: ChatTurn[] = [], extra: Partial<Extract<ChatHostMessage, { type: 'init' }>> = {}): ChatHostMessage {
  return { type: 'init', history, models: MODELS, chips: CHIPS, pin: null, busy: null, ...extra };
}

// ── Page helpers ──

interface FakeHostWindow {
  __sb: {
    posted: ChatWebviewMessage[];
    violations: string[];
    dispatch(message: unknown): void;
    stream(id: string, chunks: string[]): Promise<void>;
    streamTimed(
      id: string,
      chunks: string[],
      marker: string,
    ): Promise<{ totalMs: number; deliveryMs: number; longestFrame: number; frames: number }>;
  };
  __pwned?: unknown;
}

async function hostSends(page: Page, ...messages: ChatHostMessage[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) (window as unknown as FakeHostWindow).__sb.dispatch(m);
  }, messages);
}

/** Delivers deltas one task at a time (as messages from the host arrive), letting frames render in between. */
async function streamDeltas(page: Page, id: string, chunks: string[]): Promise<void> {
  await page.evaluate(({ id, chunks }) => (window as unknown as FakeHostWindow).__sb.stream(id, chunks), { id, chunks });
}

async function posted(page: Page): Promise<ChatWebviewMessage[]> {
  return page.evaluate(() => (window as unknown as FakeHostWindow).__sb.posted);
}

/** Waits until the page has posted `count` messages of `type`; returns the last of them. */
async function waitForPosted<T extends ChatWebviewMessage['type']>(
  page: Page,
  type: T,
  count = 1,
): Promise<Extract<ChatWebviewMessage, { type: T }>> {
  await page.waitForFunction(
    ({ type, count }) => (window as unknown as FakeHostWindow).__sb.posted.filter((m) => m.type === type).length >= count,
    { type, count },
    { timeout: 10_000 },
  );
  const all = (await posted(page)).filter((m) => m.type === type);
  return all[count - 1] as Extract<ChatWebviewMessage, { type: T }>;
}

async function countPosted(page: Page, type: ChatWebviewMessage['type']): Promise<number> {
  return (await posted(page)).filter((m) => m.type === type).length;
}

// ── The tests ──

describe('chat webview in a real browser (fake host, VS Code CSP)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  const pages: Page[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, `node esbuild.js failed:\n${build.stdout}\n${build.stderr}`);
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async function () {
    for (const page of pages.splice(0)) {
      if (this.currentTest?.state === 'failed') {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await page
          .screenshot({ path: path.join(ARTIFACTS, `FAILED-chat-webview-${this.currentTest.title.replace(/\W+/g, '-')}.png`) })
          .catch(() => undefined);
      }
      const { violations, messages } = await page.evaluate(() => {
        const sb = (window as unknown as FakeHostWindow).__sb;
        return { violations: sb.violations, messages: sb.posted };
      });
      await page.context().close();
      assert.deepEqual(violations, [], 'the page broke its Content Security Policy');
      for (const m of messages) assert.ok(parseChatWebviewMessage(m), `the host would reject ${JSON.stringify(m).slice(0, 200)}`);
    }
    const errors = pageErrors.splice(0);
    assert.deepEqual(errors, [], 'the page logged errors');
  });

  /** A fresh page (own storage) that has loaded the bundle and posted `ready`. */
  async function openChat(options: { width?: number; height?: number } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 420, height: options.height ?? 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    await page.goto(server.url);
    await waitForPosted(page, 'ready');
    await applyTheme(page, 'dark');
    return page;
  }

  /** Types a question and presses Enter; returns the id the page gave it. */
  async function ask(page: Page, text: string): Promise<string> {
    const before = await countPosted(page, 'send');
    await page.locator('.question-input').fill(text);
    await page.locator('.question-input').press('Enter');
    const send = await waitForPosted(page, 'send', before + 1);
    return send.id;
  }

  it('posts ready once, first, and nothing before the host answers', async () => {
    const page = await openChat();
    const messages = await posted(page);
    assert.deepEqual(messages, [{ type: 'ready' }]);
    // Before init it already shows the empty state rather than a blank panel.
    assert.match(await page.locator('.log').innerText(), /Ask Switchboard anything/);
  });

  it('shows models, chips and history from init', async () => {
    const page = await openChat();
    const history: ChatTurn[] = [{ id: 'h1', userText: 'What is this repo?', answerText: 'A **VS Code** extension.', meta: META }];
    await hostSends(page, initMessage(history, { pin: { modelId: 'claude-sonnet-4-5', scope: 'conversation' } }));
    await page.locator('.turn[data-turn-id="h1"] .markdown strong').waitFor();
    assert.equal(await page.locator('.turn .question-text').innerText(), 'What is this repo?');
    const options = await page.locator('.pin-model option').allInnerTexts();
    assert.deepEqual(options, ['Auto (router)', 'Qwen2.5 Coder 7B', 'GPT-4.1', 'Claude Sonnet 4.5']);
    assert.deepEqual(await page.locator('.pin-model optgroup').evaluateAll((els) => els.map((e) => e.getAttribute('label'))), [
      'Local',
      'Mid-tier',
      'Frontier',
    ]);
    assert.equal(await page.locator('.pin-model').inputValue(), 'claude-sonnet-4-5');
    assert.equal(await page.locator('.pin-scope').inputValue(), 'conversation');
    assert.deepEqual(await page.locator('.chip .chip-label').allInnerTexts(), ['chat.ts:12-30', 'chat.ts', 'protocol.ts']);
    assert.deepEqual(await page.locator('.chip-toggle').evaluateAll((els) => els.map((e) => e.getAttribute('aria-pressed'))), [
      'true',
      'true',
      'false',
    ]);
    assert.equal(await page.locator('.empty').isVisible(), false);
  });

  it('sends with Enter, adds a newline with Shift+Enter, and shows the question at once', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    const input = page.locator('.question-input');
    await input.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    assert.equal(await countPosted(page, 'send'), 0, 'Shift+Enter must not send');
    await page.keyboard.press('Enter');
    const send = await waitForPosted(page, 'send');
    assert.equal(send.text, 'line one\nline two');
    assert.match(send.id, MESSAGE_ID_PATTERN);
    assert.equal(send.pin, undefined);
    assert.equal(await input.inputValue(), '');
    assert.equal(await page.locator(`.turn[data-turn-id="${send.id}"] .question-text`).innerText(), 'line one\nline two');
    assert.equal(await page.locator('.stop').isVisible(), true, 'Stop replaces Send while the answer is pending');
    assert.equal(await page.locator('.send').isVisible(), false);
    // A second Enter while busy does not send.
    await input.fill('another');
    await input.press('Enter');
    assert.equal(await countPosted(page, 'send'), 1);
    await page.locator('.composer-problem', { hasText: 'stop it' }).waitFor();
  });

  it('streams markdown with a highlighted code block and shows who answered, why, cost and timing', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    const id = await ask(page, 'How do I debounce the input?');
    await hostSends(page, { type: 'turnStart', id, userText: 'How do I debounce the input?' });
    await hostSends(page, { type: 'answerStart', id, model: MODELS[2] });
    const turn = page.locator(`.turn[data-turn-id="${id}"]`);
    await turn.locator('.answer-status', { hasText: 'asking Claude Sonnet 4.5' }).waitFor();
    await hostSends(page, {
      type: 'answerStart',
      id,
      model: MODELS[1],
      fallback: { from: 'Claude Sonnet 4.5', to: 'GPT-4.1', reason: 'overloaded' },
    });
    await turn.locator('.fallback', { hasText: 'Claude Sonnet 4.5 overloaded → GPT-4.1' }).waitFor();

    // Half the answer: the code block is open and already visible.
    const chunks = chunk(ANSWER, 7);
    const half = chunks.slice(0, Math.floor(chunks.length / 3));
    await streamDeltas(page, id, half);
    await turn.locator('.code-block code', { hasText: 'export function debounce' }).waitFor();
    await turn.locator('.answer-status', { hasText: 'GPT-4.1 is answering' }).waitFor();
    await streamDeltas(page, id, chunks.slice(half.length));
    await turn.locator('.markdown', { hasText: 'Then call debounce(save, 250).' }).waitFor();

    const markdown = turn.locator('.markdown');
    assert.equal(await markdown.locator('h2').innerText(), 'Debouncing the input');
    assert.equal(await markdown.locator('strong').innerText(), 'once');
    assert.deepEqual(await markdown.locator('li').allInnerTexts(), ['ms is the quiet period', 'the last call wins']);
    assert.equal(await markdown.locator('table td').first().innerText(), 'ms');
    assert.equal(await markdown.locator('.code-block').count(), 1);
    assert.equal(await markdown.locator('.code-lang').innerText(), 'ts');
    assert.equal(await markdown.locator('.code-block code').textContent(), ANSWER_CODE);
    assert.ok((await markdown.locator('.code-block .hljs-keyword').count()) >= 3, 'keywords highlighted');
    assert.ok((await markdown.locator('.code-block .hljs-string').count()) >= 1, 'strings highlighted');
    assert.ok((await markdown.locator('.code-block .hljs-comment').count()) >= 1, 'comments highlighted');
    // Keyword colour comes from the theme.
    const keywordColour = await markdown
      .locator('.code-block .hljs-keyword')
      .first()
      .evaluate((e) => getComputedStyle(e).color);
    assert.equal(keywordColour, 'rgb(78, 148, 206)');

    assert.equal(await page.locator('.meta-line').count(), 0, 'no meta before the end');
    await hostSends(page, { type: 'answerEnd', id, meta: META });
    await turn.locator('.meta-line').waitFor();
    const streamedHtml = await markdown.evaluate((e) => e.innerHTML.replace(/>\s+</g, '><'));

    const metaLine = await turn.locator('.meta-line').innerText();
    for (const expected of ['GPT-4.1', 'mid', '$0.0012'])
      assert.ok(metaLine.includes(expected), `meta line "${metaLine}" lacks "${expected}"`);
    const stats = await turn.locator('.meta-stats').innerText();
    for (const expected of ['1.2k in · 345 out', '800 cached', 'first token 320 ms', 'total 4.1 s'])
      assert.ok(stats.includes(expected), `stats "${stats}" lack "${expected}"`);
    assert.equal(await turn.locator('.tier').getAttribute('class'), 'tier tier-mid');
    assert.match(await turn.locator('.fallback').innerText(), /Claude Sonnet 4\.5 overloaded → GPT-4\.1$/);
    const why = turn.locator('details.why');
    assert.equal(await why.evaluate((d) => (d as HTMLDetailsElement).open), false, 'why starts collapsed');
    await why.locator('summary').click();
    assert.deepEqual(await why.locator('.why-reasons li').allInnerTexts(), META.reasons);
    assert.deepEqual(await why.locator('.why-dropped li').allInnerTexts(), [
      'claude-sonnet-4-5 — cooling down after an overload, retry in 12 s',
      'qwen-coder — context window 8,192 tokens is too small for 14,210',
    ]);
    assert.match(await page.locator('[role="status"]').innerText(), /Answer from GPT-4\.1 finished/);
    assert.equal(await turn.locator('.answer').getAttribute('aria-busy'), 'false');
    assert.equal(await page.locator('.send').isVisible(), true);

    // The same text from history renders identically.
    await hostSends(page, { type: 'history', history: [{ id: 'h1', userText: 'q', answerText: ANSWER, meta: META }], busy: null });
    const oneShotHtml = await page.locator('.turn[data-turn-id="h1"] .markdown').evaluate((e) => e.innerHTML.replace(/>\s+</g, '><'));
    assert.equal(streamedHtml, oneShotHtml, 'streaming rendered a different document than a one-shot render');
  });

  it('never lets model output run: raw HTML is shown as text, javascript: links lose their href', async () => {
    const page = await openChat();
    await hostSends(
      page,
      initMessage(),
      { type: 'turnStart', id: 'evil', userText: 'show html' },
      { type: 'answerStart', id: 'evil', model: MODELS[1] },
    );
    const hostile = [
      'Here is HTML:',
      '',
      '<img src=x onerror="window.__pwned = \'img\'">',
      '',
      '<script>window.__pwned = "script"</script>',
      '',
      'Inline <b onmouseover="window.__pwned=\'b\'">bold</b>, [a link](javascript:window.__pwned=1), [ok](https://example.com/docs) and ![tracker](https://example.invalid/pixel.png)',
      '',
      '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
      '<svg onload="window.__pwned=\'svg\'"><circle r="5"/></svg>',
      '',
      'The end.',
    ].join('\n');
    await streamDeltas(page, 'evil', chunk(hostile, 9));
    await hostSends(page, { type: 'answerEnd', id: 'evil', meta: META });
    const answer = page.locator('.turn[data-turn-id="evil"] .markdown');
    await answer.locator('p', { hasText: 'The end.' }).waitFor();
    assert.equal(await answer.locator('img, script, iframe, svg, b, [onerror], [onmouseover], [onload], [style]').count(), 0);
    const text = await answer.innerText();
    assert.ok(text.includes('<img src=x onerror="window.__pwned = \'img\'">'), 'the img tag is shown as text');
    assert.ok(text.includes('<script>'), 'the script tag is shown as text');
    const hrefs = await answer.locator('a').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, [null, 'https://example.com/docs', 'https://example.invalid/pixel.png']);
    assert.equal(await page.evaluate(() => (window as unknown as FakeHostWindow).__pwned), undefined);
  });

  it('Stop and Escape post stop for the streaming answer; a stopped answer says so', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    const id = await ask(page, 'Write a long essay');
    await hostSends(page, { type: 'turnStart', id, userText: 'Write a long essay' }, { type: 'answerStart', id, model: MODELS[0] });
    await streamDeltas(page, id, ['Once ', 'upon ', 'a time']);
    await page.locator('.stop').click();
    assert.deepEqual(await waitForPosted(page, 'stop'), { type: 'stop', id });
    await page.keyboard.press('Escape');
    assert.deepEqual(await waitForPosted(page, 'stop', 2), { type: 'stop', id });
    await hostSends(page, {
      type: 'answerEnd',
      id,
      meta: {
        ...META,
        modelId: 'qwen-coder',
        modelLabel: 'Qwen2.5 Coder 7B',
        tier: 'local',
        provider: 'ollama',
        costUsd: 0,
        fallbacks: [],
        stopped: true,
      },
    });
    const turn = page.locator(`.turn[data-turn-id="${id}"]`);
    await turn.locator('.meta-stopped').waitFor();
    assert.match(await turn.locator('.meta-line').innerText(), /free/);
    assert.equal(await turn.locator('.fallback').count(), 0);
    assert.match(await page.locator('[role="status"]').innerText(), /stopped/);
    await page.locator('.send').waitFor();
    // Escape when nothing streams posts nothing.
    await page.keyboard.press('Escape');
    assert.equal(await countPosted(page, 'stop'), 2);
  });

  it('code-block buttons post copy, insert and apply with the exact code and the turn', async () => {
    const page = await openChat();
    await hostSends(page, initMessage([{ id: 'h1', userText: 'q', answerText: ANSWER, meta: META }]));
    const block = page.locator('.turn[data-turn-id="h1"] .code-block');
    await block.locator('.code-action', { hasText: 'Copy' }).click();
    assert.deepEqual(await waitForPosted(page, 'copyCode'), { type: 'copyCode', code: ANSWER_CODE, turnId: 'h1' });
    await block.locator('.code-action', { hasText: 'Copied' }).waitFor();
    await block.locator('[data-action="insertCode"]').click();
    assert.deepEqual(await waitForPosted(page, 'insertCode'), { type: 'insertCode', code: ANSWER_CODE, turnId: 'h1' });
    // Keyboard reaches them too.
    await block.locator('[data-action="applyCode"]').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitForPosted(page, 'applyCode'), { type: 'applyCode', code: ANSWER_CODE, turnId: 'h1' });
    assert.equal(await block.locator('[data-action="applyCode"]').getAttribute('aria-label'), 'Apply code as an edit to the selection');
  });

  it('context chips toggle and remove; "@ file" and a typed @ ask the host for a file', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    await page.locator('.chip[data-chip-id="selection"] .chip-toggle').click();
    assert.deepEqual(await waitForPosted(page, 'toggleContext'), { type: 'toggleContext', chipId: 'selection', enabled: false });
    await page.locator('.chip[data-chip-id="file-1"] .chip-toggle').click();
    assert.deepEqual(await waitForPosted(page, 'toggleContext', 2), { type: 'toggleContext', chipId: 'file-1', enabled: true });
    await page.locator('.chip[data-chip-id="activeFile"] .chip-remove').click();
    assert.deepEqual(await waitForPosted(page, 'removeContext'), { type: 'removeContext', chipId: 'activeFile' });
    await page.locator('.add-file').click();
    const byButton = await waitForPosted(page, 'addFileContext');
    assert.match(byButton.id, MESSAGE_ID_PATTERN);

    // `@` at the start of a word opens the picker; inside a word (an e-mail) it does not.
    const input = page.locator('.question-input');
    await input.click();
    await page.keyboard.type('mail me@example.com about ');
    assert.equal(await countPosted(page, 'addFileContext'), 1);
    await page.keyboard.type('@');
    const byAt = await waitForPosted(page, 'addFileContext', 2);
    assert.notEqual(byAt.id, byButton.id);
    // The host adds the picked file: the @ has done its job and goes.
    await hostSends(page, {
      type: 'chips',
      chips: [...CHIPS, { id: 'file-2', kind: 'file', label: 'router.ts', enabled: true }],
      replyTo: byAt.id,
    });
    await page.locator('.chip[data-chip-id="file-2"]').waitFor();
    assert.equal(await input.inputValue(), 'mail me@example.com about ');
    // A cancelled picker leaves the @ where it is.
    await page.keyboard.type('@');
    const cancelled = await waitForPosted(page, 'addFileContext', 3);
    await hostSends(page, {
      type: 'chips',
      chips: [...CHIPS, { id: 'file-2', kind: 'file', label: 'router.ts', enabled: true }],
      replyTo: cancelled.id,
    });
    await page.waitForFunction(() => document.activeElement?.classList.contains('question-input'));
    assert.equal(await input.inputValue(), 'mail me@example.com about @');
  });

  it('pins a model for the next message or the conversation', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    assert.equal(await page.locator('.pin-scope').isDisabled(), true, 'no scope while the router decides');
    await page.locator('.pin-model').selectOption('claude-sonnet-4-5');
    assert.deepEqual(await waitForPosted(page, 'setPin'), { type: 'setPin', modelId: 'claude-sonnet-4-5', scope: 'next' });
    const id = await ask(page, 'Refactor this');
    const send = (await posted(page)).find((m) => m.type === 'send' && m.id === id);
    assert.deepEqual(send, { type: 'send', id, text: 'Refactor this', pin: { modelId: 'claude-sonnet-4-5', scope: 'next' } });
    assert.equal(await page.locator('.pin-model').inputValue(), '', 'a next-message pin is used up');
    await hostSends(page, { type: 'answerEnd', id, meta: META });
    await page.locator('.pin-model').selectOption('gpt-4.1');
    await page.locator('.pin-scope').selectOption('conversation');
    assert.deepEqual(await waitForPosted(page, 'setPin', 3), { type: 'setPin', modelId: 'gpt-4.1', scope: 'conversation' });
    const second = await ask(page, 'And this');
    const send2 = (await posted(page)).find((m) => m.type === 'send' && m.id === second);
    assert.deepEqual(send2?.type === 'send' ? send2.pin : undefined, { modelId: 'gpt-4.1', scope: 'conversation' });
    assert.equal(await page.locator('.pin-model').inputValue(), 'gpt-4.1', 'a conversation pin stays');
    await page.locator('.pin-model').selectOption('');
    assert.deepEqual(await waitForPosted(page, 'setPin', 4), { type: 'setPin', modelId: null, scope: 'conversation' });
  });

  it('shows an error with buttons that run allow-listed commands', async () => {
    const page = await openChat();
    await hostSends(page, initMessage());
    const id = await ask(page, 'Hello');
    await streamDeltas(page, id, ['Partial ']);
    await hostSends(page, {
      type: 'answerError',
      id,
      message: 'Anthropic rejected the API key (401). Set a new key to continue.',
      actions: [
        { label: 'Set API key', command: 'switchboard.setApiKey', args: ['anthropic'] },
        { label: 'Show log', command: 'switchboard.showLog' },
      ],
    });
    const error = page.locator(`.turn[data-turn-id="${id}"] .answer-error[role="alert"]`);
    await error.waitFor();
    assert.match(await error.innerText(), /rejected the API key/);
    assert.match(await page.locator(`.turn[data-turn-id="${id}"] .markdown`).innerText(), /Partial/);
    await error.getByRole('button', { name: 'Set API key' }).click();
    assert.deepEqual(await waitForPosted(page, 'runCommand'), {
      type: 'runCommand',
      command: 'switchboard.setApiKey',
      args: ['anthropic'],
    });
    await error.getByRole('button', { name: 'Show log' }).click();
    assert.deepEqual(await waitForPosted(page, 'runCommand', 2), { type: 'runCommand', command: 'switchboard.showLog' });
    assert.equal(await page.locator('.send').isVisible(), true);
  });

  it('starts a new conversation and opens the router panel', async () => {
    const page = await openChat();
    await hostSends(page, initMessage([{ id: 'h1', userText: 'q', answerText: 'a', meta: META }]));
    await page.locator('.turn').first().waitFor();
    await page.getByRole('button', { name: 'New conversation' }).click();
    await waitForPosted(page, 'newConversation');
    assert.equal(await page.locator('.turn').count(), 0);
    assert.equal(await page.locator('.empty').isVisible(), true);
    await page.getByRole('button', { name: 'Open router panel' }).click();
    await waitForPosted(page, 'openRouterPanel');
  });

  it('comes back from saved state without an empty flash, mid-stream answers included', async () => {
    const page = await openChat();
    await hostSends(page, initMessage([{ id: 'h1', userText: 'First question', answerText: 'First **answer**', meta: META }]));
    const id = await ask(page, 'Second question');
    await hostSends(page, { type: 'turnStart', id, userText: 'Second question' });
    await streamDeltas(page, id, ['Streaming ', 'so far']);
    await page.locator('.question-input').fill('a draft');
    await page.waitForFunction(() => {
      const state = JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null');
      return state?.draft === 'a draft' && state.turns.some((t: ChatTurn) => t.answerText === 'Streaming so far');
    });
    // The view is hidden and shown again: a new page load with the saved state, before any host message.
    await page.reload();
    await waitForPosted(page, 'ready');
    assert.equal(await page.locator('.turn').count(), 2, 'turns are back before init arrives');
    assert.match(await page.locator('.turn[data-turn-id="h1"] .markdown').innerText(), /First answer/);
    assert.match(await page.locator(`.turn[data-turn-id="${id}"] .markdown`).innerText(), /Streaming so far/);
    assert.equal(await page.locator('.question-input').inputValue(), 'a draft');
    assert.equal(await page.locator('.stop').isVisible(), true);
    // Then the host's init is the truth: the answer continues.
    await hostSends(
      page,
      initMessage(
        [
          { id: 'h1', userText: 'First question', answerText: 'First **answer**', meta: META },
          { id, userText: 'Second question', answerText: 'Streaming so far' },
        ],
        { busy: { id } },
      ),
    );
    await streamDeltas(page, id, [' and more.']);
    await page.locator(`.turn[data-turn-id="${id}"] .markdown`, { hasText: 'Streaming so far and more.' }).waitFor();
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`looks native in a ${theme} theme (screenshot)`, async () => {
      const page = await openChat({ width: 440, height: 1180 });
      await applyTheme(page, theme);
      const history: ChatTurn[] = [
        { id: 'h1', userText: 'How do I debounce the input handler in chat.ts?', answerText: ANSWER, model: MODELS[1], meta: META },
        {
          id: 'h2',
          userText: 'Explain the router in one line.',
          answerText: 'It picks the **first candidate** that passes every constraint.',
          meta: {
            ...META,
            modelId: 'qwen-coder',
            modelLabel: 'Qwen2.5 Coder 7B',
            tier: 'local',
            provider: 'ollama',
            costUsd: 0,
            ttftMs: 95,
            totalMs: 640,
            fallbacks: [],
            dropped: [],
            reasons: ['short question → local tier'],
            usage: { inputTokens: 412, outputTokens: 18, cacheReadTokens: 0, cacheWriteTokens: 0 },
          },
        },
        {
          id: 'h3',
          userText: 'Now refactor the whole module',
          answerText: '',
          error: {
            message: 'No API key for Anthropic. Set one to use Claude models.',
            actions: [{ label: 'Set API key', command: 'switchboard.setApiKey', args: ['anthropic'] }],
          },
        },
      ];
      await hostSends(page, initMessage(history, { pin: { modelId: 'gpt-4.1', scope: 'conversation' } }));
      await page.locator('.turn[data-turn-id="h3"] .answer-error').waitFor();
      await page.locator('.turn[data-turn-id="h1"] details.why summary').click();
      await page.locator('.question-input').fill('Why did it pick GPT-4.1?');
      await page.locator('.question-input').focus();
      await page.evaluate(() => {
        const log = document.querySelector('.log') as HTMLElement;
        log.scrollTop = 0;
      });
      // The theme reached the page: the code block uses the theme's code background.
      const codeBackground = await page
        .locator('.code-block')
        .first()
        .evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(codeBackground, theme === 'dark' ? 'rgba(10, 10, 10, 0.4)' : 'rgba(220, 220, 220, 0.4)');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `chat-webview-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000);
    });
  }

  it('renders a streamed 2,000-line answer (prints the time; does not assert it)', async () => {
    const page = await openChat({ width: 440, height: 900 });
    await hostSends(page, initMessage());
    const results: string[] = [];
    for (const kind of ['mixed markdown', 'one code block'] as const) {
      const id = kind === 'mixed markdown' ? 'perf1' : 'perf2';
      const lines: string[] = [];
      if (kind === 'mixed markdown') {
        for (let section = 0; lines.length + 70 <= 1999; section++) {
          lines.push(
            `### Step ${section}`,
            '',
            `Paragraph ${section} explains **why** the \`handler\` changes, with a [link](https://example.com/${section}).`,
            '',
          );
          lines.push('- first point', '- second point', '', '```ts');
          for (let i = 0; i < 60; i++) lines.push(`  const value${i} = compute(${i}, "text ${section}"); // step ${i}`);
          lines.push('```', '');
        }
        while (lines.length < 1999) lines.push(`Closing note line ${lines.length}.`);
      } else {
        lines.push('```ts');
        for (let i = 0; lines.length < 1998; i++) lines.push(`  const value${i} = compute(${i}, "text"); // line ${i}`);
        lines.push('```');
      }
      lines.push(`END-OF-ANSWER-${id}`);
      const text = lines.join('\n');
      await hostSends(page, { type: 'turnStart', id, userText: `Long answer (${kind})` }, { type: 'answerStart', id, model: MODELS[1] });
      const chunks = chunk(text, 20);
      const figures = await page.evaluate(
        ({ id, chunks, marker }) => (window as unknown as FakeHostWindow).__sb.streamTimed(id, chunks, marker),
        { id, chunks, marker: `END-OF-ANSWER-${id}` },
      );
      await hostSends(page, { type: 'answerEnd', id, meta: META });
      await page.locator(`.turn[data-turn-id="${id}"] .meta-line`).waitFor();
      // The streamed result must read the same as the text rendered in one go.
      const blocks = (e: Element) =>
        [...e.querySelectorAll('.md-settled > *')].map((b) => `${b.tagName}: ${(b.textContent ?? '').replace(/\s+/g, ' ').trim()}`);
      const streamedBlocks = await page.locator(`.turn[data-turn-id="${id}"] .markdown`).evaluate(blocks);
      const codeLines = await page
        .locator(`.turn[data-turn-id="${id}"] .code-block code`)
        .evaluateAll((els) => els.reduce((n, e) => n + (e.textContent ?? '').split('\n').length, 0));
      const highlighted = await page.locator(`.turn[data-turn-id="${id}"] .code-block .hljs-string`).count();
      results.push(
        `  ${kind}: ${lines.length} lines, ${text.length} chars in ${chunks.length} deltas of 20 chars → ` +
          `first delta to last delta rendered ${figures.totalMs.toFixed(0)} ms (delivering the deltas ${figures.deliveryMs.toFixed(0)} ms), ` +
          `${figures.frames} frames, longest frame ${figures.longestFrame.toFixed(0)} ms`,
      );
      assert.ok(codeLines >= (kind === 'mixed markdown' ? 1500 : 1990), `all code lines rendered (${codeLines})`);
      assert.ok(highlighted > 100, 'the finished code is highlighted');
      assert.ok(streamedBlocks.at(-1)?.includes(`END-OF-ANSWER-${id}`));
      await hostSends(page, { type: 'history', history: [{ id: `${id}x`, userText: 'q', answerText: text, meta: META }], busy: null });
      const oneShotBlocks = await page.locator(`.turn[data-turn-id="${id}x"] .markdown`).evaluate(blocks);
      assert.deepEqual(streamedBlocks, oneShotBlocks, 'streamed and one-shot renders differ');
    }
    console.log(`    chat webview render time for a streamed 2,000-line answer:\n${results.join('\n')}`);
  });

  it('keeps a streamed 5 MB answer responsive: a bounded first part, Show more and Show all, Copy takes the whole block', async () => {
    const page = await openChat({ width: 440, height: 900 });
    await hostSends(page, initMessage());
    const id = await ask(page, 'Explain everything');
    await hostSends(page, { type: 'turnStart', id, userText: 'Explain everything' }, { type: 'answerStart', id, model: MODELS[1] });
    const { text, hugeCode, lastCode, end } = hugeAnswer();
    assert.ok(text.length >= 5_000_000 && hugeCode.length < 1_000_000);
    // As the host's batcher sends it: at most one delta per frame (16 KB every 16 ms), while the test types in the question box.
    await page.evaluate(
      ({ id, text }) => {
        const w = window as unknown as FakeHostWindow & { __big: { done: boolean; typedWhileStreaming?: boolean } };
        w.__big = { done: false };
        document.querySelector('.question-input')?.addEventListener('input', () => (w.__big.typedWhileStreaming ??= !w.__big.done));
        void (async () => {
          for (let i = 0; i < text.length; i += 16_384) {
            w.__sb.dispatch({ type: 'answerDelta', id, text: text.slice(i, i + 16_384) });
            await new Promise((resolve) => setTimeout(resolve, 16));
          }
          w.__big.done = true;
        })();
      },
      { id, text },
    );
    await page.locator('.question-input').click();
    await page.keyboard.type('still here');
    await page.waitForFunction(() => (window as unknown as { __big: { done: boolean } }).__big.done, undefined, {
      timeout: 100_000,
      polling: 100,
    });
    assert.equal(await page.locator('.question-input').inputValue(), 'still here');
    assert.equal(
      await page.evaluate(() => (window as unknown as { __big: { typedWhileStreaming?: boolean } }).__big.typedWhileStreaming),
      true,
      'typing in the question box was handled while the answer streamed',
    );
    await hostSends(page, { type: 'answerEnd', id, meta: META });
    const turn = page.locator(`.turn[data-turn-id="${id}"]`);
    await turn.locator('.meta-line').waitFor({ timeout: 60_000 });

    // A bounded first part, cut between blocks: every small code block is whole; the huge one says what it does not show.
    const markdown = turn.locator('.markdown');
    const shown = await markdown.evaluate((e) => ({ nodes: e.querySelectorAll('*').length, chars: (e.textContent ?? '').length }));
    assert.ok(shown.nodes < 20_000, `the answer holds ${shown.nodes} DOM nodes`);
    assert.ok(shown.chars < 400_000, `the answer shows ${shown.chars} characters`);
    assert.equal((await markdown.textContent())?.includes(end), false);
    const more = turn.locator('.answer-more');
    assert.match(await more.innerText(), /Showing \d+ KB of 5\.\d MB\./);
    const codes = await markdown.locator('.code-block code').allTextContents();
    assert.ok(codes.length > 10);
    for (const code of codes.slice(0, -1)) assert.equal(code.split('\n').length, 40, 'no small code block is cut');
    const huge = markdown.locator('.code-block').last();
    assert.ok(hugeCode.startsWith(codes.at(-1) ?? '-') && (codes.at(-1) ?? '').length < hugeCode.length);
    assert.match(await huge.locator('.code-more').innerText(), /more lines not shown/);
    await huge.locator('[data-action="copyCode"]').click();
    const copied = await waitForPosted(page, 'copyCode');
    assert.equal(copied.code.length, hugeCode.length);
    assert.ok(copied.code === hugeCode, 'Copy takes the whole huge block');

    for (const theme of ['dark', 'light'] as const) {
      await applyTheme(page, theme);
      await more.scrollIntoViewIfNeeded();
      // Lazily laid-out line blocks paint in the frame after they scroll into view: wait for two frames.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `chat-webview-huge-answer-${theme}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 10_000);
    }

    // Show more adds a part; Show all renders the rest in slices while the view stays usable.
    await more.getByRole('button', { name: 'Show more' }).click();
    await page.waitForFunction(
      ({ id, before }) => (document.querySelector(`.turn[data-turn-id="${id}"] .markdown`)?.textContent ?? '').length > before,
      { id, before: shown.chars },
      { polling: 100 },
    );
    await more.getByRole('button', { name: 'Show all' }).click();
    await page.locator('.question-input').fill('after show all');
    await more.waitFor({ state: 'hidden', timeout: 100_000 });
    assert.ok((await markdown.textContent())?.includes(end), 'Show all shows the end of the answer');
    assert.equal(await page.locator('.question-input').inputValue(), 'after show all');
    await markdown.locator('.code-block').last().locator('[data-action="copyCode"]').click();
    assert.equal((await waitForPosted(page, 'copyCode', 2)).code, lastCode);
  });
});
