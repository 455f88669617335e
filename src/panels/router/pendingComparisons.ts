// Blind comparisons that outlive the router panel: closing the panel does not stop one, so the host
// keeps each running or unvoted comparison's card here, replays it into the next panel it opens, and
// holds each side's cost, tokens and latency back until the vote (they would name the models).
import type {
  ComparisonSide,
  ComparisonSideFigures,
  ComparisonSpeed,
  RouterHostMessage,
  RouterHostMessageOf,
} from '../../shared/routerProtocol';
import type { HopKind } from '../../core/router/execute';
import { RoutedRunError } from '../../core/router/execute';
import { isProviderError } from '../../core/providers/provider';

/** As many cards as the Feel tab keeps. */
export const MAX_PENDING_COMPARISONS = 12;

export type ComparisonStarted = RouterHostMessageOf<'comparisonStarted'>;
export type ComparisonSideDone = RouterHostMessageOf<'comparisonSideDone'>;
/** A side's end as the comparison reports it to the host: `figures` stay here until the vote. */
export type ComparisonSideFinished = Omit<ComparisonSideDone, 'faster'> & { figures: ComparisonSideFigures };
export type ComparisonUpdate = RouterHostMessageOf<'comparisonDelta'> | ComparisonSideFinished;

/** Within this share of the slower side's total time, neither side counts as faster. */
const SAME_SPEED_SHARE = 0.1;

interface FinishedSide {
  /** What the panel is told: no figures. */
  shown: ComparisonSideDone;
  figures: ComparisonSideFigures;
}

interface PendingComparison {
  started: ComparisonStarted;
  text: Record<ComparisonSide, string>;
  done: Partial<Record<ComparisonSide, FinishedSide>>;
  /** Something happened that no open panel received. */
  unshown: boolean;
}

export class PendingComparisons {
  private readonly byId = new Map<string, PendingComparison>();

  constructor(private readonly max = MAX_PENDING_COMPARISONS) {}

  get size(): number {
    return this.byId.size;
  }

  has(comparisonId: string): boolean {
    return this.byId.has(comparisonId);
  }

  /**
   * Keeps a new comparison; `shown` says whether an open panel received its start. Returns the ids
   * dropped, oldest first, to stay within the cap, so the host can forget their hidden order too.
   */
  start(started: ComparisonStarted, shown: boolean): string[] {
    if (this.byId.has(started.comparisonId)) return [];
    this.byId.set(started.comparisonId, { started: { ...started }, text: { a: '', b: '' }, done: {}, unshown: !shown });
    const dropped: string[] = [];
    for (const id of this.byId.keys()) {
      if (this.byId.size <= this.max) break;
      this.byId.delete(id);
      dropped.push(id);
    }
    return dropped;
  }

  /**
   * Text or a finished side for a kept comparison; anything for an unknown one, or after its side
   * finished, is not kept. Returns what the panel may be sent: a finished side without its figures,
   * and, once both sides answered, which was faster.
   */
  update(message: ComparisonUpdate, shown: boolean): RouterHostMessage {
    const posted = message.type === 'comparisonDelta' ? { ...message } : blindSide(message);
    const entry = this.byId.get(message.comparisonId);
    if (!entry || entry.done[message.side]) return posted;
    if (message.type === 'comparisonDelta') entry.text[message.side] += message.text;
    else if (posted.type === 'comparisonSideDone') {
      const other = entry.done[message.side === 'a' ? 'b' : 'a'];
      const faster =
        other && fasterSide(message.side, message.figures, other.shown.side, other.figures, message.error ?? other.shown.error);
      if (faster) posted.faster = faster;
      entry.done[message.side] = { shown: { ...posted }, figures: { ...message.figures } };
    }
    if (!shown) entry.unshown = true;
    return posted;
  }

  /** Each side's figures, for the reveal after a vote; null for a side that has not finished. Undefined for a comparison not kept. */
  figures(comparisonId: string): Record<ComparisonSide, ComparisonSideFigures | null> | undefined {
    const entry = this.byId.get(comparisonId);
    if (!entry) return undefined;
    const of = (side: ComparisonSide) => {
      const figures = entry.done[side]?.figures;
      return figures ? { ...figures } : null;
    };
    return { a: of('a'), b: of('b') };
  }

  /** A vote revealed the models: the card in the panel needs nothing more from here. */
  end(comparisonId: string): boolean {
    return this.byId.delete(comparisonId);
  }

  /** Whether a side is still streaming in any comparison. */
  running(): boolean {
    for (const entry of this.byId.values()) if (!entry.done.a || !entry.done.b) return true;
    return false;
  }

  /** Whether a panel opening now should start on the Feel tab: a comparison is running, or changed while no panel showed it. */
  needsAttention(): boolean {
    if (this.running()) return true;
    for (const entry of this.byId.values()) if (entry.unshown) return true;
    return false;
  }

  /**
   * The messages that rebuild every card in a fresh panel, oldest comparison first (the panel puts
   * each new card on top), each answer so far as one delta. Does not change what is kept.
   */
  replay(): RouterHostMessage[] {
    const out: RouterHostMessage[] = [];
    for (const { started, text, done } of this.byId.values()) {
      out.push({ ...started });
      for (const side of ['a', 'b'] as const) {
        if (text[side]) out.push({ type: 'comparisonDelta', comparisonId: started.comparisonId, side, text: text[side] });
        const finished = done[side];
        if (finished) out.push({ ...finished.shown });
      }
    }
    return out;
  }

  /** A panel has received the replay: everything kept has now been shown. */
  markShown(): void {
    for (const entry of this.byId.values()) entry.unshown = false;
  }
}

function blindSide(message: ComparisonSideFinished): ComparisonSideDone {
  const { comparisonId, side, error } = message;
  return error === undefined
    ? { type: 'comparisonSideDone', comparisonId, side }
    : { type: 'comparisonSideDone', comparisonId, side, error };
}

/** Which side took less total time, when both answered and both times are known. */
function fasterSide(
  side: ComparisonSide,
  figures: ComparisonSideFigures,
  otherSide: ComparisonSide,
  other: ComparisonSideFigures,
  error: string | undefined,
): ComparisonSpeed | undefined {
  if (error !== undefined || figures.totalMs === null || other.totalMs === null) return undefined;
  const slower = Math.max(figures.totalMs, other.totalMs);
  if (Math.abs(figures.totalMs - other.totalMs) <= slower * SAME_SPEED_SHARE) return 'same';
  return figures.totalMs < other.totalMs ? side : otherSide;
}

/** What went wrong, in words that name neither the model nor its provider (the card is blind until the vote). */
const BLIND_FAILURE: Record<HopKind | 'noCandidate' | 'internal', string> = {
  rateLimit: 'rate-limited',
  overloaded: 'overloaded',
  server: 'server error',
  network: 'could not connect',
  timeout: 'timed out',
  auth: 'the provider refused the key',
  notFound: 'model not found on its server',
  contextTooLong: 'prompt too long for the model',
  badResponse: 'malformed response',
  coolingDown: 'cooling down after recent failures',
  unavailable: 'no provider available',
  noCandidate: 'could not be routed',
  internal: 'unexpected error',
};

/** The error a failed side's card shows: the kind of failure, never which model it was. */
export function sideFailureText(side: ComparisonSide, error: unknown): string {
  const kind = error instanceof RoutedRunError ? error.kind : isProviderError(error) ? error.kind : 'internal';
  return `Side ${side.toUpperCase()} failed (${BLIND_FAILURE[kind]}); see the Switchboard log for details.`;
}
