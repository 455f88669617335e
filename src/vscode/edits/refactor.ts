// "Refactor": the selection and the files the user picks (plus files they import, when the budget
// allows) go to the refactor route (frontier tier); the search/replace answer becomes a Refactor
// Preview. An answer that cannot be applied changes nothing and goes to the chat.
import * as vscode from 'vscode';
import type { PromptFile, RefactorPrompt } from '../../core/edits/editPrompt';
import { buildRefactorPrompt } from '../../core/edits/editPrompt';
import { PromptTooLargeError, fenceFor } from '../../core/prompt/context';
import { applySearchReplace, parseSearchReplace, pathsOfBlocks } from '../../core/edits/searchReplace';
import type { EditError } from '../../core/edits/searchReplace';
import type { TaskRunner } from '../../core/taskRunner';
import type { Logger } from '../../core/ports';
import type { DecisionLog } from '../../core/decisionLog';
import type { Notices } from '../services';
import type { SettingsSource } from '../settingsSource';
import type { ChatApi } from '../chatView';
import { buildAnswerMeta } from '../../panels/chat/answerMeta';
import { displayPath, isCodeDocument } from '../workspace';
import { unusableAnswer } from '../../core/edits/answerCheck';
import { answerSummary } from './editSelection';
import { promptBudgetTokens } from '../../core/prompt/promptBudget';
import { buildRefactorEdit } from './refactorEdit';
import { referencedFiles } from '../../core/edits/referencedFiles';
import type { RoutedTaskOutcome } from './routedTask';
import { runRoutedTask } from './routedTask';
import { listWorkspaceFiles, pickWorkspaceFiles, uriForWorkspacePath, writeTargetProblems } from '../workspace';

/** A refactor prompt may be big (a frontier model reads it), but not unbounded: cost and time grow with it. */
export const REFACTOR_PROMPT_CAP_TOKENS = 100_000;
export const MAX_REFERENCED_FILES = 8;
/** Files bigger than this are not sent (and cannot be edited by a refactor). */
const MAX_REFACTOR_FILE_CHARS = 1_000_000;

export interface ReadFile extends PromptFile {
  document: vscode.TextDocument;
  version: number;
}

async function readDocument(uri: vscode.Uri): Promise<ReadFile | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    if (text.length > MAX_REFACTOR_FILE_CHARS) return undefined;
    return { path: displayPath(uri), text, languageId: document.languageId, document, version: document.version };
  } catch {
    // Binary, deleted or unreadable: not something a refactor can change.
    return undefined;
  }
}

