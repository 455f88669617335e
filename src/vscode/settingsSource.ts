// Reads Switchboard's settings from VS Code per scope, hands the core a validated snapshot per
// folder, keeps the last valid configuration when a value is wrong, and tells the user what to fix.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { InspectedSettings, SettingsDiagnostic } from '../core/settings/merge';
import type { SettingsSnapshot } from '../core/settings/schema';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, SETTING_KEYS } from '../core/settings/schema';
import { effectiveSettings } from '../core/settings/validate';
import { Disposable } from './lifecycle';

export class SettingsSource extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private readonly byFolder = new Map<string, SettingsSnapshot>();
  private lastValid = new Map<string, SettingsSnapshot>();
  private reported = new Set<string>();

  constructor(private readonly logger: Logger) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS_SECTION)) this.invalidate();
      }),
    );
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidate()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()));
  }

  /** The effective settings for a document (its folder's, in a multi-root workspace) or the window. */
  snapshot(resource?: vscode.Uri): SettingsSnapshot {
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
    const key = folder?.uri.toString() ?? '';
    const cached = this.byFolder.get(key);
    if (cached) return cached;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder?.uri ?? null);
    const inspected: Record<string, vscode.WorkspaceConfiguration extends { inspect(k: string): infer R } ? R : never> = {};
    for (const k of SETTING_KEYS) inspected[k] = config.inspect(k);
    const result = effectiveSettings(inspected as InspectedSettings, {
      trusted: vscode.workspace.isTrusted,
      previousValid: this.lastValid.get(key) ?? DEFAULT_SETTINGS,
    });
    this.lastValid.set(key, result.settings);
    this.byFolder.set(key, result.settings);
    for (const note of result.notes) this.logger.warn(`${note.setting} (${note.layer}): ${note.message}`);
    this.report(result.diagnostics);
    return result.settings;
  }

  /** The key of the workspace for the ledger and per-workspace budgets. */
  workspaceKey(resource?: vscode.Uri): string | null {
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.toString() ?? vscode.workspace.workspaceFile?.toString() ?? null;
  }

  private invalidate(): void {
    this.byFolder.clear();
    this.reported = new Set();
    this.validateNow();
    this._onDidChange.fire();
  }

  /** Resolves every folder's settings now, so a wrong value is reported as soon as it is written. */
  validateNow(): void {
    if (!vscode.workspace.isTrusted && !this.reported.has('restricted')) {
      this.reported.add('restricted');
      this.logger.info(
        'Restricted mode: this workspace is not trusted, so Switchboard ignores endpoint URLs and model definitions from its settings, and takes budgets, privacy and sampling from it only where they are stricter. Trust the folder to use them.',
      );
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) this.snapshot();
    for (const f of folders) this.snapshot(f.uri);
  }

  /** Each distinct problem is shown once per change of configuration, with a button to open the setting. */
  private report(diagnostics: SettingsDiagnostic[]): void {
    for (const d of diagnostics) {
      if (this.reported.has(d.message)) continue;
      this.reported.add(d.message);
      const text = d.using ? `${d.message} (meanwhile ${d.using})` : d.message;
      // Warn level: a wrong setting is the user's to fix, not a fault in Switchboard.
      this.logger.warn(`settings: ${text}`);
      const show = d.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      const settingId = d.setting.replace(/\[.*$/, '');
      void show(`Switchboard: ${text}`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', settingId);
      });
    }
  }
}
