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

/** Each page's stylesheets under media/, linked in this order: the shared base first, then the page's own. */
const STYLESHEETS: Readonly<Record<string, readonly string[]>> = {
  chat: ['base.css', 'chat.css', 'chat/answer.css', 'chat/composer.css'],
  router: ['base.css', 'router.css', 'router/decisions.css', 'router/cost.css', 'router/feel.css'],
};

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  return webviewPageHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    title,
    stylesheets: (STYLESHEETS[bundle] ?? ['base.css', `${bundle}.css`]).map((file) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...file.split('/'))).toString(),
    ),
    script: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
  });
}
