// The router panel's host side: one WebviewPanel (through the webview channel), a lazily built RouterPanelSession
// kept live from the ledger, and the I/O the session leaves to the host (save dialog, settings writes, votes).
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import type { Logger, Ports } from '../../core/ports';
import type { Ledger } from '../../core/cost/ledger';
import type { SettingsSource } from '../settingsSource';
import type { DecisionRecord } from '../../core/router/decision';
import { buildOutcomeUpdate } from '../../core/router/decision';
import type { RouterPanelEnvironment } from '../../panels/router/routerPanelSession';
import { RouterPanelSession } from '../../panels/router/routerPanelSession';
import { pickFrontierReference } from '../../panels/router/costSummary';
import type { SealedOrder } from '../../core/ratings/blinding';
import { revealAfterVote } from '../../core/ratings/blinding';
import type { ExportFormat } from '../../shared/routerPanelData';
import type { ComparisonStarted, ComparisonUpdate } from '../../panels/router/pendingComparisons';
import { PendingComparisons } from '../../panels/router/pendingComparisons';
import type { TaskKind } from '../../core/types';
import type { RouterHostMessage, RouterTab, RouterWebviewMessage, RouterWebviewMessageOf } from '../../shared/routerProtocol';
import { checkRouterWebviewMessage } from '../../shared/routerProtocol';
import { SETTINGS_SECTION } from '../../core/settings/schema';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';
import { VoteStore } from './voteStore';
import { Disposable } from '../lifecycle';
import { WebviewChannel } from '../webviewChannel';

export const ROUTER_VIEW_TYPE = 'switchboard.router';
const SUMMARY_FLUSH_MS = 1_000;

