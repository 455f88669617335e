// Turns applied search/replace results into one WorkspaceEdit whose every entry needs the user's
// confirmation, so VS Code opens its Refactor Preview instead of applying anything straight away.
import * as vscode from 'vscode';
import type { FileEditResult } from '../../core/edits/searchReplace';

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
}

/**
 * One WorkspaceEdit for all files, every entry with `needsConfirmation: true`. VS Code then shows
 * the Refactor Preview (with those entries unticked: the user ticks what to apply and presses Apply)
 * and applyEdit resolves false when the user discards.
 */
export function buildRefactorEdit(
  results: readonly FileEditResult[],
  uriFor: (path: string) => vscode.Uri,
  label: RefactorEditLabel,
  existing: (path: string) => boolean,
): RefactorEdit {
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = {
    needsConfirmation: true,
    label: label.label,
    ...(label.description !== undefined && { description: label.description }),
    iconPath: new vscode.ThemeIcon('sparkle'),
  };
  let changeCount = 0;
  const files: vscode.Uri[] = [];
  for (const file of results) {
    const uri = uriFor(file.path);
    files.push(uri);
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
  return { edit, changeCount, files };
}
