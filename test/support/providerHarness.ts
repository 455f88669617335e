// Small helpers for tests that drive a ModelProvider against a stand-in.
import net from 'node:net';
import type { Logger, Ports } from '../../src/core/ports';
import { systemClock } from '../../src/core/ports';
import type { Chunk, FinalRecord, ProviderKind } from '../../src/core/types';
import type { ProviderError } from '../../src/core/providers/provider';

export interface CapturingLogger extends Logger {
  readonly lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Ports whose keys can be changed between calls (keys are resolved per call). */
export function testPorts(
  keys: Partial<Record<ProviderKind, string>> = {},
): Ports & { keys: Partial<Record<ProviderKind, string>>; logger: CapturingLogger } {
  const state = { ...keys };
  return {
    keys: state,
    fetch: globalThis.fetch,
    getApiKey: async (provider) => state[provider],
    clock: systemClock,
    logger: capturingLogger(),
    storageDir: '/nonexistent',
  };
}

export interface Collected {
  texts: string[];
  chunks: Chunk[];
  /** The `done` record, when the stream ended with one. */
  final?: FinalRecord;
  error?: ProviderError;
}

/** Drains a stream; a thrown error is captured, not rethrown. `onChunk` may abort. */
export async function collect(stream: AsyncIterable<Chunk>, onChunk?: (chunk: Chunk, index: number) => void): Promise<Collected> {
  const out: Collected = { texts: [], chunks: [] };
  try {
    for await (const chunk of stream) {
      out.chunks.push(chunk);
      if (chunk.type === 'text') out.texts.push(chunk.text);
      else out.final = chunk.final;
      onChunk?.(chunk, out.chunks.length - 1);
    }
  } catch (error) {
    out.error = error as ProviderError;
  }
  return out;
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
