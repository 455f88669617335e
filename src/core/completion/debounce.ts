// How long to wait after a keystroke before asking the model: short where a suggestion is likely
// wanted now (start of a line, first key after a pause), longer while the user types fast; shorter
// while the document's requests are cheap (most keys type along a suggestion), longer still while
// they run over budget.

export interface DebounceSettings {
  /** Cursor at the start of a line (only whitespace before it). */
  lineStartMs: number;
  /** First keystroke after at least `pauseMs` of quiet. */
  afterPauseMs: number;
  pauseMs: number;
  /** While typing: this multiple of the typical gap between keys, clamped to [minMs, maxMs]. */
  typingFactor: number;
  /**
   * The multiple follows the requests each keystroke has cost lately: `cheapTypingFactor` at or below
   * `requestRateLow`, `typingFactor` at `requestRateHigh`, on the same line beyond it up to
   * `maxTypingFactor`. A shorter wait sends more requests, so the rate holds it near the budget.
   */
  cheapTypingFactor: number;
  maxTypingFactor: number;
  requestRateLow: number;
  requestRateHigh: number;
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
  cheapTypingFactor: 0.6,
  maxTypingFactor: 1.5,
  requestRateLow: 0.08,
  requestRateHigh: 0.16,
  minMs: 50,
  maxMs: 250,
  initialMs: 150,
});

/** Keystrokes over which the request rate is averaged (about). */
const REQUEST_RATE_WINDOW = 50;

/**
 * The user's recent gap between keystrokes, as an exponentially weighted average (pauses excluded),
 * and how many model requests each keystroke has cost lately.
 */
export class TypingRhythm {
  private average: number | undefined;
  private rate: number;

  constructor(
    private readonly pauseMs: number = DEFAULT_DEBOUNCE.pauseMs,
    private readonly weight = 0.3,
    /** A new document starts as if requests were dear, until its typing shows otherwise. */
    initialRequestRate: number = DEFAULT_DEBOUNCE.requestRateHigh,
  ) {
    this.rate = initialRequestRate;
  }

  record(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 0 || intervalMs >= this.pauseMs) return;
    this.average = this.average === undefined ? intervalMs : this.average + this.weight * (intervalMs - this.average);
  }

  /** One keystroke, and the requests sent since the previous one. */
  recordRequests(sent: number): void {
    if (!Number.isFinite(sent) || sent < 0) return;
    this.rate += (sent - this.rate) / REQUEST_RATE_WINDOW;
  }

  get typicalIntervalMs(): number | undefined {
    return this.average;
  }

  /** Requests per keystroke, averaged over about the last 50 keystrokes. */
  get requestRate(): number {
    return this.rate;
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
  return Math.round(Math.min(settings.maxMs, Math.max(settings.minMs, typingFactorFor(settings, rhythm.requestRate) * typical)));
}

/** The multiple of the typical gap for a document that has lately cost `requestRate` requests per keystroke. */
export function typingFactorFor(settings: DebounceSettings, requestRate: number): number {
  const { cheapTypingFactor: cheap, typingFactor: dear, maxTypingFactor: max, requestRateLow: low, requestRateHigh: high } = settings;
  if (!(high > low)) return requestRate <= low ? cheap : dear;
  const factor = cheap + ((requestRate - low) / (high - low)) * (dear - cheap);
  return Math.min(Math.max(max, dear), Math.max(cheap, factor));
}
