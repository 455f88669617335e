// Entry point: builds the host ports and the adapters; every registration goes into context.subscriptions.
import * as vscode from 'vscode';
import { createLog } from './vscode/log';
import { registerFoundation } from './vscode/foundation';
import { ChatViewProvider } from './vscode/chatView';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);
  registerFoundation(context, logger, channel);
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, new ChatViewProvider(context.extensionUri)));
  logger.info(`Switchboard ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
