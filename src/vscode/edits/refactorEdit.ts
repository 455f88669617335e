// Turns applied search/replace results into one WorkspaceEdit for VS Code's Refactor Preview: ordinary
// files come ticked, files that can run commands or redirect requests come unticked with a warning.
import * as vscode from 'vscode';
import type { FileEditResult } from '../../core/edits/searchReplace';
import { sensitiveTarget } from '../../core/edits/sensitivePaths';
import type { SensitiveTarget } from '../../core/edits/sensitivePaths';

export interface RefactorEditLabel {
  /** Groups the changes in the preview, e.g. `Switchboard: rename greet to welcome`. */
  label: string;
  /** Shown next to the label, e.g. `claude-sonnet-5-5 · 3 changes in 2 files`. */
  description?: string;
}

export interface RefactorEdit {
  edit: vscode.WorkspaceEdit;
  /** Text changes plus file creations. */
  changeCount: number;
  files: vscode.Uri[];
  /** The files left unticked, and why. */
  sensitive: { path: string; target: SensitiveTarget }[];
}

/**
 * One WorkspaceEdit for all files. VS Code shows the Refactor Preview when any entry needs confirmation,
 * and unticks exactly those entries; applyEdit resolves false when the user discards.
 * - An ordinary file's entries do not need confirmation: they come ticked, so Apply applies them.
 * - A sensitive file's entries need it: unticked, with a warning icon and the reason as their label.
 * - So that the preview opens even when nothing is sensitive, one more entry needs confirmation: creating
 *   the first file's workspace folder, if it does not exist. The preview leaves out a creation of something that
 *   exists, and an unticked entry is never applied, so it shows nothing and does nothing.
 */
export function buildRefactorEdit(
  results: readonly FileEditResult[],
  uriFor: (path: string) => vscode.Uri,
  label: RefactorEditLabel,
  existing: (path: string) => boolean,
): RefactorEdit {
  const edit = new vscode.WorkspaceEdit();
  const targets = results.map((file) => sensitiveTarget(file.path));
  const anchor = results.length > 0 ? vscode.workspace.getWorkspaceFolder(uriFor(results[0].path))?.uri : undefined;
  const needsAnchor = targets.every((t) => t === undefined);
  const ordinary: vscode.WorkspaceEditEntryMetadata = {
    // Without a folder to anchor the preview, every entry waits for confirmation: never applied unseen.
    needsConfirmation: needsAnchor && anchor === undefined,
    label: label.label,
    ...(label.description !== undefined && { description: label.description }),
    iconPath: new vscode.ThemeIcon('sparkle'),
  };
  let changeCount = 0;
  const files: vscode.Uri[] = [];
  const sensitive: RefactorEdit['sensitive'] = [];
  for (const [index, file] of results.entries()) {
    const uri = uriFor(file.path);
    files.push(uri);
    const target = targets[index];
    if (target) sensitive.push({ path: file.path, target });
    const metadata: vscode.WorkspaceEditEntryMetadata = target
      ? {
          needsConfirmation: true,
          label: `Switchboard: ${target.warning}`,
          description: `${file.path}: ${target.why}. Not ticked: tick it only if you meant this change`,
          iconPath: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
        }
      : ordinary;
    if (file.isNew && !existing(file.path)) {
      edit.createFile(uri, { overwrite: false, ignoreIfExists: false }, metadata);
      edit.insert(uri, new vscode.Position(0, 0), file.newText, metadata);
      changeCount += 1;
      continue;
    }
    for (const change of file.edits) {
      edit.replace(
        uri,
        new vscode.Range(change.start.line, change.start.character, change.end.line, change.end.character),
        change.newText,
        metadata,
      );
      changeCount += 1;
    }
  }
  if (needsAnchor && anchor) {
    edit.createFile(anchor, { ignoreIfExists: true }, { needsConfirmation: true, label: label.label });
  }
  return { edit, changeCount, files, sensitive };
}
