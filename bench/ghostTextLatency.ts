// Ghost text in the real VS Code (code-server + Switchboard's VSIX), typed by Playwright in Debian's
// chromium, against the Ollama stand-in at ~120 ms to first token and 60 tokens/s.
//
//   npx tsx bench/ghostTextLatency.ts [--typist replay|dictation] [--keys 1000] [--seed 7]
//   (needs `bash scripts/setup-tools.sh` once)
//
// --typist replay (default): the completion replay's typist and model (bench/lib/typist.ts): it
//   retypes regions of this repository's source files with log-normal gaps, pauses, typos and jumps;
//   the stand-in answers from the file's true continuation, right about a third of the time and
//   right for a while another third. The typist types along a right suggestion rather than pressing
//   Tab (Tab would leave the bench's copy of the document to guess what VS Code inserted).
// --typist dictation: the worst case for a completion pipeline: lines of this repository typed with
//   60–220 ms between keys, a pause of 0.7–1.5 s at each line end, after 12% of spaces and 2% of other
//   keys, against a model that always answers the same wrong line, so nothing is ever typed along.
//
// For every pause it measures, in the page's own clock, the time from the last keydown to the first
// painted frame with ghost text, and splits it at the stand-in's own timestamps.
// Prints: ghost text after a pause p50 / p90 / p99 (all pauses, and those that needed the model),
// requests per 100 keystrokes, requests the client closed early.
// It prints; it asserts nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { VsCodeSession } from '../test/e2e/vscodeSession';
import { startOllamaStandin } from '../test/support/standins/ollamaStandin';
import type { OllamaStandin } from '../test/support/standins/ollamaStandin';
import type { RecordedRequest } from '../test/support/standins/standinServer';
import { seededRng } from '../src/core/ratings/blinding';
import { percentile } from './lib/percentile';
import { answerFor, sourceFiles, tokenize, Typist } from './lib/typist';
import type { Region, TypingState } from './lib/typist';

const ROOT = path.resolve(__dirname, '..');
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const TYPIST = option('typist', 'replay');
if (TYPIST !== 'replay' && TYPIST !== 'dictation') throw new Error(`--typist must be replay or dictation, not ${TYPIST}`);
const KEYS = Number(option('keys', '1000'));
const SEED = Number(option('seed', '7'));
const rng = seededRng(SEED);
const TTFT_MS = 120;
const TOKEN_MS = 1000 / 60;
const between = (lo: number, hi: number) => lo + (hi - lo) * rng();
/** The dictation model's one answer: a single line, so the pipeline stops at the newline. */
const WRONG_LINE = [' value', '.', 'length', ' >', ' 0', ';', '\n', '}', '\n'];

interface BenchState {
  lastKey: number;
  /** Frames in which ghost text appeared or changed. */
  paints: number[];
  visible: boolean;
}

/** One measured pause: when its last key went down, and the first frame with ghost text after it. */
interface Pause {
  lastKey: number;
  wasVisible: boolean;
  shown?: number;
}

