// The router panel: decisions, cost, and the A/B feel loop.
import * as vscode from 'vscode';
import type { Services } from './services';
import { RouterPanelHost } from './router/routerPanelHost';
import { compareModels } from './router/compareModels';

export function registerRouterPanel(services: Services): void {
  const host = new RouterPanelHost(services);
  services.context.subscriptions.push(
    host,
    vscode.commands.registerCommand('switchboard.openRouterPanel', () => host.show()),
    vscode.commands.registerCommand('switchboard.compareModels', async () => {
      try {
        await compareModels(services, host);
      } catch (e) {
        services.showFailure(`Compare Models failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
}
