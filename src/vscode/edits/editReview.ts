// Reviewing an "edit selection" proposal: VS Code's diff editor (the file on the left, the proposal
// as a read-only virtual document on the right), Accept / Reject in a notification and in the diff
// editor's title bar. Accepting applies one undoable edit, and only if the file did not change meanwhile.
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import type { DecisionRecord } from '../../core/router/decision';
import { Disposable } from '../lifecycle';

export const PROPOSAL_SCHEME = 'switchboard-proposal';
const PENDING_CONTEXT_KEY = 'switchboard.editPending';

export interface EditProposal {
  id: string;
  /** The document as it was when the request started. */
  document: vscode.TextDocument;
  version: number;
  originalText: string;
  /** The selection the replacement takes the place of. */
  range: vscode.Range;
  replacement: string;
  /** Shown in the notification, e.g. `gpt-6-luna proposes an edit to greet.ts ($0.0004, 1.2 s)`. */
  summary: string;
  record?: DecisionRecord;
}

export type ApplyProposalResult = { kind: 'applied' } | { kind: 'stale'; message: string } | { kind: 'failed'; message: string };

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The proposal's whole file, as the right side of the diff shows it. */
export function proposedText(p: Pick<EditProposal, 'document' | 'originalText' | 'range' | 'replacement'>): string {
  const start = p.document.offsetAt(p.range.start);
  const end = p.document.offsetAt(p.range.end);
  return p.originalText.slice(0, start) + p.replacement + p.originalText.slice(end);
}

/** Applies the proposal as one undoable edit, unless the document changed since the request started. */
export async function applyProposal(p: EditProposal): Promise<ApplyProposalResult> {
  const name = baseName(p.document.uri);
  const stale = {
    kind: 'stale' as const,
    message: `${name} changed after the edit was requested, so the proposal was not applied and nothing was overwritten. Run Edit Selection again on the current text.`,
  };
  if (p.document.isClosed) {
    // A closed and reopened document starts a new version count: compare the text instead.
    const reopened = await vscode.workspace.openTextDocument(p.document.uri);
    if (reopened.getText() !== p.originalText) return stale;
  } else if (p.document.version !== p.version) {
    return stale;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(p.document.uri, p.range, p.replacement);
  const applied = await vscode.workspace.applyEdit(edit);
  return applied
    ? { kind: 'applied' }
    : { kind: 'failed', message: `VS Code could not apply the edit to ${name} (is the file read-only?). Nothing was changed.` };
}

type Outcome = 'accepted' | 'rejected';

interface Pending {
  proposal: EditProposal;
  uri: vscode.Uri;
  text: string;
}

export class EditReviews extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly pending = new Map<string, Pending>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly logger: Logger,
    private readonly onOutcome: (proposal: EditProposal, outcome: Outcome) => Promise<void>,
    /** Tests use their own scheme: the extension's instance already serves the real one. */
    private readonly scheme = PROPOSAL_SCHEME,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(scheme, this));
    this._register(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          // Closing the diff without a decision is a rejection (a decided proposal is no longer pending).
          const key = this.keyOf(tab);
          const entry = key === undefined ? undefined : this.pending.get(key);
          if (entry) void this.reject(entry.uri);
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pending.get(uri.toString())?.text ?? '';
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Shows the diff and asks; resolves once the diff is open (the decision comes later). */
  async open(proposal: EditProposal): Promise<vscode.Uri> {
    const source = proposal.document.uri;
    const uri = vscode.Uri.from({ scheme: this.scheme, path: source.path, query: `id=${proposal.id}` });
    this.pending.set(uri.toString(), { proposal, uri, text: proposedText(proposal) });
    await this.updateContext();
    await vscode.commands.executeCommand('vscode.diff', source, uri, `${baseName(source)} ↔ Switchboard's proposal`, { preview: false });
    void vscode.window
      .showInformationMessage(`Switchboard: ${proposal.summary}. Review the diff, then accept or reject it.`, 'Accept', 'Reject')
      .then(async (pick) => {
        if (pick === undefined) return;
        // The proposal may have been decided in the diff editor's title bar meanwhile.
        const decided = pick === 'Accept' ? (await this.accept(uri)) !== undefined : await this.reject(uri);
        if (!decided)
          void vscode.window.showInformationMessage(`Switchboard: that proposal for ${baseName(source)} was already accepted or rejected.`);
      });
    return uri;
  }

  /** The proposal a command means: its argument, else the diff in front, else the newest. */
  private find(target: unknown): Pending | undefined {
    if (target instanceof vscode.Uri) return this.pending.get(target.toString());
    const activeTab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const activeKey = activeTab ? this.keyOf(activeTab) : undefined;
    if (activeKey !== undefined && this.pending.has(activeKey)) return this.pending.get(activeKey);
    return [...this.pending.values()].pop();
  }

  async accept(target?: unknown): Promise<ApplyProposalResult | undefined> {
    const entry = this.find(target);
    if (!entry) return undefined;
    this.pending.delete(entry.uri.toString());
    const result = await applyProposal(entry.proposal);
    await this.close(entry);
    if (result.kind === 'applied') {
      await this.onOutcome(entry.proposal, 'accepted');
      await vscode.window.showTextDocument(entry.proposal.document.uri, { preview: false });
    } else {
      this.logger.warn(`edit: ${result.message}`);
      void vscode.window.showWarningMessage(`Switchboard: ${result.message}`);
    }
    return result;
  }

  async reject(target?: unknown): Promise<boolean> {
    const entry = this.find(target);
    if (!entry) return false;
    this.pending.delete(entry.uri.toString());
    await this.close(entry);
    await this.onOutcome(entry.proposal, 'rejected');
    return true;
  }

  private async close(entry: Pending): Promise<void> {
    const key = entry.uri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => this.keyOf(t) === key);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
    await this.updateContext();
  }

  private updateContext(): Thenable<unknown> {
    if (this.scheme !== PROPOSAL_SCHEME) return Promise.resolve();
    return vscode.commands.executeCommand('setContext', PENDING_CONTEXT_KEY, this.pending.size > 0);
  }

  private keyOf(tab: vscode.Tab): string | undefined {
    const input = tab.input;
    if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === this.scheme) return input.modified.toString();
    if (input instanceof vscode.TabInputText && input.uri.scheme === this.scheme) return input.uri.toString();
    return undefined;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.pending.clear();
    void this.updateContext();
    super.dispose();
  }
}
