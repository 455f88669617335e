// The router panel: decisions, cost, and the A/B feel loop.
import * as vscode from 'vscode';
import type { Notices } from './services';
import { RouterPanelHost } from './router/routerPanelHost';
import { compareModels } from './router/compareModels';

export function registerRouterPanel(
  services: { context: vscode.ExtensionContext } & ConstructorParameters<typeof RouterPanelHost>[0] &
    Parameters<typeof compareModels>[0] &
    Pick<Notices, 'showFailure'>,
): void {
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
