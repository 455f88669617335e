// The ports object the core receives from VS Code: fetch, keys, clock, log, storage.
import type * as vscode from 'vscode';
import type { Logger, Ports } from '../core/ports';
import { systemClock } from '../core/ports';
import type { ApiKeys } from './apiKeys';

export function createHostPorts(context: vscode.ExtensionContext, logger: Logger, keys: ApiKeys): Ports {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    getApiKey: (provider) => keys.get(provider),
    clock: systemClock,
    logger,
    storageDir: context.globalStorageUri.fsPath,
  };
}
