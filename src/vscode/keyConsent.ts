// The VS Code half of "keys go only where the user sent them": the notification that asks before a key
// follows a folder's settings to a new origin, which folder an answer belongs to, and
// "Switchboard: Manage Key Destinations…" to review, change or forget the answers.
import * as vscode from 'vscode';
import type { KeyAnswer, KeyApproval, KeyDestination } from '../core/keyDestinations';
import { PROVIDER_KEY_NAMES } from '../core/keyDestinations';
import type { ProviderKind } from '../core/types';
import type { ApiKeys } from './apiKeys';

export const ALLOW_FOR_FOLDER = 'Allow for This Folder';
export const DONT_SEND = "Don't Send";

/** Asks in a notification (not modal: VS Code stays usable); undefined when it is closed unanswered. */
export async function askAboutKeyDestination(
  _provider: ProviderKind,
  _to: KeyDestination,
  question: string,
): Promise<KeyAnswer | undefined> {
  const pick = await vscode.window.showWarningMessage(`Switchboard: ${question}`, ALLOW_FOR_FOLDER, DONT_SEND);
  return pick === ALLOW_FOR_FOLDER ? 'allow' : pick === DONT_SEND ? 'deny' : undefined;
}

/** The folder an answer is remembered for: the workspace file of a multi-root workspace, else the open folder. */
export function currentKeyFolder(): string {
  return vscode.workspace.workspaceFile?.toString() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString() ?? '';
}

function folderLabel(folder: string): string {
  if (folder === '') return 'no folder';
  try {
    const uri = vscode.Uri.parse(folder, true);
    return uri.scheme === 'file' ? uri.fsPath : folder;
  } catch {
    return folder;
  }
}

interface ApprovalItem extends vscode.QuickPickItem {
  approval: KeyApproval;
}

interface ActionItem extends vscode.QuickPickItem {
  answer: KeyAnswer | 'forget';
}

/** "Switchboard: Manage Key Destinations…": every remembered answer (this folder's first); pick one to allow, refuse or forget it. */
export async function manageKeyDestinationsCommand(keys: ApiKeys): Promise<void> {
  const here = currentKeyFolder();
  const approvals = [...keys.destinations()].sort((a, b) => Number(b.folder === here) - Number(a.folder === here) || b.at - a.at);
  if (approvals.length === 0) {
    void vscode.window.showInformationMessage(
      "Switchboard: no key destinations are remembered. When a folder's settings send a provider's requests somewhere new, Switchboard asks before your key goes there.",
    );
    return;
  }
  const picked = await vscode.window.showQuickPick<ApprovalItem>(
    approvals.map((a) => ({
      label: a.origin,
      description: `${PROVIDER_KEY_NAMES.get(a.provider) ?? a.provider} key · ${a.answer === 'allow' ? 'sent' : 'not sent'}`,
      detail: a.folder === here ? 'This folder' : folderLabel(a.folder),
      approval: a,
    })),
    { title: 'Switchboard: Key Destinations', placeHolder: 'Where your API keys may go, per folder: pick one to change or forget it' },
  );
  if (!picked) return;
  const a = picked.approval;
  const name = PROVIDER_KEY_NAMES.get(a.provider) ?? a.provider;
  const action = await vscode.window.showQuickPick<ActionItem>(
    [
      { label: 'Allow', description: `send the ${name} key to ${a.origin} from this folder`, answer: 'allow' },
      { label: DONT_SEND, description: 'requests there fail, naming the setting', answer: 'deny' },
      { label: 'Forget', description: 'ask again on the next request', answer: 'forget' },
    ],
    { title: `Switchboard: ${a.origin} — ${name} key, ${a.folder === here ? 'this folder' : folderLabel(a.folder)}` },
  );
  if (!action) return;
  if (action.answer === 'forget') await keys.forgetDestination(a);
  else await keys.rememberDestination({ ...a, answer: action.answer, at: Date.now() });
}
