// Replays human typing over this repository's own source files through the inline-completion
// pipeline, against a model server that takes ~120 ms to the first token and then writes 60
// tokens/s, and prints what the pipeline did and what it cost.
//
//   npx tsx bench/completionReplay.ts [--server sim|standin] [--keys 5000] [--runs 4] [--seed 1]
//
// --server sim (default): the model server is simulated in-process with timers behind the same
//   fetchCompletion function, on a virtual clock that skips idle waits but counts every real
//   millisecond spent computing, so the overheads measured are real while a run takes seconds.
// --server standin: the real OllamaProvider talks over loopback to the Ollama stand-in
//   (test/support/standins/ollamaStandin.ts), everything in real time (a run takes ~15 minutes).
//
// The typist and the model's answers are in bench/lib/typist.ts (shared with ghostTextLatency.ts).
// Each keystroke cancels the previous call, as VS Code does.
import { seededRng } from '../src/core/ratings/blinding';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { planFim } from '../src/core/completion/family';
import type { FimPlan } from '../src/core/completion/family';
import { CompletionPipeline } from '../src/core/completion/pipeline';
import type { CompletionResult, FetchCompletion } from '../src/core/completion/pipeline';
import { systemTimers } from '../src/core/completion/timers';
import type { TimerHandle, Timers } from '../src/core/completion/timers';
import { silentLogger, systemClock } from '../src/core/ports';
import type { Clock } from '../src/core/ports';
import { OllamaProvider } from '../src/core/providers/ollama';
import type { FimRequest } from '../src/core/providers/provider';
import type { Chunk } from '../src/core/types';
import { startOllamaStandin } from '../test/support/standins/ollamaStandin';
import { answerFor, sourceFiles, tokenize, Typist } from './lib/typist';
import type { Action, SourceFile } from './lib/typist';

// ---- options ----

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at !== -1 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}
const SERVER = option('server', 'sim') as 'sim' | 'standin';
const KEYS = Number(option('keys', '5000'));
const RUNS = Number(option('runs', SERVER === 'sim' ? '4' : '1'));
const SEED = Number(option('seed', '1'));

const MODEL = 'qwen2.5-coder:1.5b-base';
const TTFT_MS = 120;
const TOKEN_MS = 1000 / 60;

// ---- small helpers ----

const seeded = seededRng;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

// ---- time: virtual (sim) or real (stand-in) ----

interface BenchTime {
  clock: Clock;
  timers: Timers;
  sleep(ms: number): Promise<void>;
  /** Runs harness work without charging its time to anyone. */
  untimed<T>(work: () => T): T;
  /** Drives the clock until `done` settles. */
  drive(done: Promise<unknown>): Promise<void>;
}

/**
 * Virtual time that jumps over idle waits but advances with real time while code runs, so every
 * real millisecond the pipeline computes shows up in its latencies.
 */
class HybridTime implements BenchTime {
  private base = 0;
  private anchor = performance.now();
  private frozen: number | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; seq: number; callback: () => void }>();

  readonly clock: Clock = {
    now: () => 1_700_000_000_000 + this.monotonic(),
    monotonic: () => this.monotonic(),
  };

  readonly timers: Timers = {
    setTimeout: (callback, ms): TimerHandle => {
      const handle = ++this.seq;
      this.pending.set(handle, { at: this.monotonic() + Math.max(0, ms), seq: handle, callback });
      return handle;
    },
    clearTimeout: (handle) => {
      this.pending.delete(handle as number);
    },
  };

  private monotonic(): number {
    return this.frozen ?? this.base + (performance.now() - this.anchor);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.setTimeout(resolve, ms));
  }

  untimed<T>(work: () => T): T {
    if (this.frozen !== undefined) return work();
    this.frozen = this.monotonic();
    try {
      return work();
    } finally {
      this.base = this.frozen;
      this.anchor = performance.now();
      this.frozen = undefined;
    }
  }

  async drive(done: Promise<unknown>): Promise<void> {
    let finished = false;
    void done.then(
      () => (finished = true),
      () => (finished = true),
    );
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (finished) return;
      let next: [number, { at: number; seq: number; callback: () => void }] | undefined;
      for (const entry of this.pending)
        if (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)) next = entry;
      if (!next) throw new Error('the replay stalled: nothing is scheduled and the run has not finished');
      this.pending.delete(next[0]);
      const now = this.monotonic();
      if (next[1].at > now) this.base += next[1].at - now;
      next[1].callback();
    }
  }
}

