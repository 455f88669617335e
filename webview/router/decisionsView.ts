// The decision log: filter selects, a paged table (the host filters and pages, so the DOM holds one
// page), rows that expand to every candidate and why it was kept or dropped, live inserts, export.
import type { DecisionFilter, FilterOptions } from '../../src/core/panel/decisionIndex';
import type { DecisionRowView } from '../../src/core/panel/rowView';
import type { RouterHostMessageOf, RouterPanelSnapshot, RouterWebviewMessage } from '../../src/shared/routerProtocol';
import type { Child } from '../common/dom';
import { button, clear, fillSelect, h, labelledSelect } from '../common/dom';
import { durationOrMissing, tokensOrMissing, usdOrMissing } from '../common/format';
import { formatCount, formatFullTime, formatWhen, plural } from './format';

export interface ViewHost {
  post(message: RouterWebviewMessage): void;
  nextId(): string;
  announce(text: string): void;
}

type FilterField = 'task' | 'model' | 'tier' | 'outcome' | 'workspace';
const FIELDS: readonly { field: FilterField; label: string }[] = [
  { field: 'task', label: 'Task' },
  { field: 'model', label: 'Model' },
  { field: 'tier', label: 'Tier' },
  { field: 'outcome', label: 'Outcome' },
  { field: 'workspace', label: 'Workspace' },
];
const ALL = '';
/** Row height in px the first chunk is sized by (a little under the real one, so the chunk covers the view). */
const ROW_PX = 24;
const COLUMNS = ['', 'Time', 'Task', 'Model', 'Why', 'Fallbacks', 'Tokens in → out', 'Cost', 'First token / total', 'Outcome'];

/** Select values are JSON so `null` (no workspace) and any string round-trip. */
function encode(value: string | null | undefined): string {
  return value === undefined ? ALL : JSON.stringify(value);
}

function decode(value: string): string | null | undefined {
  return value === ALL ? undefined : (JSON.parse(value) as string | null);
}

function workspaceLabel(ws: string | null): string {
  if (ws === null) return '(no workspace)';
  const parts = ws.split(/[\\/]/).filter(Boolean);
  return parts.length > 0 ? parts[parts.length - 1] : ws;
}

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

