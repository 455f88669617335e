// Router panel (browser side): decisions, cost, and the A/B "feel" of models, in three tabs.
// Talks to the extension host only through the messages in src/shared/routerProtocol.ts.
import type { RouterHostMessage, RouterTab, RouterWebviewMessage } from '../src/shared/routerProtocol';
import { CostView } from './router/costView';
import { DecisionsView } from './router/decisionsView';
import type { ViewHost } from './router/decisionsView';
import { button, h } from './common/dom';
import { FeelView } from './router/feelView';

type TabId = RouterTab;
// A Record, so a tab added to RouterTab fails to compile until it is labelled here (importing
// ROUTER_TABS as a value would pull zod into this bundle).
const TAB_LABELS: Record<TabId, string> = { decisions: 'Decisions', cost: 'Cost', feel: 'Feel' };
const TABS: readonly { id: TabId; label: string }[] = (Object.keys(TAB_LABELS) as TabId[]).map((id) => ({ id, label: TAB_LABELS[id] }));

function isTab(value: unknown): value is TabId {
  return TABS.some((t) => t.id === value);
}

/** What survives the panel being hidden and shown again (view state only; the host owns the data). */
interface SavedRouterState {
  version: 1;
  tab: TabId;
}

const vscode = acquireVsCodeApi<SavedRouterState>();

class RouterApp implements ViewHost {
  private requestCounter = 0;
  private tab: TabId;
  private readonly decisions: DecisionsView;
  private readonly cost: CostView;
  private readonly feel: FeelView;
  private readonly tabButtons = new Map<TabId, HTMLButtonElement>();
  private readonly panels = new Map<TabId, HTMLElement>();
  private readonly status: HTMLElement;
  private readonly unseenComparisons: HTMLElement;

  constructor(root: HTMLElement) {
    const saved = vscode.getState();
    this.tab = saved?.version === 1 && isTab(saved.tab) ? saved.tab : 'decisions';
    this.decisions = new DecisionsView(this);
    this.cost = new CostView(this);
    this.feel = new FeelView(this);
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.unseenComparisons = h('span', { class: 'tab-dot', hidden: true, 'aria-label': 'new comparison' });

    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Router panel sections' });
    tablist.addEventListener('keydown', (e) => this.onTabKey(e));
    const views: Record<TabId, HTMLElement> = { decisions: this.decisions.element, cost: this.cost.element, feel: this.feel.element };
    for (const { id, label } of TABS) {
      const tab = button([label, id === 'feel' ? this.unseenComparisons : null], {
        role: 'tab',
        id: `tab-${id}`,
        'aria-controls': `panel-${id}`,
        class: 'tab',
      });
      tab.addEventListener('click', () => this.select(id, false));
      this.tabButtons.set(id, tab);
      tablist.append(tab);
      const panel = h(
        'div',
        { role: 'tabpanel', id: `panel-${id}`, 'aria-labelledby': `tab-${id}`, class: `panel panel-${id}`, tabindex: '-1' },
        views[id],
      );
      this.panels.set(id, panel);
    }
    root.append(
      h('header', { class: 'app-header' }, h('h2', { class: 'title' }, 'Switchboard router'), tablist, this.status),
      ...this.panels.values(),
    );
    this.select(this.tab, false);
    root.setAttribute('aria-busy', 'true');

    window.addEventListener('message', (event: MessageEvent<RouterHostMessage>) => this.onMessage(event.data));
    this.post({ type: 'ready' });
  }

  post(message: RouterWebviewMessage): void {
    vscode.postMessage(message);
  }

  nextId(): string {
    return `r${++this.requestCounter}`;
  }

  announce(text: string): void {
    this.status.textContent = text;
  }

  private select(id: TabId, focus: boolean): void {
    this.tab = id;
    for (const [tabId, tab] of this.tabButtons) {
      const on = tabId === id;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      this.panels.get(tabId)!.hidden = !on;
    }
    this.cost.setVisible(id === 'cost');
    this.feel.setVisible(id === 'feel');
    if (id === 'feel') this.unseenComparisons.hidden = true;
    if (focus) this.tabButtons.get(id)!.focus();
    vscode.setState({ version: 1, tab: id });
  }

  /** Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern, automatic activation). */
  private onTabKey(e: KeyboardEvent): void {
    const at = TABS.findIndex((t) => t.id === this.tab);
    let next: number;
    if (e.key === 'ArrowRight') next = (at + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    else return;
    e.preventDefault();
    this.select(TABS[next].id, true);
  }

  private onMessage(msg: RouterHostMessage): void {
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'init':
        this.decisions.init(msg.state);
        this.cost.show(msg.state.cost);
        this.feel.init(msg.state);
        document.getElementById('root')?.removeAttribute('aria-busy');
        break;
      case 'page':
        this.decisions.onPage(msg);
        break;
      case 'decisionAdded':
        this.decisions.onDecisionAdded(msg);
        break;
      case 'decisionUpdated':
        this.decisions.onDecisionUpdated(msg);
        break;
      case 'filterOptions':
        this.decisions.setOptions(msg.options);
        break;
      case 'cost':
        this.cost.show(msg.summary);
        break;
      case 'acceptance':
        this.feel.showAcceptance(msg.stats);
        break;
      case 'leaderboards':
        this.feel.showLeaderboards(msg.leaderboards);
        break;
      case 'proposals':
        this.feel.showProposals(msg.proposals, msg.autoApply);
        break;
      case 'drift':
        this.feel.showDrift(msg.events);
        break;
      case 'driftComparison':
        this.feel.showDriftComparison(msg.comparison);
        break;
      case 'comparisonStarted':
        this.feel.comparisonStarted(msg);
        if (this.tab !== 'feel') this.unseenComparisons.hidden = false;
        this.announce(`A blind comparison for ${msg.task} started: see the Feel tab.`);
        break;
      case 'comparisonDelta':
        this.feel.comparisonDelta(msg);
        break;
      case 'comparisonSideDone':
        this.feel.comparisonSideDone(msg);
        break;
      case 'comparisonRevealed':
        this.feel.comparisonRevealed(msg);
        break;
      case 'showTab':
        // Focus follows, as when the user picks a tab: the tab the focus was in may just have been hidden.
        if (isTab(msg.tab)) this.select(msg.tab, true);
        break;
      case 'exportDone':
        this.announce(msg.message);
        break;
      case 'proposalApplied':
        this.feel.proposalApplied(msg);
        break;
      case 'error':
        this.announce(msg.message);
        this.status.classList.add('error');
        setTimeout(() => this.status.classList.remove('error'), 4000);
        break;
      default:
        break;
    }
  }
}

const root = document.getElementById('root');
if (root) {
  // The page template marks #root as an application; this panel is tables and forms that screen readers browse.
  root.setAttribute('role', 'main');
  new RouterApp(root);
}
