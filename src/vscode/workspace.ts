// Documents and files as the features read them: which documents are the user's code, workspace-relative
// paths, a file's text, listing and picking workspace files (bounded, so a huge repository cannot stall
// the picker), and where a write would land once symbolic links are resolved. Chat and edits both use
// these, so they live in neither folder.
import * as path from 'node:path';
import { readlink, realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import { joinRealPath, writeTargetProblem } from '../core/edits/writeTargets';

/** Files bigger than this are not read as chat context (the prompt budget would cut them anyway). */
export const MAX_CONTEXT_FILE_BYTES = 2 * 1024 * 1024;

/** Documents that are not the user's code: output panes, our own proposals, SCM input… */
const IGNORED_SCHEMES = new Set([
  'output',
  'debug',
  'vscode-scm',
  'comment',
  'walkThroughSnippet',
  'switchboard-proposal',
  'vscode-terminal',
  'git',
]);

export function isCodeDocument(document: vscode.TextDocument): boolean {
  return !IGNORED_SCHEMES.has(document.uri.scheme);
}

/** Workspace-relative with forward slashes (the folder name first in a multi-root workspace); the name of an unsaved file. */
export function displayPath(uri: vscode.Uri): string {
  if (uri.scheme === 'untitled') return uri.path;
  return vscode.workspace.asRelativePath(uri).replace(/\\/g, '/');
}

/** The file name of a URI (its whole path when it ends in a slash). */
export function baseName(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  return parts[parts.length - 1] || uri.path;
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  jsx: 'javascriptreact',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  rs: 'rust',
  go: 'go',
  java: 'java',
  cs: 'csharp',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  hpp: 'cpp',
  rb: 'ruby',
  php: 'php',
  json: 'json',
  md: 'markdown',
  css: 'css',
  html: 'html',
  sh: 'shellscript',
  yml: 'yaml',
  yaml: 'yaml',
};

/** A file's text: the open document's (unsaved changes included) or the file's, if it is text and not too big. */
export async function readTextFile(uri: vscode.Uri): Promise<{ text: string; languageId: string } | { problem: string }> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { text: open.getText(), languageId: open.languageId };
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) return { problem: 'is a folder, not a file' };
    if (stat.size > MAX_CONTEXT_FILE_BYTES)
      return {
        problem: `left out: ${Math.round(stat.size / 1024)} KB is more than the ${MAX_CONTEXT_FILE_BYTES / 1024 / 1024} MB a context file may have`,
      };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.subarray(0, 8192).includes(0)) return { problem: 'left out: it looks like a binary file' };
    const ext = /\.([A-Za-z0-9]+)$/.exec(uri.path)?.[1]?.toLowerCase() ?? '';
    return { text: new TextDecoder('utf-8').decode(bytes), languageId: LANGUAGE_BY_EXTENSION[ext] ?? '' };
  } catch (e) {
    return { problem: `could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
}

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

/** Where a write to this file path would land: the real path of its deepest existing ancestor, the rest appended. Reads the file system. */
async function realPathOfTarget(fsPath: string): Promise<string | undefined> {
  const missing: string[] = [];
  let current = fsPath;
  // Bounded: a loop of links never resolves.
  for (let step = 0; step < 100; step++) {
    try {
      return joinRealPath(await realpath(current), missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      // A link whose target does not exist: a write would create that target, wherever it is.
      const link = await readlink(current).then(String, () => undefined);
      if (link !== undefined) {
        current = path.resolve(path.dirname(current), link);
        continue;
      }
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      missing.push(path.basename(current));
      current = parent;
    }
  }
  return undefined;
}

/** A folder whose files are not on this machine's disk: a path through a link there cannot be followed, so it is refused. Reads the file system. */
async function linkOnTheWay(uri: vscode.Uri, folder: vscode.WorkspaceFolder): Promise<boolean> {
  const segments = uri.path
    .slice(folder.uri.path.length)
    .split('/')
    .filter((s) => s !== '');
  for (let i = 1; i <= segments.length; i++) {
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, ...segments.slice(0, i))).then(
      (s) => s,
      () => undefined,
    );
    if (!stat) return false;
    if (stat.type & vscode.FileType.SymbolicLink) return true;
  }
  return false;
}

/**
 * Why each of these write targets must be refused (empty when none must): a target whose real path, with
 * symbolic links in it and its parents resolved, is outside every workspace folder's real path. Checked
 * when a proposal is made and again just before it goes to VS Code, since a link can change in between.
 * Reads the file system.
 */
export async function writeTargetProblems(targets: readonly { path: string; uri: vscode.Uri }[]): Promise<string[]> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const fileFolders = folders.filter((f) => f.uri.scheme === 'file');
  const realRoots = (await Promise.all(fileFolders.map((f) => realpath(f.uri.fsPath).then(String, () => undefined)))).filter(
    (r): r is string => r !== undefined,
  );
  const options = { ignoreCase: process.platform === 'win32' };
  const problems: string[] = [];
  for (const target of targets) {
    if (target.uri.scheme === 'file') {
      const problem = writeTargetProblem({ path: target.path, realPath: await realPathOfTarget(target.uri.fsPath) }, realRoots, options);
      if (problem) problems.push(problem);
      continue;
    }
    const folder = vscode.workspace.getWorkspaceFolder(target.uri);
    if (!folder || (await linkOnTheWay(target.uri, folder)))
      problems.push(writeTargetProblem({ path: target.path, realPath: undefined }, realRoots, options)!);
  }
  return problems;
}
