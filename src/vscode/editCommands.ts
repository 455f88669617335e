// Edit selection (mid tier, reviewable diff) and refactor (frontier tier, refactor preview).
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { TaskRunner } from '../core/taskRunner';
import type { DecisionLog } from '../core/decisionLog';
import type { Notices } from './services';
import type { SettingsSource } from './settingsSource';
import type { ChatApi } from './chatView';
import { EditReviews } from './edits/editReview';
import { EditSelectionActions, editSelectionCommand } from './edits/editSelection';
import { refactorCommand } from './edits/refactor';

export function registerEditCommands(
  services: { context: vscode.ExtensionContext; runner: TaskRunner; settings: SettingsSource; logger: Logger; log: DecisionLog } & Notices,
  chat: ChatApi,
): void {
  const { context, logger } = services;
  const reviews = new EditReviews(logger, async (proposal, outcome) => {
    logger.info(`edit: proposal for ${proposal.document.uri.path.split('/').pop() ?? ''} ${outcome}`);
    if (proposal.record) await services.log.recordOutcome(proposal.record, outcome);
  });
  const failed = (what: string) => (e: unknown) => {
    logger.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage(
      `Switchboard: ${what} failed unexpectedly (${e instanceof Error ? e.message : String(e)}). The log has the details.`,
    );
  };
  context.subscriptions.push(
    reviews,
    vscode.commands.registerCommand('switchboard.acceptEdit', (target?: unknown) =>
      reviews.accept(target).catch(failed('Accepting the edit')),
    ),
    vscode.commands.registerCommand('switchboard.rejectEdit', (target?: unknown) =>
      reviews.reject(target).catch(failed('Rejecting the edit')),
    ),
    vscode.commands.registerCommand('switchboard.editSelection', (...args: unknown[]) =>
      editSelectionCommand(services, reviews, ...args).catch(failed('Edit selection')),
    ),
    vscode.commands.registerCommand('switchboard.refactor', () => refactorCommand(services, chat).catch(failed('Refactor'))),
    vscode.languages.registerCodeActionsProvider({ pattern: '**' }, new EditSelectionActions(), {
      providedCodeActionKinds: EditSelectionActions.kinds,
    }),
  );
}
