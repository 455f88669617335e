// The Feel tab: blind A/B comparisons, Bradley–Terry leaderboards with completion acceptance beside
// them, route-change proposals (apply, or opt in to automatic), acceptance tables, and model drift.
import type { AcceptanceRow, AcceptanceStats } from '../../src/core/ratings/acceptance';
import type { Leaderboard } from '../../src/core/ratings/bradleyTerry';
import type { DriftEvent } from '../../src/core/ratings/drift';
import type { RouteProposalResult } from '../../src/core/ratings/proposal';
import type { DriftComparison, VersionStats } from '../../src/shared/routerPanelData';
import type { RouterHostMessageOf, RouterPanelSnapshot } from '../../src/shared/routerProtocol';
import { ComparisonView } from './comparisonView';
import type { ViewHost } from './decisionsView';
import { button, clear, h } from '../common/dom';
import { durationOrMissing, usdOrMissing } from '../common/format';
import { formatCount, formatFullTime, formatPercent, formatWhen } from './format';

const MAX_COMPARISONS = 12;

function rateText(row: AcceptanceRow | undefined): string {
  return row === undefined ? '—' : `${formatPercent(row.rate)} of ${formatCount(row.shown)}`;
}

function ciText(row: AcceptanceRow): string {
  return `${formatPercent(row.ciLow)}–${formatPercent(row.ciHigh)}`;
}

export class FeelView {
  readonly element: HTMLElement;
  private readonly comparisons = new Map<string, ComparisonView>();
  private readonly comparisonList: HTMLElement;
  private readonly comparisonEmpty: HTMLElement;
  private readonly boards: HTMLElement;
  private readonly proposalList: HTMLElement;
  private readonly acceptance: HTMLElement;
  private readonly drift: HTMLElement;
  private readonly autoApply: HTMLInputElement;
  private acceptanceStats: AcceptanceStats = { byModel: [], byLanguage: [], byModelAndLanguage: [], unmatchedAccepts: 0 };
  private leaderboards: Leaderboard[] = [];
  /** Apply buttons waiting for `proposalApplied`, by request id. */
  private readonly pendingApply = new Map<string, HTMLButtonElement>();
  private readonly driftResults = new Map<string, HTMLElement>();
  private visible = false;
  /** Sections whose data changed while the tab was hidden. */
  private readonly stale = new Set<'boards' | 'acceptance'>();

  constructor(private readonly host: ViewHost) {
    this.comparisonList = h('div', { class: 'comparison-list' });
    this.comparisonEmpty = h(
      'p',
      { class: 'muted' },
      'No comparisons yet. Run “Switchboard: Compare Models for This Request…”, or set switchboard.ab.sampleRate to compare a share of edit and chat requests automatically.',
    );
    this.boards = h('div', { class: 'boards' });
    this.proposalList = h('ul', { class: 'proposals' });
    this.acceptance = h('div', { class: 'acceptance' });
    this.drift = h('div', { class: 'drift' });
    this.autoApply = h('input', { type: 'checkbox', id: 'auto-apply' });
    this.autoApply.addEventListener('change', () =>
      this.host.post({ type: 'setAutoApply', id: this.host.nextId(), enabled: this.autoApply.checked }),
    );
    this.element = h(
      'section',
      { class: 'feel-view', 'aria-label': 'Feel' },
      h('h3', {}, 'Blind comparisons'),
      this.comparisonEmpty,
      this.comparisonList,
      h('h3', {}, 'Route changes your votes support'),
      h(
        'div',
        { class: 'auto-apply' },
        this.autoApply,
        h(
          'label',
          { for: 'auto-apply' },
          'Apply a route change to the workspace settings automatically when a model is confidently better',
        ),
      ),
      this.proposalList,
      h('h3', {}, 'Leaderboards'),
      h(
        'p',
        { class: 'muted' },
        'Bradley–Terry scores from your own votes, with 95% confidence intervals; completion acceptance beside each model.',
      ),
      this.boards,
      h('h3', {}, 'Completion acceptance'),
      this.acceptance,
      h('h3', {}, 'Model changes'),
      this.drift,
    );
  }

  init(state: RouterPanelSnapshot): void {
    this.acceptanceStats = state.acceptance;
    this.leaderboards = state.leaderboards;
    this.refresh('boards');
    this.refresh('acceptance');
    this.showProposals(state.proposals, state.autoApply);
    this.showDrift(state.drift);
  }

  showAcceptance(stats: AcceptanceStats): void {
    this.acceptanceStats = stats;
    this.refresh('acceptance');
    this.refresh('boards');
  }

  showLeaderboards(boards: Leaderboard[]): void {
    this.leaderboards = boards;
    this.refresh('boards');
  }

