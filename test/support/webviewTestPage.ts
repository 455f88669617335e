// The page that browser tests load a webview bundle into: the product's own page (src/shared/webviewPage.ts,
// the same CSP and nonce rules), with the test's loopback server as the webview's resource origin (cspSource).
import { randomBytes } from 'node:crypto';
import { webviewPageHtml } from '../../src/shared/webviewPage';

export interface WebviewTestPage {
  /** The loopback server, e.g. `http://127.0.0.1:40123`: the only origin the CSP allows for styles, fonts and images. */
  origin: string;
  /** The bundle's name: the page loads `dist/webview/<bundle>.js`, as renderWebviewHtml does. */
  bundle: string;
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
  const { origin } = page;
  return webviewPageHtml({
    cspSource: origin,
    nonce: page.nonce ?? randomBytes(18).toString('base64'),
    title: page.title,
    stylesheets: page.stylesheets.map((href) => `${origin}${href}`),
    script: `${origin}/dist/webview/${page.bundle}.js`,
    beforeScript: page.fakeHostScript,
    ...(page.bodyClass !== undefined && { bodyClass: page.bodyClass }),
  });
}
