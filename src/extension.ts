// Entry point: builds the host ports, the core services and the adapters; every registration
// goes into context.subscriptions.
import type * as vscode from 'vscode';
import { createLog } from './vscode/log';
import { createServices } from './vscode/services';
import { registerFoundation } from './vscode/foundation';
import { registerChat } from './vscode/chatView';
import { registerEditCommands } from './vscode/editCommands';
import { registerRouterPanel } from './vscode/routerPanel';
import { registerInlineCompletions } from './vscode/inlineCompletions';
import { registerRoutingCommands } from './vscode/routingCommands';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);
  const phases: string[] = [];
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases.push(`${name} ${(t - mark).toFixed(1)}`);
    mark = t;
  };
  const services = createServices(context, logger, channel);
  phase('createServices');
  registerFoundation(services);
  phase('registerFoundation');
  const chat = registerChat(services);
  phase('registerChat');
  registerEditCommands(services, chat);
  phase('registerEditCommands');
  registerRouterPanel(services);
  phase('registerRouterPanel');
  registerInlineCompletions(services);
  phase('registerInlineCompletions');
  registerRoutingCommands(services);
  phase('registerRoutingCommands');
  logger.info(
    `Switchboard ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms (${phases.join(', ')})`,
  );
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
