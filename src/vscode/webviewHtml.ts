// Webview HTML with a strict CSP: nothing but our own bundle (by nonce) and our own styles.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { webviewPageHtml } from '../shared/webviewPage';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  return webviewPageHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    title,
    stylesheets: [webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${bundle}.css`)).toString()],
    script: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
  });
}
