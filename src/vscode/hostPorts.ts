// The ports object the core receives from VS Code: fetch, keys, clock, log, storage.
import type * as vscode from 'vscode';
import type { Logger, Ports } from '../core/ports';
import { systemClock } from '../core/ports';
import type { ApiKeys } from './apiKeys';

export function createHostPorts(context: vscode.ExtensionContext, logger: Logger, keys: ApiKeys): Ports {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    // The key only where the user lets it go: ApiKeys asks before it follows a folder's settings somewhere new.
    getApiKey: (provider, to, signal) => keys.keyFor(provider, to, signal),
    clock: systemClock,
    logger,
    storageDir: context.globalStorageUri.fsPath,
  };
}
