// What Switchboard adds to a chat answer's time to first token, beyond the model server's own delay.
// The extension's path: the chat prompt (history + editor context under a budget), TaskRunner (budget
// read from a real ledger in a temp folder, routing, the fallback runner, the real OpenAI provider on
// the official SDK) and the host's delta batcher, up to the moment the first text would be posted to
// the webview. The baseline: a bare `openai` SDK streaming call to the same stand-in. Calls alternate
// so both see the same load; the stand-in waits FIRST_BYTE_MS before answering each.
//
//   npx tsx bench/chatLatency.ts [pairs=400]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { systemClock, silentLogger } from '../src/core/ports';
import type { Ports } from '../src/core/ports';
import { TaskRunner } from '../src/core/taskRunner';
import { DecisionLog } from '../src/core/decisionLog';
import { ProviderCache } from '../src/core/providers/providerCache';
import { createProvider } from '../src/core/providers/createProvider';
import { ModelHealth } from '../src/core/router/health';
import { BudgetGuard } from '../src/core/cost/budgets';
import { openLedger } from '../src/core/cost/ledger';
import { effectiveSettings } from '../src/core/settings/validate';
import type { InspectedSettings } from '../src/core/settings/merge';
import { buildChatPrompt } from '../src/core/chat/chatPrompt';
import { DeltaBatcher } from '../src/panels/chat/deltaBatcher';
import type { ChatTurn } from '../src/shared/protocol';
import { startOpenAIStandin } from '../test/support/standins/openaiStandin';
import { percentile } from './lib/percentile';

const PAIRS = Number(process.argv[2] ?? 400);
const WARMUP = 40;
const FIRST_BYTE_MS = 20;
const KEY = 'sk-bench-0123456789abcdef';
const ANSWER = 'Here is a short answer with a few words in it.';

const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

