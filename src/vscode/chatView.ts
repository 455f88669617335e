// The chat view in the Switchboard sidebar: the webview and its host, and the small API other
// features use to put something into the conversation.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { TaskRunner } from '../core/taskRunner';
import type { Notices } from './services';
import type { SettingsSource } from './settingsSource';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import type { AppendedTurn } from './chat/chatHost';
import { ChatHost } from './chat/chatHost';
import { EditorContext } from './chat/editorContext';
import { pickWorkspaceFiles } from './workspace';
import { Disposable } from './lifecycle';

export const CHAT_VIEW_ID = 'switchboard.chat';

/** What other features may do with the chat. */
export interface ChatApi {
  /** Adds a finished turn to the conversation and shows the chat view. */
  appendTurn(turn: AppendedTurn): Promise<void>;
  /** Shows the chat view with the cursor in the question box. */
  reveal(): Promise<void>;
}

class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  /** The view's attachment to the host and its own listener, ended together when the view goes or is replaced. */
  private current: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: ChatHost,
  ) {
    super();
    this._register({ dispose: () => this.current?.dispose() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    // Attach before the HTML loads, so the webview's `ready` cannot be missed.
    this.current?.dispose();
    const current: vscode.Disposable = vscode.Disposable.from(
      this.host.attach(view.webview),
      view.onDidDispose(() => {
        current.dispose();
        if (this.current === current) this.current = undefined;
      }),
    );
    this.current = current;
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Switchboard Chat');
  }
}

export function registerChat(
  services: { context: vscode.ExtensionContext; runner: TaskRunner; settings: SettingsSource; logger: Logger } & Pick<
    Notices,
    'showBudgetSignals'
  >,
): ChatApi {
  const { context } = services;
  const editor = new EditorContext();
  const host = new ChatHost({
    runner: services.runner,
    settings: services.settings,
    logger: services.logger,
    state: context.workspaceState,
    editor,
    showBudgetSignals: (signals) => services.showBudgetSignals(signals),
    pickFiles: async () =>
      (await pickWorkspaceFiles({
        title: 'Switchboard: Add File to Chat',
        placeHolder: 'Type to find a file; Enter adds it as context',
        canPickMany: false,
        allowBrowse: true,
      })) ?? [],
  });
  const provider = new ChatViewProvider(context.extensionUri, host);
  const reveal = async (): Promise<void> => {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    host.focusInput();
  };
  context.subscriptions.push(
    editor,
    host,
    provider,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('switchboard.openChat', reveal),
  );
  return {
    async appendTurn(turn) {
      host.appendTurn(turn);
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    },
    reveal,
  };
}
