// The page that browser tests load a webview bundle into: the same CSP and nonce rules as
// src/vscode/webviewHtml.ts, with the test's loopback server as the webview's resource origin (cspSource).
import { randomBytes } from 'node:crypto';

export interface WebviewTestPage {
  /** The loopback server, e.g. `http://127.0.0.1:40123`: the only origin the CSP allows for styles, fonts and images. */
  origin: string;
  /** The bundle's name: the page loads `dist/webview/<bundle>.js`, as renderWebviewHtml does. */
  bundle: string;
  /** The page title, also the root element's accessible name. */
  title: string;
  /** Paths on the origin, linked in this order. */
  stylesheets: readonly string[];
  /** Runs before the bundle, under the same nonce: the fake `acquireVsCodeApi` and whatever else the test needs. */
  fakeHostScript: string;
  /** VS Code's theme class on <body> (`vscode-dark`, …), when the test sets it up front. */
  bodyClass?: string;
  /** A fresh one per page unless the test needs to know it. */
  nonce?: string;
}

export function webviewTestPageHtml(page: WebviewTestPage): string {
  const { origin, nonce = randomBytes(18).toString('base64') } = page;
  const csp = ["default-src 'none'", `img-src ${origin} data:`, `style-src ${origin}`, `font-src ${origin}`, `script-src 'nonce-${nonce}'`].join('; ');
  const links = page.stylesheets.map((href) => `<link rel="stylesheet" href="${origin}${href}">\n`).join('');
  const bodyClass = page.bodyClass === undefined ? '' : ` class="${page.bodyClass}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}<title>${page.title}</title>
</head>
<body${bodyClass}>
<div id="root" role="application" aria-label="${page.title}"></div>
<script nonce="${nonce}">${page.fakeHostScript}</script>
<script nonce="${nonce}" src="${origin}/dist/webview/${page.bundle}.js"></script>
</body>
</html>`;
}