function fillRow(row: DecisionRowView, index: number, isOpen: boolean): HTMLTableRowElement {
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

export class DecisionsView {
  readonly element: HTMLElement;
  private filter: DecisionFilter = {};
  private rows: DecisionRowView[] = [];
  private offset = 0;
  private total = 0;
  private limit = 100;
  /** Decisions added above the page while the user looks at an older one: keeps "Older" stable. */
  private newerSinceLoad = 0;
  private pendingPageId: string | undefined;
  private readonly expanded = new Set<string>();
  private readonly selects = new Map<FilterField, HTMLSelectElement>();
  private readonly tbody: HTMLTableSectionElement;
  private readonly table: HTMLTableElement;
  private readonly rangeText: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly newerPill: HTMLButtonElement;
  private readonly pager: { newest: HTMLButtonElement; newer: HTMLButtonElement; older: HTMLButtonElement; oldest: HTMLButtonElement };
  private readonly clearButton: HTMLButtonElement;
  private readonly scroller: HTMLElement;
  /** Rows of the current page not yet in the DOM (they follow one frame after the visible ones). */
  private pendingFrom = -1;
  /** The scroller's height, kept by a ResizeObserver so rendering never forces a layout to read it. */
  private viewportPx = 0;
  /** Kept by a scroll listener, so resetting the scroll never has to read it (a read forces layout). */
  private scrolled = false;
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ViewHost) {
    const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Filter decisions' });
    for (const { field, label } of FIELDS) {
      const { wrapper, select } = labelledSelect(`filter-${field}`, label, [[ALL, 'All']], ALL);
      select.dataset.field = field;
      select.addEventListener('change', () => this.filterChanged());
      this.selects.set(field, select);
      filters.append(wrapper);
    }
    this.clearButton = button('Clear filters', { class: 'link-button', 'aria-label': 'Clear all filters' });
    this.clearButton.addEventListener('click', () => this.clearFilters());
    filters.append(this.clearButton);

    const exportCsv = button('Export CSV', { class: 'secondary', title: 'Save the filtered decisions as CSV' });
    exportCsv.addEventListener('click', () => this.exportAs('csv'));
    const exportJson = button('Export JSON', { class: 'secondary', title: 'Save the filtered decisions as JSON' });
    exportJson.addEventListener('click', () => this.exportAs('json'));

    this.rangeText = h('span', { class: 'range', 'aria-live': 'polite' });
    this.newerPill = button('', { class: 'pill', hidden: true });
    this.newerPill.addEventListener('click', () => this.goTo(0));

    const mk = (text: string, label: string, to: () => number) => {
      const b = button(text, { class: 'secondary pager-button', 'aria-label': label });
      b.addEventListener('click', () => this.goTo(to()));
      return b;
    };
    this.pager = {
      newest: mk('« Newest', 'Newest decisions', () => 0),
      newer: mk('‹ Newer', 'Newer page', () => Math.max(0, this.offset + this.newerSinceLoad - this.limit)),
      older: mk('Older ›', 'Older page', () => this.offset + this.newerSinceLoad + this.limit),
      oldest: mk('Oldest »', 'Oldest decisions', () => Math.max(0, Math.floor((this.total - 1) / this.limit) * this.limit)),
    };

    this.tbody = h('tbody');
    this.tbody.addEventListener('click', (e) => this.onTableClick(e));
    this.tbody.addEventListener('keydown', (e) => this.onTableKey(e));
    this.table = h(
      'table',
      { class: 'decisions', 'aria-label': 'Routing decisions, newest first', 'aria-describedby': 'decisions-range' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...COLUMNS.map((c, i) => h('th', { scope: 'col', class: `col-${i}` }, i === 0 ? h('span', { class: 'sr-only' }, 'Details') : c)),
        ),
      ),
      this.tbody,
    );
    this.rangeText.id = 'decisions-range';
    this.emptyState = h('div', { class: 'empty', hidden: true });
    this.scroller = h('div', { class: 'table-scroll', tabindex: '-1' }, this.table, this.emptyState);
    new ResizeObserver((entries) => {
      this.viewportPx = entries[entries.length - 1].contentRect.height;
    }).observe(this.scroller);
    this.scroller.addEventListener('scroll', () => (this.scrolled = this.scroller.scrollTop > 0), { passive: true });

    this.element = h(
      'section',
      { class: 'decisions-view', 'aria-label': 'Decision log' },
      h('div', { class: 'toolbar' }, filters, h('div', { class: 'spacer' }), exportCsv, exportJson),
      this.scroller,
      h(
        'div',
        { class: 'pager', role: 'group', 'aria-label': 'Pages' },
        this.pager.newest,
        this.pager.newer,
        this.rangeText,
        this.newerPill,
        this.pager.older,
        this.pager.oldest,
      ),
    );
  }

  init(state: RouterPanelSnapshot): void {
    this.limit = state.pageLimit;
    this.filter = { ...state.filter };
    this.setOptions(state.options);
    this.showPage(state.page.offset, state.page.total, state.page.rows);
  }

  setOptions(options: FilterOptions): void {
    const current = this.filter;
    const choices: Record<FilterField, [string, string][]> = {
      task: options.tasks.map((o) => [encode(o.value), o.value]),
      model: options.models.map((o) => [encode(o.value), o.value]),
      tier: options.tiers.map((o) => [encode(o.value), o.value]),
      outcome: options.outcomes.map((o) => [encode(o.value), o.value]),
      workspace: options.workspaces.map((o) => [encode(o.value), workspaceLabel(o.value)]),
    };
    for (const { field } of FIELDS) {
      const list = choices[field];
      const selected = encode(current[field]);
      // Keep a filter value the options no longer list, so the select never lies about the filter.
      if (selected !== ALL && !list.some(([v]) => v === selected))
        list.push([selected, field === 'workspace' ? workspaceLabel(current.workspace ?? null) : String(current[field])]);
      const select = this.selects.get(field)!;
      fillSelect(select, [[ALL, 'All'], ...list], selected);
      if (field === 'workspace') {
        for (const opt of Array.from(select.options)) if (opt.value !== ALL) opt.title = String(decode(opt.value) ?? '(no workspace)');
      }
    }
    this.clearButton.hidden = Object.keys(current).length === 0;
  }

  onPage(msg: RouterHostMessageOf<'page'>): void {
    // A reply to a superseded request (the user changed the filter again) is dropped.
    if (msg.replyTo !== undefined && this.pendingPageId !== undefined && msg.replyTo !== this.pendingPageId) return;
    this.pendingPageId = undefined;
    this.filter = { ...msg.filter };
    this.showPage(msg.offset, msg.total, msg.rows);
  }

  onDecisionAdded(msg: RouterHostMessageOf<'decisionAdded'>): void {
    this.flushPendingRows();
    this.total = msg.total;
    if (this.offset === 0 && this.newerSinceLoad === 0 && msg.rank < this.limit) {
      this.rows.splice(msg.rank, 0, msg.row);
      const dropped = this.rows.length > this.limit ? this.rows.pop() : undefined;
      if (dropped) this.removeRowElements(dropped.id);
      const before = this.tbody.querySelector<HTMLTableRowElement>(`tr.row[data-index="${msg.rank}"]`);
      const fragment = document.createDocumentFragment();
      this.appendRow(fragment, msg.row, msg.rank);
      this.tbody.insertBefore(fragment, before);
      this.renumber();
      this.emptyState.hidden = true;
      this.table.hidden = false;
    } else {
      this.newerSinceLoad++;
    }
    this.updatePager();
  }

  onDecisionUpdated(msg: RouterHostMessageOf<'decisionUpdated'>): void {
    this.flushPendingRows();
    const at = this.rows.findIndex((r) => r.id === msg.row.id);
    if (at < 0) return;
    this.rows[at] = msg.row;
    const old = this.tbody.querySelector<HTMLTableRowElement>(`tr.row[data-index="${at}"]`);
    if (!old) return;
    const detail = this.expanded.has(msg.row.id) ? old.nextElementSibling : null;
    const fragment = document.createDocumentFragment();
    this.appendRow(fragment, msg.row, at);
    detail?.remove();
    old.replaceWith(fragment);
  }

  focusFirstRow(): void {
    this.tbody.querySelector<HTMLButtonElement>('button.expand')?.focus();
  }

  private showPage(offset: number, total: number, rows: DecisionRowView[]): void {
    this.offset = offset;
    this.total = total;
    this.rows = rows.slice();
    this.newerSinceLoad = 0;
    this.table.removeAttribute('aria-busy');
    // Rows that fit the view now, the rest of the page next frame: the user sees rows sooner.
    const visible = Math.min(rows.length, Math.ceil((this.viewportPx || 960) / ROW_PX) + 2);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < visible; i++) this.appendRow(fragment, rows[i], i);
    this.tbody.replaceChildren(fragment);
    // After the swap, so the only layout is the new page's.
    if (this.scrolled) {
      this.scroller.scrollTop = 0;
      this.scrolled = false;
    }
    clearTimeout(this.pendingTimer);
    this.pendingFrom = visible < rows.length ? visible : -1;
    // A task after the next frame, so the visible rows are painted before the rest is laid out.
    if (this.pendingFrom >= 0) requestAnimationFrame(() => (this.pendingTimer = setTimeout(() => this.flushPendingRows(), 0)));
    const filtered = Object.keys(this.filter).length > 0;
    this.table.hidden = rows.length === 0;
    this.emptyState.hidden = rows.length > 0;
    if (rows.length === 0) {
      clear(
        this.emptyState,
        h(
          'p',
          {},
          filtered ? 'No decisions match these filters.' : 'No routing decisions yet. They appear here as Switchboard routes requests.',
        ),
        filtered ? this.clearFiltersButton() : null,
      );
    }
    this.clearButton.hidden = !filtered;
    this.updatePager();
  }

  private flushPendingRows(): void {
    if (this.pendingFrom < 0) return;
    clearTimeout(this.pendingTimer);
    const fragment = document.createDocumentFragment();
    for (let i = this.pendingFrom; i < this.rows.length; i++) this.appendRow(fragment, this.rows[i], i);
    this.pendingFrom = -1;
    this.tbody.append(fragment);
  }

  private clearFiltersButton(): HTMLButtonElement {
    const b = button('Clear filters', { class: 'secondary' });
    b.addEventListener('click', () => this.clearFilters());
    return b;
  }

  private updatePager(): void {
    const first = this.rows.length === 0 ? 0 : this.offset + 1;
    const last = this.offset + this.rows.length;
    this.rangeText.textContent =
      this.total === 0 ? 'No decisions' : `${formatCount(first)}–${formatCount(last)} of ${plural(this.total, 'decision')}`;
    const atNewest = this.offset === 0 && this.newerSinceLoad === 0;
    this.pager.newest.disabled = atNewest;
    this.pager.newer.disabled = atNewest;
    const atOldest = this.offset + this.newerSinceLoad + this.rows.length >= this.total;
    this.pager.older.disabled = atOldest;
    this.pager.oldest.disabled = atOldest;
    this.newerPill.hidden = this.newerSinceLoad === 0;
    this.newerPill.textContent = `${plural(this.newerSinceLoad, 'newer decision')} — show`;
  }

  private goTo(offset: number): void {
    const id = this.host.nextId();
    this.pendingPageId = id;
    this.table.setAttribute('aria-busy', 'true');
    this.host.post({ type: 'requestPage', id, offset, limit: this.limit });
  }

  private filterChanged(): void {
    const filter: DecisionFilter = {};
    for (const { field } of FIELDS) {
      const value = decode(this.selects.get(field)!.value);
      if (value === undefined) continue;
      if (field === 'workspace') filter.workspace = value;
      else if (value !== null) (filter as Record<string, string>)[field] = value;
    }
    this.filter = filter;
    const id = this.host.nextId();
    this.pendingPageId = id;
    this.table.setAttribute('aria-busy', 'true');
    this.host.post({ type: 'setFilter', id, filter });
  }

  private clearFilters(): void {
    for (const select of this.selects.values()) select.value = ALL;
    this.filterChanged();
    this.selects.get('task')?.focus();
  }

  private exportAs(format: 'csv' | 'json'): void {
    this.host.announce(`Exporting ${plural(this.total, 'decision')} as ${format.toUpperCase()}…`);
    this.host.post({ type: 'export', id: this.host.nextId(), format });
  }

  private appendRow(parent: DocumentFragment | HTMLElement, row: DecisionRowView, index: number): void {
    const tr = fillRow(row, index, this.expanded.has(row.id));
    parent.appendChild(tr);
    if (this.expanded.has(row.id)) parent.appendChild(this.detailRow(row));
  }

  private detailRow(row: DecisionRowView): HTMLTableRowElement {
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
      [
        'Chosen',
        row.chosen === null ? 'none' : row.chosen === row.model ? row.chosen : `${row.chosen} (answered by ${row.model ?? 'none'})`,
      ],
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
      { colspan: COLUMNS.length },
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

  private removeRowElements(id: string): void {
    const tr = this.tbody.querySelector<HTMLTableRowElement>(`tr.row[data-id="${CSS.escape(id)}"]`);
    if (!tr) return;
    if (tr.nextElementSibling?.classList.contains('detail')) tr.nextElementSibling.remove();
    tr.remove();
  }

  private renumber(): void {
    let i = 0;
    for (const tr of Array.from(this.tbody.querySelectorAll<HTMLTableRowElement>('tr.row'))) tr.dataset.index = String(i++);
  }

  private onTableClick(e: MouseEvent): void {
    const toggle = (e.target as Element).closest('button.expand');
    if (!toggle) return;
    const tr = toggle.closest('tr.row') as HTMLTableRowElement;
    this.toggleRow(tr);
  }

  private toggleRow(tr: HTMLTableRowElement): void {
    const id = tr.dataset.id!;
    const row = this.rows[Number(tr.dataset.index)];
    const toggle = tr.querySelector('button.expand')!;
    if (this.expanded.delete(id)) {
      if (tr.nextElementSibling?.classList.contains('detail')) tr.nextElementSibling.remove();
      tr.classList.remove('open');
      toggle.setAttribute('aria-expanded', 'false');
      toggle.removeAttribute('aria-controls');
    } else if (row) {
      this.expanded.add(id);
      tr.after(this.detailRow(row));
      tr.classList.add('open');
      toggle.setAttribute('aria-expanded', 'true');
      toggle.setAttribute('aria-controls', `detail-${id}`);
    }
  }

  /** Up/Down move between rows, Home/End to the first/last; Enter and Space toggle (native button). */
  private onTableKey(e: KeyboardEvent): void {
    this.flushPendingRows();
    const current = (e.target as Element).closest('button.expand');
    if (!current) return;
    const toggles = Array.from(this.tbody.querySelectorAll<HTMLButtonElement>('button.expand'));
    const at = toggles.indexOf(current as HTMLButtonElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(toggles.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = toggles.length - 1;
    else if (e.key === 'ArrowRight' && current.getAttribute('aria-expanded') === 'false')
      this.toggleRow(current.closest('tr.row') as HTMLTableRowElement);
    else if (e.key === 'ArrowLeft' && current.getAttribute('aria-expanded') === 'true')
      this.toggleRow(current.closest('tr.row') as HTMLTableRowElement);
    else return;
    e.preventDefault();
    if (next >= 0) toggles[next].focus();
  }
}
