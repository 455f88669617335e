import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/** Commands whose feature is not built yet say so plainly instead of doing nothing. */
const PENDING: Record<string, string> = {
  'switchboard.openRouterPanel': 'The router panel',
  'switchboard.editSelection': 'Edit selection',
  'switchboard.refactor': 'Refactor',
  'switchboard.compareModels': 'Model comparison',
  'switchboard.setApiKey': 'Setting API keys',
  'switchboard.clearApiKey': 'Removing API keys',
  'switchboard.toggleCompletions': 'Inline completions',
  'switchboard.completionAccepted': 'Completion acceptance tracking',
};

export function registerFoundation(context: vscode.ExtensionContext, logger: Logger, channel: vscode.LogOutputChannel): void {
  const status = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Switchboard';
  status.text = '$(arrow-swap) $0.00';
  status.tooltip = 'Switchboard: spend today. Click to open the router panel.';
  status.command = 'switchboard.openRouterPanel';
  status.show();
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.showLog', () => channel.show(true)),
    vscode.commands.registerCommand('switchboard.openChat', () => vscode.commands.executeCommand('switchboard.chat.focus')),
  );
  for (const [command, what] of Object.entries(PENDING)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, () => {
        logger.info(`${command}: not available in this build`);
        void vscode.window.showInformationMessage(`Switchboard: ${what} is not available in this build yet.`);
      }),
    );
  }
}