  /** Tables are drawn when the tab is visible; comparisons stream in whether or not it is. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) return;
    for (const section of [...this.stale]) this.refresh(section);
  }

  private refresh(section: 'boards' | 'acceptance'): void {
    if (!this.visible) {
      this.stale.add(section);
      return;
    }
    this.stale.delete(section);
    if (section === 'boards') this.renderBoards();
    else this.renderAcceptance();
  }

  showProposals(proposals: RouteProposalResult[], autoApply: boolean): void {
    this.autoApply.checked = autoApply;
    clear(
      this.proposalList,
      ...proposals.map((p) => {
        if (p.kind === 'keep')
          return h(
            'li',
            { class: 'proposal keep', 'data-task': p.task },
            h('strong', {}, p.task),
            ' ',
            h('span', { class: 'muted' }, p.reason),
          );
        const apply = button('Apply to workspace settings', {
          'data-task': p.task,
          'aria-label': `Apply the ${p.task} route change to workspace settings`,
        });
        apply.addEventListener('click', () => {
          const id = this.host.nextId();
          apply.disabled = true;
          apply.textContent = 'Applying…';
          this.pendingApply.set(id, apply);
          this.host.post({ type: 'applyProposal', id, task: p.task });
        });
        return h(
          'li',
          { class: 'proposal propose', 'data-task': p.task },
          h('div', {}, h('strong', {}, p.task), ': put ', h('code', {}, p.promoted), ' first (now ', h('code', {}, p.replaced), ')'),
          h('div', { class: 'muted' }, p.reason),
          h(
            'div',
            { class: 'route-change' },
            h('span', { class: 'muted' }, p.currentRoute.join(' → ')),
            ' ⇒ ',
            h('span', {}, p.proposedRoute.join(' → ')),
          ),
          apply,
        );
      }),
    );
  }

  proposalApplied(msg: RouterHostMessageOf<'proposalApplied'>): void {
    const b = this.pendingApply.get(msg.replyTo);
    this.pendingApply.delete(msg.replyTo);
    if (b) {
      b.textContent = msg.ok ? 'Applied' : 'Apply to workspace settings';
      b.disabled = msg.ok;
    }
    this.host.announce(msg.message);
  }

  showDrift(events: DriftEvent[]): void {
    if (events.length === 0) {
      clear(this.drift, h('p', { class: 'muted' }, 'No model has changed version or digest since the ledger began.'));
      return;
    }
    const newest = [...events].sort((x, y) => y.firstSeen - x.firstSeen);
    clear(
      this.drift,
      h(
        'ul',
        { class: 'drift-list' },
        ...newest.map((e) => {
          const compare = button('Compare against previous', {
            class: 'secondary',
            'data-model': e.model,
            'aria-label': `Compare ${e.model} against its previous version`,
          });
          compare.addEventListener('click', () => this.host.post({ type: 'compareDrift', id: this.host.nextId(), modelId: e.model }));
          let result = this.driftResults.get(e.model);
          if (!result) {
            result = h('div', { class: 'drift-result' });
            this.driftResults.set(e.model, result);
          }
          return h(
            'li',
            { class: 'drift-event', 'data-model': e.model },
            h('div', {}, h('strong', {}, e.model), ' changed ', h('code', {}, e.previousVersion), ' → ', h('code', {}, e.newVersion)),
            h(
              'div',
              { class: 'muted', title: formatFullTime(e.firstSeen) },
              `first seen ${formatWhen(e.firstSeen)}; the previous version was last seen ${formatWhen(e.previousLastSeen)}`,
            ),
            compare,
            result,
          );
        }),
      ),
    );
  }

  showDriftComparison(cmp: DriftComparison): void {
    const target = this.driftResults.get(cmp.model);
    if (!target) return;
    const rows: [string, (s: VersionStats) => string][] = [
      ['Requests', (s) => formatCount(s.requests)],
      ['Errors', (s) => (s.requests ? `${formatPercent(s.errors / s.requests)} (${formatCount(s.errors)})` : '—')],
      [
        'Completions accepted',
        (s) =>
          s.completionsShown ? `${formatPercent(s.completionsAccepted / s.completionsShown)} of ${formatCount(s.completionsShown)}` : '—',
      ],
      ['Median first token', (s) => durationOrMissing(s.medianTtftMs)],
      ['Median total', (s) => durationOrMissing(s.medianTotalMs)],
      ['Mean cost', (s) => usdOrMissing(s.meanCostUsd)],
      ['Mean output tokens', (s) => (s.meanOutputTokens === null ? '—' : formatCount(Math.round(s.meanOutputTokens)))],
    ];
    clear(
      target,
      h(
        'table',
        { class: 'plain', 'aria-label': `${cmp.model} before and after the version change` },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, ''),
            h('th', { scope: 'col' }, `Before (${cmp.before.version})`),
            h('th', { scope: 'col' }, `After (${cmp.after.version})`),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map(([label, f]) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, label),
              h('td', { class: 'num' }, f(cmp.before)),
              h('td', { class: 'num' }, f(cmp.after)),
            ),
          ),
        ),
      ),
    );
    target.querySelector('table')?.setAttribute('tabindex', '-1');
  }

  comparisonStarted(msg: RouterHostMessageOf<'comparisonStarted'>): void {
    if (this.comparisons.has(msg.comparisonId)) return;
    const view = new ComparisonView(this.host, msg);
    this.comparisons.set(msg.comparisonId, view);
    this.comparisonList.prepend(view.element);
    this.comparisonEmpty.hidden = true;
    // Keep the newest few: old, voted comparisons live on in the leaderboard.
    while (this.comparisons.size > MAX_COMPARISONS) {
      const [oldestId, oldest] = this.comparisons.entries().next().value as [string, ComparisonView];
      oldest.element.remove();
      this.comparisons.delete(oldestId);
    }
  }

  comparisonDelta(msg: RouterHostMessageOf<'comparisonDelta'>): void {
    this.comparisons.get(msg.comparisonId)?.delta(msg.side, msg.text);
  }

  comparisonSideDone(msg: RouterHostMessageOf<'comparisonSideDone'>): void {
    this.comparisons.get(msg.comparisonId)?.sideDone(msg);
  }

  comparisonRevealed(msg: RouterHostMessageOf<'comparisonRevealed'>): void {
    this.comparisons.get(msg.comparisonId)?.revealed(msg);
  }

  private renderBoards(): void {
    if (this.leaderboards.length === 0) {
      clear(
        this.boards,
        h('p', { class: 'muted' }, 'No votes yet: each blind comparison you vote on adds to the leaderboard for its task.'),
      );
      return;
    }
    const acceptanceByModel = new Map(this.acceptanceStats.byModel.map((r) => [r.model, r]));
    clear(this.boards, ...this.leaderboards.map((board) => this.board(board, acceptanceByModel)));
  }

  private board(board: Leaderboard, acceptanceByModel: Map<string | undefined, AcceptanceRow>): HTMLElement {
    const low = Math.min(...board.rows.map((r) => r.ciLow));
    const high = Math.max(...board.rows.map((r) => r.ciHigh));
    const span = Math.max(1, high - low);
    const rows = board.rows.map((r, i) => {
      const whisker = h('span', { class: 'ci-range' });
      whisker.style.left = `${(((r.ciLow - low) / span) * 100).toFixed(1)}%`;
      whisker.style.width = `${Math.max(0.5, ((r.ciHigh - r.ciLow) / span) * 100).toFixed(1)}%`;
      const point = h('span', { class: 'ci-point' });
      point.style.left = `${(((r.score - low) / span) * 100).toFixed(1)}%`;
      return h(
        'tr',
        {},
        h('td', { class: 'num' }, String(i + 1)),
        h('th', { scope: 'row' }, r.model),
        h('td', { class: 'num' }, String(Math.round(r.score))),
        h(
          'td',
          { class: 'ci' },
          h('span', { class: 'ci-text' }, `${Math.round(r.ciLow)}–${Math.round(r.ciHigh)}`),
          h('span', { class: 'ci-plot', 'aria-hidden': 'true' }, whisker, point),
        ),
        h(
          'td',
          { class: 'num', title: `${r.wins} wins, ${r.losses} losses, ${r.ties} ties` },
          `${r.games} (${r.wins}–${r.losses}–${r.ties})`,
        ),
        h('td', { class: 'num' }, rateText(acceptanceByModel.get(r.model))),
      );
    });
    return h(
      'div',
      { class: 'board', 'data-task': board.task },
      h(
        'h4',
        {},
        board.task,
        h(
          'span',
          { class: 'muted' },
          ` · ${formatCount(board.votesUsed)} votes${board.votesExcluded ? `, ${formatCount(board.votesExcluded)} excluded` : ''}`,
        ),
      ),
      h(
        'table',
        { class: 'plain leaderboard', 'aria-label': `${board.task} leaderboard` },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['#', 'Model', 'Score', '95% CI', 'Votes (W–L–T)', 'Completion acceptance'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  private renderAcceptance(): void {
    const stats = this.acceptanceStats;
    if (stats.byModel.length === 0) {
      clear(this.acceptance, h('p', { class: 'muted' }, 'No inline completions shown yet.'));
      return;
    }
    const table = (label: string, key: 'model' | 'language', rows: AcceptanceRow[]) =>
      h(
        'table',
        { class: 'plain', 'aria-label': label },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[key === 'model' ? 'Model' : 'Language', 'Shown', 'Accepted', 'Rate', '95% CI'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, r[key] ?? '—'),
              h('td', { class: 'num' }, formatCount(r.shown)),
              h('td', { class: 'num' }, formatCount(r.accepted)),
              h('td', { class: 'num' }, formatPercent(r.rate)),
              h('td', { class: 'num muted' }, ciText(r)),
            ),
          ),
        ),
      );
    clear(
      this.acceptance,
      h(
        'div',
        { class: 'two-col' },
        table('Acceptance by model', 'model', stats.byModel),
        table('Acceptance by language', 'language', stats.byLanguage),
      ),
    );
  }
}
