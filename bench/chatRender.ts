// Prints: the chat webview rendering a 5 MB answer in chromium (prose, lists, many code blocks, one
// huge code block) — streamed as the host sends it, and from history in one go — with the time to
// render, the longest main-thread task and the number of long tasks (> 50 ms, from the browser's Long
// Tasks API), the DOM nodes the answer holds, and, when the view offers it, the time "Show all" takes.
//   npx tsx bench/chatRender.ts    (SIZE=1000000 for another size in characters; TRACE=1 adds a Chrome
//   performance trace: the longest main-thread task and where the time went)
import { cpus, loadavg } from 'node:os';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../test/harness/codeServer.mjs';
import { buildWebviewBundles, launchChromium } from '../test/support/routerWebviewHarness';
import { webviewTestPageHtml } from '../test/support/webviewTestPage';

const SIZE = Number(process.env.SIZE ?? 5_000_000);
const DELTA_CHARS = 8_192;
const STYLESHEETS = ['base.css', 'chat.css', 'chat/answer.css', 'chat/composer.css'];

/** Before the bundle: a fake VS Code API whose setState serialises as VS Code does, and a long-task recorder. */
const FAKE_HOST = `
(() => {
  const tasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push({ start: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  let state;
  const channel = new MessageChannel();
  const nextTask = () => new Promise((resolve) => { channel.port1.onmessage = () => resolve(); channel.port2.postMessage(0); });
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  const dispatch = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  window.__bench = {
    tasks,
    frame,
    dispatch,
    async stream(id, text, size, end) {
      const started = performance.now();
      for (let i = 0; i < text.length; i += size) { dispatch({ type: 'answerDelta', id, text: text.slice(i, i + size) }); await nextTask(); }
      dispatch(end);
      await frame();
      return performance.now() - started;
    },
  };
  window.acquireVsCodeApi = () => Object.freeze({
    postMessage: () => undefined,
    getState: () => state,
    setState: (s) => { state = JSON.parse(JSON.stringify(s)); return s; },
  });
})();
`;

const META = {
  modelId: 'gpt-4.1',
  modelLabel: 'GPT-4.1',
  tier: 'mid',
  provider: 'openai',
  reasons: ['chat question'],
  dropped: [],
  fallbacks: [],
  usage: { inputTokens: 1000, outputTokens: 1_250_000, cacheReadTokens: 0, cacheWriteTokens: 0 },
  costUsd: 1.2,
  ttftMs: 300,
  totalMs: 60_000,
  stopped: false,
};

