// The single bridge from VS Code cancellation to the AbortSignal the core speaks.
import type * as vscode from 'vscode';

/** Runs `body` with a signal that aborts when `token` is cancelled; the listener is always disposed. */
export async function withAbortSignal<T>(
  token: vscode.CancellationToken | undefined,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (token?.isCancellationRequested) controller.abort();
  const listener = token?.onCancellationRequested(() => controller.abort());
  try {
    return await body(controller.signal);
  } finally {
    listener?.dispose();
  }
}
