// The Cost tab: totals, budget bars, the saving routing bought, and spend per day by tier or model.
import type { CostSplit, CostSummary } from '../../src/shared/routerPanelData';
import type { ViewHost } from './decisionsView';
import { chartLabel, renderCostChart, seriesClass } from './costChart';
import { clear, h } from '../common/dom';
import { formatDuration, formatUsd } from '../../src/core/format';
import { formatDayKey, formatPercent, plural } from './format';

const NEAR_LIMIT = 0.8;

function card(label: string, value: string, detail: string, extraClass = ''): HTMLElement {
  return h(
    'div',
    { class: `card ${extraClass}`.trim(), role: 'group', 'aria-label': label },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    h('div', { class: 'card-detail' }, detail),
  );
}

export class CostView {
  readonly element: HTMLElement;
  private summary: CostSummary | undefined;
  private readonly cards: HTMLElement;
  private readonly budgets: HTMLElement;
  private readonly chart: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly dataTable: HTMLElement;
  private readonly radios = new Map<CostSplit, HTMLInputElement>();
  private lastWidth = 0;
  private visible = false;
  /** A summary arrived while the tab was hidden: draw it when shown. */
  private stale = false;

  constructor(private readonly host: ViewHost) {
    this.cards = h('div', { class: 'cards' });
    this.budgets = h('div', { class: 'budgets' });
    this.chart = h('div', { class: 'chart' });
    this.legend = h('ul', { class: 'legend', 'aria-label': 'Legend' });
    this.notes = h('div', { class: 'notes' });
    this.dataTable = h('div', { class: 'data-table' });
    const split = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Split spend by' });
    for (const [value, label] of [
      ['tier', 'By tier'],
      ['model', 'By model'],
    ] as const) {
      const input = h('input', { type: 'radio', name: 'cost-split', id: `split-${value}`, value });
      input.addEventListener('change', () => {
        if (input.checked) this.host.post({ type: 'setCostSplit', id: this.host.nextId(), split: value });
      });
      this.radios.set(value, input);
      split.append(input, h('label', { for: `split-${value}` }, label));
    }
    this.element = h(
      'section',
      { class: 'cost-view', 'aria-label': 'Cost' },
      this.cards,
      h('h3', {}, 'Budgets'),
      this.budgets,
      h('div', { class: 'chart-header' }, h('h3', { id: 'chart-title' }, 'Spend per day'), split),
      this.chart,
      this.legend,
      this.notes,
      h('details', { class: 'chart-data' }, h('summary', {}, 'Show the chart’s numbers as a table'), this.dataTable),
    );
    // Redraw at the real width so text is never stretched.
    new ResizeObserver(() => {
      const width = this.chart.clientWidth;
      if (this.summary && this.visible && width > 0 && Math.abs(width - this.lastWidth) > 4) this.drawChart();
    }).observe(this.chart);
  }

