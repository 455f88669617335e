// Entry point: builds the host ports, the core services and the adapters, then registers each
// feature in isolation (one that throws is logged and the rest still register); every registration
// goes into context.subscriptions.
import * as vscode from 'vscode';
import { createLog } from './vscode/log';
import { createServices } from './vscode/services';
import { registerFeatures } from './vscode/features';
import { registerFoundation } from './vscode/foundation';
import { registerChat } from './vscode/chatView';
import type { ChatApi } from './vscode/chatView';
import { registerEditCommands } from './vscode/editCommands';
import { registerRouterPanel } from './vscode/routerPanel';
import { registerInlineCompletions } from './vscode/inlineCompletions';
import { registerRoutingCommands } from './vscode/routingCommands';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);
  const services = createServices(context, logger, channel);
  const servicesMs = performance.now() - started;
  const { keys, settings, runner, log, ledger, ports, providers, status, notices, onDidRecord } = services;
  const tasks = { context, runner, settings, logger, log, ...notices };

  let chat: ChatApi | undefined;
  // Edits reach the chat through this, so a chat that failed to register fails only the edit that needs it.
  const chatApi: ChatApi = {
    appendTurn: (turn) => chatOrThrow(chat).appendTurn(turn),
    reveal: () => chatOrThrow(chat).reveal(),
  };
  const outcomes = registerFeatures(
    [
      { name: 'registerFoundation', core: true, register: () => registerFoundation(context, keys, channel) },
      { name: 'registerChat', core: true, register: () => (chat = registerChat(tasks)) },
      { name: 'registerEditCommands', core: true, register: () => registerEditCommands(tasks, chatApi) },
      {
        name: 'registerRouterPanel',
        core: true,
        register: () => registerRouterPanel({ ...tasks, ports, ledger, onDidRecord }),
      },
      {
        name: 'registerInlineCompletions',
        core: true,
        register: () => registerInlineCompletions(context, { runner, providers, log, ports, logger, channel, settings, status }),
      },
      { name: 'registerRoutingCommands', core: false, register: () => registerRoutingCommands(context, { runner, settings }) },
    ],
    { logger, showError: (message) => void vscode.window.showErrorMessage(message) },
  );
  const phases = [
    `createServices ${servicesMs.toFixed(1)}`,
    ...outcomes.map((o) => `${o.name} ${o.ms.toFixed(1)}${o.error ? ' failed' : ''}`),
  ];
  logger.info(
    `Switchboard ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms (${phases.join(', ')})`,
  );
}

function chatOrThrow(chat: ChatApi | undefined): ChatApi {
  if (!chat) throw new Error('the chat view failed to start (the log has the details)');
  return chat;
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
