// The chat view in the Switchboard sidebar.
import type * as vscode from 'vscode';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

export class ChatViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'switchboard.chat';
  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Switchboard Chat');
  }
}