const realTime: BenchTime = {
  clock: systemClock,
  timers: systemTimers,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  untimed: (work) => work(),
  drive: async (done) => {
    await done;
  },
};

interface ServedRequest {
  /** When the pipeline called fetchCompletion (bench clock). */
  sentAt: number;
  /** When the request reached the server (bench clock). */
  receivedAt: number;
  /** When each text chunk reached the pipeline (bench clock). */
  delivered: number[];
}

interface KeyRecord {
  at: number;
  kind: Action['kind'];
  /** A suggestion was on screen and this key typed its next characters. */
  typingAlong: boolean;
  afterPause: boolean;
  beforePause: boolean;
  requestsSent: number;
  result?: CompletionResult;
  resolvedAt?: number;
}

// ---- one run ----

interface RunFigures {
  keys: KeyRecord[];
  requests: ServedRequest[];
}

async function replay(
  pipeline: CompletionPipeline,
  time: BenchTime,
  setFetch: (fetch: FetchCompletion) => void,
  serve: (request: FimRequest, signal: AbortSignal, tokens: string[], record: ServedRequest) => AsyncIterable<Chunk>,
  files: SourceFile[],
  seed: number,
): Promise<RunFigures> {
  const random = seeded(seed);
  const modelRandom = seeded(seed * 7919 + 13);
  const typist = new Typist<CompletionResult>(files, random);
  const keys: KeyRecord[] = [];
  const requests: ServedRequest[] = [];
  const failures: unknown[] = [];
  let current: KeyRecord | undefined;
  let controller = new AbortController();

  setFetch((request, signal) => {
    const tokens = time.untimed(() => tokenize(answerFor(typist, files, modelRandom), modelRandom).slice(0, request.maxTokens ?? 64));
    const record: ServedRequest = { sentAt: time.clock.monotonic(), receivedAt: Number.NaN, delivered: [] };
    requests.push(record);
    if (current) current.requestsSent++;
    return serve(request, signal, tokens, record);
  });

  const run = (async () => {
    let pausedBefore = false;
    while (keys.length < KEYS) {
      const delay = time.untimed(() => typist.nextDelay());
      if (current) current.beforePause = delay.pause;
      await time.sleep(delay.ms);
      const now = time.clock.monotonic();
      const action = time.untimed(() => {
        let next = typist.decide(now);
        while (next === undefined) {
          typist.jump();
          next = typist.decide(now);
        }
        return next;
      });
      const record: KeyRecord = {
        at: now,
        kind: action.kind,
        typingAlong: false,
        afterPause: pausedBefore,
        beforePause: false,
        requestsSent: 0,
      };
      pausedBefore = delay.pause;
      const input = time.untimed(() => {
        const shown = typist.shown;
        if (action.kind === 'type' && shown && shown.text.length > action.text.length && shown.text.startsWith(action.text)) {
          record.typingAlong = true;
          typist.shown = { ...shown, text: shown.text.slice(action.text.length) };
        } else {
          typist.shown = undefined;
        }
        if (action.kind === 'accept' && shown) pipeline.accepted(shown.result);
        typist.apply(action);
        const { text, offset } = typist.document();
        const recent = typist.recentFiles();
        return {
          documentKey: typist.documentKey,
          text,
          offset,
          filePath: typist.region.file.path,
          languageId: 'typescript',
          recentFiles: () => recent,
        };
      });
      keys.push(record);
      current = record;
      controller.abort();
      controller = new AbortController();
      const calledAt = time.clock.monotonic();
      record.at = calledAt;
      pipeline.complete(input, controller.signal).then(
        (result) => {
          const resolvedAt = time.clock.monotonic();
          if (!result) return;
          record.result = result;
          record.resolvedAt = resolvedAt;
          if (current === record && result.text !== '') typist.shown = { text: result.text, result, at: resolvedAt };
        },
        (error: unknown) => {
          failures.push(error);
        },
      );
    }
    // Let the last call finish.
    await time.sleep(3000);
    controller.abort();
    await time.sleep(500);
  })();
  await time.drive(run);
  await run;
  if (failures.length > 0) console.log(`  ${failures.length} calls failed, first: ${String(failures[0])}`);
  return { keys, requests };
}

