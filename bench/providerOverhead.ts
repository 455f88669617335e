// What each provider wrapper (SDK + our stream guard) adds over a bare fetch to the same stand-in:
// (1) from the call to the request arriving at the server, (2) from the server's last byte to the
// final record in the caller's hands. Bare and wrapped calls alternate so both see the same load.
//
//   npx tsx bench/providerOverhead.ts [calls=1000]
import { performance } from 'node:perf_hooks';
import { systemClock, silentLogger } from '../src/core/ports';
import type { Ports } from '../src/core/ports';
import { AnthropicProvider } from '../src/core/providers/anthropic';
import { OllamaProvider } from '../src/core/providers/ollama';
import { OpenAIProvider } from '../src/core/providers/openai';
import type { ModelProvider } from '../src/core/providers/provider';
import type { Chunk } from '../src/core/types';
import { startAnthropicStandin } from '../test/support/standins/anthropicStandin';
import { startOllamaStandin } from '../test/support/standins/ollamaStandin';
import { startOpenAIStandin } from '../test/support/standins/openaiStandin';
import type { RecordedRequest, Standin } from '../test/support/standins/standinServer';
import { percentile } from './lib/percentile';

const CALLS = Number(process.argv[2] ?? 1000);
const WARMUP = 100;
const TEXT = 'The quick brown fox jumps over the lazy dog.';

interface Sample {
  toServer: number;
  fromLastByte: number;
}

interface Target {
  name: string;
  standin: Standin<unknown>;
  provider: ModelProvider;
  call(provider: ModelProvider, signal: AbortSignal): AsyncIterable<Chunk>;
  bare(): { url: string; init: RequestInit };
}

const ports: Ports = {
  fetch: globalThis.fetch,
  getApiKey: async (kind) => (kind === 'ollama' ? undefined : 'sk-bench-0123456789abcdef'),
  clock: systemClock,
  logger: silentLogger,
  storageDir: '/tmp',
};

const messages = [{ role: 'user' as const, content: 'Say something short.' }];

function lastRequest(standin: Standin<unknown>): RecordedRequest {
  const request = standin.requests.at(-1);
  if (!request?.respondedAt) throw new Error(`${standin.url}: no completed request recorded`);
  return request;
}

async function measureBare(target: Target): Promise<Sample> {
  const { url, init } = target.bare();
  const started = performance.now();
  const response = await fetch(url, init);
  await response.text();
  const finished = performance.now();
  const request = lastRequest(target.standin);
  return { toServer: request.receivedAt - started, fromLastByte: finished - (request.respondedAt as number) };
}

async function measureWrapped(target: Target): Promise<Sample> {
  const started = performance.now();
  let finalAt = 0;
  for await (const chunk of target.call(target.provider, new AbortController().signal)) {
    if (chunk.type === 'done') finalAt = performance.now();
  }
  const request = lastRequest(target.standin);
  return { toServer: request.receivedAt - started, fromLastByte: finalAt - (request.respondedAt as number) };
}

function fmt(ms: number): string {
  return ms.toFixed(3).padStart(8);
}

async function main(): Promise<void> {
  const ollama = await startOllamaStandin();
  const openai = await startOpenAIStandin();
  const anthropic = await startAnthropicStandin();
  for (const s of [ollama, openai, anthropic] as Standin<unknown>[]) s.script({ text: TEXT });

  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const targets: Target[] = [
    {
      name: 'ollama chat',
      standin: ollama as Standin<unknown>,
      provider: new OllamaProvider(ports, { baseUrl: ollama.url }),
      call: (p, signal) => p.streamChat({ model: 'qwen2.5-coder:1.5b-base', messages }, signal),
      bare: () => ({ url: `${ollama.url}/api/chat`, init: json({ model: 'qwen2.5-coder:1.5b-base', messages, stream: true }) }),
    },
    {
      name: 'ollama fim',
      standin: ollama as Standin<unknown>,
      provider: new OllamaProvider(ports, { baseUrl: ollama.url }),
      call: (p, signal) => p.streamFim({ model: 'qwen2.5-coder:1.5b-base', prefix: 'const a = ', suffix: ';' }, signal),
      bare: () => ({
        url: `${ollama.url}/api/generate`,
        init: json({ model: 'qwen2.5-coder:1.5b-base', prompt: 'const a = ', suffix: ';', stream: true }),
      }),
    },
    {
      name: 'openai chat',
      standin: openai as Standin<unknown>,
      provider: new OpenAIProvider(ports, { kind: 'openai', baseUrl: openai.url }),
      call: (p, signal) => p.streamChat({ model: 'gpt-4.1-mini', messages }, signal),
      bare: () => ({
        url: `${openai.url}/chat/completions`,
        init: json(
          { model: 'gpt-4.1-mini', messages, stream: true, stream_options: { include_usage: true } },
          { authorization: 'Bearer sk-bench-0123456789abcdef' },
        ),
      }),
    },
    {
      name: 'anthropic chat',
      standin: anthropic as Standin<unknown>,
      provider: new AnthropicProvider(ports, { baseUrl: anthropic.url }),
      call: (p, signal) => p.streamChat({ model: 'claude-haiku-4-5', messages }, signal),
      bare: () => ({
        url: `${anthropic.url}/v1/messages`,
        init: json(
          { model: 'claude-haiku-4-5', max_tokens: 8192, messages, stream: true },
          { 'x-api-key': 'sk-bench-0123456789abcdef', 'anthropic-version': '2023-06-01' },
        ),
      }),
    },
  ];

  console.log(`Provider overhead over a bare fetch to the same loopback stand-in (${CALLS} calls each, after ${WARMUP} warm-up; ms)`);
  console.log(`Node ${process.version}; response: ${TEXT.split(' ').length} tokens, no server delays.\n`);
  console.log('target          | path    | call→server p50      p99 | last byte→final p50      p99 | added p50 (both legs)');
  console.log('----------------|---------|--------------------------|-------------------------------|----------------------');
  for (const target of targets) {
    for (let i = 0; i < WARMUP; i++) {
      await measureBare(target);
      await measureWrapped(target);
    }
    const bare: Sample[] = [];
    const wrapped: Sample[] = [];
    for (let i = 0; i < CALLS; i++) {
      bare.push(await measureBare(target));
      wrapped.push(await measureWrapped(target));
    }
    const row = (label: string, samples: Sample[]) => {
      const to = samples.map((s) => s.toServer);
      const from = samples.map((s) => s.fromLastByte);
      return { label, to50: percentile(to, 50), to99: percentile(to, 99), from50: percentile(from, 50), from99: percentile(from, 99) };
    };
    const b = row('fetch', bare);
    const w = row('wrapper', wrapped);
    const added = w.to50 - b.to50 + (w.from50 - b.from50);
    for (const r of [b, w]) {
      const extra = r === w ? `${fmt(w.to50 - b.to50)} + ${fmt(w.from50 - b.from50)} = ${fmt(added)}` : '';
      console.log(
        `${target.name.padEnd(16)}| ${r.label.padEnd(8)}| ${fmt(r.to50)} ${fmt(r.to99)}      | ${fmt(r.from50)}      ${fmt(r.from99)}     | ${extra}`,
      );
    }
    target.standin.reset();
    target.standin.script({ text: TEXT });
  }
  await Promise.all([ollama.close(), openai.close(), anthropic.close()]);
}

void main();
