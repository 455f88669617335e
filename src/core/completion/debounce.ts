// How long to wait after a keystroke before asking the model: short where a suggestion is likely
// wanted now (start of a line, first key after a pause), longer while the user types fast.

export interface DebounceSettings {
  /** Cursor at the start of a line (only whitespace before it). */
  lineStartMs: number;
  /** First keystroke after at least `pauseMs` of quiet. */
  afterPauseMs: number;
  pauseMs: number;
  /** While typing: this multiple of the typical gap between keys, clamped to [minMs, maxMs]. */
  typingFactor: number;
  minMs: number;
  maxMs: number;
  /** Before any rhythm is known. */
  initialMs: number;
}

export const DEFAULT_DEBOUNCE: Readonly<DebounceSettings> = Object.freeze({
  lineStartMs: 30,
  afterPauseMs: 30,
  pauseMs: 600,
  typingFactor: 1.2,
  minMs: 50,
  maxMs: 250,
  initialMs: 150,
});

/** The user's recent gap between keystrokes, as an exponentially weighted average (pauses excluded). */
export class TypingRhythm {
  private average: number | undefined;

  constructor(
    private readonly pauseMs: number = DEFAULT_DEBOUNCE.pauseMs,
    private readonly weight = 0.3,
  ) {}

  record(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 0 || intervalMs >= this.pauseMs) return;
    this.average = this.average === undefined ? intervalMs : this.average + this.weight * (intervalMs - this.average);
  }

  get typicalIntervalMs(): number | undefined {
    return this.average;
  }
}

export interface KeystrokeFacts {
  atLineStart: boolean;
  /** Since the previous keystroke in this document; Infinity for the first. */
  sinceLastKeyMs: number;
}

export function debounceDelay(settings: DebounceSettings, rhythm: TypingRhythm, facts: KeystrokeFacts): number {
  if (facts.sinceLastKeyMs >= settings.pauseMs) return settings.afterPauseMs;
  if (facts.atLineStart) return settings.lineStartMs;
  const typical = rhythm.typicalIntervalMs;
  if (typical === undefined) return settings.initialMs;
  return Math.round(Math.min(settings.maxMs, Math.max(settings.minMs, settings.typingFactor * typical)));
}
