// Ghost text in the real VS Code (code-server + Switchboard's VSIX), typed by Playwright in Debian's
// chromium, against the Ollama stand-in at ~120 ms to first token and 60 tokens/s.
//
//   npx tsx bench/ghostTextLatency.ts [--keys 1000] [--seed 7]   (needs `bash scripts/setup-tools.sh` once)
//
// Replays lines of this repository's own source with human timing: 60–220 ms between keys, and a
// pause of 0.7–1.5 s at the end of each line, after 12% of spaces and after 2% of other keys. For
// every pause it measures, in the page's own clock, the time from the last keydown to the first
// frame with ghost text on screen, and splits it at the stand-in's own timestamps.
// Prints: ghost text after a pause p50 / p90 / p99, pauses with no suggestion, requests per 100
// keystrokes, requests cancelled by the client. It prints; it asserts nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VsCodeSession } from '../test/e2e/vscodeSession';
import { startOllamaStandin } from '../test/support/standins/ollamaStandin';
import { seededRng } from '../src/core/ratings/blinding';
import { percentile } from './lib/percentile';

const ROOT = path.resolve(__dirname, '..');
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const KEYS = Number(option('keys', '1000'));
const rng = seededRng(Number(option('seed', '7')));
const TTFT_MS = 120;
const TOKEN_MS = 1000 / 60;
const between = (lo: number, hi: number) => lo + (hi - lo) * rng();

