// Ghost text from the local model: VS Code's inline-completion provider on top of the core pipeline.
import * as vscode from 'vscode';
import type { Logger, Ports } from '../core/ports';
import type { SettingsSnapshot } from '../core/settings/schema';
import { completionEnabledFor } from '../core/settings/schema';
import type { DecisionRecord } from '../core/router/decision';
import type { DecisionLog } from '../core/decisionLog';
import type { TaskRunner } from '../core/taskRunner';
import type { ProviderCache } from '../core/providers/providerCache';
import type { CompletionPipeline, CompletionResult } from '../core/completion/pipeline';
import type { RecentFile } from '../core/completion/context';
import { prepareCompletionEngine } from '../core/completion/engine';
import type { CompletionUnavailable, EngineDeps, EngineState } from '../core/completion/engine';
import { withAbortSignal } from './cancellation';
import { Disposable } from './lifecycle';
import type { SettingsSource } from './settingsSource';
import type { SwitchboardStatus } from './statusBar';

/** After this long an unavailable model is tried again (Ollama may have been started meanwhile). */
const RETRY_UNAVAILABLE_MS = 60_000;
/** Shown items and request records kept for acceptance; older ones can no longer be credited. */
const MAX_TRACKED = 500;
const MAX_RECENT_FILES = 8;

export interface InlineCompletionDeps {
  runner: Pick<TaskRunner, 'decide'>;
  providers: Pick<ProviderCache, 'get'>;
  log: Pick<DecisionLog, 'append' | 'recordOutcome' | 'onDidRecord'>;
  ports: Ports;
  logger: Logger;
  channel: Pick<vscode.LogOutputChannel, 'show'>;
  settings: SettingsSource;
  status: SwitchboardStatus;
}

export function registerInlineCompletions(context: vscode.ExtensionContext, deps: InlineCompletionDeps): void {
  context.subscriptions.push(new InlineCompletions(deps));
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as K);
}

interface EngineEntry {
  state: Promise<EngineState>;
  preparedAt: number;
  /** Set once setup ended without a usable model. */
  failed: boolean;
}

/** One completion engine per workspace folder: prepared on first use, kept until settings change, a failed one retried after a while. */
class EnginesByWorkspace {
  private readonly engines = new Map<string, EngineEntry>();

  constructor(
    private readonly deps: EngineDeps,
    private readonly settings: SettingsSource,
    private readonly status: SwitchboardStatus,
    private readonly report: (problem: CompletionUnavailable) => void,
  ) {}

  engineFor(uri: vscode.Uri, snapshot: SettingsSnapshot): Promise<EngineState> {
    const workspace = this.settings.workspaceKey(uri);
    const key = workspace ?? '';
    const now = Date.now();
    const existing = this.engines.get(key);
    // A failed setup is retried after a while; a ready one is kept until settings change.
    if (existing && !(existing.failed && now - existing.preparedAt > RETRY_UNAVAILABLE_MS)) return existing.state;
    const entry: EngineEntry = {
      state: Promise.resolve<EngineState>({ kind: 'unavailable', model: undefined, message: '' }),
      preparedAt: now,
      failed: false,
    };
    entry.state = prepareCompletionEngine(this.deps, snapshot, workspace).then(
      (s) => {
        if (s.kind === 'ready') this.status.setCompletion(s.model.id, 'on', s.plan.warning ?? s.plan.reason);
        else {
          entry.failed = true;
          this.status.setCompletion(s.model, 'unavailable', s.message);
          this.report(s);
        }
        return s;
      },
      (e: unknown): EngineState => {
        const problem: CompletionUnavailable = {
          kind: 'unavailable',
          model: undefined,
          message: `Could not set up the completion model: ${e instanceof Error ? e.message : String(e)}`,
        };
        entry.failed = true;
        this.status.setCompletion(undefined, 'unavailable', problem.message);
        this.report(problem);
        return problem;
      },
    );
    this.engines.set(key, entry);
    return entry.state;
  }

  closeDocument(documentKey: string): void {
    for (const entry of this.engines.values()) void entry.state.then((s) => s.kind === 'ready' && s.closeDocument(documentKey));
  }

  clear(): void {
    for (const entry of this.engines.values()) void entry.state.then((s) => s.kind === 'ready' && s.dispose());
    this.engines.clear();
  }
}

interface ShownItem {
  result: CompletionResult;
  pipeline: CompletionPipeline;
  /** The ledger id of the request the text came from; undefined when it came from no request (cache from another session). */
  recordId: string | undefined;
}

/** Which shown suggestion came from which request, so an acceptance is credited to its ledger line. */
class Acceptances {
  private readonly records = new Map<string, DecisionRecord>();
  private readonly pending = new Set<string>();
  private readonly shown = new Map<number, ShownItem>();
  private nextShownId = 1;

  constructor(private readonly log: Pick<DecisionLog, 'recordOutcome'>) {}

  /** A completion's line reached the decision log. */
  recorded(record: DecisionRecord): void {
    if (record.task !== 'completion') return;
    remember(this.records, record.id, record);
    if (this.pending.delete(record.id)) void this.log.recordOutcome(record, 'accepted');
  }

  /** Returns the id the accept command will be called with. */
  show(item: ShownItem): number {
    const shownId = this.nextShownId++;
    remember(this.shown, shownId, item);
    return shownId;
  }