// ---- servers ----

function simServer(time: BenchTime) {
  return async function* serve(request: FimRequest, signal: AbortSignal, tokens: string[], record: ServedRequest): AsyncIterable<Chunk> {
    const start = time.clock.monotonic();
    record.receivedAt = start;
    const final = (stopReason: 'stop' | 'aborted', sent: number): Chunk => ({
      type: 'done',
      final: {
        model: request.model,
        usage: {
          inputTokens: Math.ceil(((request.rawPrompt ?? request.prefix).length + request.suffix.length) / 3.5),
          outputTokens: sent,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
        ttftMs: sent > 0 ? TTFT_MS : null,
        totalMs: time.clock.monotonic() - start,
        stopReason,
      },
    });
    for (let i = 0; i < tokens.length; i++) {
      const due = start + TTFT_MS + i * TOKEN_MS;
      const wait = due - time.clock.monotonic();
      if (wait > 0) {
        const aborted = await new Promise<boolean>((resolve) => {
          const onAbort = () => {
            time.timers.clearTimeout(timer);
            resolve(true);
          };
          const timer = time.timers.setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve(false);
          }, wait);
          signal.addEventListener('abort', onAbort, { once: true });
        });
        if (aborted) {
          yield final('aborted', i);
          return;
        }
      }
      if (signal.aborted) {
        yield final('aborted', i);
        return;
      }
      record.delivered.push(time.clock.monotonic());
      yield { type: 'text', text: tokens[i] };
    }
    yield final('stop', tokens.length);
  };
}

interface StandinHandle {
  serve: (request: FimRequest, signal: AbortSignal, tokens: string[], record: ServedRequest) => AsyncIterable<Chunk>;
  plan: FimPlan;
  reset(): void;
  close(): Promise<void>;
}

async function standinServer(): Promise<StandinHandle> {
  const standin = await startOllamaStandin();
  const provider = new OllamaProvider(
    { fetch: globalThis.fetch, getApiKey: async () => undefined, clock: systemClock, logger: silentLogger, storageDir: tmpdir() },
    { baseUrl: standin.url, keepAlive: '30m' },
  );
  const details = await provider.modelDetails(MODEL, AbortSignal.timeout(5000));
  standin.reset();
  return {
    plan: planFim({ model: MODEL, template: details.template }),
    serve: async function* (request, signal, tokens, record) {
      const index = standin.requests.length;
      standin.script({ tokens, firstByteDelayMs: TTFT_MS, tokenIntervalMs: TOKEN_MS, usage: { eval_count: tokens.length } });
      for await (const chunk of provider.streamFim(request, signal)) {
        if (chunk.type === 'text') {
          if (Number.isNaN(record.receivedAt)) record.receivedAt = standin.requests[index]?.receivedAt ?? Number.NaN;
          record.delivered.push(performance.now());
        }
        yield chunk;
      }
      if (Number.isNaN(record.receivedAt)) record.receivedAt = standin.requests[index]?.receivedAt ?? Number.NaN;
    },
    // The stand-in records every request; forget them between runs.
    reset: () => standin.reset(),
    close: () => standin.close(),
  };
}

// ---- figures ----