function describeErrors(errors: readonly EditError[]): string {
  const shown = errors.slice(0, 3).map((e) => e.message);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more problems)` : '';
  return shown.join(' ') + more;
}

export async function refactorCommand(
  services: { runner: TaskRunner; settings: SettingsSource; logger: Logger; log: Pick<DecisionLog, 'recordOutcome'> } & Notices,
  chat: ChatApi,
): Promise<void> {
  const active = vscode.window.activeTextEditor;
  const editor = active && isCodeDocument(active.document) ? active : undefined;
  const files = await listWorkspaceFiles();
  const picked = await pickWorkspaceFiles({
    title: 'Switchboard: Refactor — which files may change?',
    placeHolder: 'Tick the files to change (files they import are added when they fit), then press Enter',
    canPickMany: true,
    preselected: editor && editor.document.uri.scheme !== 'untitled' ? [editor.document.uri] : [],
    files,
  });
  if (picked === undefined) return;
  const selectionRange = editor && !editor.selection.isEmpty ? editor.selection : undefined;
  if (picked.length === 0 && !selectionRange) {
    void vscode.window.showInformationMessage('Switchboard: tick at least one file (or select code first), then run Refactor again.');
    return;
  }
  const instruction = (
    await vscode.window.showInputBox({
      title: 'Switchboard: Refactor',
      prompt: `What should change across ${picked.length === 0 ? 'the selection' : `${picked.length} file${picked.length === 1 ? '' : 's'}`}?`,
      placeHolder: 'e.g. rename greet to welcome everywhere; extract the parsing into its own module',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Describe the change you want.' : undefined),
    })
  )?.trim();
  if (!instruction) return;

  const pickedUris = picked.length > 0 ? picked : [editor!.document.uri];
  const pickedFiles = (await Promise.all(pickedUris.map(readDocument))).filter((f): f is ReadFile => f !== undefined);
  if (pickedFiles.length === 0) {
    void vscode.window.showWarningMessage('Switchboard: none of the chosen files could be read as text, so there is nothing to refactor.');
    return;
  }
  const known = new Set(files.map((f) => f.path));
  const referencedUris = referencedFiles(pickedFiles, known, MAX_REFERENCED_FILES)
    .map(uriForWorkspacePath)
    .filter((u): u is vscode.Uri => u !== undefined);
  const references = (await Promise.all(referencedUris.map(readDocument))).filter((f): f is ReadFile => f !== undefined);

  const first = pickedFiles[0].document.uri;
  const settings = services.settings.snapshot(first);
  let prompt: RefactorPrompt;
  try {
    prompt = buildRefactorPrompt({
      instruction,
      ...(selectionRange &&
        editor && {
          selection: {
            path: displayPath(editor.document.uri),
            text: editor.document.getText(selectionRange),
            startLine: selectionRange.start.line + 1,
            endLine: selectionRange.end.line + 1,
            languageId: editor.document.languageId,
          },
        }),
      pickedFiles,
      referencedFiles: references,
      maxPromptTokens: promptBudgetTokens(settings, 'refactor', REFACTOR_PROMPT_CAP_TOKENS),
    });
  } catch (e) {
    if (e instanceof PromptTooLargeError) {
      void vscode.window.showWarningMessage(`Switchboard: ${e.message}`);
      return;
    }
    throw e;
  }
  for (const note of prompt.notes) services.logger.info(`refactor: ${note}`);

  const outcome = await runRoutedTask(
    services,
    {
      task: 'refactor',
      call: { kind: 'chat', messages: prompt.messages },
      promptTokens: prompt.estimatedTokens,
      fileCount: prompt.includedFiles.length + prompt.truncatedFiles.length,
      workspace: services.settings.workspaceKey(first),
      question: instruction,
    },
    settings,
    `Switchboard: refactoring ${progressSubject(pickedFiles, prompt.includedFiles.length + prompt.truncatedFiles.length)}`,
  );
  if (outcome.kind === 'aborted') return;
  if (outcome.kind === 'failed') {
    services.logger.warn(`refactor: ${outcome.message}`);
    services.showFailure(outcome.message, outcome.needsKeyFor);
    return;
  }
  await proposeRefactor(services, chat, instruction, outcome, [...pickedFiles, ...references]);
}

/**
 * Turns a refactor answer into the Refactor Preview: parses and matches its blocks against the files as
 * their documents hold them now (`read`: the files already read for the prompt), and waits for the user.
 * An answer that cannot be applied changes nothing and goes to the chat with the reason.
 */
export async function proposeRefactor(
  services: { logger: Logger; log: Pick<DecisionLog, 'recordOutcome'> },
  chat: ChatApi,
  instruction: string,
  outcome: Extract<RoutedTaskOutcome, { kind: 'done' }>,
  read: readonly ReadFile[],
): Promise<void> {
  const notApplied = (problem: string) => reportNotApplied(services, chat, instruction, outcome, problem);

  const cutOff = unusableAnswer(outcome.result);
  if (cutOff) return notApplied(cutOff);
  const parsed = parseSearchReplace(outcome.text);
  if (!parsed.ok) return notApplied(describeErrors(parsed.errors));

  const targets: { path: string; uri: vscode.Uri }[] = [];
  for (const path of pathsOfBlocks(parsed.blocks)) {
    const uri = uriForWorkspacePath(path);
    if (!uri) return notApplied(`The answer edits ${path}, which is not inside an open workspace folder. Nothing was applied.`);
    targets.push({ path, uri });
  }
  const outside = await writeTargetProblems(targets);
  if (outside.length > 0) return notApplied(refusal(outside));

  // Every file the blocks name, as its document holds it now; files that do not exist are left out (a block may create them).
  const readByPath = new Map(read.map((f) => [f.path, f]));
  const texts = new Map<string, string>();
  const existing = new Set<string>();
  for (const { path, uri } of targets) {
    const already = readByPath.get(path);
    if (already) {
      if (already.document.version !== already.version || already.document.isClosed) {
        return notApplied(
          `${path} changed while ${outcome.result.model.id} was answering, so its edits may no longer fit. Nothing was applied; run Refactor again.`,
        );
      }
      texts.set(path, already.text);
      existing.add(path);
      continue;
    }
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const read = await readDocument(uri);
    if (!read) return notApplied(`The answer edits ${path}, which cannot be read as text. Nothing was applied.`);
    readByPath.set(path, read);
    texts.set(path, read.text);
    existing.add(path);
  }
  const applied = applySearchReplace(parsed.blocks, texts);
  if (!applied.ok) return notApplied(describeErrors(applied.errors));

  const model = outcome.result.model.id;
  const fileCount = applied.files.length;
  const blockCount = applied.files.reduce((n, f) => n + f.edits.length, 0);
  const { edit, changeCount, sensitive } = buildRefactorEdit(
    applied.files,
    (path) => uriForWorkspacePath(path)!,
    {
      label: `Switchboard: ${instruction.length > 80 ? `${instruction.slice(0, 77)}…` : instruction}`,
      description: `${model} · ${blockCount} change${blockCount === 1 ? '' : 's'} in ${fileCount} file${fileCount === 1 ? '' : 's'}`,
    },
    (path) => existing.has(path),
  );
  // Again, just before VS Code gets the edit: a link may have changed while the files were read.
  const outsideNow = await writeTargetProblems(targets);
  if (outsideNow.length > 0) return notApplied(refusal(outsideNow));
  services.logger.info(`refactor: ${model} proposes ${changeCount} changes in ${fileCount} files; showing the Refactor Preview`);
  for (const s of sensitive) services.logger.info(`refactor: ${s.path} is left unticked: ${s.target.warning} (${s.target.why})`);
  const summary = answerSummary(outcome.record);
  const proposes = `Switchboard: ${model} proposes ${changeCount} change${changeCount === 1 ? '' : 's'} in ${fileCount} file${fileCount === 1 ? '' : 's'}${summary ? ` (${summary})` : ''}.`;
  if (sensitive.length === 0) {
    void vscode.window.showInformationMessage(`${proposes} Review it in the Refactor Preview and press Apply, or Discard.`);
  } else {
    // The warning first: a collapsed notification shows only its start.
    const marked = sensitive.map((s) => `${s.path} ${s.target.warning.replace(/^this file /, '')}`).join('; ');
    void vscode.window.showWarningMessage(
      `Switchboard: not ticked, ${marked}. ${proposes.replace(/^Switchboard: /, '')} In the Refactor Preview, tick ${sensitive.length === 1 ? 'it' : 'them'} only if you meant ${sensitive.length === 1 ? 'it' : 'them'}; Apply applies the ticked changes, Discard drops them all.`,
    );
  }
  const accepted = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  await services.log.recordOutcome(outcome.record, accepted ? 'accepted' : 'rejected');
  services.logger.info(`refactor: ${accepted ? 'applied' : 'discarded'} (${outcome.record.id})`);
}

/** What the chat and the warning say about targets outside the workspace by real path. */
function refusal(problems: readonly string[]): string {
  return `Refused: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}. Nothing was applied.`;
}

/** `main.ts`, `main.ts and 2 more files`: what the progress notification names. */
function progressSubject(picked: readonly { path: string }[], sent: number): string {
  const first = picked[0].path.slice(picked[0].path.lastIndexOf('/') + 1);
  const more = Math.max(sent, picked.length) - 1;
  return more > 0 ? `${first} and ${more} more file${more === 1 ? '' : 's'}` : first;
}

async function reportNotApplied(
  services: { logger: Logger; log: Pick<DecisionLog, 'recordOutcome'> },
  chat: ChatApi,
  instruction: string,
  outcome: Extract<RoutedTaskOutcome, { kind: 'done' }>,
  problem: string,
): Promise<void> {
  services.logger.warn(`refactor: ${problem}`);
  await services.log.recordOutcome(outcome.record, 'error');
  const fence = fenceFor(outcome.text);
  await chat.appendTurn({
    userText: `Refactor: ${instruction}`,
    // Fenced: the raw search/replace blocks would otherwise be read as markdown (======= makes a heading).
    answerText: `> **Not applied.** ${problem}\n\nThe answer as it came:\n\n${fence}text\n${outcome.text.replace(/\n?$/, '\n')}${fence}`,
    meta: buildAnswerMeta({ decision: outcome.decision, record: outcome.record, model: outcome.result.model }),
  });
  void vscode.window
    .showWarningMessage(`Switchboard: the refactor was not applied — ${problem} Its answer is in the chat.`, 'Show Chat')
    .then((pick) => {
      if (pick) void chat.reveal();
    });
}