/** Lines to type: real code from this repository, without indentation (the editor indents) and without brackets the editor would close itself. */
function sourceLines(): string[] {
  const files = ['src/core/completion/postprocess.ts', 'src/core/completion/cache.ts', 'src/core/router/route.ts', 'src/core/cost/price.ts'];
  const lines: string[] = [];
  for (const f of files) {
    for (const raw of fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n')) {
      const line = raw.trim();
      if (line.length < 12 || line.length > 90 || line.startsWith('//') || line.startsWith('*') || line.startsWith('import')) continue;
      lines.push(line);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const ollama = await startOllamaStandin();
  // A single-line continuation: the pipeline stops at the newline and shows what came before it.
  const tokens = [' value', '.', 'length', ' >', ' 0', ';', '\n', '}', '\n'];
  ollama.script({ tokens, firstByteDelayMs: TTFT_MS, tokenIntervalMs: TOKEN_MS, usage: { eval_count: tokens.length } });
  const vs = await VsCodeSession.start({
    settings: {
      'switchboard.endpoints.ollama': ollama.origin,
      'switchboard.routes': { completion: ['qwen2.5-coder:1.5b-base'] },
      'switchboard.completion.enabled': true,
      'files.autoSave': 'off',
      // Only ghost text on screen: no suggest widget, no auto-closed brackets or quotes.
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.wordBasedSuggestions': 'off',
      'editor.parameterHints.enabled': false,
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'editor.autoIndent': 'none',
    },
  });
  try {
    fs.writeFileSync(path.join(vs.workspace, 'src', 'replay.ts'), '// typed by bench/ghostTextLatency.ts\n');
    await vs.openFile('src/replay.ts');
    const page = vs.page;
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    // The page records keydowns and the first painted frame of each ghost text, in its own clock.
    // (A string: tsx would wrap named functions in a helper that the page does not have.)
    await page.evaluate(`(() => {
      const state = (window.__bench = { lastKey: 0, shownAt: [], visible: false });
      window.addEventListener('keydown', (e) => { state.lastKey = e.timeStamp; }, true);
      const selector = '.editor-group-container.active .monaco-editor .ghost-text-decoration, .editor-group-container.active .monaco-editor .ghost-text';
      new MutationObserver(() => {
        const now = document.querySelector(selector) !== null;
        if (now && !state.visible) requestAnimationFrame(() => state.shownAt.push(performance.now()));
        state.visible = now;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    })()`);
    // Warm up: the first request loads the model details (/api/show) and the provider bundle.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.type(attempt === 1 ? 'const warm = ' : ' ', { delay: 80 });
      try {
        await page.locator('.ghost-text-decoration, .ghost-text').first().waitFor({ timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await page.keyboard.press('Enter');
    const warmRequests = ollama.requests.filter((r) => r.path === '/api/generate').length;
    const firstMeasured = ollama.requests.length;

    const lines = sourceLines();
    const latencies: number[] = [];
    /** Each measured pause in epoch ms, to line it up with the stand-in's own times. */
    const measured: { keyAt: number; shownAt: number }[] = [];
    // The page's clock against this process's, from the tightest of a few round trips.
    let pageOrigin = 0;
    let bestRoundTrip = Infinity;
    for (let i = 0; i < 20; i++) {
      const before = performance.timeOrigin + performance.now();
      const pageNow = await page.evaluate(() => performance.now());
      const after = performance.timeOrigin + performance.now();
      if (after - before < bestRoundTrip) {
        bestRoundTrip = after - before;
        pageOrigin = (before + after) / 2 - pageNow;
      }
    }
    let keys = 0;
    let pauses = 0;
    let missed = 0;
    let alreadyShown = 0;
    const pauseHere = async () => {
      pauses++;
      const { lastKey, visible } = await page.evaluate(() => {
        const s = (window as unknown as { __bench: { lastKey: number; visible: boolean } }).__bench;
        return { lastKey: s.lastKey, visible: s.visible };
      });
      const pauseMs = between(700, 1500);
      const started = Date.now();
      if (visible) alreadyShown++;
      else {
        let shown: number | undefined;
        while (shown === undefined && Date.now() - started < 2000) {
          await page.waitForTimeout(25);
          shown = await page.evaluate((t) => (window as unknown as { __bench: { shownAt: number[] } }).__bench.shownAt.find((s) => s >= t), lastKey);
        }
        if (shown === undefined) missed++;
        else {
          latencies.push(shown - lastKey);
          measured.push({ keyAt: pageOrigin + lastKey, shownAt: pageOrigin + shown });
        }
      }
      const left = pauseMs - (Date.now() - started);
      if (left > 0) await page.waitForTimeout(left);
    };
    for (let li = 0; keys < KEYS; li++) {
      const line = lines[li % lines.length];
      for (let i = 0; i < line.length && keys < KEYS; i++) {
        await page.keyboard.type(line[i]);
        keys++;
        // Now and then a pause after a word, as when thinking about what comes next; rarely inside one.
        if (rng() < (line[i] === ' ' ? 0.12 : 0.02)) await pauseHere();
        else await page.waitForTimeout(between(60, 220));
      }
      await pauseHere();
      await page.keyboard.press('Enter');
      keys++;
    }

    const generate = ollama.requests.slice(firstMeasured).filter((r) => r.path === '/api/generate');
    const cancelled = generate.filter((r) => r.clientClosedAt !== undefined && (r.respondedAt === undefined || r.clientClosedAt < r.respondedAt)).length;
    // Where the time goes: keydown → request at the stand-in → its last byte (or the client hanging up
    // once it has its line) → the ghost text painted.
    const epoch = (t: number) => performance.timeOrigin + t;
    const toRequest: number[] = [];
    const model: number[] = [];
    const toScreen: number[] = [];
    for (const m of measured) {
      const r = [...generate].reverse().find((q) => epoch(q.receivedAt) >= m.keyAt && epoch(q.receivedAt) <= m.shownAt);
      if (!r) continue;
      const end = epoch(Math.min(r.respondedAt ?? Infinity, r.clientClosedAt ?? Infinity));
      toRequest.push(epoch(r.receivedAt) - m.keyAt);
      if (Number.isFinite(end)) {
        model.push(end - epoch(r.receivedAt));
        toScreen.push(m.shownAt - end);
      }
    }
    const fmt = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
    console.log(`ghost text in the real VS Code (code-server 4.139.1), Ollama stand-in ${TTFT_MS} ms to first token, 60 tokens/s`);
    console.log(`  keystrokes typed:                 ${keys} (${lines.length} source lines available; warm-up used ${warmRequests} request(s), not counted)`);
    console.log(`  pauses:                           ${pauses}`);
    console.log(`  ghost text after a pause:         p50 ${fmt(percentile(latencies, 50))}, p90 ${fmt(percentile(latencies, 90))}, p99 ${fmt(percentile(latencies, 99))} (from the last keydown to the first painted frame; n=${latencies.length})`);
    console.log(`    of which, p50: keydown → request at the server ${fmt(percentile(toRequest, 50))}; server until the line is in ${fmt(percentile(model, 50))}; then to the screen ${fmt(percentile(toScreen, 50))} (n=${toRequest.length})`);
    console.log(`  already on screen at the pause:   ${alreadyShown}`);
    console.log(`  pauses with no ghost text in 2 s: ${missed}`);
    console.log(`  requests per 100 keystrokes:      ${((generate.length / keys) * 100).toFixed(1)} (${generate.length} requests)`);
    console.log(`  requests cancelled by the client: ${cancelled}`);
  } finally {
    await vs.stop();
    await ollama.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
