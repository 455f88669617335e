// The part of every provider call that is not about the wire format: the caller's abort, the
// first-byte and idle timeouts, timing, and the promise that the stream ends in exactly one `done`.
import type { Clock } from '../ports';
import type { Chunk, FinalRecord, Usage } from '../types';
import { isProviderError } from './provider';
import type { ProviderError } from './provider';
import { timeoutError } from './providerErrors';
import type { CallContext } from './providerErrors';

export interface StreamTimeouts {
  /** From the call to the first event of the response (connect, headers, model load, first token). */
  firstByteMs: number;
  /** Longest silence between two events once the stream has started. */
  idleMs: number;
}

export const DEFAULT_STREAM_TIMEOUTS: Readonly<StreamTimeouts> = Object.freeze({ firstByteMs: 60_000, idleMs: 30_000 });

/** The least a first-byte timeout waits, however tight the latency budget: connect, TLS and a queue take time. */
export const MIN_FIRST_BYTE_MS = 5_000;

/** A task's first-byte timeout: its latency budget, at least `floorMs`; no budget (0) means the default wait. */
export function firstByteTimeoutFor(latencyBudgetMs: number, floorMs = MIN_FIRST_BYTE_MS): number {
  return latencyBudgetMs > 0 ? Math.max(latencyBudgetMs, floorMs) : DEFAULT_STREAM_TIMEOUTS.firstByteMs;
}

/** What a FinalRecord holds besides the timings the guard measures itself. */
export type FinalFields = Omit<FinalRecord, 'ttftMs' | 'totalMs'>;

/** One call's protocol-specific half: open the stream, read its events, judge how it ended. */
export interface StreamSession<E> {
  ctx: CallContext;
  /**
   * Work before the request is sent (looking up the API key, which may wait for the user to allow a key
   * destination): it is not the model's time, so the first-byte timer starts after it.
   */
  prepare?(signal: AbortSignal): Promise<void>;
  /** Sends the request with this signal; resolves once the response's events can be read. */
  open(signal: AbortSignal): Promise<AsyncIterable<E>>;
  /** Reads one event, keeping what it says about usage and stop reason; returns its text, if any. */
  read(event: E): string | undefined;
  /** The events ended without error: the final record, or a badResponse when the answer was cut off. */
  finish(): FinalFields;
  /** What is known so far, for the `done` of an aborted call. */
  partial(): { model: string; usage: Usage; version?: string };
  /** Any failure from open() or the iteration, as a typed error. */
  toError(error: unknown, afterOutput: boolean): ProviderError;
}

/**
 * Runs one streaming call. Abort is not an error: the stream ends with a `done` whose stopReason is
 * `aborted`, whether the signal fired before the request, while waiting for headers or mid-stream.
 */
export async function* guardedStream<E>(
  session: StreamSession<E>,
  signal: AbortSignal,
  timeouts: StreamTimeouts,
  clock: Clock,
  startedAt: number,
): AsyncGenerator<Chunk, void, undefined> {
  let ttftMs: number | null = null;
  const abortedDone = (): Chunk => ({
    type: 'done',
    final: { ...session.partial(), stopReason: 'aborted', ttftMs, totalMs: clock.monotonic() - startedAt },
  });
  if (signal.aborted) {
    yield abortedDone();
    return;
  }

  // The SDK gets our own controller, so a timeout can close the request the same way an abort does.
  const request = new AbortController();
  const forwardAbort = () => request.abort();
  signal.addEventListener('abort', forwardAbort, { once: true });
  let timedOut: { phase: 'firstByte' | 'idle'; limitMs: number } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (phase: 'firstByte' | 'idle', limitMs: number) => {
    timer = setTimeout(() => {
      timedOut = { phase, limitMs };
      request.abort();
    }, limitMs);
  };
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  let events: AsyncIterator<E> | undefined;
  // Runs before the last chunk is handed out, so nothing is left open if the caller stops pulling then.
  const release = async () => {
    disarm();
    signal.removeEventListener('abort', forwardAbort);
    // Also after a normal end: frees the socket if an SDK stopped reading before the body's end.
    request.abort();
    const open = events;
    events = undefined;
    // Lets the SDK release its reader; the request is already closed, so this cannot wait on the network.
    if (open?.return) await Promise.resolve(open.return()).catch(() => undefined);
  };

  let afterOutput = false;
  let last: Chunk;
  try {
    let first = true;
    try {
      if (session.prepare) await session.prepare(request.signal);
      if (signal.aborted) throw signal.reason;
      arm('firstByte', timeouts.firstByteMs);
      events = (await session.open(request.signal))[Symbol.asyncIterator]();
      for (;;) {
        if (!first) arm('idle', timeouts.idleMs);
        const step = await events.next();
        disarm();
        first = false;
        if (step.done) {
          events = undefined;
          break;
        }
        if (signal.aborted || timedOut) break;
        const text = session.read(step.value);
        if (text) {
          if (ttftMs === null) ttftMs = clock.monotonic() - startedAt;
          afterOutput = true;
          yield { type: 'text', text };
        }
      }
    } catch (error) {
      if (!timedOut && !signal.aborted) throw isProviderError(error) ? error : session.toError(error, afterOutput);
    }
    // The SDKs end their iteration silently when their signal fires: never mistake that for the end.
    if (timedOut) throw timeoutError(session.ctx, timedOut.phase, timedOut.limitMs, afterOutput);
    if (signal.aborted) {
      last = abortedDone();
    } else {
      let fields: FinalFields;
      try {
        fields = session.finish();
      } catch (error) {
        throw isProviderError(error) ? error : session.toError(error, afterOutput);
      }
      last = { type: 'done', final: { ...fields, ttftMs, totalMs: clock.monotonic() - startedAt } };
    }
  } finally {
    await release();
  }
  yield last;
}
