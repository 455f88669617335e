// Commands that belong to no single feature: keys and the log.
import * as vscode from 'vscode';
import type { Services } from './services';
import { clearApiKeyCommand, setApiKeyCommand } from './apiKeys';

export function registerFoundation(services: Services): void {
  const { context, keys, channel } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.showLog', () => channel.show(true)),
    vscode.commands.registerCommand('switchboard.setApiKey', (provider?: unknown) => setApiKeyCommand(keys, provider)),
    vscode.commands.registerCommand('switchboard.clearApiKey', () => clearApiKeyCommand(keys)),
  );
}

/** For a feature not built yet: its commands say so plainly instead of doing nothing. */
export function registerNotYetAvailable(services: Services, commands: Record<string, string>): void {
  for (const [command, what] of Object.entries(commands)) {
    services.context.subscriptions.push(
      vscode.commands.registerCommand(command, () => {
        services.logger.info(`${command}: not available in this build`);
        void vscode.window.showInformationMessage(`Switchboard: ${what} is not available in this build yet.`);
      }),
    );
  }
}
