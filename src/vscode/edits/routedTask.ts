// Runs one routed edit or refactor request in a cancellable notification that shows the model and
// the tokens streamed so far. Cancel aborts the request (silently); the result comes back whole, so
// the output is buffered: a model that fails mid-answer hands over to the next one.
import * as vscode from 'vscode';
import type { SettingsSnapshot } from '../../core/settings/schema';
import type { ProviderKind } from '../../core/types';
import type { Decision } from '../../core/router/route';
import type { RunResult } from '../../core/router/execute';
import type { DecisionRecord } from '../../core/router/decision';
import type { TaskRequest } from '../../core/taskRunner';
import { estimateTokens } from '../../core/prompt/context';
import type { TaskRunner } from '../../core/taskRunner';
import type { Logger } from '../../core/ports';
import type { Notices } from '../services';
import { withAbortSignal } from '../cancellation';
import { failureMessage } from '../../panels/chat/answerMeta';

export type RoutedTaskOutcome =
  | { kind: 'done'; text: string; result: RunResult; record: DecisionRecord; decision: Decision }
  | { kind: 'aborted'; text: string; record: DecisionRecord | undefined }
  | { kind: 'failed'; message: string; needsKeyFor?: ProviderKind; record: DecisionRecord };

const PROGRESS_EVERY_MS = 100;

export async function runRoutedTask(
  services: { runner: Pick<TaskRunner, 'run'>; logger: Logger } & Pick<Notices, 'showBudgetSignals'>,
  request: TaskRequest,
  settings: SettingsSnapshot,
  title: string,
): Promise<RoutedTaskOutcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    withAbortSignal(token, async (signal) => {
      let decision: Decision | undefined;
      let model = '';
      let text = '';
      // The answering model's text so far (buffered output arrives as `held` until it is complete).
      let streamed = '';
      let lastReport = 0;
      for await (const event of services.runner.run({ ...request, output: 'buffered' }, settings, signal)) {
        switch (event.type) {
          case 'decision':
            decision = event.decision;
            services.logger.info(`${request.task}: ${decision.explanation}`);
            model = decision.chosen?.id ?? '';
            if (model) progress.report({ message: `asking ${model}…` });
            break;
          case 'hop':
            services.logger.info(`${request.task}: ${event.hop.text} (${event.hop.message})`);
            model = event.hop.to ?? model;
            streamed = '';
            progress.report({ message: event.hop.text });
            break;
          case 'held': {
            streamed += event.text;
            const now = performance.now();
            if (now - lastReport >= PROGRESS_EVERY_MS) {
              lastReport = now;
              progress.report({ message: `${model} · ~${estimateTokens(streamed).toLocaleString('en-US')} tokens` });
            }
            break;
          }
          case 'text':
            text += event.text;
            break;
          case 'done':
            services.showBudgetSignals(event.budgetSignals);
            if (event.result.aborted || signal.aborted) return { kind: 'aborted', text, record: event.record };
            return { kind: 'done', text, result: event.result, record: event.record, decision: decision! };
          case 'failed':
            services.showBudgetSignals(event.budgetSignals);
            if (signal.aborted) return { kind: 'aborted', text, record: event.record };
            return {
              kind: 'failed',
              message: failureMessage(event.error, decision!),
              record: event.record,
              ...(event.needsKeyFor && { needsKeyFor: event.needsKeyFor }),
            };
        }
      }
      throw new Error(`the ${request.task} request ended without a result`);
    }),
  );
}
