// Small helpers for tests that run inside the extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RoutePreview } from '../../src/vscode/routingCommands';
import { eventually } from '../support/eventually';
import { EXTENSION_ID, readSwitchboardLogs } from '../support/profileFiles';

export { EXTENSION_ID };

export function workspaceDir(): string {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.SWITCHBOARD_TEST_WORKSPACE;
  if (!ws) throw new Error('no workspace folder is open');
  return ws;
}

export function writeWorkspaceSettings(values: Record<string, unknown>): void {
  const dir = path.join(workspaceDir(), '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(values, null, 2));
}

export async function clearWorkspaceSettings(): Promise<void> {
  const file = path.join(workspaceDir(), '.vscode', 'settings.json');
  if (fs.existsSync(file)) {
    fs.writeFileSync(file, '{}');
    await waitFor(
      async () => (vscode.workspace.getConfiguration('switchboard').inspect('routes')?.workspaceValue === undefined ? true : undefined),
      'workspace settings to clear',
    );
  }
}

export async function routes(): Promise<Record<string, RoutePreview>> {
  await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  const list = (await vscode.commands.executeCommand('switchboard.explainRouting', { silent: true })) as RoutePreview[];
  return Object.fromEntries(list.map((p) => [p.task, p]));
}

/** Polls `probe` every 50 ms until it returns a value (not undefined); the 10 s default fails well inside the suite's 30 s mocha timeout. */
export function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  return eventually(probe, what, timeoutMs, 50);
}

/** Switchboard's own log file(s) in this window's log folder. */
export function readSwitchboardLog(): string {
  const logsRoot = process.env.VSCODE_LOGS ?? findLogsRoot();
  return logsRoot ? readSwitchboardLogs(logsRoot) : '';
}

function findLogsRoot(): string | undefined {
  // The extension host's own log folder sits under <user-data>/logs/<session>/...; walk up from our logUri.
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  void ext;
  const userData = process.env.SWITCHBOARD_TEST_USER_DATA;
  return userData ? path.join(userData, 'logs') : undefined;
}

/** Workspace or global state kept in memory, for a host built by a test. */
export class MemoryMemento implements vscode.Memento {
  readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return (this.values.has(key) ? this.values.get(key) : defaultValue) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}
