// Streams text to the webview in batches: the first piece goes at once (time to first token is what
// users feel), later pieces at most once per interval. Pure, with an injectable timer for tests.

export interface BatchTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

export const systemBatchTimer: BatchTimer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/** One frame at 60 Hz: more often than this the webview cannot show it anyway. */
export const DELTA_BATCH_MS = 16;

export class DeltaBatcher {
  private pending = '';
  private handle: unknown;
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly send: (text: string) => void,
    private readonly intervalMs = DELTA_BATCH_MS,
    private readonly timer: BatchTimer = systemBatchTimer,
  ) {}

  push(text: string): void {
    if (text === '') return;
    this.pending += text;
    if (this.handle !== undefined) return;
    const wait = this.lastSent + this.intervalMs - this.timer.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.handle = this.timer.set(() => {
      this.handle = undefined;
      this.flush();
    }, wait);
  }

  /** Sends what is pending now (before the answer's end, say). */
  flush(): void {
    if (this.handle !== undefined) {
      this.timer.clear(this.handle);
      this.handle = undefined;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastSent = this.timer.now();
    this.send(text);
  }

  /** Forgets what is pending (the view was re-initialised with the full text). */
  discard(): void {
    if (this.handle !== undefined) this.timer.clear(this.handle);
    this.handle = undefined;
    this.pending = '';
  }
}
