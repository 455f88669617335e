// The decision log: filter selects, a paged table (the host filters and pages, so the DOM holds one
// page), rows that expand (built in decisionRows.ts), keyboard moves between rows, live inserts, export.
import type { DecisionFilter, DecisionRowView, FilterOptions } from '../../src/shared/routerPanelData';
import type { RouterHostMessageOf, RouterPanelSnapshot, RouterWebviewMessage } from '../../src/shared/routerProtocol';
import { button, clear, fillSelect, h, labelledSelect } from '../common/dom';
import { DECISION_COLUMNS, decisionDetailRow, decisionRow } from './decisionRows';
import { formatCount, plural } from './format';

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
          ...DECISION_COLUMNS.map((c, i) =>
            h('th', { scope: 'col', class: `col-${i}` }, i === 0 ? h('span', { class: 'sr-only' }, 'Details') : c),
          ),
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
    const tr = decisionRow(row, index, this.expanded.has(row.id));
    parent.appendChild(tr);
    if (this.expanded.has(row.id)) parent.appendChild(decisionDetailRow(row));
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
      tr.after(decisionDetailRow(row));
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
