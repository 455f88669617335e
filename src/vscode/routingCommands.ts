// "Switchboard: Explain Routing": where each task would go right now in this folder, and why.
import * as vscode from 'vscode';
import { TASK_KINDS } from '../core/types';
import type { TaskKind } from '../core/types';
import type { Decision } from '../core/router/route';
import { modelEndpoint } from '../core/endpoints';
import type { TaskRunner } from '../core/taskRunner';
import type { SettingsSource } from './settingsSource';

/** What the command returns (also to tests and other commands): the decision per task, without running anything. */
export interface RoutePreview {
  task: TaskKind;
  chosen: string | null;
  fallbacks: string[];
  explanation: string;
  /** Where the chosen model's requests (code and key) would go. */
  endpoint: string | null;
  candidates: { id: string; kept: boolean; reason: string; endpoint: string | null }[];
  localOnly: boolean;
}

export async function previewRoutes(
  services: { runner: Pick<TaskRunner, 'decide'>; settings: Pick<SettingsSource, 'snapshot' | 'workspaceKey'> },
  resource?: vscode.Uri,
): Promise<RoutePreview[]> {
  const settings = services.settings.snapshot(resource);
  const workspace = services.settings.workspaceKey(resource);
  const out: RoutePreview[] = [];
  for (const task of TASK_KINDS) {
    const decision: Decision = await services.runner.decide(
      {
        task,
        call: { kind: 'chat', messages: [] },
        promptTokens: 1000,
        workspace,
        ...(task === 'chat' && { question: 'What does this function do?' }),
      },
      settings,
      { preview: true },
    );
    out.push({
      task,
      chosen: decision.chosen?.id ?? null,
      fallbacks: decision.fallbacks.map((m) => m.id),
      explanation: decision.explanation,
      endpoint: decision.chosen ? (modelEndpoint(decision.chosen, settings.endpoints) ?? null) : null,
      candidates: decision.candidates.map((c) => ({
        id: c.model.id,
        kept: c.kept,
        reason: c.reason,
        endpoint: modelEndpoint(c.model, settings.endpoints) ?? null,
      })),
      localOnly: decision.localOnly,
    });
  }
  return out;
}

export function registerRoutingCommands(
  context: vscode.ExtensionContext,
  services: { runner: Pick<TaskRunner, 'decide'>; settings: Pick<SettingsSource, 'snapshot' | 'workspaceKey'> },
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.explainRouting', async (options?: { silent?: boolean }) => {
      const previews = await previewRoutes(services, vscode.window.activeTextEditor?.document.uri);
      if (options?.silent === true) return previews;
      const items: vscode.QuickPickItem[] = [];
      for (const p of previews) {
        items.push({ label: p.task, kind: vscode.QuickPickItemKind.Separator });
        items.push({
          label: `$(arrow-right) ${p.chosen ?? 'no model available'}`,
          description: [p.endpoint, p.fallbacks.length ? `then ${p.fallbacks.join(', ')}` : ''].filter(Boolean).join(' · '),
          detail: p.explanation,
        });
        for (const c of p.candidates.filter((c) => !c.kept)) items.push({ label: `$(circle-slash) ${c.id}`, detail: c.reason });
      }
      await vscode.window.showQuickPick(items, { title: 'Switchboard: where each task goes now', matchOnDetail: true });
      return previews;
    }),
  );
}