  show(summary: CostSummary): void {
    this.summary = summary;
    if (!this.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.render(summary);
  }

  /** The tab was shown or hidden; hidden tabs are not drawn (nobody sees them, and init stays fast). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale && this.summary) this.show(this.summary);
  }

  private render(summary: CostSummary): void {
    this.radios.get(summary.split)!.checked = true;
    const t = summary.totals;
    const cf = summary.counterfactual;
    const savedCard =
      cf === null
        ? card('Saved by routing', '—', 'No priced frontier model to compare with')
        : card(
            'Saved by routing',
            formatUsd(cf.savedUsd),
            cf.frontierUsd > 0
              ? `${formatPercent(cf.savedUsd / cf.frontierUsd)} less than all on ${cf.referenceModel} (${formatUsd(cf.frontierUsd)}), last ${summary.days.length} days`
              : `vs ${cf.referenceModel}, last ${summary.days.length} days`,
            cf.savedUsd >= 0 ? 'good' : 'warn',
          );
    clear(
      this.cards,
      card('Today', formatUsd(t.todayUsd), plural(t.requestsToday, 'request')),
      card('This month', formatUsd(t.monthUsd), `${formatUsd(t.allTimeUsd)} all time`),
      card(
        'This workspace',
        formatUsd(t.workspaceMonthUsd),
        summary.workspace === null ? 'no workspace open' : `this month · ${formatUsd(t.workspaceAllTimeUsd)} all time`,
      ),
      savedCard,
    );
    this.showBudgets(summary);
    this.drawChart();
    clear(
      this.legend,
      ...summary.series.map((s, i) =>
        h(
          'li',
          {},
          h('span', { class: `swatch ${seriesClass(s, i, summary.split)}`, 'aria-hidden': 'true' }),
          `${s.folded > 0 ? `other (${s.folded} models)` : s.key} `,
          h('span', { class: 'muted' }, formatUsd(s.totalUsd)),
        ),
      ),
    );
    const notes: HTMLElement[] = [];
    if (t.localRequests > 0)
      notes.push(
        h(
          'p',
          {},
          `Local models answered ${plural(t.localRequests, 'request')} in the last ${summary.days.length} days for $0, using ${formatDuration(t.localMs)} of model time.`,
        ),
      );
    if (t.unpricedRequests > 0)
      notes.push(
        h(
          'p',
          { class: 'warn-text' },
          `${plural(t.unpricedRequests, 'request')} used a model with no known price and count as $0 — add "price" to it in switchboard.models.`,
        ),
      );
    clear(this.notes, ...notes);
    this.renderDataTable(summary);
  }

  private showBudgets(summary: CostSummary): void {
    if (summary.budgets.length === 0) {
      clear(
        this.budgets,
        h('p', { class: 'muted' }, 'No daily or monthly budget is set (switchboard.budget.perDayUsd, switchboard.budget.perMonthUsd).'),
      );
      return;
    }
    clear(
      this.budgets,
      ...summary.budgets.map((b) => {
        const label = `${b.period === 'day' ? 'Today' : 'This month'}${b.scope === 'workspace' ? ' in this workspace' : ''}`;
        const fill = h('div', { class: 'meter-fill' });
        fill.style.width = `${Math.min(100, b.fraction * 100).toFixed(1)}%`;
        const state = b.fraction >= 1 ? 'over' : b.fraction >= NEAR_LIMIT ? 'near' : 'ok';
        const text = `${formatUsd(b.spentUsd)} of ${formatUsd(b.capUsd)} (${formatPercent(b.fraction)})`;
        return h(
          'div',
          { class: `budget budget-${state}` },
          h('div', { class: 'budget-label' }, h('span', {}, label), h('span', { class: 'budget-text' }, text)),
          h(
            'div',
            {
              class: 'meter',
              role: 'meter',
              'aria-label': `${label} budget`,
              'aria-valuemin': 0,
              'aria-valuemax': b.capUsd,
              'aria-valuenow': Math.min(b.spentUsd, b.capUsd),
              'aria-valuetext': text,
            },
            fill,
          ),
        );
      }),
    );
  }

  private drawChart(): void {
    const summary = this.summary;
    if (!summary) return;
    this.lastWidth = this.chart.clientWidth;
    const chart = renderCostChart(summary, this.lastWidth || 640);
    const empty =
      summary.maxDayUsd === 0 ? h('p', { class: 'chart-empty muted' }, `No spend in the last ${summary.days.length} days.`) : null;
    clear(this.chart, chart, empty);
  }

  private renderDataTable(summary: CostSummary): void {
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Day'),
      ...summary.series.map((s) => h('th', { scope: 'col' }, s.folded > 0 ? 'other' : s.key)),
      h('th', { scope: 'col' }, 'Total'),
    );
    const rows = summary.days.map((day, d) => {
      const total = summary.series.reduce((sum, s) => sum + s.perDayUsd[d], 0);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, formatDayKey(day)),
        ...summary.series.map((s) => h('td', { class: 'num' }, formatUsd(s.perDayUsd[d]))),
        h('td', { class: 'num' }, formatUsd(total)),
      );
    });
    clear(
      this.dataTable,
      h('table', { class: 'plain', 'aria-label': chartLabel(summary) }, h('thead', {}, head), h('tbody', {}, ...rows.reverse())),
    );
  }
}
