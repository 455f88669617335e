// What one open router panel needs from the host, as pure state: the decision index, spend, the
// current filter and split, drift, votes. The vscode side validates messages, calls `answer`, and
// does the I/O (save dialog, settings writes, running comparisons) for the rest.
import type { DecisionRecord, OutcomeUpdateRecord } from '../../core/router/decision';
import type { PairwiseVote } from '../../core/ratings/blinding';
import type { DriftEvent, KnownVersion } from '../../core/ratings/drift';
import { detectDrift, noteModelVersion } from '../../core/ratings/drift';
import type { SettingsSnapshot } from '../../core/settings/schema';
import type { TaskKind } from '../../core/types';
import type { RouterHostMessage, RouterPanelSnapshot, RouterWebviewMessage } from '../../shared/routerProtocol';
import { DEFAULT_PAGE_LIMIT } from '../../shared/routerProtocol';
import type { CostSplit, CostSummary, DecisionFilter, DriftComparison, ExportFormat } from '../../shared/routerPanelData';
import { DecisionIndex } from './decisionIndex';
import type { FrontierReference } from './costSummary';
import { SpendAccumulator } from './costSummary';
import { exportChunks } from './exportDecisions';
import {
  AcceptanceCounter,
  compareAcrossVersionChange,
  latestDriftFor,
  leaderboardsAndProposals,
  versionObservationOf,
  versionObservationsOf,
} from './feelSummary';
import { toRowView } from './rowView';

export interface RouterPanelEnvironment {
  now: () => number;
  /** The workspace this window has open (null for none): "this workspace" totals. */
  workspace: string | null;
  budget: SettingsSnapshot['budget'];
  routes: Record<TaskKind, string[]>;
  autoApply: boolean;
  frontier: FrontierReference | null;
  /** Chart window in days (default 30). */
  windowDays?: number;
}

export class RouterPanelSession {
  private filter: DecisionFilter = {};
  private split: CostSplit = 'tier';
  private spend: SpendAccumulator;
  private readonly acceptance: AcceptanceCounter;
  private readonly known = new Map<string, KnownVersion>();
  private driftEvents: DriftEvent[];
  private votes: readonly PairwiseVote[] = [];
  private summariesDirty = false;

  constructor(
    readonly index: DecisionIndex,
    private env: RouterPanelEnvironment,
  ) {
    this.spend = SpendAccumulator.fromRecords(index.recordsOldestFirst(), env.frontier);
    this.acceptance = AcceptanceCounter.fromRecords(index.recordsOldestFirst());
    const observations = versionObservationsOf(index.recordsOldestFirst());
    this.driftEvents = detectDrift(observations);
    for (const o of observations) noteModelVersion(this.known, o);
  }

  /** Builds a session from ledger lines (decisions and outcome updates, any order). */
  static fromLedger(lines: Iterable<DecisionRecord | OutcomeUpdateRecord>, env: RouterPanelEnvironment): RouterPanelSession {
    return new RouterPanelSession(DecisionIndex.fromLedger(lines), env);
  }

  get currentFilter(): DecisionFilter {
    return { ...this.filter };
  }

  get costSplit(): CostSplit {
    return this.split;
  }

  /** Settings changed: budgets and routes apply at once; a new frontier reference re-prices the ledger. */
  updateEnvironment(env: RouterPanelEnvironment): void {
    const frontierChanged = JSON.stringify(env.frontier) !== JSON.stringify(this.env.frontier);
    this.env = env;
    if (frontierChanged) this.spend = SpendAccumulator.fromRecords(this.index.recordsOldestFirst(), env.frontier);
  }

  setVotes(votes: readonly PairwiseVote[]): void {
    this.votes = votes;
  }

  /** The `init` message: everything the panel shows. */
  snapshot(): RouterPanelSnapshot {
    const page = this.index.page(this.filter, 0, DEFAULT_PAGE_LIMIT);
    const { leaderboards, proposals } = leaderboardsAndProposals(this.votes, this.env.routes);
    return {
      filter: { ...this.filter },
      options: this.index.options(),
      page: { offset: page.offset, total: page.total, rows: page.records.map(toRowView) },
      pageLimit: DEFAULT_PAGE_LIMIT,
      costSplit: this.split,
      cost: this.costSummary(),
      acceptance: this.acceptance.stats(),
      leaderboards,
      proposals,
      autoApply: this.env.autoApply,
      drift: [...this.driftEvents],
    };
  }