async function main(): Promise<void> {
  const ollama = await startOllamaStandin();
  ollama.script({ tokens: WRONG_LINE, firstByteDelayMs: TTFT_MS, tokenIntervalMs: TOKEN_MS, usage: { eval_count: WRONG_LINE.length } });
  const vs = await VsCodeSession.start({
    settings: {
      'switchboard.endpoints.ollama': ollama.origin,
      'switchboard.routes': { completion: ['qwen2.5-coder:1.5b-base'] },
      'switchboard.completion.enabled': true,
      'files.autoSave': 'off',
      // Only ghost text on screen: no suggest widget, no auto-closed brackets or quotes, no indenting
      // (the typist types the file's own indentation).
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.wordBasedSuggestions': 'off',
      'editor.parameterHints.enabled': false,
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'editor.autoIndent': 'none',
      'typescript.validate.enable': false,
    },
  });
  try {
    const page = vs.page;
    fs.mkdirSync(path.join(vs.workspace, 'replay'), { recursive: true });
    fs.writeFileSync(path.join(vs.workspace, 'replay', 'warmup.ts'), '// typed by bench/ghostTextLatency.ts\n');
    await vs.openFileAtEnd('replay/warmup.ts');
    await installProbe(page);
    // Warm up: the first request loads the model details (/api/show) and the provider bundle.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.type(attempt === 1 ? 'const warm = ' : ' ', { delay: 80 });
      try {
        await vs.ghostText().waitFor({ timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await page.keyboard.press('Enter');
    const warmRequests = ollama.requests.filter((r) => r.path === '/api/generate').length;
    const firstMeasured = ollama.requests.length;
    const pageOrigin = await pageClockOrigin(page);

    const pauses: Pause[] = [];
    const measurePause = async (pauseMs: number) => {
      const { lastKey, visible } = await page.evaluate(() => {
        const s = (window as unknown as { __bench: BenchState }).__bench;
        return { lastKey: s.lastKey, visible: s.visible };
      });
      await page.waitForTimeout(pauseMs);
      const shown = await page.evaluate(
        (t) => (window as unknown as { __bench: BenchState }).__bench.paints.find((at) => at >= t),
        lastKey,
      );
      pauses.push({ lastKey, wasVisible: visible, ...(shown !== undefined && { shown }) });
    };

    const typed = TYPIST === 'replay' ? await typeReplay(vs, ollama, measurePause) : await typeDictation(page, measurePause);

    const generate = ollama.requests.slice(firstMeasured).filter((r) => r.path === '/api/generate');
    const cancelled = generate.filter(
      (r) => r.clientClosedAt !== undefined && (r.respondedAt === undefined || r.clientClosedAt < r.respondedAt),
    ).length;
    const latency = (ps: Pause[]) => ps.filter((p) => p.shown !== undefined).map((p) => p.shown! - p.lastKey);
    const needed = pauses.filter((p) => !p.wasVisible);
    // Where the time goes, for pauses that needed the model: keydown → request at the stand-in → its
    // last byte (or the client hanging up once it has its line) → the ghost text painted.
    const epoch = (t: number) => performance.timeOrigin + t;
    const toRequest: number[] = [];
    const model: number[] = [];
    const toScreen: number[] = [];
    for (const p of needed) {
      if (p.shown === undefined) continue;
      const keyAt = pageOrigin + p.lastKey;
      const shownAt = pageOrigin + p.shown;
      const r = [...generate].reverse().find((q) => epoch(q.receivedAt) >= keyAt && epoch(q.receivedAt) <= shownAt);
      if (!r) continue;
      toRequest.push(epoch(r.receivedAt) - keyAt);
      const end = Math.min(epoch(r.respondedAt ?? Infinity), epoch(r.clientClosedAt ?? Infinity), shownAt);
      model.push(end - epoch(r.receivedAt));
      toScreen.push(shownAt - end);
    }
    const fmt = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
    const dist = (v: number[]) =>
      `p50 ${fmt(percentile(v, 50))}, p90 ${fmt(percentile(v, 90))}, p99 ${fmt(percentile(v, 99))} (n=${v.length})`;
    console.log(
      `ghost text in the real VS Code (code-server 4.139.1), typist ${TYPIST}, seed ${SEED}, Ollama stand-in ${TTFT_MS} ms to first token, 60 tokens/s`,
    );
    console.log(`  keystrokes typed:                 ${typed.keys} (${typed.about}; warm-up used ${warmRequests} request(s), not counted)`);
    console.log(
      `  pauses:                           ${pauses.length}, ${pauses.length - needed.length} with ghost text already on screen at the last key (typed along)`,
    );
    console.log(`  ghost text after a pause:         ${dist(latency(pauses))}  (last keydown → first painted frame with ghost text)`);
    console.log(`    … pauses that needed the model: ${dist(latency(needed))}`);
    console.log(
      `      of which, p50: keydown → request at the server ${fmt(percentile(toRequest, 50))}; server until the answer is in ${fmt(percentile(model, 50))}; then to the screen ${fmt(percentile(toScreen, 50))} (n=${toRequest.length})`,
    );
    console.log(`  pauses with no ghost text:        ${pauses.filter((p) => p.shown === undefined).length}`);
    console.log(`  requests per 100 keystrokes:      ${((generate.length / typed.keys) * 100).toFixed(1)} (${generate.length} requests)`);
    console.log(`  closed by the client early:       ${cancelled} (cancelled, or stopped once the line was in)`);
  } finally {
    await vs.stop();
    await ollama.close();
  }
}

/** The page records keydowns and every painted frame in which ghost text appeared or changed, in its own clock. */
async function installProbe(page: Page): Promise<void> {
  // (A string: tsx would wrap named functions in a helper that the page does not have.)
  await page.evaluate(`(() => {
    const state = (window.__bench = { lastKey: 0, paints: [], visible: false });
    let text = '';
    window.addEventListener('keydown', (e) => { state.lastKey = e.timeStamp; }, true);
    const selector = '.editor-group-container.active .monaco-editor .ghost-text-decoration, .editor-group-container.active .monaco-editor .ghost-text';
    new MutationObserver(() => {
      const parts = document.querySelectorAll(selector);
      const now = parts.length > 0;
      const current = now ? Array.from(parts, (p) => p.textContent).join(' ') : '';
      if (now && (!state.visible || current !== text)) requestAnimationFrame(() => state.paints.push(performance.now()));
      state.visible = now;
      text = current;
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  })()`);
}

/** The page's clock against this process's, from the tightest of a few round trips. */
async function pageClockOrigin(page: Page): Promise<number> {
  let origin = 0;
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const before = performance.timeOrigin + performance.now();
    const pageNow = await page.evaluate(() => performance.now());
    const after = performance.timeOrigin + performance.now();
    if (after - before < best) {
      best = after - before;
      origin = (before + after) / 2 - pageNow;
    }
  }
  return origin;
}

type MeasurePause = (pauseMs: number) => Promise<void>;

/** The replay's typist in the real editor; the stand-in answers each request from the document it was sent for. */
async function typeReplay(vs: VsCodeSession, ollama: OllamaStandin, measurePause: MeasurePause): Promise<{ keys: number; about: string }> {
  const page = vs.page;
  const files = sourceFiles();
  const modelRandom = seededRng(SEED * 7919 + 13);
  const typist = new Typist(files, rng, 0);
  /** Recent document states, newest last, to tell which one a request was sent for. */
  const states: { prefixTail: string; state: TypingState }[] = [];
  // Compared without blanks: now and then the editor's text drifts from the typist's by a blank (seen
  // once in 2,000 keys), and the rest of that region should still get true answers.
  const loose = (text: string) => text.replace(/[ \t]+/g, '');
  /** `ahead`: characters of the region typed beyond the typist's count (the newline before its indentation goes in). */
  const remember = (ahead = 0) => {
    const region = { ...typist.region, typed: typist.region.typed + ahead };
    const prefix = region.file.text.slice(0, region.start + region.typed) + (typist.typo ?? '');
    states.push({ prefixTail: loose(prefix.slice(-200)), state: { region, typo: typist.typo } });
    if (states.length > 64) states.shift();
  };
  let unmatched = 0;
  ollama.answerWith((request: RecordedRequest) => {
    if (request.path !== '/api/generate') return undefined;
    const body = request.body as { prompt?: string; options?: { num_predict?: number } };
    const prompt = loose(body.prompt ?? '');
    const match = [...states].reverse().find((s) => prompt.endsWith(s.prefixTail));
    if (!match) unmatched++;
    const tokens = match
      ? tokenize(answerFor(match.state, files, modelRandom), modelRandom).slice(0, body.options?.num_predict ?? 64)
      : WRONG_LINE;
    return { tokens, firstByteDelayMs: TTFT_MS, tokenIntervalMs: TOKEN_MS, usage: { eval_count: tokens.length } };
  });

  let regions = 0;
  const openRegion = async (region: Region) => {
    regions++;
    const { file, start, end } = region;
    const name = `replay/r${regions}-${path.basename(file.path)}`;
    fs.writeFileSync(path.join(vs.workspace, name), file.text.slice(0, start) + file.text.slice(end));
    await vs.openFile(name);
    const before = file.text.slice(0, start).split('\n');
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible' });
    await page.keyboard.type(`${before.length}:${before[before.length - 1].length + 1}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    remember();
  };

  await openRegion(typist.region);
  let keys = 0;
  while (keys < KEYS) {
    let action = typist.decide(0);
    if (action === undefined) {
      typist.jump();
      await openRegion(typist.region);
      action = typist.decide(0);
      if (action === undefined) continue;
    }
    if (action.kind === 'backspace') await page.keyboard.press('Backspace');
    else if (action.text.startsWith('\n')) {
      await page.keyboard.press('Enter');
      remember(1);
      if (action.text.length > 1) await page.keyboard.insertText(action.text.slice(1));
    } else await page.keyboard.type(action.text);
    typist.apply(action);
    remember();
    keys++;
    const delay = typist.nextDelay();
    if (delay.pause) await measurePause(delay.ms);
    else await page.waitForTimeout(delay.ms);
  }
  return {
    keys,
    about: `${regions} regions of ${files.length} source files; ${unmatched} request(s) matched no typed state and got a wrong line`,
  };
}

/** Lines to type: real code from this repository, without indentation and without brackets the editor would close itself. */
function dictationLines(): string[] {
  const files = [
    'src/core/completion/postprocess.ts',
    'src/core/completion/cache.ts',
    'src/core/router/route.ts',
    'src/core/cost/price.ts',
  ];
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

async function typeDictation(page: Page, measurePause: MeasurePause): Promise<{ keys: number; about: string }> {
  const lines = dictationLines();
  let keys = 0;
  for (let li = 0; keys < KEYS; li++) {
    const line = lines[li % lines.length];
    for (let i = 0; i < line.length && keys < KEYS; i++) {
      await page.keyboard.type(line[i]);
      keys++;
      // Now and then a pause after a word, as when thinking about what comes next; rarely inside one.
      if (rng() < (line[i] === ' ' ? 0.12 : 0.02)) await measurePause(between(700, 1500));
      else await page.waitForTimeout(between(60, 220));
    }
    await measurePause(between(700, 1500));
    await page.keyboard.press('Enter');
    keys++;
  }
  return { keys, about: `${lines.length} source lines available` };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
