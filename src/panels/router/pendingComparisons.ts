// Blind comparisons that outlive the router panel: closing the panel does not stop one, so the host
// keeps each running or unvoted comparison's card here and replays it into the next panel it opens.
import type { ComparisonSide, RouterHostMessage, RouterHostMessageOf } from '../../shared/routerProtocol';
import type { HopKind } from '../../core/router/execute';
import { RoutedRunError } from '../../core/router/execute';
import { isProviderError } from '../../core/providers/provider';

/** As many cards as the Feel tab keeps. */
export const MAX_PENDING_COMPARISONS = 12;

export type ComparisonStarted = RouterHostMessageOf<'comparisonStarted'>;
export type ComparisonUpdate = RouterHostMessageOf<'comparisonDelta'> | RouterHostMessageOf<'comparisonSideDone'>;

interface PendingComparison {
  started: ComparisonStarted;
  text: Record<ComparisonSide, string>;
  done: Partial<Record<ComparisonSide, RouterHostMessageOf<'comparisonSideDone'>>>;
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

  /** Text or a finished side for a kept comparison; anything for an unknown one, or after its side finished, is ignored. */
  update(message: ComparisonUpdate, shown: boolean): void {
    const entry = this.byId.get(message.comparisonId);
    if (!entry || entry.done[message.side]) return;
    if (message.type === 'comparisonDelta') entry.text[message.side] += message.text;
    else entry.done[message.side] = { ...message };
    if (!shown) entry.unshown = true;
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
        if (finished) out.push({ ...finished });
      }
    }
    return out;
  }

  /** A panel has received the replay: everything kept has now been shown. */
  markShown(): void {
    for (const entry of this.byId.values()) entry.unshown = false;
  }
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
