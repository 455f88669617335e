// Reads Switchboard's settings from VS Code per scope, hands the core a validated snapshot per
// folder, keeps the last valid configuration when a value is wrong, and tells the user what to fix:
// restricted mode once per window, at most one summary notification per change, the details in the log.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { InspectedSettings, SettingsDiagnostic, SettingsNote } from '../core/settings/merge';
import type { SettingsSnapshot } from '../core/settings/schema';
import { SETTINGS_SECTION, SETTING_KEYS } from '../core/settings/schema';
import { effectiveSettings } from '../core/settings/validate';
import {
  RESTRICTED_MODE_NOTICE,
  diagnosticText,
  mentionsRestrictedSettings,
  restrictedModeNotice,
  settingsNotice,
} from '../core/settings/notices';
import { Disposable } from './lifecycle';

export class SettingsSource extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private readonly byFolder = new Map<string, SettingsSnapshot>();
  private lastValid = new Map<string, SettingsSnapshot>();
  /** Problems and notes already logged since the last change of configuration. */
  private reported = new Set<string>();
  /** What resolutions found since the last report, across folders: reported together. */
  private pending: { notes: SettingsNote[]; diagnostics: SettingsDiagnostic[] } = { notes: [], diagnostics: [] };
  private flushScheduled = false;
  private restrictedNoticeShown = false;
  private restrictedFilesChecked = false;
  /** The problems the last summary notification was about: the same set is not shown again. */
  private lastNotified = '';

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
      previousValid: this.lastValid.get(key),
      // A single folder's .vscode/settings.json is reported at both the workspace and the folder layer.
      multiRoot: vscode.workspace.workspaceFile !== undefined,
    });
    this.lastValid.set(key, result.settings);
    this.byFolder.set(key, result.settings);
    this.pending.notes.push(...result.notes);
    this.pending.diagnostics.push(...result.diagnostics);
    this.scheduleReport();
    return result.settings;
  }

  /** The key of the workspace for the ledger and per-workspace budgets. */
  workspaceKey(resource?: vscode.Uri): string | null {
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.toString() ?? vscode.workspace.workspaceFile?.toString() ?? null;
  }

  private invalidate(): void {
    this.byFolder.clear();
    this.report();
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
    this.report();
    if (!vscode.workspace.isTrusted && !this.restrictedFilesChecked) {
      this.restrictedFilesChecked = true;
      void this.readRestrictedSettingsFiles().then((found) => {
        if (found) this.showRestrictedNotice();
      });
    }
  }

  /**
   * Whether the workspace's settings files set endpoints or models. VS Code hides those from an extension in
   * restricted mode, so the files are read (never used) only to tell the user what was ignored.
   */
  private async readRestrictedSettingsFiles(): Promise<boolean> {
    const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
    if (vscode.workspace.workspaceFile?.scheme === 'file') files.push(vscode.workspace.workspaceFile);
    for (const file of files) {
      try {
        const bytes = await vscode.workspace.fs.readFile(file);
        if (mentionsRestrictedSettings(new TextDecoder().decode(bytes.subarray(0, 1_000_000)))) return true;
      } catch {
        // No settings file there: nothing was ignored.
      }
    }
    return false;
  }

  private showRestrictedNotice(): void {
    if (this.restrictedNoticeShown || vscode.workspace.isTrusted) return;
    this.restrictedNoticeShown = true;
    this.logger.info(`Notification: ${RESTRICTED_MODE_NOTICE}`);
    void vscode.window.showInformationMessage(RESTRICTED_MODE_NOTICE, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }

  /** Snapshots resolved outside validateNow (one per folder, often several in a row) are reported together. */
  private scheduleReport(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.report());
  }

  /** Every note and problem goes to the log once per change; the user gets at most two notifications: restricted mode (once per window) and one summary. */
  private report(): void {
    this.flushScheduled = false;
    const { notes, diagnostics } = this.pending;
    this.pending = { notes: [], diagnostics: [] };
    for (const note of notes) {
      if (this.reported.has(`note:${note.message}`)) continue;
      this.reported.add(`note:${note.message}`);
      this.logger.warn(`${note.setting} (${note.layer}): ${note.message}`);
    }
    const fresh: SettingsDiagnostic[] = [];
    for (const d of diagnostics) {
      if (this.reported.has(d.message)) continue;
      this.reported.add(d.message);
      fresh.push(d);
      // Warn level: a wrong setting is the user's to fix, not a fault in Switchboard.
      this.logger.warn(`settings: ${diagnosticText(d)}`);
    }
    if (restrictedModeNotice(notes) !== undefined) this.showRestrictedNotice();
    const notice = settingsNotice(fresh);
    if (notice === undefined) return;
    const problems = fresh.map((d) => d.message).join('\n');
    if (problems === this.lastNotified) return;
    this.lastNotified = problems;
    this.logger.info(`Notification: ${notice.text}`);
    const show = notice.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const actions = fresh.length > 1 ? ['Open Settings', 'Show Log'] : ['Open Settings'];
    void show(notice.text, ...actions).then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', notice.setting);
      else if (pick === 'Show Log') void vscode.commands.executeCommand('switchboard.showLog');
    });
  }
}
