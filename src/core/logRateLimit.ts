// Log lines about one outside source, rate-limited: the first few in each window are written, the rest only
// counted and reported in one summary line when the window ends. Clock and timers are injected.
import type { Clock } from './ports';
import type { TimerHandle, Timers } from './completion/timers';

/** Lines written per source per window before the rest are only counted. */
export const LOG_LINES_PER_WINDOW = 5;
export const LOG_RATE_WINDOW_MS = 60_000;

export interface RateLimitedLogOptions {
  clock: Pick<Clock, 'monotonic'>;
  timers: Timers;
  write(line: string): void;
  /** The one line that stands for `count` lines held back in a window. */
  summary(count: number): string;
  perWindow?: number;
  windowMs?: number;
}

export class RateLimitedLog {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private windowStart: number | undefined;
  private written = 0;
  private heldBack = 0;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: RateLimitedLogOptions) {
    this.perWindow = options.perWindow ?? LOG_LINES_PER_WINDOW;
    this.windowMs = options.windowMs ?? LOG_RATE_WINDOW_MS;
  }

  /** Writes `line()` if this window still allows it; otherwise counts it (and never builds it). True when written. */
  write(line: () => string): boolean {
    const now = this.options.clock.monotonic();
    if (this.windowStart === undefined || now - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.perWindow) {
      this.written++;
      this.options.write(line());
      return true;
    }
    this.heldBack++;
    this.timer ??= this.options.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      this.windowStart + this.windowMs - now,
    );
    return false;
  }

  /** Writes the summary of the lines held back so far, if any: at the window's end, or when the source goes away. */
  flush(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.heldBack === 0) return;
    const count = this.heldBack;
    this.heldBack = 0;
    this.options.write(this.options.summary(count));
  }
}