export class RouterPanelHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The open panel's attachment to the channel and its listeners, ended together when it closes. */
  private panelListeners: vscode.Disposable | undefined;
  private readonly channel: WebviewChannel<RouterHostMessage, RouterWebviewMessage>;
  private session: RouterPanelSession | undefined;
  private building: Promise<RouterPanelSession> | undefined;
  /** Decisions that arrived while the ledger was being read; the index skips ones it already has. */
  private arrivedWhileBuilding: DecisionRecord[] = [];
  /** Read from settings on first use, not during activation. */
  private currentEnv: RouterPanelEnvironment | undefined;
  private readonly votes: VoteStore;
  private readonly sealed = new Map<string, SealedOrder>();
  /** Running and unvoted comparisons: they outlive the panel and are replayed into the next one after `init`. */
  private readonly comparisons = new PendingComparisons();
  /** Comparisons run until they finish, whether or not the panel is open; only deactivation aborts them. */
  private readonly deactivation = new AbortController();
  private flushTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly services: {
      context: Pick<vscode.ExtensionContext, 'globalState' | 'extensionUri'>;
      /** Every decision appended, and every outcome change with the updated record. */
      onDidRecord: vscode.Event<DecisionRecord>;
      settings: SettingsSource;
      ports: Pick<Ports, 'clock'>;
      /** Read to build the session; written only by the decision log. */
      ledger: Promise<Ledger | undefined>;
      logger: Logger;
    },
  ) {
    super();
    this.votes = new VoteStore(services.context.globalState);
    this.channel = this._register(
      new WebviewChannel<RouterHostMessage, RouterWebviewMessage>({
        logPrefix: 'router panel',
        source: 'the router panel',
        logger: services.logger,
        check: checkRouterWebviewMessage,
        prepare: () => this.sessionNow(),
        replyToReady: () => this.replyToReady(),
        onMessage: (message) => void this.receive(message),
      }),
    );
    this._register(services.onDidRecord((record) => this.recorded(record)));
    this._register(services.settings.onDidChange(() => this.settingsChanged()));
  }

  private get ready(): boolean {
    return this.channel.isReady;
  }

  /** Opens the panel (or reveals the open one) and starts building the session. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const { extensionUri } = this.services.context;
    const panel = vscode.window.createWebviewPanel(ROUTER_VIEW_TYPE, 'Switchboard Router', vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel = panel;
    // Attached before the HTML loads, so the webview's `ready` cannot be missed.
    const listeners: vscode.Disposable = vscode.Disposable.from(
      this.channel.attach(panel.webview),
      panel.onDidChangeViewState(() => this.syncFlushTimer()),
      panel.onDidDispose(() => {
        listeners.dispose();
        this.stopFlushTimer();
        if (this.panel === panel) this.panel = undefined;
        if (this.panelListeners === listeners) this.panelListeners = undefined;
      }),
    );
    this.panelListeners = listeners;
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'router', 'Switchboard Router');
    void this.sessionNow();
    this.syncFlushTimer();
  }

  /**
   * Registers a comparison (its hidden order, so a later vote can reveal it, and its card) and brings
   * the Feel tab forward. Returns the signal for its model calls: it aborts only when the extension
   * deactivates, never when the panel closes.
   */
  beginComparison(order: SealedOrder, started: ComparisonStarted): AbortSignal {
    this.sealed.set(order.id, order);
    for (const dropped of this.comparisons.start(started, this.ready)) this.sealed.delete(dropped);
    if (this.ready) this.post([started]);
    this.showTab('feel');
    return this.deactivation.signal;
  }

  /**
   * Streams a comparison's progress to the panel if one is ready; kept either way for the next panel to
   * show. A finished side reaches the panel without its cost, tokens and latency: those wait for the vote.
   */
  postComparison(update: ComparisonUpdate): void {
    const blind = this.comparisons.update(update, this.ready);
    if (this.ready) this.post([blind]);
  }

  /** Selects a tab in the open panel; a panel still loading gets it after `init` (the channel holds it until then). */
  showTab(tab: RouterTab): void {
    if (!this.panel) return;
    this.post([{ type: 'showTab', tab }]);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.deactivation.abort();
    this.stopFlushTimer();
    this.panel?.dispose();
    this.panelListeners?.dispose();
    super.dispose();
  }

  private get env(): RouterPanelEnvironment {
    this.currentEnv ??= this.environment();
    return this.currentEnv;
  }

  private set env(env: RouterPanelEnvironment) {
    this.currentEnv = env;
  }

  private environment(): RouterPanelEnvironment {
    const s = this.services.settings.snapshot();
    return {
      now: () => this.services.ports.clock.now(),
      workspace: this.services.settings.workspaceKey(),
      budget: s.budget,
      routes: s.routes,
      autoApply: s.ab.autoApplyRoutes,
      frontier: pickFrontierReference(s),
    };
  }

  private sessionNow(): Promise<RouterPanelSession> {
    if (this.session) return Promise.resolve(this.session);
    this.building ??= this.buildSession();
    return this.building;
  }

  private async buildSession(): Promise<RouterPanelSession> {
    const lines = [];
    try {
      const ledger = await this.services.ledger;
      if (ledger) for await (const line of ledger.records()) lines.push(line);
    } catch (e) {
      this.services.logger.warn(
        `router panel: could not read the decision ledger, showing live decisions only: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const session = RouterPanelSession.fromLedger(lines, this.env);
    session.setVotes(this.votes.all());
    for (const record of this.arrivedWhileBuilding) this.apply(session, record);
    this.arrivedWhileBuilding = [];
    this.session = session;
    return session;
  }

  private recorded(record: DecisionRecord): void {
    if (!this.session) {
      if (this.building) this.arrivedWhileBuilding.push(record);
      return;
    }
    const out = this.apply(this.session, record);
    if (this.ready) this.post(out);
  }

  /** A new decision, or (same id, already indexed) a changed outcome. */
  private apply(session: RouterPanelSession, record: DecisionRecord): RouterHostMessage[] {
    if (session.index.get(record.id) !== undefined) {
      return session.onOutcome(buildOutcomeUpdate(record, record.outcome, this.services.ports.clock.now()));
    }
    return session.onDecision(record);
  }

  private settingsChanged(): void {
    if (!this.session) {
      this.currentEnv = undefined;
      return;
    }
    this.env = this.environment();
    this.session.updateEnvironment(this.env);
    if (this.ready) this.post([{ type: 'cost', summary: this.session.costSummary() }, ...this.session.feelMessages()]);
  }

  private syncFlushTimer(): void {
    if (this.panel?.visible) {
      this.flushTimer ??= setInterval(() => {
        if (this.session && this.ready) this.post(this.session.flushSummaries());
      }, SUMMARY_FLUSH_MS);
    } else {
      this.stopFlushTimer();
    }
  }

  private stopFlushTimer(): void {
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Posts to the ready panel; before its `ready` is answered, the channel holds them and sends them after the reply. */
  private post(messages: readonly RouterHostMessage[]): void {
    for (const m of messages) this.channel.post(m);
  }

  /** The reply to `ready` (the channel waits for the session first): the whole state, the kept comparisons, and a tab. */
  private replyToReady(): RouterHostMessage[] {
    const session = this.session;
    if (!session) throw new Error('the decision session was not built');
    // Comparisons that ran on while no panel was open, or since this one was created.
    const out = [...(session.answer({ type: 'ready' }) ?? []), ...this.comparisons.replay()];
    // A tab asked for while the panel loaded was queued by the channel and follows this one.
    if (this.comparisons.needsAttention()) out.push({ type: 'showTab', tab: 'feel' });
    this.comparisons.markShown();
    return out;
  }

  private async receive(message: RouterWebviewMessage): Promise<void> {
    const panel = this.panel;
    try {
      const session = await this.sessionNow();
      // The panel that sent this closed while the ledger was read: a reopened one sends its own `ready`.
      if (this.panel !== panel) return;
      this.post(session.answer(message) ?? (await this.act(session, message)));
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.services.logger.error(`router panel: ${message.type} failed: ${text}`);
      this.post([{ type: 'error', replyTo: 'id' in message ? message.id : undefined, message: text }]);
    }
  }

  /** The messages the session leaves to the host. */
  private async act(session: RouterPanelSession, message: RouterWebviewMessage): Promise<RouterHostMessage[]> {
    switch (message.type) {
      case 'export':
        return [await this.exportDecisions(session, message.id, message.format)];
      case 'vote':
        return this.vote(session, message);
      case 'applyProposal':
        return this.applyProposal(session, message.id, message.task);
      case 'setAutoApply': {
        await vscode.workspace
          .getConfiguration(SETTINGS_SECTION)
          .update('ab.autoApplyRoutes', message.enabled, vscode.ConfigurationTarget.Global);
        this.env = { ...this.env, autoApply: message.enabled };
        session.updateEnvironment(this.env);
        return session.feelMessages().filter((m) => m.type === 'proposals');
      }
      default:
        return [];
    }
  }

  private async exportDecisions(session: RouterPanelSession, id: string, format: ExportFormat): Promise<RouterHostMessage> {
    const count = session.exportCount();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `switchboard-decisions.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: 'Export Decisions',
    });
    if (!target) return { type: 'exportDone', replyTo: id, ok: false, message: 'Export cancelled.' };
    try {
      if (target.scheme === 'file') {
        await writeChunks(target.fsPath, session.exportChunks(format));
      } else {
        const text = [...session.exportChunks(format)].join('');
        await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      }
    } catch (e) {
      return {
        type: 'exportDone',
        replyTo: id,
        ok: false,
        message: `Could not write ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    return {
      type: 'exportDone',
      replyTo: id,
      ok: true,
      message: `Saved ${count.toLocaleString('en-US')} decision${count === 1 ? '' : 's'} to ${target.fsPath}.`,
    };
  }

  private async vote(session: RouterPanelSession, message: RouterWebviewMessageOf<'vote'>): Promise<RouterHostMessage[]> {
    const order = this.sealed.get(message.comparisonId);
    if (!order)
      return [
        {
          type: 'error',
          replyTo: message.id,
          message: 'That comparison has ended (the window was reloaded since it ran), so the vote was not recorded.',
        },
      ];
    const workspace = this.env.workspace ?? undefined;
    const revealed = revealAfterVote(order, {
      choice: message.choice,
      tags: message.tags,
      time: this.services.ports.clock.now(),
      workspace,
    });
    const figures = this.comparisons.figures(message.comparisonId) ?? { a: null, b: null };
    this.sealed.delete(message.comparisonId);
    this.comparisons.end(message.comparisonId);
    session.setVotes(await this.votes.add(revealed.vote));
    if (this.env.autoApply) await this.autoApplyProposal(session, order.task);
    return [
      {
        type: 'comparisonRevealed',
        replyTo: message.id,
        comparisonId: message.comparisonId,
        choice: message.choice,
        modelA: revealed.modelA,
        modelB: revealed.modelB,
        winner: revealed.winner ?? null,
        figures,
      },
      ...session.feelMessages(),
    ];
  }

  private async applyProposal(session: RouterPanelSession, id: string, task: TaskKind): Promise<RouterHostMessage[]> {
    const proposals = session.feelMessages().find((m) => m.type === 'proposals');
    const proposal = proposals?.type === 'proposals' ? proposals.proposals.find((p) => p.task === task) : undefined;
    if (proposal?.kind !== 'propose')
      return [{ type: 'proposalApplied', replyTo: id, task, ok: false, message: `There is no ${task} route change to apply.` }];
    if (!vscode.workspace.workspaceFolders?.length && !vscode.workspace.workspaceFile) {
      return [
        {
          type: 'proposalApplied',
          replyTo: id,
          task,
          ok: false,
          message: 'Open a folder first: route changes are saved in the workspace settings.',
        },
      ];
    }
    await this.writeRoute(session, task, proposal.proposedRoute);
    return [
      {
        type: 'proposalApplied',
        replyTo: id,
        task,
        ok: true,
        message: `switchboard.routes.${task} is now ${proposal.proposedRoute.join(', ')} in this workspace.`,
      },
      ...session.feelMessages().filter((m) => m.type === 'proposals'),
    ];
  }

  /** With auto-apply on, a vote that makes a model confidently better rewrites that task's route at once. */
  private async autoApplyProposal(session: RouterPanelSession, task: TaskKind): Promise<void> {
    const proposals = session.feelMessages().find((m) => m.type === 'proposals');
    const proposal = proposals?.type === 'proposals' ? proposals.proposals.find((p) => p.task === task) : undefined;
    if (proposal?.kind !== 'propose' || (!vscode.workspace.workspaceFolders?.length && !vscode.workspace.workspaceFile)) return;
    await this.writeRoute(session, task, proposal.proposedRoute);
    void vscode.window.showInformationMessage(
      `Switchboard: your votes made switchboard.routes.${task} ${proposal.proposedRoute.join(', ')} in this workspace (auto-apply is on).`,
    );
  }

  /** Writes one task's route into the workspace settings, keeping the other tasks' routes set there. */
  private async writeRoute(session: RouterPanelSession, task: TaskKind, route: string[]): Promise<void> {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const existing = config.inspect<Record<string, string[]>>('routes')?.workspaceValue ?? {};
    await config.update('routes', { ...existing, [task]: route }, vscode.ConfigurationTarget.Workspace);
    this.env = { ...this.env, routes: { ...this.env.routes, [task]: route } };
    session.updateEnvironment(this.env);
  }
}

/** Streams chunks to a file, waiting on back-pressure so a 100k-row export never sits whole in memory. */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  for (const chunk of chunks) {
    if (!out.write(chunk)) await Promise.race([new Promise<void>((resolve) => out.once('drain', resolve)), failed]);
  }
  await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
}
