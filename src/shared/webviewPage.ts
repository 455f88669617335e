// The HTML of every Switchboard webview: a strict CSP (nothing but our own origin for styles, fonts
// and images; scripts only by nonce), our stylesheets, an empty #root, our bundle. No vscode, no DOM:
// the host fills in VS Code's cspSource and resource URLs, and the browser tests a loopback origin.

export interface WebviewPage {
  /** The only origin styles, fonts and images may come from (the webview's `cspSource`). */
  cspSource: string;
  /** A fresh random value per page: the only scripts that run carry it. */
  nonce: string;
  title: string;
  /** Stylesheet URLs, linked in this order. */
  stylesheets: readonly string[];
  /** The bundle's URL. */
  script: string;
  /** Browser tests only: code that runs before the bundle under the same nonce (a fake `acquireVsCodeApi`). */
  beforeScript?: string;
  /** Browser tests only: VS Code's theme class on <body>, which VS Code itself sets at runtime. */
  bodyClass?: string;
}

export function webviewPageHtml(page: WebviewPage): string {
  const { cspSource, nonce } = page;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = page.stylesheets.map((href) => `<link rel="stylesheet" href="${href}">\n`).join('');
  const bodyClass = page.bodyClass === undefined ? '' : ` class="${page.bodyClass}"`;
  const before = page.beforeScript === undefined ? '' : `<script nonce="${nonce}">${page.beforeScript}</script>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}<title>${page.title}</title>
</head>
<body${bodyClass}>
<div id="root"></div>
${before}<script nonce="${nonce}" src="${page.script}"></script>
</body>
</html>`;
}