function report(run: number, figures: RunFigures, pipeline: CompletionPipeline, before: ReturnType<CompletionPipeline['counters']>): void {
  const after = pipeline.counters();
  const delta = (k: 'requests' | 'requestsCancelled' | 'requestsStoppedEarly' | 'requestsFailed' | 'accepted') => after[k] - before[k];
  const answered = (s: 'typingAlong' | 'cache' | 'reuse' | 'request') => after.answered[s] - before.answered[s];
  const { keys, requests } = figures;
  const n = keys.length;

  const along = keys.filter((k) => k.typingAlong);
  const alongServed = along.filter((k) => k.requestsSent === 0 && k.result !== undefined && k.result.source !== 'request');

  // What the pipeline adds beyond the model server's own time.
  const added: number[] = [];
  const reuseWaits: number[] = [];
  const addedBySource: Record<string, number[]> = { typingAlong: [], cache: [], reuse: [], request: [] };
  for (const k of keys) {
    const r = k.result;
    if (!r || k.resolvedAt === undefined) continue;
    const total = k.resolvedAt - k.at;
    let own = total;
    if (r.source === 'request' || r.source === 'reuse') {
      // Model time ends when the chunk that settled the answer reached the pipeline.
      const served = r.requestId === null ? undefined : requests[r.requestId - firstRequestIdOfRun];
      const arrivals = served ? served.delivered.filter((t) => t <= k.resolvedAt!) : [];
      const settledBy = arrivals.length > 0 ? arrivals[arrivals.length - 1] : undefined;
      const waitedUntil = k.at + r.timings.reuseWaitMs + r.timings.debounceMs;
      if (r.source === 'request' && served) {
        own = served.sentAt - waitedUntil + (settledBy === undefined ? 0 : k.resolvedAt - settledBy);
      } else {
        own = k.resolvedAt - Math.max(waitedUntil, settledBy ?? waitedUntil);
      }
    }
    if (r.timings.reuseWaitMs > 0) reuseWaits.push(r.timings.reuseWaitMs);
    added.push(own);
    addedBySource[r.source].push(own);
  }

  const shownAfter = (k: KeyRecord) => (k.result && k.result.text !== '' && k.resolvedAt !== undefined ? k.resolvedAt - k.at : undefined);
  const fromModel = (k: KeyRecord) => k.result !== undefined && (k.result.source === 'request' || k.result.timings.modelMs > 0);
  const pauseStarts = keys.filter((k) => k.beforePause);
  const toSuggestion = pauseStarts.map(shownAfter).filter((v): v is number => v !== undefined);
  const toModelSuggestion = pauseStarts
    .filter(fromModel)
    .map(shownAfter)
    .filter((v): v is number => v !== undefined);
  const firstAfterPause = keys.filter((k) => k.afterPause);
  const firstKeyToSuggestion = firstAfterPause.map(shownAfter).filter((v): v is number => v !== undefined);
  const firstKeyToModelSuggestion = firstAfterPause
    .filter(fromModel)
    .map(shownAfter)
    .filter((v): v is number => v !== undefined);

  console.log(
    `\nrun ${run}: ${n} keystrokes (${keys.filter((k) => k.kind === 'type').length} typed, ${keys.filter((k) => k.kind === 'typo').length} typos, ${keys.filter((k) => k.kind === 'backspace').length} backspaces, ${keys.filter((k) => k.kind === 'accept').length} accepts)`,
  );
  console.log(`  requests per 100 keystrokes      ${((100 * delta('requests')) / n).toFixed(1)}   (${delta('requests')} requests)`);
  console.log(
    `  requests cancelled               ${delta('requestsCancelled')}   (stopped early once settled: ${delta('requestsStoppedEarly')}, failed: ${delta('requestsFailed')})`,
  );
  console.log(
    `  keystrokes served by             typing-along ${answered('typingAlong')}, cache ${answered('cache')}, reuse ${answered('reuse')}, request ${answered('request')}`,
  );
  console.log(
    `  typing-along keystrokes          ${along.length}, served without a request ${alongServed.length} (${((100 * alongServed.length) / Math.max(1, along.length)).toFixed(1)}%)`,
  );
  console.log(`  suggestions accepted             ${delta('accepted')}`);
  const instantOwn = keys
    .filter((k) => k.result?.source === 'typingAlong' || k.result?.source === 'cache')
    .map((k) => k.result!.timings.totalMs);
  console.log(
    `  pipeline's own time, instant answers  p50 ${fmt(percentile(instantOwn, 50))}  p99 ${fmt(percentile(instantOwn, 99))}  (typing-along and cache, measured inside complete())`,
  );
  console.log(
    `  added by the pipeline (ms)       p50 ${fmt(percentile(added, 50))}  p99 ${fmt(percentile(added, 99))}  max ${fmt(Math.max(...added))}  over ${added.length} answers`,
  );
  for (const source of ['typingAlong', 'cache', 'reuse', 'request']) {
    const v = addedBySource[source];
    if (v.length > 0)
      console.log(`      ${source.padEnd(12)}                 p50 ${fmt(percentile(v, 50))}  p99 ${fmt(percentile(v, 99))}  (${v.length})`);
  }
  if (SERVER === 'standin') {
    const transit = requests.map((q) => q.receivedAt - q.sentAt).filter((v) => Number.isFinite(v));
    console.log(
      `  provider+HTTP: call → server     p50 ${fmt(percentile(transit, 50))}  p99 ${fmt(percentile(transit, 99))}  (not counted above: the provider's share)`,
    );
  }
  console.log(
    `  waits on a request that then did not match: ${reuseWaits.length}, p50 ${fmt(percentile(reuseWaits, 50))} ms, p99 ${fmt(percentile(reuseWaits, 99))} ms (latency, not overhead)`,
  );
  console.log(
    `  pause: last key → suggestion     p50 ${fmt(percentile(toSuggestion, 50))}  p99 ${fmt(percentile(toSuggestion, 99))}  (${toSuggestion.length} of ${pauseStarts.length} pauses showed one)`,
  );
  console.log(
    `    … when it needed the model      p50 ${fmt(percentile(toModelSuggestion, 50))}  p99 ${fmt(percentile(toModelSuggestion, 99))}  (${toModelSuggestion.length})`,
  );
  console.log(
    `  first key after a pause → sugg.  p50 ${fmt(percentile(firstKeyToSuggestion, 50))}  p99 ${fmt(percentile(firstKeyToSuggestion, 99))}  (${firstKeyToSuggestion.length} of ${firstAfterPause.length})`,
  );
  console.log(
    `    … when it needed the model      p50 ${fmt(percentile(firstKeyToModelSuggestion, 50))}  p99 ${fmt(percentile(firstKeyToModelSuggestion, 99))}  (${firstKeyToModelSuggestion.length})`,
  );
}