  accepted(shownId: unknown): void {
    const item = typeof shownId === 'number' ? this.shown.get(shownId) : undefined;
    if (!item) return;
    this.shown.delete(shownId as number);
    item.pipeline.accepted(item.result);
    if (!item.recordId) return;
    const record = this.records.get(item.recordId);
    // The request's line may not be written yet (the stream can end after the text was shown).
    if (record) void this.log.recordOutcome(record, 'accepted');
    else this.pending.add(item.recordId);
  }
}

class InlineCompletions extends Disposable implements vscode.InlineCompletionItemProvider {
  private readonly engines: EnginesByWorkspace;
  private readonly acceptances: Acceptances;
  /** Problems already reported since the last settings change: one message, not one per keystroke. */
  private readonly reported = new Set<string>();

  constructor(private readonly deps: InlineCompletionDeps) {
    super();
    const { runner, providers, log, ports, logger, settings, status } = deps;
    this.engines = new EnginesByWorkspace({ runner, providers, log, ports, logger }, settings, status, (p) => this.report(p));
    this.acceptances = new Acceptances(log);
    // After activation, like the settings validation in createServices: the first snapshot parses every setting.
    const initialState = setTimeout(() => this.showInitialState(), 0);
    this._register({ dispose: () => clearTimeout(initialState) });
    this._register(log.onDidRecord((record) => this.acceptances.recorded(record)));
    this._register(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, this));
    this._register(vscode.commands.registerCommand('switchboard.completionAccepted', (id: unknown) => this.acceptances.accepted(id)));
    this._register(vscode.commands.registerCommand('switchboard.toggleCompletions', toggleCompletions));
    this._register(
      settings.onDidChange(() => {
        this.engines.clear();
        this.reported.clear();
        this.showInitialState();
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.engines.closeDocument(d.uri.toString())));
    this._register({ dispose: () => this.engines.clear() });
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const { settings, status, logger } = this.deps;
    const snapshot = settings.snapshot(document.uri);
    if (!completionEnabledFor(snapshot, document.languageId)) return undefined;
    const engine = await this.engines.engineFor(document.uri, snapshot);
    if (engine.kind !== 'ready' || token.isCancellationRequested) return undefined;
    const pipeline = engine.pipelineFor(document.languageId);
    const work = status.beginWork();
    let result: CompletionResult | undefined;
    try {
      result = await withAbortSignal(token, (signal) =>
        pipeline.complete(
          {
            documentKey: document.uri.toString(),
            text: document.getText(),
            offset: document.offsetAt(position),
            filePath: vscode.workspace.asRelativePath(document.uri, false),
            languageId: document.languageId,
            recentFiles: recentFiles(document),
          },
          signal,
        ),
      );
    } catch (e) {
      logger.warn(`completion: request failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      work.dispose();
    }
    if (!result || result.text === '' || token.isCancellationRequested) return undefined;
    const recordId = result.requestId === null ? undefined : `${engine.decision.id}-${document.languageId}-r${result.requestId}`;
    const shownId = this.acceptances.show({ result, pipeline, recordId });
    return [
      new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position), {
        title: 'accept',
        command: 'switchboard.completionAccepted',
        arguments: [shownId],
      }),
    ];
  }

  private report(problem: CompletionUnavailable): void {
    if (this.reported.has(problem.message)) return;
    this.reported.add(problem.message);
    this.deps.logger.warn(`completion: ${problem.message}${problem.fixCommand ? ` Fix: run \`${problem.fixCommand}\`.` : ''}`);
    const fix = problem.fixCommand;
    const buttons = fix ? [`Run "${fix}"`, 'Show Log'] : ['Open Settings', 'Show Log'];
    const text = `Switchboard: inline completions are off for now. ${problem.message}${fix ? ` Run \`${fix}\` in a terminal.` : ''}`;
    void vscode.window.showWarningMessage(text, ...buttons).then((pick) => {
      if (!pick) return;
      if (pick === 'Show Log') this.deps.channel.show(true);
      else if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.routes');
      else if (fix) {
        const terminal = vscode.window.createTerminal('Switchboard: Ollama');
        terminal.show();
        terminal.sendText(fix);
      }
    });
  }

  private showInitialState(): void {
    const { settings, status } = this.deps;
    const snapshot = settings.snapshot(vscode.window.activeTextEditor?.document.uri);
    if (!snapshot.completion.enabled) status.setCompletion(undefined, 'off', 'switchboard.completion.enabled is off');
    else status.setCompletion(snapshot.routes.completion[0], 'on');
  }
}

/** Other open files of the same language, as context for the completion. */
function recentFiles(current: vscode.TextDocument): () => readonly RecentFile[] {
  return () =>
    vscode.workspace.textDocuments
      .filter((d) => d !== current && d.uri.scheme === 'file' && d.languageId === current.languageId)
      .slice(0, MAX_RECENT_FILES)
      .map((d) => ({ path: vscode.workspace.asRelativePath(d.uri, false), text: d.getText() }));
}

async function toggleCompletions(): Promise<void> {
  const config = vscode.workspace.getConfiguration('switchboard');
  const enabled = !config.get<boolean>('completion.enabled', true);
  await config.update('completion.enabled', enabled, vscode.ConfigurationTarget.Global);
  const effective = vscode.workspace.getConfiguration('switchboard').get<boolean>('completion.enabled', true);
  const note = effective === enabled ? '' : ' (a workspace setting overrides this)';
  void vscode.window.showInformationMessage(`Switchboard: inline completions turned ${enabled ? 'on' : 'off'}${note}.`);
}
