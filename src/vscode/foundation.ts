// Commands that belong to no single feature: keys and the log.
import * as vscode from 'vscode';
import type { ApiKeys } from './apiKeys';
import { clearApiKeyCommand, setApiKeyCommand } from './apiKeys';
import { manageKeyDestinationsCommand } from './keyConsent';

export function registerFoundation(context: vscode.ExtensionContext, keys: ApiKeys, channel: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.showLog', () => channel.show(true)),
    vscode.commands.registerCommand('switchboard.setApiKey', (provider?: unknown) => setApiKeyCommand(keys, provider)),
    vscode.commands.registerCommand('switchboard.clearApiKey', () => clearApiKeyCommand(keys)),
    vscode.commands.registerCommand('switchboard.manageKeyDestinations', () => manageKeyDestinationsCommand(keys)),
  );
}