  /**
   * Answers the messages that only read or change panel state (ready, setFilter, requestPage,
   * setCostSplit, compareDrift). Returns undefined for the ones the host must act on itself
   * (export, vote, applyProposal, setAutoApply).
   */
  answer(message: RouterWebviewMessage): RouterHostMessage[] | undefined {
    switch (message.type) {
      case 'ready':
        return [{ type: 'init', state: this.snapshot() }];
      case 'setFilter': {
        this.filter = { ...message.filter };
        const page = this.index.page(this.filter, 0, DEFAULT_PAGE_LIMIT);
        return [
          {
            type: 'page',
            replyTo: message.id,
            filter: { ...this.filter },
            offset: page.offset,
            total: page.total,
            rows: page.records.map(toRowView),
          },
        ];
      }
      case 'requestPage': {
        const page = this.index.page(this.filter, message.offset, message.limit);
        return [
          {
            type: 'page',
            replyTo: message.id,
            filter: { ...this.filter },
            offset: page.offset,
            total: page.total,
            rows: page.records.map(toRowView),
          },
        ];
      }
      case 'setCostSplit':
        this.split = message.split;
        return [{ type: 'cost', replyTo: message.id, summary: this.costSummary() }];
      case 'compareDrift': {
        const comparison = this.compareDrift(message.modelId);
        if (comparison === undefined)
          return [
            {
              type: 'error',
              replyTo: message.id,
              message: `No version change has been seen for ${message.modelId}, so there is nothing to compare against.`,
            },
          ];
        return [{ type: 'driftComparison', replyTo: message.id, comparison }];
      }
      default:
        return undefined;
    }
  }

  /** A live decision from the ledger. Returns what to post now; cost and acceptance wait for `flushSummaries`. */
  onDecision(record: DecisionRecord): RouterHostMessage[] {
    const optionsBefore = this.optionsShape();
    const { added, record: indexed } = this.index.append(record);
    if (!added) return [];
    this.spend.add(indexed);
    this.acceptance.add(indexed);
    this.summariesDirty = true;
    const out: RouterHostMessage[] = [];
    if (this.index.matches(indexed, this.filter)) {
      out.push({
        type: 'decisionAdded',
        row: toRowView(indexed),
        rank: this.index.rankOf(indexed.id, this.filter),
        total: this.index.count(this.filter),
      });
    }
    if (this.optionsShape() !== optionsBefore) out.push({ type: 'filterOptions', options: this.index.options() });
    const observation = versionObservationOf(indexed);
    if (observation !== undefined) {
      const drift = noteModelVersion(this.known, observation);
      if (drift !== undefined) {
        this.driftEvents.push(drift);
        out.push({ type: 'drift', events: [...this.driftEvents] });
      }
    }
    return out;
  }

  /** A live outcome update (a completion accepted, an edit rejected). */
  onOutcome(update: OutcomeUpdateRecord): RouterHostMessage[] {
    const before = this.index.get(update.id);
    const updated = this.index.applyOutcome(update);
    if (updated === undefined || before === undefined || before.outcome === updated.outcome) return [];
    this.acceptance.replace(before, updated);
    this.summariesDirty = true;
    return [{ type: 'decisionUpdated', row: toRowView(updated) }];
  }

  /** Cost and acceptance, if anything changed since the last flush: call on a timer (about once a second). */
  flushSummaries(): RouterHostMessage[] {
    if (!this.summariesDirty) return [];
    this.summariesDirty = false;
    return [
      { type: 'cost', summary: this.costSummary() },
      { type: 'acceptance', stats: this.acceptance.stats() },
    ];
  }

  /** Leaderboards and proposals after the votes or routes changed. */
  feelMessages(): RouterHostMessage[] {
    const { leaderboards, proposals } = leaderboardsAndProposals(this.votes, this.env.routes);
    return [
      { type: 'leaderboards', leaderboards },
      { type: 'proposals', proposals, autoApply: this.env.autoApply },
    ];
  }

  costSummary(): CostSummary {
    return this.spend.summarise({
      now: this.env.now(),
      workspace: this.env.workspace,
      split: this.split,
      budget: this.env.budget,
      windowDays: this.env.windowDays,
    });
  }

  compareDrift(model: string): DriftComparison | undefined {
    const event = latestDriftFor(this.driftEvents, model);
    return event === undefined ? undefined : compareAcrossVersionChange(this.index.recordsOldestFirst(), event);
  }

  /** The current filter's decisions, newest first, as file chunks for the host to write. */
  exportChunks(format: ExportFormat): Generator<string> {
    return exportChunks(format, this.index.recordsNewestFirst(this.filter));
  }

  /** Number of decisions an export would write now. */
  exportCount(): number {
    return this.index.count(this.filter);
  }

  private optionsShape(): string {
    const o = this.index.options();
    return [o.tasks, o.models, o.tiers, o.outcomes, o.workspaces]
      .map((list) => list.map((x) => x.value ?? '\u0000').join('\u0001'))
      .join('\u0002');
  }
}
