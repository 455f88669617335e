// A decision as table rows: the one-line summary row (cloned from a template) and the expanded detail row.
import type { DecisionRowView } from '../../src/shared/routerPanelData';
import type { Child } from '../common/dom';
import { button, h } from '../common/dom';
import { durationOrMissing, tokensOrMissing, usdOrMissing } from '../common/format';
import { formatCount, formatFullTime, formatWhen, plural } from './format';

/** The table's column headings, in order; the first column holds each row's expand button. */
export const DECISION_COLUMNS = [
  '',
  'Time',
  'Task',
  'Model',
  'Why',
  'Fallbacks',
  'Tokens in → out',
  'Cost',
  'First token / total',
  'Outcome',
];

function badge(text: string, kind: string, title?: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}`, title }, text);
}

let rowTemplate: HTMLTableRowElement | undefined;

/** One row's structure, built once; every row is a deep clone with its text filled in (several times faster than building it). */
function template(): HTMLTableRowElement {
  rowTemplate ??= h(
    'tr',
    { class: 'row' },
    h(
      'td',
      { class: 'col-0' },
      button(h('span', { class: 'chevron', 'aria-hidden': 'true' }), { class: 'expand', 'aria-expanded': 'false' }),
    ),
    h('td', { class: 'col-1 time' }),
    h('td', { class: 'col-2' }, document.createTextNode(''), h('span', { class: 'muted' })),
    h('td', { class: 'col-3' }, h('div', { class: 'model-cell' }, h('span', { class: 'model-name' }), h('span', { class: 'badge' }))),
    h('td', { class: 'col-4 why' }, h('span', { class: 'badge badge-dropped' }), document.createTextNode(' '), document.createTextNode('')),
    h('td', { class: 'col-5' }),
    h('td', { class: 'col-6 num' }),
    h('td', { class: 'col-7 num' }),
    h('td', { class: 'col-8 num' }),
    h('td', { class: 'col-9' }, h('span', { class: 'badge' })),
  );
  return rowTemplate;
}

/** The summary row of a decision; `isOpen` when its detail row follows it. */
export function decisionRow(row: DecisionRowView, index: number, isOpen: boolean): HTMLTableRowElement {
  const tr = template().cloneNode(true) as HTMLTableRowElement;
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9] = Array.from(tr.children) as HTMLTableCellElement[];
  if (isOpen) tr.classList.add('open');
  tr.dataset.id = row.id;
  tr.dataset.index = String(index);
  const when = formatFullTime(row.time);
  const toggle = c0.firstElementChild as HTMLButtonElement;
  toggle.setAttribute('aria-label', `Details of the ${row.task} decision at ${when}`);
  if (isOpen) {
    toggle.setAttribute('aria-expanded', 'true');
    toggle.setAttribute('aria-controls', `detail-${row.id}`);
  }
  c1.textContent = formatWhen(row.time);
  c1.title = when;
  (c2.firstChild as Text).data = row.task;
  const language = c2.lastElementChild as HTMLElement;
  if (row.language) language.textContent = ` · ${row.language}`;
  else language.remove();
  const modelName = c3.firstElementChild!.firstElementChild as HTMLElement;
  const tier = c3.firstElementChild!.lastElementChild as HTMLElement;
  modelName.textContent = row.model ?? 'none';
  if (row.model) modelName.title = row.model;
  if (row.tier) {
    tier.textContent = row.tier;
    tier.className = `badge badge-tier-${row.tier}`;
  } else tier.remove();
  const dropped = c4.firstElementChild as HTMLElement;
  if (row.dropped > 0) dropped.textContent = `${row.dropped} dropped`;
  else dropped.remove();
  (c4.lastChild as Text).data = row.explanation;
  c4.title = row.explanation;
  if (row.hops.length === 0) {
    c5.textContent = '—';
    c5.classList.add('muted');
  } else {
    c5.textContent = row.hops.length === 1 ? row.hops[0].text : plural(row.hops.length, 'hop');
    c5.classList.add('hop');
    c5.title = row.hops.map((x) => x.text).join('\n');
  }
  c6.textContent =
    row.inputTokens === null && row.outputTokens === null
      ? '—'
      : `${tokensOrMissing(row.inputTokens)} → ${tokensOrMissing(row.outputTokens)}`;
  if (row.inputTokens !== null)
    c6.title = `input ${row.inputTokens}, output ${row.outputTokens}, cache read ${row.cacheReadTokens}, cache write ${row.cacheWriteTokens}`;
  if (row.local && row.costUsd === 0) {
    c7.textContent = '$0';
    c7.classList.add('muted');
    c7.title = 'Local model: free';
  } else c7.textContent = usdOrMissing(row.costUsd);
  c8.textContent = `${durationOrMissing(row.ttftMs)} / ${durationOrMissing(row.totalMs)}`;
  const outcome = c9.firstElementChild as HTMLElement;
  // A completion stays pending until accepted: to the user it was shown and not (yet) taken.
  const shownOnly = row.task === 'completion' && row.outcome === 'pending';
  outcome.textContent = shownOnly ? 'shown' : row.outcome;
  if (shownOnly) outcome.title = 'Shown as ghost text, not accepted';
  outcome.className = `badge badge-outcome-${row.outcome}`;
  return tr;
}

/** The expanded row under a decision: every candidate and why it was kept or dropped, and the facts of the request. */
export function decisionDetailRow(row: DecisionRowView): HTMLTableRowElement {
  const candidates = h(
    'ol',
    { class: 'candidates', 'aria-label': 'Candidates in route order' },
    ...row.candidates.map((c) =>
      h(
        'li',
        { class: c.kept ? 'kept' : 'dropped' },
        h('span', { class: 'verdict' }, c.kept ? (c.id === row.chosen ? 'chosen' : 'kept') : 'dropped'),
        ' ',
        h('span', { class: 'candidate-id' }, c.id),
        badge(c.tier, `tier-${c.tier}`),
        c.source !== 'route' ? badge(c.source, 'source') : null,
        c.reason ? h('span', { class: 'reason' }, c.reason) : null,
      ),
    ),
  );
  const facts: [string, Child][] = [
    ['Chosen', row.chosen === null ? 'none' : row.chosen === row.model ? row.chosen : `${row.chosen} (answered by ${row.model ?? 'none'})`],
    ['Why', row.explanation || '—'],
    [
      'Usage',
      row.inputTokens === null
        ? 'not reported'
        : `${formatCount(row.inputTokens)} in, ${formatCount(row.outputTokens ?? 0)} out, ${formatCount(row.cacheReadTokens ?? 0)} cache read, ${formatCount(row.cacheWriteTokens ?? 0)} cache write`,
    ],
    ['Cost', `${usdOrMissing(row.costUsd)}${row.estimatedCostUsd !== null ? ` (estimated ${usdOrMissing(row.estimatedCostUsd)})` : ''}`],
    ['Latency', `first token ${durationOrMissing(row.ttftMs)}, total ${durationOrMissing(row.totalMs)}`],
  ];
  if (row.difficulty)
    facts.push([
      'Difficulty',
      `${row.difficulty.score.toFixed(2)}${row.difficulty.escalated ? ' (escalated)' : ''}${row.difficulty.reasons.length ? `: ${row.difficulty.reasons.join('; ')}` : ''}`,
    ]);
  if (row.servedModel || row.modelVersion)
    facts.push([
      'Served as',
      [row.servedModel, row.modelVersion && row.modelVersion !== row.servedModel ? row.modelVersion : null].filter(Boolean).join(' · '),
    ]);
  facts.push(['Workspace', row.workspace ?? '(no workspace)']);
  facts.push(['Decision id', h('code', {}, row.id)]);
  const dl = h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const cell = h(
    'td',
    { colspan: DECISION_COLUMNS.length },
    h(
      'div',
      { class: 'detail-grid' },
      h('div', {}, h('h4', {}, `Candidates (${row.candidates.length - row.dropped} kept, ${row.dropped} dropped)`), candidates),
      h('div', {}, dl),
    ),
    row.hops.length > 0
      ? h('div', {}, h('h4', {}, 'Fallbacks'), h('ol', { class: 'hops' }, ...row.hops.map((x) => h('li', {}, x.text))))
      : null,
    row.error ? h('p', { class: 'error-text', role: 'note' }, row.error) : null,
  );
  return h('tr', { class: 'detail', id: `detail-${row.id}` }, cell);
}
