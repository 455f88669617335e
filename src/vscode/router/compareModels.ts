// "Compare Models": one prompt sent to two models at once, shown blinded as A and B in the router panel.
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { Logger, Ports } from '../../core/ports';
import type { TaskRunner } from '../../core/taskRunner';
import type { Notices } from '../services';
import type { SettingsSource } from '../settingsSource';
import type { ModelRef } from '../../core/types';
import type { TaskRequest } from '../../core/taskRunner';
import type { SettingsSnapshot } from '../../core/settings/schema';
import { comparisonCandidates } from '../../core/ratings/comparisonCandidates';
import { blindComparison } from '../../core/ratings/blinding';
import { estimateTokens } from '../../core/prompt/context';
import type { ComparisonSide, ComparisonSideFigures } from '../../shared/routerProtocol';
import type { DecisionRecord } from '../../core/router/decision';
import { sideFailureText } from '../../panels/router/pendingComparisons';
import type { RouterPanelHost } from './routerPanelHost';

/** What a side took and cost, as its decision recorded it: the panel shows it only after the vote. */
function sideFigures(record: DecisionRecord): ComparisonSideFigures {
  return {
    ttftMs: record.ttftMs,
    totalMs: record.totalMs,
    costUsd: record.costUsd,
    inputTokens: record.usage?.inputTokens ?? null,
    outputTokens: record.usage?.outputTokens ?? null,
  };
}

async function askPrompt(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  const question = await vscode.window.showInputBox({
    title: 'Switchboard: Compare Models',
    prompt: selection ? 'What should both models do with the selected code?' : 'The question to ask both models',
    placeHolder: selection ? 'e.g. Simplify this function' : 'e.g. How do I debounce a function in TypeScript?',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Type a question or instruction.'),
  });
  if (!question?.trim()) return undefined;
  if (!selection || !editor) return question.trim();
  return `${question.trim()}\n\n\`\`\`${editor.document.languageId}\n${selection}\n\`\`\``;
}

async function pickTwo(settings: SettingsSnapshot): Promise<[ModelRef, ModelRef] | undefined> {
  const candidates = comparisonCandidates(settings);
  if (candidates.length < 2) {
    const why = settings.privacy.localOnly ? ' (switchboard.privacy.localOnly allows local models only)' : '';
    void vscode.window.showWarningMessage(
      `Switchboard: a comparison needs two models, but only ${candidates.length} can be used${why}. Add models in switchboard.models.`,
    );
    return undefined;
  }
  const items = candidates.map((m, i) => ({ label: m.id, description: `${m.provider} · ${m.tier}`, picked: i < 2, model: m }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Switchboard: Compare Models — pick two',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.length !== 2) {
    void vscode.window.showWarningMessage(`Switchboard: pick exactly two models to compare (you picked ${picked.length}).`);
    return undefined;
  }
  return [picked[0].model, picked[1].model];
}

export async function compareModels(
  services: { runner: TaskRunner; settings: SettingsSource; logger: Logger; ports: Pick<Ports, 'clock'> } & Pick<
    Notices,
    'showBudgetSignals'
  >,
  panel: RouterPanelHost,
): Promise<void> {
  const prompt = await askPrompt();
  if (prompt === undefined) return;
  const settings = services.settings.snapshot(vscode.window.activeTextEditor?.document.uri);
  const pair = await pickTwo(settings);
  if (!pair) return;
  const workspace = services.settings.workspaceKey(vscode.window.activeTextEditor?.document.uri);
  const requestFor = (model: ModelRef): TaskRequest => ({
    task: 'chat',
    call: { kind: 'chat', messages: [{ role: 'user', content: prompt }] },
    promptTokens: estimateTokens(prompt),
    workspace,
    pinnedModelId: model.id,
    localOnly: settings.privacy.localOnly || undefined,
  });
  // A side that cannot run (cooling down, over budget, local-only) would only fail blind: say which and why, up front.
  for (const model of pair) {
    const preview = await services.runner.decide(requestFor(model), settings, { preview: true });
    if (preview.chosen !== null) continue;
    const why = preview.candidates.find((c) => !c.kept)?.reason ?? preview.explanation;
    void vscode.window.showWarningMessage(
      `Switchboard: ${model.id} cannot answer right now (${why}), so the comparison did not start. Try again then, or pick another model.`,
    );
    return;
  }
  const id = randomUUID();
  const blinded = blindComparison(id, 'chat', { model: pair[0].id, answer: pair[0] }, { model: pair[1].id, answer: pair[1] }, Math.random);
  panel.show();
  // Not tied to the panel: closing it leaves both calls running; only deactivation aborts them.
  const signal = panel.beginComparison(blinded.sealed, {
    type: 'comparisonStarted',
    comparisonId: id,
    task: 'chat',
    prompt,
    startedAt: services.ports.clock.now(),
  });
  const runSide = async (side: ComparisonSide, model: ModelRef): Promise<void> => {
    try {
      const events = services.runner.run(requestFor(model), settings, signal);
      for await (const ev of events) {
        if (ev.type === 'text') panel.postComparison({ type: 'comparisonDelta', comparisonId: id, side, text: ev.text });
        // Aborted only as the extension deactivates: end quietly, no card or warning to show.
        else if (signal.aborted && (ev.type === 'done' || ev.type === 'failed')) return;
        else if (ev.type === 'done') {
          services.showBudgetSignals(ev.budgetSignals);
          panel.postComparison({
            type: 'comparisonSideDone',
            comparisonId: id,
            side,
            figures: sideFigures(ev.record),
          });
          return;
        } else if (ev.type === 'failed') {
          services.showBudgetSignals(ev.budgetSignals);
          services.logger.warn(`compare models: side ${side} (${model.id}) failed: ${ev.error.message}`);
          // The card stays blind: the error names the side and the kind of failure, not the model.
          panel.postComparison({
            type: 'comparisonSideDone',
            comparisonId: id,
            side,
            figures: sideFigures(ev.record),
            error: sideFailureText(side, ev.error),
          });
          return;
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      services.logger.warn(`compare models: side ${side} (${model.id}) failed: ${e instanceof Error ? e.message : String(e)}`);
      panel.postComparison({
        type: 'comparisonSideDone',
        comparisonId: id,
        side,
        figures: { ttftMs: null, totalMs: null, costUsd: null, inputTokens: null, outputTokens: null },
        error: sideFailureText(side, e),
      });
    }
  };
  await Promise.all([runSide('a', blinded.shown.a), runSide('b', blinded.shown.b)]);
}