async function main(): Promise<void> {
  const standin = await startOpenAIStandin();
  standin.script({ text: ANSWER, firstByteDelayMs: FIRST_BYTE_MS, usage: { prompt_tokens: 1500, completion_tokens: 12 } });
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-chat-'));
  // Both clients' fetch is wrapped to note when the request leaves: the time before that is pure overhead.
  let fetchedAt = 0;
  const timedFetch: typeof globalThis.fetch = (input, init) => {
    fetchedAt = performance.now();
    return globalThis.fetch(input, init);
  };
  const ports: Ports = { fetch: timedFetch, getApiKey: async () => KEY, clock: systemClock, logger: silentLogger, storageDir };
  const ledger = await openLedger(ports);
  const inspected: InspectedSettings = {
    'endpoints.openai': { globalValue: standin.url },
    models: {
      globalValue: [
        {
          id: 'gpt-6-luna',
          provider: 'openai',
          model: 'gpt-6-luna',
          tier: 'mid',
          contextWindow: 1_050_000,
          price: { input: 1.25, output: 10 },
        },
      ],
    },
    routes: { globalValue: { completion: [], edit: ['gpt-6-luna'], refactor: ['gpt-6-luna'], chat: ['gpt-6-luna', 'claude-haiku-4-5'] } },
    // A daily cap makes every request read today's spend from the ledger first, as a budgeted user's would.
    'budget.perDayUsd': { globalValue: 50 },
  };
  const settings = effectiveSettings(inspected, { trusted: true }).settings;
  const budget = new BudgetGuard();
  const runner = new TaskRunner({
    ports,
    providers: new ProviderCache(ports, createProvider),
    health: new ModelHealth(systemClock),
    budget,
    log: new DecisionLog({ ports, ledger: Promise.resolve(ledger), budget }),
  });
  const client = new OpenAI({ apiKey: KEY, baseURL: standin.url, maxRetries: 0, fetch: timedFetch });

  // A realistic question: a few earlier turns and a selection plus a 300-line file as context.
  const history: ChatTurn[] = Array.from({ length: 6 }, (_, i) => ({
    id: `t${i}`,
    userText: `Earlier question ${i} about the parser?`,
    answerText: 'An earlier answer. '.repeat(40),
  }));
  const file = Array.from({ length: 300 }, (_, i) => `export const value${i} = compute(${i}); // line ${i}`).join('\n');

  const routing: number[] = [];
  async function viaExtension(): Promise<{ ttft: number; toWire: number }> {
    const started = performance.now();
    let firstPosted = 0;
    const batcher = new DeltaBatcher(() => {
      if (firstPosted === 0) firstPosted = performance.now();
    });
    const prompt = buildChatPrompt({
      history,
      question: 'Why does value7 come out negative?',
      context: [
        {
          kind: 'selection',
          path: 'src/values.ts',
          text: 'export const value7 = compute(7);',
          startLine: 8,
          endLine: 8,
          languageId: 'typescript',
        },
        { kind: 'activeFile', path: 'src/values.ts', text: file, languageId: 'typescript' },
      ],
      contextBudgetTokens: 24_000,
      historyBudgetTokens: 8_000,
    });
    const controller = new AbortController();
    for await (const event of runner.run(
      {
        task: 'chat',
        call: { kind: 'chat', messages: prompt.messages },
        promptTokens: prompt.promptTokens,
        question: 'Why does value7 come out negative?',
        fileCount: prompt.fileCount,
        workspace: 'bench',
      },
      settings,
      controller.signal,
    )) {
      if (event.type === 'decision') routing.push(performance.now() - started);
      if (event.type === 'text') batcher.push(event.text);
      else if (event.type === 'done' || event.type === 'failed') batcher.flush();
      if (event.type === 'failed') throw event.error;
    }
    return { ttft: firstPosted - started, toWire: fetchedAt - started };
  }

  async function bare(): Promise<{ ttft: number; toWire: number }> {
    const started = performance.now();
    let first = 0;
    const stream = await client.chat.completions.create({
      model: 'gpt-6-luna',
      messages: [{ role: 'user', content: 'Why does value7 come out negative?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      if (first === 0 && chunk.choices[0]?.delta?.content) first = performance.now();
    }
    return { ttft: first - started, toWire: fetchedAt - started };
  }

  for (let i = 0; i < WARMUP; i++) {
    await bare();
    await viaExtension();
  }
  const bareTtft: number[] = [];
  const extTtft: number[] = [];
  const added: number[] = [];
  const addedToWire: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which goes first, so neither always pays for the other's garbage.
    let b: { ttft: number; toWire: number };
    let e: { ttft: number; toWire: number };
    if (i % 2 === 0) {
      b = await bare();
      e = await viaExtension();
    } else {
      e = await viaExtension();
      b = await bare();
    }
    bareTtft.push(b.ttft);
    extTtft.push(e.ttft);
    added.push(e.ttft - b.ttft);
    addedToWire.push(e.toWire - b.toWire);
  }
  const lines =
    (
      await fs.promises.readFile(
        path.join(
          storageDir,
          'ledger',
          fs.readdirSync(path.join(storageDir, 'ledger')).find((f) => f.endsWith('.jsonl'))!,
        ),
        'utf8',
      )
    ).split('\n').length - 1;
  console.log(
    `chat time to first token, ${PAIRS} pairs after ${WARMUP} warm-up, stand-in first-byte delay ${FIRST_BYTE_MS} ms, ledger at ${lines} lines:`,
  );
  console.log(`  bare openai SDK            p50 ${fmt(percentile(bareTtft, 50))}   p99 ${fmt(percentile(bareTtft, 99))}`);
  console.log(`  through Switchboard        p50 ${fmt(percentile(extTtft, 50))}   p99 ${fmt(percentile(extTtft, 99))}`);
  console.log(`  added by Switchboard       p50 ${fmt(percentile(added, 50))}   p99 ${fmt(percentile(added, 99))}   (paired difference)`);
  console.log(
    `  added, from the p50s/p99s      ${fmt(percentile(extTtft, 50) - percentile(bareTtft, 50))}         ${fmt(percentile(extTtft, 99) - percentile(bareTtft, 99))}`,
  );
  console.log(`  added before the request leaves (prompt, ledger spend, routing, provider setup; paired)`);
  console.log(`                             p50 ${fmt(percentile(addedToWire, 50))}   p99 ${fmt(percentile(addedToWire, 99))}`);
  const measured = routing.slice(-PAIRS);
  console.log(
    `  of which prompt + routing (decide: ledger spend read + route)   p50 ${fmt(percentile(measured, 50))}   p99 ${fmt(percentile(measured, 99))}`,
  );
  console.log(
    "  (the paired p99 carries both calls' jitter on this shared 2-core machine; the p99s of the two distributions are the fairer comparison)",
  );
  console.log('  (webview render of a streamed 2,000-line answer: see the figure test/e2e/chatWebview.e2e.ts prints)');

  await ledger.close();
  await standin.close();
  fs.rmSync(storageDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
