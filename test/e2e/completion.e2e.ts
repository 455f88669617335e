// Inline completion end to end: typing in a real VS Code (code-server) shows ghost text from a
// loopback Ollama stand-in through the real provider, and Tab accepts it into the document.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { VsCodeSession } from './vscodeSession';
import { readLedgerLines, readSwitchboardLogs } from '../support/profileFiles';
import { eventually } from './featureHelpers';
import { startOllamaStandin } from '../support/standins/ollamaStandin';
import type { OllamaStandin } from '../support/standins/ollamaStandin';

const COMPLETION = 'greet("world");';
const PY_COMPLETION = 'sum((v - mean(values)) ** 2 for v in values) / len(values)';

interface LedgerLine {
  type?: string;
  id: string;
  task?: string;
  language?: string;
  outcome?: string;
}

/** Waits until the ledger holds an `accepted` outcome for a completion decision in `language`. */
async function acceptedInLedger(vs: VsCodeSession, language: string): Promise<LedgerLine> {
  return eventually(() => {
    const lines = readLedgerLines<LedgerLine>(vs.userDataDir);
    const ids = new Set(lines.filter((l) => l.type !== 'outcome' && l.task === 'completion' && l.language === language).map((l) => l.id));
    return lines.find((l) => l.type === 'outcome' && l.outcome === 'accepted' && ids.has(l.id));
  }, `an accepted ${language} completion in the ledger`);
}

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

  it('shows ghost text while typing and Tab accepts it', async () => {
    // Typed before Switchboard has activated, the keys would ask no provider at all.
    await vs.waitForStatusBar('qwen2.5-coder:1.5b-base');
    await vs.openFileAtEnd('src/greet.ts');
    await vs.page.keyboard.type('\nexport const message = ', { delay: 30 });

    const ghost = vs.ghostText();
    await ghost.waitFor({ state: 'visible', timeout: 30_000 });
    const shot = await vs.screenshot('completion-ghost-text');
    console.log(`    screenshot: ${shot}`);
    assert.ok(
      ollama.requests.some((r) => r.path === '/api/generate'),
      'the ghost text came from a FIM request to the stand-in',
    );

    await vs.page.keyboard.press('Tab');
    await eventually(
      async () => ((await vs.editorText()).includes(`export const message = ${COMPLETION}`) ? true : undefined),
      'the accepted completion in the editor',
    );
    await acceptedInLedger(vs, 'typescript');
  });

  it('shows ghost text in a Python file too; Tab accepts it and the ledger records the acceptance for python', async () => {
    ollama.script({ text: PY_COMPLETION });
    const before = ollama.requests.filter((r) => r.path === '/api/generate').length;
    await vs.openFileAtEnd('src/stats.py');
    // The editor indents the body after the colon itself.
    await vs.page.keyboard.type('\n\ndef variance(values):\n', { delay: 30 });
    await vs.page.keyboard.type('return ', { delay: 30 });

    const ghost = vs.ghostText();
    await ghost.waitFor({ state: 'visible', timeout: 30_000 });
    const shot = await vs.screenshot('completion-ghost-text-python');
    console.log(`    screenshot: ${shot}`);
    const requests = ollama.requests.filter((r) => r.path === '/api/generate').slice(before);
    assert.ok(requests.length > 0, 'the ghost text came from a FIM request');
    const prompt = JSON.stringify(requests.at(-1)?.body);
    assert.match(prompt, /def mean\(values\)/, 'the Python file is in the prompt');

    await vs.page.keyboard.press('Tab');
    await eventually(
      async () => ((await vs.editorText()).includes(`return ${PY_COMPLETION}`) ? true : undefined),
      'the accepted Python completion in the editor',
    );
    const saved = await acceptedInLedger(vs, 'python');
    assert.match(saved.id, /python/, 'the accepted line names the python request');
  });
});

describe('inline completion with no Ollama running', function () {
  this.timeout(180_000);
  let vs: VsCodeSession;
  let closedPort: number;

  before(async () => {
    // A port nothing listens on: bind one, then let it go.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    vs = await VsCodeSession.start({
      settings: {
        'switchboard.endpoints.ollama': `http://127.0.0.1:${closedPort}`,
        'switchboard.routes': { completion: ['qwen2.5-coder:1.5b-base'] },
        'switchboard.completion.enabled': true,
        'files.autoSave': 'off',
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await vs?.screenshot(`FAILED-completion-no-ollama-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await vs?.stop();
  });

  it('says so once, names the address and offers to run `ollama serve`, then stays quiet while typing', async () => {
    await vs.waitForStatusBar('qwen2.5-coder:1.5b-base');
    await vs.openFileAtEnd('src/greet.ts');
    await vs.page.keyboard.type('\nexport const a = ', { delay: 40 });
    const toast = vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'inline completions are off for now' });
    await toast.waitFor({ timeout: 30_000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`Ollama is not answering at http://127\\.0\\.0\\.1:${closedPort}\\.`));
    assert.match(text, /Run `?ollama serve`? in a terminal/);
    await toast.locator('.monaco-button', { hasText: 'Run "ollama serve"' }).waitFor({ timeout: 10_000 });
    await vs.screenshot('completion-no-ollama');
    // More typing, more provider calls: no second message.
    await vs.page.keyboard.type('1;\nexport const b = 2;\nexport const c = ', { delay: 40 });
    await vs.waitForStatusBar('qwen2.5-coder:1.5b-base', 10_000);
    assert.ok(
      (await vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'inline completions are off for now' }).count()) <= 1,
      'one message, not one per keystroke',
    );
    const log = readSwitchboardLogs(path.join(vs.userDataDir, 'logs'));
    assert.equal(log.match(/completion: Ollama is not answering/g)?.length, 1, `reported once in the log:\n${log}`);
  });
});