function serve(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pathname = new URL(req.url ?? '/', origin).pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const html = webviewTestPageHtml({
        origin,
        bundle: 'chat',
        title: 'Switchboard Chat',
        stylesheets: STYLESHEETS.map((f) => `/media/${f}`),
        fakeHostScript: FAKE_HOST,
        bodyClass: 'vscode-dark',
      });
      return res.end(html);
    }
    const file =
      pathname === '/dist/webview/chat.js'
        ? pathname.slice(1)
        : STYLESHEETS.some((f) => pathname === `/media/${f}`)
          ? pathname.slice(1)
          : '';
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
    res.end(fs.readFileSync(path.join(ROOT, file)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

/** A long answer as models write them: sections of prose, lists and code in several languages, and one huge block. */
function bigAnswer(size: number): string {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string) => {
    parts.push(s);
    length += s.length + 1;
  };
  const huge = Math.round(size * 0.18);
  for (let section = 0; length < size; section++) {
    push(`## Part ${section}: the \`handler${section}\` module\n`);
    push(
      `The handler **${section}** reads its input, checks it and hands it to [the router](https://example.com/router#${section}). ` +
        'It keeps _no state_ between calls, so a retry is always safe; the `options` object carries the budget, the task and the ' +
        'cancellation signal, and every failure becomes one typed error the caller can show.\n',
    );
    push(`- step one: parse \`input${section}\`\n- step two: validate it\n  - nested detail ${section}\n- step three: route it\n`);
    if (section === 3) {
      push('```ts');
      let body = 0;
      for (let i = 0; body < huge; i++) {
        const l = `export const value${i} = compute(${i}, "text ${i}", { retries: ${i % 7} }); // generated line ${i}`;
        push(l);
        body += l.length + 1;
      }
      push('```\n');
      continue;
    }
    const lang = ['ts', 'python', 'json', 'bash'][section % 4];
    push('```' + lang);
    for (let i = 0; i < 40; i++) {
      push(
        lang === 'python'
          ? `def step_${section}_${i}(value: int) -> int:  # line ${i}\n    return value * ${i} + len("${section}")`
          : lang === 'json'
            ? `  "key${i}": { "section": ${section}, "value": "text ${i}", "ok": true },`
            : lang === 'bash'
              ? `echo "step ${i}" && grep -n 'handler${section}' src/*.ts | head -${i + 1}`
              : `  const result${i} = await handler${section}.run({ id: ${i}, name: 'item ${i}' }); // ${i}`,
      );
    }
    push('```\n');
    push(
      `| option | default | note |\n| --- | --- | --- |\n| retries | ${section % 5} | per call |\n| timeout | ${section * 10} ms | floor 50 ms |\n`,
    );
  }
  return parts.join('\n');
}

interface Figures {
  ms: number;
  longest: number;
  long: number;
}

async function longTasksSince(page: Page, since: number): Promise<Omit<Figures, 'ms'>> {
  return page.evaluate((since) => {
    const tasks = (window as unknown as { __bench: { tasks: { start: number; ms: number }[] } }).__bench.tasks.filter(
      (t) => t.start >= since,
    );
    return { longest: Math.max(0, ...tasks.map((t) => t.ms)), long: tasks.length };
  }, since);
}

interface TraceEvent {
  name: string;
  ts: number;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

/** With TRACE=1: a Chrome performance trace around `run` — the longest main-thread task and where its time went. */
async function traced<T>(page: Page, run: () => Promise<T>): Promise<T> {
  if (!process.env.TRACE) return run();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,v8.execute', transferMode: 'ReturnAsStream' });
  const result = await run();
  const complete = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream as string)));
  await cdp.send('Tracing.end');
  const stream = await complete;
  let json = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    json += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur !== undefined);
  const runs = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const longest = runs.reduce<TraceEvent | undefined>((a, e) => (!a || (e.dur as number) > (a.dur as number) ? e : a), undefined);
  // Where the longest task's time went: the events inside it (nested ones count in their parents too).
  const byName = new Map<string, number>();
  for (const e of onMain) {
    if (!longest || e.name.endsWith('RunTask') || e.ts < longest.ts || e.ts >= longest.ts + (longest.dur as number)) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur as number) / 1000);
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(
    `    trace: longest task ${((longest?.dur ?? 0) / 1000).toFixed(0)} ms, in it: ${top.map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`).join(', ')}`,
  );
  return result;
}

const now = (page: Page) => page.evaluate(() => performance.now());

async function answerNodes(page: Page, id: string): Promise<number> {
  return page.evaluate((id) => document.querySelector(`.turn[data-turn-id="${id}"] .markdown`)?.querySelectorAll('*').length ?? 0, id);
}

/** Clicks "Show all" if the answer offers it and waits until nothing is left to show. */
async function showAll(page: Page, id: string): Promise<Figures | undefined> {
  const button = page.locator(`.turn[data-turn-id="${id}"] [data-action="showAll"]`);
  if ((await button.count()) === 0) return undefined;
  const since = await now(page);
  await traced(page, async () => {
    await button.click();
    await page.waitForFunction((id) => !document.querySelector(`.turn[data-turn-id="${id}"] .answer-more:not([hidden])`), id, {
      timeout: 600_000,
      polling: 200,
    });
  });
  const ms = (await now(page)) - since;
  return { ms, ...(await longTasksSince(page, since)) };
}

function line(label: string, f: Figures, nodes?: number): string {
  const extra = nodes === undefined ? '' : `, ${nodes.toLocaleString('en-US')} DOM nodes in the answer`;
  return `  ${label.padEnd(34)} render ${f.ms.toFixed(0).padStart(6)} ms   longest task ${f.longest.toFixed(0).padStart(5)} ms   long tasks (>50 ms) ${String(f.long).padStart(4)}${extra}`;
}

async function main(): Promise<void> {
  const text = bigAnswer(SIZE);
  console.log(
    `chat webview, one answer of ${(text.length / 1e6).toFixed(2)} M characters (${text.split('\n').length.toLocaleString('en-US')} lines, ` +
      `${(text.match(/^```\w/gm) ?? []).length} code blocks) — node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
  );
  buildWebviewBundles();
  const server = await serve();
  const browser = await launchChromium();
  try {
    for (const mode of ['streamed', 'from history'] as const) {
      const context = await browser.newContext({ viewport: { width: 440, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
      await page.goto(server.url);
      await page.evaluate(() =>
        (window as unknown as { __bench: { dispatch(m: unknown): void } }).__bench.dispatch({
          type: 'init',
          history: [],
          models: [],
          chips: [],
          pin: null,
          busy: null,
        }),
      );
      const id = 'big';
      // The text goes into the page first: receiving 5 MB over the protocol is the harness's long task, not the view's.
      await page.evaluate((text) => ((window as unknown as { __text: string }).__text = text), text);
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
      const since = await now(page);
      let ms: number;
      if (mode === 'streamed') {
        ms = await traced(page, () =>
          page.evaluate(
            ({ id, size, meta }) => {
              const text = (window as unknown as { __text: string }).__text;
              const bench = (window as unknown as { __bench: { dispatch(m: unknown): void; stream(...a: unknown[]): Promise<number> } })
                .__bench;
              bench.dispatch({ type: 'turnStart', id, userText: 'Explain everything' });
              bench.dispatch({ type: 'answerStart', id, model: { id: 'gpt-4.1', label: 'GPT-4.1', tier: 'mid', provider: 'openai' } });
              return bench.stream(id, text, size, { type: 'answerEnd', id, meta });
            },
            { id, size: DELTA_CHARS, meta: META },
          ),
        );
      } else {
        ms = await traced(page, () =>
          page.evaluate(
            async ({ id, meta }) => {
              const text = (window as unknown as { __text: string }).__text;
              const bench = (window as unknown as { __bench: { dispatch(m: unknown): void; frame(): Promise<void> } }).__bench;
              const started = performance.now();
              bench.dispatch({ type: 'history', history: [{ id, userText: 'Explain everything', answerText: text, meta }], busy: null });
              await bench.frame();
              return performance.now() - started;
            },
            { id, meta: META },
          ),
        );
      }
      const figures = { ms, ...(await longTasksSince(page, since)) };
      console.log(
        line(
          mode === 'streamed' ? `streamed (${DELTA_CHARS / 1024} KB deltas)` : 'from history (one message)',
          figures,
          await answerNodes(page, id),
        ),
      );
      const all = await showAll(page, id);
      if (all) console.log(line('  then "Show all"', all, await answerNodes(page, id)));
      if (all) {
        const shownChars = await page.evaluate(
          (id) => document.querySelector(`.turn[data-turn-id="${id}"] .markdown`)?.textContent?.length ?? 0,
          id,
        );
        console.log(`      (the answer now shows ${shownChars.toLocaleString('en-US')} characters of text)`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
