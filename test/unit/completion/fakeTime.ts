// A fake clock with fake timers for the completion tests, and a scripted model whose stream the test
// feeds by hand. Not a spec file: mocha only runs *.test.ts.
import { seededRng } from '../../../src/core/ratings/blinding';
import type { Clock } from '../../../src/core/ports';
import type { FimRequest } from '../../../src/core/providers/provider';
import type { Chunk, StopReason } from '../../../src/core/types';
import type { TimerHandle, Timers } from '../../../src/core/completion/timers';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every queued promise continuation run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeTime implements Clock, Timers {
  private current = 0;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  now(): number {
    return 1_700_000_000_000 + this.current;
  }

  monotonic(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = ++this.seq;
    this.pending.set(handle, { at: this.current + Math.max(0, ms), seq: handle, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  get timerCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.pending) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)))
          next = entry;
      }
      if (!next) break;
      this.pending.delete(next[0]);
      this.current = next[1].at;
      next[1].callback();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

/** A model stream the test drives: push text, finish, or fail; ends with an aborted `done` on abort. */
export class ScriptedStream implements AsyncIterable<Chunk> {
  private readonly queue: Chunk[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: unknown = undefined;

  constructor(
    readonly request: FimRequest,
    readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  push(text: string): void {
    this.queue.push({ type: 'text', text });
    this.wake?.();
  }

  finish(stopReason: StopReason = 'stop'): void {
    this.queue.push({
      type: 'done',
      final: {
        model: this.request.model,
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
        ttftMs: 1,
        totalMs: 2,
        stopReason,
      },
    });
    this.ended = true;
    this.wake?.();
  }

  fail(error: unknown): void {
    this.failure = error;
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    for (;;) {
      if (this.signal.aborted) {
        yield {
          type: 'done',
          final: {
            model: this.request.model,
            usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
            ttftMs: null,
            totalMs: 0,
            stopReason: 'aborted',
          },
        };
        return;
      }
      const next = this.queue.shift();
      if (next) {
        yield next;
        if (next.type === 'done') return;
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

export class ScriptedModel {
  readonly streams: ScriptedStream[] = [];

  readonly fetch = (request: FimRequest, signal: AbortSignal): AsyncIterable<Chunk> => {
    const stream = new ScriptedStream(request, signal);
    this.streams.push(stream);
    return stream;
  };

  get last(): ScriptedStream {
    const stream = this.streams[this.streams.length - 1];
    if (!stream) throw new Error('the model was never called');
    return stream;
  }
}

/** Splits a document written with one `‸` into the text and the cursor offset. */
export function atCursor(document: string): { text: string; offset: number } {
  const offset = document.indexOf('‸');
  if (offset === -1 || document.indexOf('‸', offset + 1) !== -1) throw new Error('mark the cursor with exactly one ‸');
  return { text: document.slice(0, offset) + document.slice(offset + 1), offset };
}

/** A small deterministic random generator for property-style tests: the ratings' mulberry32. */
export const seededRandom = seededRng;
