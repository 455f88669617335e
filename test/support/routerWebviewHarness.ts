// Runs the router panel's real webview bundle in headless chromium, outside VS Code: a loopback
// server serves it under the same CSP and nonce rules as src/vscode/webviewHtml.ts, with VS Code's
// theme classes and --vscode-* variables, and a fake acquireVsCodeApi that forwards posted messages
// to a fake host in the test process.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from '../harness/codeServer.mjs';
import type { RouterHostMessage, RouterWebviewMessage } from '../../src/shared/routerProtocol';
import { parseRouterWebviewMessage } from '../../src/shared/routerProtocol';
import { webviewTestPageHtml } from './webviewTestPage';

export type Theme = 'dark' | 'light' | 'high-contrast';

/** VS Code's Dark Modern / Light Modern / High Contrast values for the variables the panel uses. */
const THEME_VARIABLES: Record<Theme, Record<string, string>> = {
  dark: {
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    'editor-background': '#1f1f1f',
    'sideBar-background': '#181818',
    'panel-border': '#2b2b2b',
    'widget-border': '#313131',
    focusBorder: '#0078d4',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-border': '#ffffff12',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'dropdown-background': '#313131',
    'dropdown-foreground': '#cccccc',
    'dropdown-border': '#3c3c3c',
    'list-hoverBackground': '#2a2d2e',
    'list-inactiveSelectionBackground': '#37373d',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'charts-foreground': '#cccccc',
    'charts-lines': 'rgba(204, 204, 204, 0.5)',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700',
    'testing-iconPassed': '#73c991',
    'textLink-foreground': '#4daafc',
    'textCodeBlock-background': '#2b2b2b',
    'textBlockQuote-background': '#2b2b2b',
    'textBlockQuote-border': '#616161',
    'panelTitle-activeBorder': '#0078d4',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'progressBar-background': '#0078d4',
    'input-background': '#313131',
    'editorGroup-border': '#ffffff17',
    'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  },
  light: {
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    'editor-background': '#ffffff',
    'sideBar-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'widget-border': '#e5e5e5',
    focusBorder: '#005fb8',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-border': '#0000001a',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'dropdown-background': '#ffffff',
    'dropdown-foreground': '#3b3b3b',
    'dropdown-border': '#cecece',
    'list-hoverBackground': '#f2f2f2',
    'list-inactiveSelectionBackground': '#e4e6f1',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'charts-foreground': '#616161',
    'charts-lines': 'rgba(97, 97, 97, 0.5)',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    errorForeground: '#a1260d',
    'editorWarning-foreground': '#bf8803',
    'testing-iconPassed': '#388a34',
    'textLink-foreground': '#005fb8',
    'textCodeBlock-background': '#f3f3f3',
    'textBlockQuote-background': '#f8f8f8',
    'textBlockQuote-border': '#e5e5e5',
    'panelTitle-activeBorder': '#005fb8',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#616161',
    'progressBar-background': '#005fb8',
    'input-background': '#ffffff',
    'editorGroup-border': '#e5e5e5',
    'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
  },
  'high-contrast': {
    foreground: '#ffffff',
    descriptionForeground: '#ffffffb3',
    'editor-background': '#000000',
    'panel-border': '#6fc3df',
    'widget-border': '#6fc3df',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    focusBorder: '#f38518',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'dropdown-background': '#000000',
    'dropdown-foreground': '#ffffff',
    'dropdown-border': '#6fc3df',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'charts-foreground': '#ffffff',
    'charts-lines': 'rgba(255, 255, 255, 0.5)',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#ffd700',
    'charts-orange': '#f38518',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    errorForeground: '#f48771',
    'editorWarning-foreground': '#ffd700',
    'testing-iconPassed': '#73c991',
    'textLink-foreground': '#21a6ff',
    'textCodeBlock-background': '#000000',
    'panelTitle-activeBorder': '#f38518',
    'panelTitle-activeForeground': '#ffffff',
    'panelTitle-inactiveForeground': '#ffffff',
    'progressBar-background': '#6fc3df',
    'input-background': '#000000',
  },
};

const BODY_CLASS: Record<Theme, string> = { dark: 'vscode-dark', light: 'vscode-light', 'high-contrast': 'vscode-high-contrast' };

function themeCss(theme: Theme): string {
  const base: Record<string, string> = {
    'font-family': '"DejaVu Sans", "Segoe UI", Ubuntu, sans-serif',
    'font-size': '13px',
    'font-weight': 'normal',
    'editor-font-family': '"DejaVu Sans Mono", monospace',
    'editor-font-size': '13px',
  };
  const vars = { ...base, ...THEME_VARIABLES[theme] };
  return `html {\n${Object.entries(vars)
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n')}\n}\n`;
}

/** The fake VS Code API: posted messages go to the test through a playwright binding. */
const FAKE_API = `
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
let state;
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may only be called once');
  acquired = true;
  return {
    postMessage: (message) => window.__toHost(JSON.parse(JSON.stringify(message))),
    getState: () => state,
    setState: (s) => { state = s; return s; },
  };
};
`;

/** The router panel's stylesheets under media/, in the order the extension links them (src/vscode/webviewHtml.ts). */
const ROUTER_STYLESHEETS = ['base.css', 'router.css', 'router/decisions.css', 'router/cost.css', 'router/feel.css'];

export function pageHtml(origin: string, theme: Theme, nonce: string): string {
  const stylesheets = [`/theme/${theme}.css`, ...ROUTER_STYLESHEETS.map((file) => `/media/${file}`)];
  return webviewTestPageHtml({
    origin,
    nonce,
    bundle: 'router',
    title: 'Switchboard Router',
    stylesheets,
    bodyClass: BODY_CLASS[theme],
    fakeHostScript: FAKE_API,
  });
}

/** Builds the bundles with the project's own esbuild script. */
export function buildWebviewBundles(): void {
  const r = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node esbuild.js failed:\n${r.stdout}\n${r.stderr}`);
}

export interface WebviewServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the page, the theme css, the router panel's stylesheets and dist/webview/router.js on 127.0.0.1 (random port). */
export async function startWebviewServer(): Promise<WebviewServer> {
  const files: Record<string, [string, string]> = {
    ...Object.fromEntries(
      ROUTER_STYLESHEETS.map((file): [string, [string, string]] => [`/media/${file}`, [path.join(ROOT, 'media', file), 'text/css']]),
    ),
    '/dist/webview/router.js': [path.join(ROOT, 'dist', 'webview', 'router.js'), 'text/javascript'],
  };
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
      if (!(theme in THEME_VARIABLES)) return send(400, 'text/plain', 'unknown theme');
      return send(200, 'text/html', pageHtml(origin, theme, randomBytes(18).toString('base64')));
    }
    const themeMatch = /^\/theme\/([a-z-]+)\.css$/.exec(url.pathname);
    if (themeMatch && themeMatch[1] in THEME_VARIABLES) return send(200, 'text/css', themeCss(themeMatch[1] as Theme));
    // Chromium asks for a favicon whatever the CSP says; a webview has none.
    if (url.pathname === '/favicon.ico') return send(204, 'text/plain', '');
    const file = files[url.pathname];
    if (file) return send(200, file[1], fs.readFileSync(file[0]));
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Answers one validated webview message; returns the host's replies. */
export type FakeHostHandler = (message: RouterWebviewMessage) => RouterHostMessage[] | Promise<RouterHostMessage[]>;

export interface RouterWebview {
  page: Page;
  /** Every message the webview posted, in order (as received, before validation). */
  posted: unknown[];
  /** Messages the validator refused (there should be none). */
  rejected: unknown[];
  pageErrors: string[];
  /** Posts host messages into the webview as `message` events. */
  send(messages: RouterHostMessage[]): Promise<void>;
  /** Resolves with the first posted message (from `since` on) that satisfies `match`. */
  waitForPosted<T extends RouterWebviewMessage['type']>(
    type: T,
    since?: number,
    match?: (m: Extract<RouterWebviewMessage, { type: T }>) => boolean,
  ): Promise<Extract<RouterWebviewMessage, { type: T }>>;
  close(): Promise<void>;
}

/** Opens the panel page with a fake host: each posted message is validated, then handled. */
export async function openRouterWebview(
  browser: Browser,
  server: WebviewServer,
  theme: Theme,
  handle: FakeHostHandler,
  viewport = { width: 1280, height: 800 },
): Promise<RouterWebview> {
  const context = await browser.newContext({ viewport, colorScheme: theme === 'light' ? 'light' : 'dark' });
  const page = await context.newPage();
  const posted: unknown[] = [];
  const rejected: unknown[] = [];
  const pageErrors: string[] = [];
  const waiters: (() => void)[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  const send = async (messages: RouterHostMessage[]) => {
    if (messages.length === 0 || page.isClosed()) return;
    await page.evaluate((list) => {
      for (const data of list) window.dispatchEvent(new MessageEvent('message', { data }));
    }, messages);
  };
  await page.exposeBinding('__toHost', async (_source, raw: unknown) => {
    posted.push(raw);
    for (const wake of waiters.splice(0)) wake();
    const message = parseRouterWebviewMessage(raw);
    if (message === undefined) {
      rejected.push(raw);
      return;
    }
    await send(await handle(message));
  });
  const waitForPosted: RouterWebview['waitForPosted'] = (type, since = 0, match) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for the webview to post "${type}"; it posted: ${posted.map((m) => (m as { type?: string }).type).join(', ')}`,
            ),
          ),
        15_000,
      );
      const check = () => {
        for (let i = since; i < posted.length; i++) {
          const m = posted[i] as RouterWebviewMessage;
          if (m && m.type === type && (!match || match(m as never))) {
            clearTimeout(timer);
            resolve(m as never);
            return;
          }
        }
        waiters.push(check);
      };
      check();
    });
  await page.goto(`${server.origin}/?theme=${theme}`);
  return { page, posted, rejected, pageErrors, send, waitForPosted, close: () => context.close() };
}
