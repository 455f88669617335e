// Spend per day as stacked bars in plain SVG. Colours come from CSS classes mapped to the theme's
// --vscode-charts-* variables, so the chart follows light, dark and high-contrast themes.
import type { CostSeries, CostSummary } from '../../src/shared/routerPanelData';
import { svg } from '../common/dom';
import { formatUsd } from '../../src/core/format';
import { formatDayKey } from './format';

export const CHART_HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 60 };
const LABEL_WIDTH = 48;
const MODEL_COLOURS = 7;

/** The CSS class that colours a series (tiers keep their colour whichever split is shown). */
export function seriesClass(series: CostSeries, index: number, split: CostSummary['split']): string {
  if (series.folded > 0) return 'series-other';
  if (split === 'tier') return `series-tier-${series.key}`;
  return `series-${index % MODEL_COLOURS}`;
}

/** A round axis maximum at or above `max`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(max)));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max * (1 - 1e-9)) return step * power;
  return 10 * power;
}

export function chartLabel(summary: CostSummary): string {
  const total = summary.series.reduce((s, x) => s + x.totalUsd, 0);
  let peakDay = -1;
  let peak = 0;
  summary.days.forEach((_, d) => {
    const sum = summary.series.reduce((s, x) => s + x.perDayUsd[d], 0);
    if (sum > peak) {
      peak = sum;
      peakDay = d;
    }
  });
  const split = summary.split === 'tier' ? 'tier' : 'model';
  const peakText = peakDay < 0 ? 'no spend' : `highest on ${formatDayKey(summary.days[peakDay])} at ${formatUsd(peak)}`;
  return `Spend per day over the last ${summary.days.length} days by ${split}: ${formatUsd(total)} in total, ${peakText}.`;
}

export function renderCostChart(summary: CostSummary, width: number): SVGSVGElement {
  const w = Math.max(240, Math.floor(width));
  const h = CHART_HEIGHT;
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = h - MARGIN.top - MARGIN.bottom;
  const n = summary.days.length;
  const top = niceCeiling(summary.maxDayUsd);
  const y = (usd: number) => MARGIN.top + plotH - (usd / top) * plotH;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(1, Math.min(32, slot * 0.72));

  const root = svg('svg', {
    class: 'cost-chart',
    width: w,
    height: h,
    viewBox: `0 0 ${w} ${h}`,
    role: 'img',
    'aria-label': chartLabel(summary),
  });
  const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const value = (top * i) / ticks;
    const ty = Math.round(y(value)) + 0.5;
    grid.append(svg('line', { x1: MARGIN.left, x2: w - MARGIN.right, y1: ty, y2: ty, class: i === 0 ? 'axis' : 'gridline' }));
    grid.append(
      svg(
        'text',
        { x: MARGIN.left - 6, y: ty, class: 'tick y-tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        formatUsd(value),
      ),
    );
  }
  const every = Math.max(1, Math.ceil(LABEL_WIDTH / slot));
  for (let d = 0; d < n; d++) {
    // Label from today backwards, so today always has one.
    if ((n - 1 - d) % every !== 0) continue;
    grid.append(
      svg(
        'text',
        { x: MARGIN.left + slot * d + slot / 2, y: h - MARGIN.bottom + 16, class: 'tick x-tick', 'text-anchor': 'middle' },
        formatDayKey(summary.days[d]),
      ),
    );
  }
  root.append(grid);

  const bars = svg('g', { class: 'bars' });
  summary.series.forEach((series, index) => {
    const group = svg('g', { class: `series ${seriesClass(series, index, summary.split)}`, 'data-series': series.key });
    for (let d = 0; d < n; d++) {
      const usd = series.perDayUsd[d];
      if (!(usd > 0)) continue;
      let below = 0;
      for (let k = 0; k < index; k++) below += summary.series[k].perDayUsd[d];
      const y1 = y(below);
      const y2 = y(below + usd);
      const rect = svg('rect', {
        class: 'bar',
        x: (MARGIN.left + slot * d + (slot - barW) / 2).toFixed(2),
        y: y2.toFixed(2),
        width: barW.toFixed(2),
        height: Math.max(0.5, y1 - y2).toFixed(2),
      });
      rect.append(
        svg(
          'title',
          {},
          `${formatDayKey(summary.days[d])} · ${series.folded > 0 ? `${series.folded} other models` : series.key}: ${formatUsd(usd)}`,
        ),
      );
      group.append(rect);
    }
    bars.append(group);
  });
  root.append(bars);
  return root;
}