/** requestIds count across runs; a run's list of served requests starts at this id. */
let firstRequestIdOfRun = 1;

async function main(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const files = sourceFiles();
  const chars = files.reduce((s, f) => s + f.text.length, 0);
  console.log(`completionReplay: server=${SERVER}, ${KEYS} keystrokes × ${RUNS} run(s), seed ${SEED}`);
  console.log(
    `corpus: ${files.length} files under src/ (${(chars / 1024).toFixed(0)} KiB); model server: ${TTFT_MS} ms to first token, ${(1000 / TOKEN_MS).toFixed(0)} tokens/s`,
  );

  const time: BenchTime = SERVER === 'sim' ? new HybridTime() : realTime;
  const standin = SERVER === 'standin' ? await standinServer() : undefined;
  const plan =
    standin?.plan ??
    planFim({
      model: MODEL,
      template:
        '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>\n{{- else }}{{ .Prompt }}\n{{- end }}',
    });
  console.log(`plan: ${plan.mode} (${plan.reason})`);
  console.log(
    SERVER === 'sim'
      ? 'server: simulated in-process with timers (virtual clock, real compute time counted)'
      : `server: Ollama stand-in over loopback, real OllamaProvider, real time`,
  );

  let fetchNow: FetchCompletion = () => {
    throw new Error('no fetch set');
  };
  const pipeline = new CompletionPipeline({
    fetchCompletion: (request, signal) => fetchNow(request, signal),
    plan,
    clock: time.clock,
    timers: time.timers,
  });
  const serve = standin?.serve ?? simServer(time);

  const heap: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const before = pipeline.counters();
    firstRequestIdOfRun = before.requests + 1;
    const started = performance.now();
    const figures = await replay(pipeline, time, (f) => (fetchNow = f), serve, files, SEED + run * 1000);
    const wall = performance.now() - started;
    report(run, figures, pipeline, before);
    standin?.reset();
    figures.keys.length = 0;
    figures.requests.length = 0;
    gc();
    gc();
    heap.push(process.memoryUsage().heapUsed);
    console.log(`  wall time ${(wall / 1000).toFixed(1)} s; heap after run (after GC) ${(heap[heap.length - 1] / 1048576).toFixed(2)} MiB`);
  }
  console.log(`\nheap after each run (MiB): ${heap.map((h) => (h / 1048576).toFixed(2)).join(', ')}`);
  if (heap.length > 1)
    console.log(`heap change from run 1 to run ${heap.length}: ${((heap[heap.length - 1] - heap[0]) / 1024).toFixed(0)} KiB`);
  pipeline.dispose();
  await standin?.close();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
