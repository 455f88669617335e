import assert from 'node:assert/strict';
import { webviewPageHtml } from '../../../src/shared/webviewPage';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'n0nce+/=',
  title: 'Switchboard Router',
  stylesheets: ['https://file+.vscode-resource.vscode-cdn.net/ext/media/router.css'],
  script: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/router.js',
};

function cspOf(html: string): Map<string, string> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'a CSP meta tag');
  return new Map(
    content.split(';').map(
      (d) =>
        d
          .trim()
          .split(/\s+(.*)/s)
          .slice(0, 2) as [string, string],
    ),
  );
}

describe('webview page', () => {
  it('allows nothing by default, scripts only by nonce, and styles, fonts and images only from the webview origin', () => {
    const csp = cspOf(webviewPageHtml(page));
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('script-src'), `'nonce-${page.nonce}'`);
    assert.equal(csp.get('style-src'), page.cspSource);
    assert.equal(csp.get('font-src'), page.cspSource);
    assert.equal(csp.get('img-src'), `${page.cspSource} data:`);
    assert.deepEqual([...csp.keys()].sort(), ['default-src', 'font-src', 'img-src', 'script-src', 'style-src']);
  });

  it('loads one script, the bundle, under the nonce, and the stylesheets in order', () => {
    const html = webviewPageHtml({ ...page, stylesheets: ['a.css', 'b.css'] });
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [` nonce="${page.nonce}" src="${page.script}"`]);
    assert.deepEqual(
      [...html.matchAll(/<link rel="stylesheet" href="([^"]*)">/g)].map((m) => m[1]),
      ['a.css', 'b.css'],
    );
    assert.match(html, /<div id="root"><\/div>/);
    assert.match(html, /<body>/, 'no theme class: VS Code sets it');
  });

  it('runs a test page’s fake host first, under the same nonce', () => {
    const html = webviewPageHtml({ ...page, beforeScript: 'window.acquireVsCodeApi = () => ({});', bodyClass: 'vscode-dark' });
    const scripts = [...html.matchAll(/<script nonce="([^"]*)"( src="[^"]*")?>/g)];
    assert.equal(scripts.length, 2);
    assert.ok(scripts.every((m) => m[1] === page.nonce));
    assert.equal(scripts[0][2], undefined, 'the inline fake host comes first');
    assert.match(html, /<body class="vscode-dark">/);
  });
});
