// "Edit selection": the user's instruction and the selected code go to the edit route (mid tier);
// the answer becomes a diff to accept or reject.
import * as vscode from 'vscode';
import { buildEditSelectionPrompt, extractReplacementCode } from '../../core/edits/editPrompt';
import { PromptTooLargeError } from '../../core/prompt/context';
import { formatDuration, formatUsd } from '../../core/format';
import type { DecisionRecord } from '../../core/router/decision';
import type { TaskRunner } from '../../core/taskRunner';
import type { Logger } from '../../core/ports';
import type { Notices } from '../services';
import type { SettingsSource } from '../settingsSource';
import { displayPath, isCodeDocument } from '../workspace';
import { unusableAnswer } from '../../core/edits/answerCheck';
import type { EditReviews } from './editReview';
import { promptBudgetTokens } from '../../core/prompt/promptBudget';
import { runRoutedTask } from './routedTask';

/** An edit prompt needs the selection and the code around it, not the whole repository. */
export const EDIT_PROMPT_CAP_TOKENS = 16_000;

let proposalCounter = 0;

/** One line about who answered and what it cost, for notifications. */
export function answerSummary(record: DecisionRecord): string {
  const parts: string[] = [];
  if (record.costUsd !== null) parts.push(formatUsd(record.costUsd));
  if (record.totalMs !== null) parts.push(formatDuration(record.totalMs));
  const via = record.hops.length > 0 ? `, after ${record.hops.map((h) => h.text).join('; ')}` : '';
  return parts.length > 0 ? `${parts.join(', ')}${via}` : via.slice(2);
}

function selectionFrom(editor: vscode.TextEditor, args: readonly unknown[]): vscode.Range {
  // The code action passes the document and range it was offered for.
  const [uri, range] = args;
  if (uri instanceof vscode.Uri && range instanceof vscode.Range && uri.toString() === editor.document.uri.toString()) return range;
  return editor.selection;
}

export async function editSelectionCommand(
  services: { runner: TaskRunner; settings: SettingsSource; logger: Logger } & Notices,
  reviews: EditReviews,
  ...args: unknown[]
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isCodeDocument(editor.document)) {
    void vscode.window.showInformationMessage('Switchboard: open a file and select the code to edit, then run Edit Selection.');
    return;
  }
  const range = selectionFrom(editor, args);
  if (range.isEmpty) {
    void vscode.window.showInformationMessage('Switchboard: select the code you want changed, then run Edit Selection again.');
    return;
  }
  const document = editor.document;
  const version = document.version;
  const originalText = document.getText();
  const path = displayPath(document.uri);
  const lastLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  const instruction = await vscode.window.showInputBox({
    title: 'Switchboard: Edit Selection',
    prompt: `How should lines ${range.start.line + 1}–${lastLine} of ${path} change?`,
    placeHolder: 'e.g. handle an empty name; use a for-of loop; add JSDoc',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'Describe the change you want.' : undefined),
  });
  if (instruction === undefined || instruction.trim() === '') return;

  const settings = services.settings.snapshot(document.uri);
  const selection = document.getText(range);
  let prompt: ReturnType<typeof buildEditSelectionPrompt>;
  try {
    prompt = buildEditSelectionPrompt({
      instruction: instruction.trim(),
      path,
      languageId: document.languageId,
      before: originalText.slice(0, document.offsetAt(range.start)),
      selection,
      after: originalText.slice(document.offsetAt(range.end)),
      maxPromptTokens: promptBudgetTokens(settings, 'edit', EDIT_PROMPT_CAP_TOKENS),
    });
  } catch (e) {
    if (e instanceof PromptTooLargeError) {
      void vscode.window.showWarningMessage(`Switchboard: ${e.message}`);
      return;
    }
    throw e;
  }
  for (const note of prompt.notes) services.logger.info(`edit: ${note}`);

  const name = path.slice(path.lastIndexOf('/') + 1);
  const outcome = await runRoutedTask(
    services,
    {
      task: 'edit',
      call: { kind: 'chat', messages: prompt.messages },
      promptTokens: prompt.estimatedTokens,
      fileCount: 1,
      workspace: services.settings.workspaceKey(document.uri),
      language: document.languageId,
      question: instruction,
    },
    settings,
    `Switchboard: editing ${name}`,
  );
  if (outcome.kind === 'aborted') return;
  if (outcome.kind === 'failed') {
    services.logger.warn(`edit: ${outcome.message}`);
    services.showFailure(outcome.message, outcome.needsKeyFor);
    return;
  }
  const problem = unusableAnswer(outcome.result);
  if (problem) {
    services.logger.warn(`edit: ${problem}`);
    void vscode.window.showWarningMessage(`Switchboard: ${problem}`);
    return;
  }
  const replacement = extractReplacementCode(outcome.text, selection);
  const model = outcome.result.model.id;
  if (replacement.trim() === '') {
    void vscode.window.showWarningMessage(
      `Switchboard: ${model} answered without any code, so there is nothing to apply. Rephrase the instruction and try again.`,
    );
    return;
  }
  if (replacement === selection) {
    void vscode.window.showInformationMessage(`Switchboard: ${model} proposes no change to the selection.`);
    return;
  }
  const summary = answerSummary(outcome.record);
  await reviews.open({
    id: `${Date.now().toString(36)}-${(++proposalCounter).toString(36)}`,
    document,
    version,
    originalText,
    range,
    replacement,
    summary: `${model} proposes an edit to ${name}${summary ? ` (${summary})` : ''}`,
    record: outcome.record,
  });
}

/** Offers "Edit with Switchboard…" on a non-empty selection (the lightbulb and the Refactor menu). */
export class EditSelectionActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (range.isEmpty || !isCodeDocument(document)) return [];
    const action = new vscode.CodeAction('Edit with Switchboard…', vscode.CodeActionKind.RefactorRewrite);
    action.command = {
      command: 'switchboard.editSelection',
      title: 'Edit with Switchboard…',
      arguments: [document.uri, new vscode.Range(range.start, range.end)],
    };
    return [action];
  }
}
