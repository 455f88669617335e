// Ghost text from the local model: VS Code's inline-completion provider on top of the core pipeline.
import * as vscode from 'vscode';
import type { Services } from './services';
import { lazyCreateProvider } from './services';
import { withAbortSignal } from './cancellation';
import type { SettingsSnapshot } from '../core/settings/schema';
import { completionEnabledFor } from '../core/settings/schema';
import type { DecisionRecord } from '../core/router/decision';
import type { CompletionPipeline, CompletionResult } from '../core/completion/pipeline';
import type { RecentFile } from '../core/completion/context';
import { prepareCompletionEngine } from './completion/completionEngine';
import type { CompletionUnavailable, EngineState } from './completion/completionEngine';

/** After this long an unavailable model is tried again (Ollama may have been started meanwhile). */
const RETRY_UNAVAILABLE_MS = 60_000;
/** Shown items and request records kept for acceptance; older ones can no longer be credited. */
const MAX_TRACKED = 500;
const MAX_RECENT_FILES = 8;

interface EngineEntry {
  state: Promise<EngineState>;
  preparedAt: number;
  /** Set once setup ended without a usable model. */
  failed: boolean;
}

interface ShownItem {
  result: CompletionResult;
  pipeline: CompletionPipeline;
  /** The ledger id of the request the text came from; undefined when it came from no request (cache from another session). */
  recordId: string | undefined;
}

export function registerInlineCompletions(services: Services): void {
  const { context, logger, settings, status } = services;
  const engines = new Map<string, EngineEntry>();
  const records = new Map<string, DecisionRecord>();
  const pendingAccepts = new Set<string>();
  const shown = new Map<number, ShownItem>();
  /** Problems already reported since the last settings change: one message, not one per keystroke. */
  const reported = new Set<string>();
  let nextShownId = 1;

  const remember = <K, V>(map: Map<K, V>, key: K, value: V) => {
    map.set(key, value);
    if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as K);
  };

  const onRecord = (record: DecisionRecord) => {
    remember(records, record.id, record);
    void services.recordDecision(record).then(() => {
      if (pendingAccepts.delete(record.id)) void services.recordOutcome(record, 'accepted');
    });
  };

  const disposeEngines = () => {
    for (const entry of engines.values()) void entry.state.then((s) => s.kind === 'ready' && s.dispose());
    engines.clear();
  };

  const report = (problem: CompletionUnavailable) => {
    if (reported.has(problem.message)) return;
    reported.add(problem.message);
    logger.warn(`completion: ${problem.message}${problem.fixCommand ? ` Fix: run \`${problem.fixCommand}\`.` : ''}`);
    const fix = problem.fixCommand;
    const buttons = fix ? [`Run "${fix}"`, 'Show Log'] : ['Open Settings', 'Show Log'];
    const text = `Switchboard: inline completions are off for now. ${problem.message}${fix ? ` Run \`${fix}\` in a terminal.` : ''}`;
    void vscode.window.showWarningMessage(text, ...buttons).then((pick) => {
      if (!pick) return;
      if (pick === 'Show Log') services.channel.show(true);
      else if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.routes');
      else if (fix) {
        const terminal = vscode.window.createTerminal('Switchboard: Ollama');
        terminal.show();
        terminal.sendText(fix);
      }
    });
  };

  const engineFor = (uri: vscode.Uri, snapshot: SettingsSnapshot): Promise<EngineState> => {
    const workspace = settings.workspaceKey(uri);
    const key = workspace ?? '';
    const now = Date.now();
    const existing = engines.get(key);
    // A failed setup is retried after a while; a ready one is kept until settings change.
    if (existing && !(existing.failed && now - existing.preparedAt > RETRY_UNAVAILABLE_MS)) return existing.state;
    const entry: EngineEntry = {
      state: Promise.resolve<EngineState>({ kind: 'unavailable', model: undefined, message: '' }),
      preparedAt: now,
      failed: false,
    };
    const state = prepareCompletionEngine(
      { runner: services.runner, ports: services.ports, logger, createProvider: lazyCreateProvider, onRecord },
      snapshot,
      workspace,
    ).then(
      (s) => {
        if (s.kind === 'ready') status.setCompletion(s.model.id, 'on', s.plan.warning ?? s.plan.reason);
        else {
          entry.failed = true;
          status.setCompletion(s.model, 'unavailable', s.message);
          report(s);
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
        status.setCompletion(undefined, 'unavailable', problem.message);
        report(problem);
        return problem;
      },
    );
    entry.state = state;
    engines.set(key, entry);
    return state;
  };

  const recentFiles = (current: vscode.TextDocument) => (): readonly RecentFile[] =>
    vscode.workspace.textDocuments
      .filter((d) => d !== current && d.uri.scheme === 'file' && d.languageId === current.languageId)
      .slice(0, MAX_RECENT_FILES)
      .map((d) => ({ path: vscode.workspace.asRelativePath(d.uri, false), text: d.getText() }));

  const provider: vscode.InlineCompletionItemProvider = {
    async provideInlineCompletionItems(document, position, _context, token) {
      const snapshot = settings.snapshot(document.uri);
      if (!completionEnabledFor(snapshot, document.languageId)) return undefined;
      const engine = await engineFor(document.uri, snapshot);
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
      const shownId = nextShownId++;
      const recordId = result.requestId === null ? undefined : `${engine.decision.id}-${document.languageId}-r${result.requestId}`;
      remember(shown, shownId, { result, pipeline, recordId });
      return [
        new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position), {
          title: 'accept',
          command: 'switchboard.completionAccepted',
          arguments: [shownId],
        }),
      ];
    },
  };

  const accepted = (shownId: unknown) => {
    const item = typeof shownId === 'number' ? shown.get(shownId) : undefined;
    if (!item) return;
    shown.delete(shownId as number);
    item.pipeline.accepted(item.result);
    if (!item.recordId) return;
    const record = records.get(item.recordId);
    // The request's line may not be written yet (the stream can end after the text was shown).
    if (record) void services.recordOutcome(record, 'accepted');
    else pendingAccepts.add(item.recordId);
  };

  const toggle = async () => {
    const config = vscode.workspace.getConfiguration('switchboard');
    const enabled = !config.get<boolean>('completion.enabled', true);
    await config.update('completion.enabled', enabled, vscode.ConfigurationTarget.Global);
    const effective = vscode.workspace.getConfiguration('switchboard').get<boolean>('completion.enabled', true);
    const note = effective === enabled ? '' : ' (a workspace setting overrides this)';
    void vscode.window.showInformationMessage(`Switchboard: inline completions turned ${enabled ? 'on' : 'off'}${note}.`);
  };

  const showInitialState = () => {
    const snapshot = settings.snapshot(vscode.window.activeTextEditor?.document.uri);
    if (!snapshot.completion.enabled) status.setCompletion(undefined, 'off', 'switchboard.completion.enabled is off');
    else status.setCompletion(snapshot.routes.completion[0], 'on');
  };
  // After activation, like the settings validation in createServices: the first snapshot parses every setting.
  const initialState = setTimeout(showInitialState, 0);

  context.subscriptions.push(
    { dispose: () => clearTimeout(initialState) },
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.commands.registerCommand('switchboard.completionAccepted', accepted),
    vscode.commands.registerCommand('switchboard.toggleCompletions', toggle),
    settings.onDidChange(() => {
      disposeEngines();
      reported.clear();
      showInitialState();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      for (const entry of engines.values()) void entry.state.then((s) => s.kind === 'ready' && s.closeDocument(d.uri.toString()));
    }),
    { dispose: disposeEngines },
  );
}
