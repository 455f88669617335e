// Listing and picking workspace files (for @-context in chat and the files of a refactor), bounded
// so a huge repository cannot stall the picker.
import * as vscode from 'vscode';
import { displayPath } from './chat/editorContext';

export const MAX_LISTED_FILES = 5000;
const EXCLUDE =
  '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/.tools/**,**/*.vsix,**/*.png,**/*.jpg,**/*.gif,**/*.ico,**/*.woff*,**/*.zip,**/*.gz}';

export interface WorkspaceFile {
  uri: vscode.Uri;
  /** Workspace-relative, forward slashes (folder name first in a multi-root workspace). */
  path: string;
}

/** Files in the workspace (bounded), sorted by path. */
export async function listWorkspaceFiles(token?: vscode.CancellationToken): Promise<WorkspaceFile[]> {
  const uris = await vscode.workspace.findFiles('**/*', EXCLUDE, MAX_LISTED_FILES, token);
  return uris.map((uri) => ({ uri, path: displayPath(uri) })).sort((a, b) => a.path.localeCompare(b.path));
}

interface FileItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
  browse?: boolean;
}

export interface PickFilesOptions {
  title: string;
  placeHolder: string;
  /** Files ticked at the start. */
  preselected?: readonly vscode.Uri[];
  /** One file by Enter (the chat's @), or several by ticking them (a refactor). */
  canPickMany: boolean;
  /** Offer "Browse…" for files outside the list. */
  allowBrowse?: boolean;
  files?: readonly WorkspaceFile[];
}

/** A pick of workspace files; undefined when the user cancels. */
export async function pickWorkspaceFiles(options: PickFilesOptions): Promise<vscode.Uri[] | undefined> {
  const files = options.files ?? (await listWorkspaceFiles());
  const preselected = new Set((options.preselected ?? []).map((u) => u.toString()));
  const items: FileItem[] = files.map((f) => {
    const slash = f.path.lastIndexOf('/');
    return {
      label: slash >= 0 ? f.path.slice(slash + 1) : f.path,
      description: slash >= 0 ? f.path.slice(0, slash) : '',
      uri: f.uri,
      picked: preselected.has(f.uri.toString()),
    };
  });
  // Ticked files first, so the user sees what is already chosen.
  items.sort((a, b) => Number(b.picked ?? false) - Number(a.picked ?? false));
  if (options.allowBrowse)
    items.unshift({ label: '$(folder-opened) Browse…', description: 'a file outside this list', browse: true, alwaysShow: true });
  const quickPickOptions = { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true };
  const picks = options.canPickMany
    ? await vscode.window.showQuickPick(items, { ...quickPickOptions, canPickMany: true })
    : await vscode.window.showQuickPick(items, quickPickOptions).then((p) => (p ? [p] : undefined));
  if (!picks) return undefined;
  const uris = picks.filter((p) => p.uri !== undefined).map((p) => p.uri as vscode.Uri);
  if (picks.some((p) => p.browse)) {
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: true,
      canSelectFiles: true,
      canSelectFolders: false,
      openLabel: 'Add',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (chosen) uris.push(...chosen);
  }
  return uris;
}

/** The file a workspace-relative path names (the folder name comes first in a multi-root workspace). */
export function uriForWorkspacePath(path: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length === 0) return undefined;
  if (folders.length === 1) return vscode.Uri.joinPath(folders[0].uri, ...segments);
  const folder = folders.find((f) => f.name === segments[0]);
  return folder && segments.length > 1 ? vscode.Uri.joinPath(folder.uri, ...segments.slice(1)) : undefined;
}
