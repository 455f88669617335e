// The chat view in the Switchboard sidebar.
import * as vscode from 'vscode';
import type { Services } from './services';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

class ChatViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'switchboard.chat';
  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Switchboard Chat');
  }
}

export function registerChat(services: Services): void {
  const { context } = services;
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, new ChatViewProvider(context.extensionUri), { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('switchboard.openChat', () => vscode.commands.executeCommand('switchboard.chat.focus')),
  );
}
